package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestBuckets(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	for _, b := range []string{"bkt-a", "bkt-b", "other"} {
		e.bucket(t, b)
	}
	t.Run("create existing", func(t *testing.T) {
		_, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bkt-a")})
		wantCode(t, err, "BucketAlreadyOwnedByYou")
	})
	t.Run("create with matching region", func(t *testing.T) {
		_, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("with-region"),
			CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(testRegion)}})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("create with other region", func(t *testing.T) {
		_, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket"),
			CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
		wantCode(t, err, "IllegalLocationConstraintException")
	})
	t.Run("list", func(t *testing.T) {
		out, err := e.s3.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, b := range out.Buckets {
			names = append(names, *b.Name)
		}
		if strings.Join(names, ",") != "bkt-a,bkt-b,other,with-region" {
			t.Fatalf("buckets = %v", names)
		}
	})
	t.Run("list prefix paginated", func(t *testing.T) {
		out, err := e.s3.ListBuckets(ctx, &s3.ListBucketsInput{Prefix: aws.String("bkt-"), MaxBuckets: aws.Int32(1)})
		if err != nil || len(out.Buckets) != 1 || *out.Buckets[0].Name != "bkt-a" || out.ContinuationToken == nil {
			t.Fatalf("page 1 = %+v, %v", out, err)
		}
		out, err = e.s3.ListBuckets(ctx, &s3.ListBucketsInput{Prefix: aws.String("bkt-"), MaxBuckets: aws.Int32(1), ContinuationToken: out.ContinuationToken})
		if err != nil || len(out.Buckets) != 1 || *out.Buckets[0].Name != "bkt-b" {
			t.Fatalf("page 2 = %+v, %v", out, err)
		}
	})
	t.Run("head", func(t *testing.T) {
		out, err := e.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("bkt-a")})
		if err != nil || aws.ToString(out.BucketRegion) != testRegion {
			t.Fatalf("HeadBucket = %+v, %v", out, err)
		}
		_, err = e.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("missing")})
		wantCode(t, err, "NotFound")
	})
	t.Run("location", func(t *testing.T) {
		out, err := e.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("bkt-a")})
		if err != nil || out.LocationConstraint != "" {
			t.Fatalf("GetBucketLocation = %+v, %v", out, err)
		}
		_, err = e.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("missing")})
		wantCode(t, err, "NoSuchBucket")
	})
	t.Run("versioning", func(t *testing.T) {
		out, err := e.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("bkt-a")})
		if err != nil || out.Status != "" {
			t.Fatalf("GetBucketVersioning = %+v, %v", out, err)
		}
	})
	t.Run("delete not empty", func(t *testing.T) {
		e.put(t, "bkt-b", "k", "x")
		_, err := e.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("bkt-b")})
		wantCode(t, err, "BucketNotEmpty")
	})
	t.Run("delete", func(t *testing.T) {
		req := signedRequest(t, "DELETE", e.srv.URL+"/other", testSecretKey, nil, nil)
		resp, _ := do(t, req)
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("DeleteBucket status %d", resp.StatusCode)
		}
		_, err := e.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("other")})
		wantCode(t, err, "NoSuchBucket")
	})
	t.Run("no such bucket body names it", func(t *testing.T) {
		resp, body := do(t, signedRequest(t, "GET", e.srv.URL+"/missing?location", testSecretKey, nil, nil))
		if resp.StatusCode != 404 || !strings.Contains(string(body), "<BucketName>missing</BucketName>") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("minio-go", func(t *testing.T) {
		ok, err := e.minio.BucketExists(ctx, "bkt-a")
		if err != nil || !ok {
			t.Fatalf("BucketExists = %v, %v", ok, err)
		}
		ok, err = e.minio.BucketExists(ctx, "missing")
		if err != nil || ok {
			t.Fatalf("BucketExists(missing) = %v, %v", ok, err)
		}
	})
}
