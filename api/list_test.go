package api

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func keysOf(objs []types.Object) string {
	var k []string
	for _, o := range objs {
		k = append(k, aws.ToString(o.Key))
	}
	return strings.Join(k, ",")
}

func prefixesOf(cps []types.CommonPrefix) string {
	var k []string
	for _, p := range cps {
		k = append(k, aws.ToString(p.Prefix))
	}
	return strings.Join(k, ",")
}

func TestListObjects(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "listing")
	for _, k := range []string{"a", "b/1", "b/2", "c d", "c/x/y", "e+f"} {
		e.put(t, b, k, "v")
	}
	t.Run("v2 paginated", func(t *testing.T) {
		var all []string
		var token *string
		pages := 0
		for {
			out, err := e.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b), MaxKeys: aws.Int32(2), ContinuationToken: token})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			all = append(all, keysOf(out.Contents))
			if aws.ToInt32(out.KeyCount) != int32(len(out.Contents)) {
				t.Fatalf("KeyCount %d for %d keys", aws.ToInt32(out.KeyCount), len(out.Contents))
			}
			if !aws.ToBool(out.IsTruncated) {
				break
			}
			token = out.NextContinuationToken
		}
		if strings.Join(all, ",") != "a,b/1,b/2,c d,c/x/y,e+f" || pages != 3 {
			t.Fatalf("pages %d keys %v", pages, all)
		}
	})
	t.Run("v2 delimiter", func(t *testing.T) {
		out, err := e.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b), Delimiter: aws.String("/")})
		if err != nil {
			t.Fatal(err)
		}
		if keysOf(out.Contents) != "a,c d,e+f" || prefixesOf(out.CommonPrefixes) != "b/,c/" || aws.ToInt32(out.KeyCount) != 5 {
			t.Fatalf("contents %s prefixes %s", keysOf(out.Contents), prefixesOf(out.CommonPrefixes))
		}
	})
	t.Run("v2 start-after and prefix", func(t *testing.T) {
		out, err := e.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b), StartAfter: aws.String("b/1"), Prefix: aws.String("b/"), FetchOwner: aws.Bool(true)})
		if err != nil || keysOf(out.Contents) != "b/2" || out.Contents[0].Owner == nil {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("v1 marker and next marker", func(t *testing.T) {
		out, err := e.s3.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String(b), Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
		if err != nil || keysOf(out.Contents) != "a" || prefixesOf(out.CommonPrefixes) != "b/" || !aws.ToBool(out.IsTruncated) || aws.ToString(out.NextMarker) != "b/" {
			t.Fatalf("page 1 %s %s %v next %q: %v", keysOf(out.Contents), prefixesOf(out.CommonPrefixes), aws.ToBool(out.IsTruncated), aws.ToString(out.NextMarker), err)
		}
		out, err = e.s3.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String(b), Delimiter: aws.String("/"), Marker: out.NextMarker})
		if err != nil || keysOf(out.Contents) != "c d,e+f" || prefixesOf(out.CommonPrefixes) != "c/" {
			t.Fatalf("page 2 %s %s: %v", keysOf(out.Contents), prefixesOf(out.CommonPrefixes), err)
		}
	})
	t.Run("encoding-type url", func(t *testing.T) {
		resp, body := do(t, signedRequest(t, "GET", e.srv.URL+"/"+b+"?list-type=2&encoding-type=url&prefix=c", testSecretKey, nil, nil))
		if resp.StatusCode != 200 || !strings.Contains(string(body), "<Key>c%20d</Key>") || !strings.Contains(string(body), "<EncodingType>url</EncodingType>") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		// The SDK decodes url-encoded keys itself.
		out, err := e.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b), EncodingType: types.EncodingTypeUrl, Prefix: aws.String("e")})
		if err != nil {
			t.Fatal(err)
		}
		if k, _ := url.QueryUnescape(keysOf(out.Contents)); k != "e+f" && keysOf(out.Contents) != "e+f" {
			t.Fatalf("keys %s", keysOf(out.Contents))
		}
	})
	t.Run("max-keys zero", func(t *testing.T) {
		out, err := e.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b), MaxKeys: aws.Int32(0)})
		if err != nil || len(out.Contents) != 0 {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("bad continuation token", func(t *testing.T) {
		_, err := e.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b), ContinuationToken: aws.String("!!!")})
		wantCode(t, err, "InvalidArgument")
	})
	t.Run("no such bucket", func(t *testing.T) {
		_, err := e.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("nobucket")})
		wantCode(t, err, "NoSuchBucket")
	})
	t.Run("versions", func(t *testing.T) {
		out, err := e.s3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b), Prefix: aws.String("b/")})
		if err != nil || len(out.Versions) != 2 || aws.ToString(out.Versions[0].VersionId) != "null" || !aws.ToBool(out.Versions[0].IsLatest) {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("minio-go", func(t *testing.T) {
		var keys []string
		for o := range e.minio.ListObjects(ctx, b, minioListOptions("c", true)) {
			if o.Err != nil {
				t.Fatal(o.Err)
			}
			keys = append(keys, o.Key)
		}
		if strings.Join(keys, ",") != "c d,c/x/y" {
			t.Fatalf("keys %v", keys)
		}
	})
}
