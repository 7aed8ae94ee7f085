package api

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// enableVersioning sets the versioning status of bucket.
func (e *env) versioning(t *testing.T, bucket string, status types.BucketVersioningStatus) {
	t.Helper()
	_, err := e.s3.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: status}})
	if err != nil {
		t.Fatalf("PutBucketVersioning %s: %v", status, err)
	}
}

// getBody reads bucket/key (at versionID when set).
func (e *env) getBody(t *testing.T, bucket, key, versionID string) (string, error) {
	t.Helper()
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	out, err := e.s3.GetObject(t.Context(), in)
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return string(b), err
}

func TestPutBucketVersioning(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "vers")
	status := func() types.BucketVersioningStatus {
		out, err := e.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Status
	}
	if got := status(); got != "" {
		t.Fatalf("new bucket status %q", got)
	}
	e.versioning(t, b, types.BucketVersioningStatusEnabled)
	tests := []struct {
		name, body, code string
	}{
		{"bad status", `<VersioningConfiguration><Status>Bogus</Status></VersioningConfiguration>`, "MalformedXML"},
		{"no status", `<VersioningConfiguration></VersioningConfiguration>`, "MalformedXML"},
		{"not xml", `<VersioningConfiguration>`, "MalformedXML"},
		{"wrong root", `<Versioning><Status>Enabled</Status></Versioning>`, "MalformedXML"},
		{"mfa", `<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>`, "NotImplemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signedRequest(t, http.MethodPut, e.srv.URL+"/"+b+"?versioning", testSecretKey, []byte(tt.body), nil)
			resp, body := do(t, req)
			if got := errorCode(body); got != tt.code {
				t.Fatalf("status %d code %q, want %q", resp.StatusCode, got, tt.code)
			}
			if got := status(); got != types.BucketVersioningStatusEnabled {
				t.Fatalf("status changed to %q", got)
			}
		})
	}
	e.versioning(t, b, types.BucketVersioningStatusSuspended)
	if got := status(); got != types.BucketVersioningStatusSuspended {
		t.Fatalf("status %q, want Suspended", got)
	}
	_, err := e.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("missing-bucket"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	wantCode(t, err, "NoSuchBucket")
}

func TestVersionedObjects(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "versioned")
	e.versioning(t, b, types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(e.put(t, b, "k", "one").VersionId)
	v2 := aws.ToString(e.put(t, b, "k", "two").VersionId)
	if v1 == "" || v2 == "" || v1 == v2 || v1 == "null" {
		t.Fatalf("version ids %q %q", v1, v2)
	}
	if got, err := e.getBody(t, b, "k", ""); err != nil || got != "two" {
		t.Fatalf("latest = %q, %v", got, err)
	}
	if got, err := e.getBody(t, b, "k", v1); err != nil || got != "one" {
		t.Fatalf("v1 = %q, %v", got, err)
	}
	del, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) == "" {
		t.Fatalf("DeleteObject = %+v, %v", del, err)
	}
	marker := aws.ToString(del.VersionId)
	t.Run("delete marker answers", func(t *testing.T) {
		resp, body := do(t, signedRequest(t, http.MethodGet, e.srv.URL+"/"+b+"/k", testSecretKey, nil, nil))
		if resp.StatusCode != 404 || errorCode(body) != "NoSuchKey" || resp.Header.Get("x-amz-delete-marker") != "true" {
			t.Fatalf("GET latest marker: %d %s %v", resp.StatusCode, body, resp.Header)
		}
		resp, _ = do(t, signedRequest(t, http.MethodHead, e.srv.URL+"/"+b+"/k?versionId="+marker, testSecretKey, nil, nil))
		if resp.StatusCode != 405 || resp.Header.Get("x-amz-delete-marker") != "true" || resp.Header.Get("x-amz-version-id") != marker ||
			resp.Header.Get("Last-Modified") == "" {
			t.Fatalf("HEAD marker version: %d %v", resp.StatusCode, resp.Header)
		}
		resp, body = do(t, signedRequest(t, http.MethodGet, e.srv.URL+"/"+b+"/k?versionId="+marker, testSecretKey, nil, nil))
		if resp.StatusCode != 405 || errorCode(body) != "MethodNotAllowed" {
			t.Fatalf("GET marker version: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("list versions", func(t *testing.T) {
		out, err := e.s3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Versions) != 2 || len(out.DeleteMarkers) != 1 || !aws.ToBool(out.DeleteMarkers[0].IsLatest) ||
			aws.ToString(out.Versions[0].VersionId) != v2 || aws.ToString(out.Versions[1].VersionId) != v1 {
			t.Fatalf("ListObjectVersions = %+v", out)
		}
		page, err := e.s3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b), MaxKeys: aws.Int32(2)})
		if err != nil || !aws.ToBool(page.IsTruncated) || aws.ToString(page.NextVersionIdMarker) == "" {
			t.Fatalf("page 1 = %+v, %v", page, err)
		}
		rest, err := e.s3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b), KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker})
		if err != nil || len(rest.Versions)+len(rest.DeleteMarkers) != 1 || aws.ToString(rest.Versions[0].VersionId) != v1 {
			t.Fatalf("page 2 = %+v, %v", rest, err)
		}
	})
	t.Run("restore by copy", func(t *testing.T) {
		out, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("k"), CopySource: aws.String(b + "/k?versionId=" + v1)})
		if err != nil || aws.ToString(out.CopySourceVersionId) != v1 || aws.ToString(out.VersionId) == "" {
			t.Fatalf("CopyObject = %+v, %v", out, err)
		}
		if got, err := e.getBody(t, b, "k", ""); err != nil || got != "one" {
			t.Fatalf("restored = %q, %v", got, err)
		}
		_, err = e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("x"), CopySource: aws.String(b + "/k?versionId=" + marker)})
		wantCode(t, err, "InvalidRequest")
	})
	t.Run("permanent delete", func(t *testing.T) {
		out, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("k"), VersionId: aws.String(marker)})
		if err != nil || !aws.ToBool(out.DeleteMarker) || aws.ToString(out.VersionId) != marker {
			t.Fatalf("delete marker removal = %+v, %v", out, err)
		}
		res, err := e.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
			{Key: aws.String("k"), VersionId: aws.String(v2)}}}})
		if err != nil || len(res.Deleted) != 1 || aws.ToString(res.Deleted[0].VersionId) != v2 {
			t.Fatalf("DeleteObjects = %+v, %v", res, err)
		}
		_, err = e.getBody(t, b, "k", v2)
		wantCode(t, err, "NoSuchVersion")
		if got, err := e.getBody(t, b, "k", v1); err != nil || got != "one" {
			t.Fatalf("v1 = %q, %v", got, err)
		}
	})
	t.Run("suspended writes the null version", func(t *testing.T) {
		e.versioning(t, b, types.BucketVersioningStatusSuspended)
		out := e.put(t, b, "k", "n1")
		if aws.ToString(out.VersionId) != "null" {
			t.Fatalf("suspended put version %q", aws.ToString(out.VersionId))
		}
		e.put(t, b, "k", "n2")
		if got, err := e.getBody(t, b, "k", "null"); err != nil || got != "n2" {
			t.Fatalf("null version = %q, %v", got, err)
		}
		if got, err := e.getBody(t, b, "k", v1); err != nil || got != "one" {
			t.Fatalf("v1 after suspend = %q, %v", got, err)
		}
		list, err := e.s3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b), Prefix: aws.String("k")})
		if err != nil || len(list.Versions) < 2 {
			t.Fatalf("versions = %+v, %v", list, err)
		}
		var nulls int
		for _, v := range list.Versions {
			if strings.EqualFold(aws.ToString(v.VersionId), "null") {
				nulls++
			}
		}
		if nulls != 1 {
			t.Fatalf("%d null versions", nulls)
		}
		if _, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("k"), VersionId: aws.String("null")}); err != nil {
			t.Fatalf("delete of the null version: %v", err)
		}
		_, err = e.getBody(t, b, "k", "null")
		wantCode(t, err, "NoSuchVersion")
		if got, err := e.getBody(t, b, "k", ""); err != nil || got != "one" {
			t.Fatalf("latest after removing the null version = %q, %v", got, err)
		}
	})
}

// TestBucketDeletionDropsConfiguration: a bucket created again under the
// same name starts without the versioning, object lock and tags of the old one.
func TestBucketDeletionDropsConfiguration(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.lockBucket(t, "reborn")
	if _, err := e.s3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(b),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(b)}); err != nil {
		t.Fatal(err)
	}
	e.bucket(t, b)
	v, err := e.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b)})
	if err != nil || v.Status != "" {
		t.Fatalf("versioning of the new bucket = %+v, %v", v, err)
	}
	_, err = e.s3.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
	wantCode(t, err, "ObjectLockConfigurationNotFoundError")
	_, err = e.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(b)})
	wantCode(t, err, "NoSuchTagSet")
}
