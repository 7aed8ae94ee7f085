package api

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/storage"
)

const (
	testAccessKey = "SILOTESTROOTKEY"
	testSecretKey = "silo-test-secret-key-0123456789"
	testRegion    = "us-east-1"
)

// noStore stands in where a test must never reach storage: any call panics.
type noStore struct{ storage.Store }

// fixedHealth is a HealthReporter with a set answer.
type fixedHealth Health

func (h fixedHealth) Health(context.Context) Health { return Health(h) }

// newTestServer starts api.New over store with the real SigV4 verifier and
// the root-only authorizer.
func newTestServer(t *testing.T, store storage.Store, cfg Config, health HealthReporter) *httptest.Server {
	t.Helper()
	root := iam.NewRootOnly(iam.Credentials{AccessKey: testAccessKey, SecretKey: testSecretKey})
	if cfg.Region == "" {
		cfg.Region = testRegion
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h, err := New(cfg, Deps{
		Store:  store,
		Auth:   sigv4.NewVerifier(sigv4.Config{Region: cfg.Region, Credentials: root}),
		Authz:  root,
		Health: health,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// signedRequest builds a request signed with SigV4 (header auth) by secret.
func signedRequest(t *testing.T, method, url, secret string, body []byte, header map[string]string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("x-amz-content-sha256", hash)
	creds := aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, "s3", testRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

// do sends req and returns the response with its body read.
func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// errorCode returns the <Code> of an S3 XML error body ("" when none).
func errorCode(body []byte) string {
	var e struct {
		Code      string `xml:"Code"`
		RequestID string `xml:"RequestId"`
	}
	if xml.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Code
}

// md5b64 is the Content-MD5 value of b.
func md5b64(b []byte) string {
	sum := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// signWithHost signs req (empty body) for its current Host header.
func signWithHost(t *testing.T, req *http.Request) *http.Request {
	t.Helper()
	req.Header.Del("Authorization")
	req.Header.Del("X-Amz-Date")
	sum := sha256.Sum256(nil)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("x-amz-content-sha256", hash)
	creds := aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, "s3", testRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}
