package api

import (
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestCopyObject(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "copy")
	src, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("dir/src file"), Body: strings.NewReader("payload"),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	get := func(key string) (*s3.GetObjectOutput, string) {
		t.Helper()
		out, err := e.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(out.Body)
		out.Body.Close()
		return out, string(data)
	}
	t.Run("copy keeps metadata", func(t *testing.T) {
		out, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("dst"), CopySource: aws.String(b + "/dir/src%20file")})
		if err != nil || aws.ToString(out.CopyObjectResult.ETag) != aws.ToString(src.ETag) {
			t.Fatalf("%+v %v", out, err)
		}
		o, data := get("dst")
		if data != "payload" || o.Metadata["a"] != "1" || aws.ToString(o.ContentType) != "text/plain" {
			t.Fatalf("copy = %q %+v", data, o)
		}
	})
	t.Run("replace metadata", func(t *testing.T) {
		if _, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("dst2"), CopySource: aws.String("/" + b + "/dir/src%20file"),
			MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"b": "2"}, ContentType: aws.String("text/x")}); err != nil {
			t.Fatal(err)
		}
		o, _ := get("dst2")
		if o.Metadata["a"] != "" || o.Metadata["b"] != "2" || aws.ToString(o.ContentType) != "text/x" {
			t.Fatalf("%+v", o)
		}
	})
	t.Run("onto itself without replace", func(t *testing.T) {
		_, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("dir/src file"), CopySource: aws.String(b + "/dir/src%20file")})
		wantCode(t, err, "InvalidRequest")
	})
	t.Run("onto itself with replace", func(t *testing.T) {
		if _, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("dir/src file"), CopySource: aws.String(b + "/dir/src%20file"),
			MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"c": "3"}}); err != nil {
			t.Fatal(err)
		}
		o, data := get("dir/src file")
		if data != "payload" || o.Metadata["c"] != "3" || o.Metadata["a"] != "" {
			t.Fatalf("%q %+v", data, o)
		}
	})
	t.Run("copy source conditionals", func(t *testing.T) {
		_, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("dst3"), CopySource: aws.String(b + "/dir/src%20file"),
			CopySourceIfMatch: aws.String(`"nope"`)})
		wantCode(t, err, "PreconditionFailed")
		_, err = e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("dst3"), CopySource: aws.String(b + "/dir/src%20file"),
			CopySourceIfNoneMatch: src.ETag})
		wantCode(t, err, "PreconditionFailed")
	})
	t.Run("missing source", func(t *testing.T) {
		_, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("dst4"), CopySource: aws.String(b + "/nothing")})
		wantCode(t, err, "NoSuchKey")
	})
}

func TestDeleteObjects(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "multidelete")
	for _, k := range []string{"a", "b", "c"} {
		e.put(t, b, k, "x")
	}
	out, err := e.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("a")}, {Key: aws.String("b")}, {Key: aws.String("missing")}}}})
	if err != nil || len(out.Deleted) != 3 || len(out.Errors) != 0 {
		t.Fatalf("%+v %v", out, err)
	}
	out, err = e.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &types.Delete{Quiet: aws.Bool(true), Objects: []types.ObjectIdentifier{
		{Key: aws.String("c")}, {Key: aws.String("a/../b")}}}})
	if err != nil || len(out.Deleted) != 0 || len(out.Errors) != 1 {
		t.Fatalf("quiet: %+v %v", out, err)
	}
	list, err := e.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b)})
	if err != nil || len(list.Contents) != 0 {
		t.Fatalf("left %s, %v", keysOf(list.Contents), err)
	}
	t.Run("bad md5", func(t *testing.T) {
		body := []byte(`<Delete><Object><Key>a</Key></Object></Delete>`)
		resp, rb := do(t, signedRequest(t, "POST", e.srv.URL+"/"+b+"?delete", testSecretKey, body, map[string]string{"Content-MD5": "AAAAAAAAAAAAAAAAAAAAAA=="}))
		if resp.StatusCode != 400 || errorCode(rb) != "BadDigest" {
			t.Fatalf("%d %s", resp.StatusCode, rb)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		body := []byte(`<Delete><Object>`)
		resp, rb := do(t, signedRequest(t, "POST", e.srv.URL+"/"+b+"?delete", testSecretKey, body, map[string]string{"Content-MD5": md5b64(body)}))
		if resp.StatusCode != 400 || errorCode(rb) != "MalformedXML" {
			t.Fatalf("%d %s", resp.StatusCode, rb)
		}
	})
}
