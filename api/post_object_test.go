package api

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"
)

// postForm builds a multipart/form-data body with fields then the file.
func postForm(t *testing.T, fields map[string]string, filename string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestPostObject(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "post")
	policy := func(t *testing.T, minSize, maxSize int64, status string) map[string]string {
		p := minio.NewPostPolicy()
		p.SetBucket(b)
		p.SetKeyStartsWith("uploads/")
		p.SetExpires(time.Now().Add(time.Hour))
		p.SetContentLengthRange(minSize, maxSize)
		if status != "" {
			p.SetSuccessStatusAction(status)
		}
		_, form, err := e.minio.PresignedPostPolicy(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return form
	}
	tests := []struct {
		name     string
		key      string
		file     string
		min, max int64
		tamper   bool
		status   int
		code     string
	}{
		{"ok", "uploads/${filename}", "hello world", 1, 100, false, 201, ""},
		{"too large", "uploads/big", strings.Repeat("x", 200), 1, 100, false, 400, "EntityTooLarge"},
		{"too small", "uploads/small", "", 1, 100, false, 400, "EntityTooSmall"},
		{"key outside policy", "other/key", "x", 1, 100, false, 403, "AccessDenied"},
		{"bad signature", "uploads/sig", "x", 1, 100, true, 403, "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := policy(t, tt.min, tt.max, "201")
			form["key"] = tt.key
			form["success_action_status"] = "201"
			if tt.tamper {
				form["x-amz-signature"] = strings.Repeat("0", 64)
			}
			body, ct := postForm(t, form, "hello.txt", []byte(tt.file))
			req, _ := http.NewRequest("POST", e.srv.URL+"/"+b, body)
			req.Header.Set("Content-Type", ct)
			resp, rb := do(t, req)
			if resp.StatusCode != tt.status || errorCode(rb) != tt.code {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, rb, tt.status, tt.code)
			}
			if tt.status == 201 {
				if !strings.Contains(string(rb), "<Key>uploads/hello.txt</Key>") {
					t.Fatalf("PostResponse %s", rb)
				}
				out, err := e.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("uploads/hello.txt")})
				if err != nil {
					t.Fatal(err)
				}
				data, _ := io.ReadAll(out.Body)
				out.Body.Close()
				if string(data) != tt.file {
					t.Fatalf("stored %q", data)
				}
			}
		})
	}
	t.Run("default 204", func(t *testing.T) {
		form := policy(t, 0, 100, "")
		form["key"] = "uploads/r"
		body, ct := postForm(t, form, "r.txt", []byte("r"))
		req, _ := http.NewRequest("POST", e.srv.URL+"/"+b, body)
		req.Header.Set("Content-Type", ct)
		resp, rb := do(t, req)
		if resp.StatusCode != 204 {
			t.Fatalf("%d %s", resp.StatusCode, rb)
		}
	})
}

// postSigned uploads data to bucket/key with a browser POST whose policy
// (bucket, key, an hour's expiry) setup extends with its own fields; it
// returns the response and its body.
func (e *env) postSigned(t *testing.T, bucket, key string, data []byte, setup func(*minio.PostPolicy) error) (*http.Response, []byte) {
	t.Helper()
	p := minio.NewPostPolicy()
	p.SetBucket(bucket)
	p.SetKey(key)
	p.SetExpires(time.Now().Add(time.Hour))
	if err := setup(p); err != nil {
		t.Fatal(err)
	}
	_, form, err := e.minio.PresignedPostPolicy(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	body, ct := postForm(t, form, "f.txt", data)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/"+bucket, body)
	req.Header.Set("Content-Type", ct)
	return do(t, req)
}
