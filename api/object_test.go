package api

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"
)

func TestPutGetHeadObject(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "objects")
	body := strings.Repeat("0123456789", 1000)
	sum := md5.Sum([]byte(body))
	put, err := e.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(b), Key: aws.String("dir/obj.txt"), Body: strings.NewReader(body),
		ContentType: aws.String("text/plain"), ContentEncoding: aws.String("identity"), ContentDisposition: aws.String("inline"),
		ContentLanguage: aws.String("en"), CacheControl: aws.String("no-cache"), Metadata: map[string]string{"Color": "blue"},
		ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:])), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c,
	})
	if err != nil {
		t.Fatal(err)
	}
	wantETag := `"` + hexString(sum[:]) + `"`
	if aws.ToString(put.ETag) != wantETag || put.ChecksumCRC32C == nil {
		t.Fatalf("PutObject ETag %s checksum %v", aws.ToString(put.ETag), put.ChecksumCRC32C)
	}
	t.Run("get", func(t *testing.T) {
		out, err := e.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("dir/obj.txt"), ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if string(data) != body || aws.ToString(out.ETag) != wantETag || aws.ToString(out.ContentType) != "text/plain" ||
			out.Metadata["color"] != "blue" || aws.ToString(out.CacheControl) != "no-cache" || aws.ToString(out.ContentDisposition) != "inline" ||
			aws.ToString(out.ContentLanguage) != "en" || aws.ToString(out.ContentEncoding) != "identity" ||
			aws.ToString(out.ChecksumCRC32C) != aws.ToString(put.ChecksumCRC32C) || aws.ToInt64(out.ContentLength) != int64(len(body)) {
			t.Fatalf("GetObject = %+v", out)
		}
	})
	t.Run("head", func(t *testing.T) {
		out, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("dir/obj.txt")})
		if err != nil || aws.ToInt64(out.ContentLength) != int64(len(body)) || aws.ToString(out.ETag) != wantETag || out.LastModified == nil {
			t.Fatalf("HeadObject = %+v, %v", out, err)
		}
		_, err = e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("missing")})
		wantCode(t, err, "NotFound")
	})
	t.Run("get missing", func(t *testing.T) {
		_, err := e.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("missing")})
		wantCode(t, err, "NoSuchKey")
		_, err = e.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nobucket"), Key: aws.String("k")})
		wantCode(t, err, "NoSuchBucket")
	})
	t.Run("bad digest", func(t *testing.T) {
		other := md5.Sum([]byte("other"))
		_, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("bad"), Body: strings.NewReader("data"),
			ContentMD5: aws.String(base64.StdEncoding.EncodeToString(other[:]))})
		wantCode(t, err, "BadDigest")
	})
	t.Run("minio-go streaming", func(t *testing.T) {
		data := bytes.Repeat([]byte("m"), 70000)
		_, err := e.minio.PutObject(ctx, b, "minio.bin", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
			ContentType: "application/x-test", UserMetadata: map[string]string{"k": "v"}})
		if err != nil {
			t.Fatal(err)
		}
		obj, err := e.minio.GetObject(ctx, b, "minio.bin", minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(obj)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("minio-go round trip: %d bytes, %v", len(got), err)
		}
		st, err := e.minio.StatObject(ctx, b, "minio.bin", minio.StatObjectOptions{})
		if err != nil || st.ContentType != "application/x-test" || st.UserMetadata["K"] != "v" {
			t.Fatalf("StatObject = %+v, %v", st, err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		e.put(t, b, "gone", "x")
		resp, _ := do(t, signedRequest(t, "DELETE", e.srv.URL+"/"+b+"/gone", testSecretKey, nil, nil))
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("DeleteObject status %d", resp.StatusCode)
		}
		if _, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("gone")}); err != nil {
			t.Fatalf("deleting a missing key: %v", err)
		}
		_, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("gone")})
		wantCode(t, err, "NotFound")
	})
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestConditionalWrites(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "cond")
	first := e.put(t, b, "k", "one")
	_, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader("two"), IfNoneMatch: aws.String("*")})
	wantCode(t, err, "PreconditionFailed")
	_, err = e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader("two"), IfMatch: aws.String(`"0000"`)})
	wantCode(t, err, "PreconditionFailed")
	if _, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader("two"), IfMatch: first.ETag}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("new"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")}); err != nil {
		t.Fatal(err)
	}
}

func TestRangesAndConditionalReads(t *testing.T) {
	e := newEnv(t)
	b := e.bucket(t, "ranges")
	put := e.put(t, b, "k", "0123456789")
	etag := aws.ToString(put.ETag)
	url := e.srv.URL + "/" + b + "/k"
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name         string
		method       string
		header       map[string]string
		status       int
		body, crange string
		code         string
	}{
		{"closed", "GET", map[string]string{"Range": "bytes=2-4"}, 206, "234", "bytes 2-4/10", ""},
		{"open", "GET", map[string]string{"Range": "bytes=7-"}, 206, "789", "bytes 7-9/10", ""},
		{"suffix", "GET", map[string]string{"Range": "bytes=-3"}, 206, "789", "bytes 7-9/10", ""},
		{"end past size", "GET", map[string]string{"Range": "bytes=8-100"}, 206, "89", "bytes 8-9/10", ""},
		{"multiple ranges serve whole", "GET", map[string]string{"Range": "bytes=0-1,3-4"}, 200, "0123456789", "", ""},
		{"unsatisfiable", "GET", map[string]string{"Range": "bytes=20-30"}, 416, "", "bytes */10", "InvalidRange"},
		{"head range", "HEAD", map[string]string{"Range": "bytes=0-0"}, 206, "", "bytes 0-0/10", ""},
		{"if-match ok", "GET", map[string]string{"If-Match": etag}, 200, "0123456789", "", ""},
		{"if-match fails", "GET", map[string]string{"If-Match": `"nope"`}, 412, "", "", "PreconditionFailed"},
		{"if-none-match hit", "GET", map[string]string{"If-None-Match": etag}, 304, "", "", ""},
		{"if-none-match head", "HEAD", map[string]string{"If-None-Match": etag}, 304, "", "", ""},
		{"if-modified-since future", "GET", map[string]string{"If-Modified-Since": future}, 304, "", "", ""},
		{"if-modified-since past", "GET", map[string]string{"If-Modified-Since": past}, 200, "0123456789", "", ""},
		{"if-unmodified-since past", "GET", map[string]string{"If-Unmodified-Since": past}, 412, "", "", "PreconditionFailed"},
		{"if-match true wins over unmodified-since false", "GET", map[string]string{"If-Match": etag, "If-Unmodified-Since": past}, 200, "0123456789", "", ""},
		{"if-none-match false wins over modified-since", "GET", map[string]string{"If-None-Match": `"other"`, "If-Modified-Since": future}, 200, "0123456789", "", ""},
		{"if-match fails before if-none-match", "GET", map[string]string{"If-Match": `"x"`, "If-None-Match": etag}, 412, "", "", "PreconditionFailed"},
		{"part number 1 of plain object", "GET", nil, 200, "0123456789", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, signedRequest(t, tt.method, url, testSecretKey, nil, tt.header))
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tt.status, body)
			}
			if tt.code != "" && tt.method == "GET" {
				if errorCode(body) != tt.code {
					t.Fatalf("code %s, want %s", errorCode(body), tt.code)
				}
			} else if string(body) != tt.body {
				t.Fatalf("body %q, want %q", body, tt.body)
			}
			if resp.Header.Get("Content-Range") != tt.crange {
				t.Fatalf("Content-Range %q, want %q", resp.Header.Get("Content-Range"), tt.crange)
			}
			if tt.status == 304 && resp.Header.Get("ETag") != etag {
				t.Fatalf("304 without ETag: %v", resp.Header)
			}
		})
	}
}

func TestResponseOverrides(t *testing.T) {
	e := newEnv(t)
	b := e.bucket(t, "override")
	e.put(t, b, "k", "data")
	out, err := e.s3.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k"),
		ResponseContentType: aws.String("text/csv"), ResponseContentDisposition: aws.String("attachment; filename=x.csv"),
		ResponseCacheControl: aws.String("max-age=1")})
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
	if aws.ToString(out.ContentType) != "text/csv" || aws.ToString(out.ContentDisposition) != "attachment; filename=x.csv" || aws.ToString(out.CacheControl) != "max-age=1" {
		t.Fatalf("overrides not applied: %+v", out)
	}
}

func TestMissingContentLength(t *testing.T) {
	e := newEnv(t)
	b := e.bucket(t, "length")
	for _, chunked := range []bool{true, false} {
		req := signedRequestUnsigned(t, "PUT", e.srv.URL+"/"+b+"/k")
		req.Body = io.NopCloser(strings.NewReader("abc"))
		req.ContentLength = -1
		if chunked {
			req.TransferEncoding = []string{"chunked"}
		}
		rec := httptest.NewRecorder()
		e.srv.Config.Handler.ServeHTTP(rec, req)
		want := 200
		if !chunked {
			want = 411
		}
		if rec.Code != want {
			t.Fatalf("chunked=%v: %d %s", chunked, rec.Code, rec.Body)
		}
	}
}

// signedRequestUnsigned signs a request with an UNSIGNED-PAYLOAD body hash.
func signedRequestUnsigned(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
	creds := aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, "UNSIGNED-PAYLOAD", "s3", testRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}
