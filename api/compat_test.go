package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestVirtualHostStyle(t *testing.T) {
	e := newEnv(t)
	b := e.bucket(t, "vhost")
	e.put(t, b, "dir/k", "virtual")
	h := e.srv.Config.Handler.(*server)
	h.cfg.Domains = []string{"s3.example.test"}
	req := signedRequest(t, "GET", e.srv.URL+"/dir/k", testSecretKey, nil, nil)
	// Re-sign for the virtual host: the Host header is part of the signature.
	req.Host = "vhost.s3.example.test"
	req = resign(t, req)
	resp, body := do(t, req)
	if resp.StatusCode != 200 || string(body) != "virtual" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

// resign signs req again after its Host changed.
func resign(t *testing.T, req *http.Request) *http.Request {
	t.Helper()
	out := signedRequest(t, req.Method, req.URL.String(), testSecretKey, nil, nil)
	out.Host = req.Host
	return signWithHost(t, out)
}

func TestPresignedGet(t *testing.T) {
	e := newEnv(t)
	b := e.bucket(t, "presign")
	e.put(t, b, "k", "presigned body")
	ps := s3.NewPresignClient(e.s3)
	out, err := ps.PresignGetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k"),
		ResponseContentType: aws.String("text/x-presigned")}, s3.WithPresignExpires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(out.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "presigned body" || resp.Header.Get("Content-Type") != "text/x-presigned" {
		t.Fatalf("%d %q %v", resp.StatusCode, body, resp.Header)
	}
	// Overrides need a signature.
	resp2, body2 := do(t, mustRequest(t, "GET", e.srv.URL+"/"+b+"/k?response-content-type=x"))
	if resp2.StatusCode != 403 {
		t.Fatalf("anonymous override: %d %s", resp2.StatusCode, body2)
	}
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPayloadErrors(t *testing.T) {
	e := newEnv(t)
	b := e.bucket(t, "payload")
	t.Run("sha256 mismatch", func(t *testing.T) {
		req := signedRequest(t, "PUT", e.srv.URL+"/"+b+"/k", testSecretKey, []byte("signed body"), nil)
		req.Body = io.NopCloser(strings.NewReader("other body!"))
		resp, body := do(t, req)
		if resp.StatusCode != 400 || errorCode(body) != "XAmzContentSHA256Mismatch" {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		_, err := e.s3.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
		wantCode(t, err, "NotFound")
	})
	t.Run("entity too large", func(t *testing.T) {
		req := signedRequestUnsigned(t, "PUT", e.srv.URL+"/"+b+"/huge")
		req.Body = io.NopCloser(strings.NewReader("x"))
		req.ContentLength = 6 << 40
		rec := httptest.NewRecorder()
		e.srv.Config.Handler.ServeHTTP(rec, req)
		if rec.Code != 400 || errorCode(rec.Body.Bytes()) != "EntityTooLarge" {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	})
	t.Run("key too long", func(t *testing.T) {
		_, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(strings.Repeat("k", 1025)), Body: strings.NewReader("x")})
		wantCode(t, err, "KeyTooLongError")
	})
	t.Run("metadata too large", func(t *testing.T) {
		_, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("meta"), Body: strings.NewReader("x"),
			Metadata: map[string]string{"big": strings.Repeat("m", 3000)}})
		wantCode(t, err, "MetadataTooLarge")
	})
}
