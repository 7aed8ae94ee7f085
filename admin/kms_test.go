package admin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/minio/minio-go/v7/pkg/signer"

	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/keystore"
)

// kmsEnv is an admin handler over a real key service (or none).
func kmsEnv(t *testing.T, k kms.KMS) func(method, path string) (int, []byte) {
	t.Helper()
	f := newFakeIAM(rootCreds)
	h, err := New(Config{RootAccessKey: rootCreds.AccessKey, Version: "test"}, Deps{
		Auth: sigv4.NewVerifier(sigv4.Config{Credentials: f}), IAM: f, KMS: k})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return func(method, path string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(nil)
		req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
		req = signer.SignV4(*req, rootCreds.AccessKey, rootCreds.SecretKey, "", "")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
}

func TestKMSAPIs(t *testing.T) {
	root, err := kms.GenerateSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := keystore.Open(context.Background(), keystore.Config{
		Dirs: []string{filepath.Join(t.TempDir(), "kms")}, Root: root, DefaultKey: "def",
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	static, err := kms.ParseStaticKey("static:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	do := kmsEnv(t, store)
	doStatic := kmsEnv(t, static)
	doNone := kmsEnv(t, nil)

	tests := []struct {
		name         string
		do           func(method, path string) (int, []byte)
		method, path string
		status       int
		contains     string
	}{
		{"create", do, http.MethodPost, "/minio/kms/v1/key/create?key-id=k1", http.StatusOK, ""},
		{"create again", do, http.MethodPost, "/minio/kms/v1/key/create?key-id=k1", http.StatusConflict, "XMinioKMSKeyExists"},
		{"create v3", do, http.MethodPost, "/minio/admin/v3/kms/key/create?key-id=k2", http.StatusOK, ""},
		{"create without id", do, http.MethodPost, "/minio/kms/v1/key/create", http.StatusBadRequest, "key-id"},
		{"create bad name", do, http.MethodPost, "/minio/kms/v1/key/create?key-id=a%2Fb", http.StatusBadRequest, "XMinioAdminInvalidArgument"},
		{"list", do, http.MethodGet, "/minio/kms/v1/key/list?pattern=*", http.StatusOK, `"name":"k2"`},
		{"list pattern", do, http.MethodGet, "/minio/kms/v1/key/list?pattern=d*", http.StatusOK, `[{"createdAt":"20`},
		{"status of a key", do, http.MethodGet, "/minio/kms/v1/key/status?key-id=k1", http.StatusOK, `{"key-id":"k1"}`},
		{"status of the default key v3", do, http.MethodGet, "/minio/admin/v3/kms/key/status", http.StatusOK, `{"key-id":"def"}`},
		{"status of a missing key", do, http.MethodGet, "/minio/kms/v1/key/status?key-id=nope", http.StatusOK, `"encryption-error":`},
		{"service status", do, http.MethodGet, "/minio/kms/v1/status", http.StatusOK, `"default-key-id":"def"`},
		{"service status v3", do, http.MethodPost, "/minio/admin/v3/kms/status", http.StatusOK, `"online"`},
		{"delete", do, http.MethodDelete, "/minio/kms/v1/key/delete?key-id=k2", http.StatusOK, ""},
		{"delete missing", do, http.MethodDelete, "/minio/kms/v1/key/delete?key-id=k2", http.StatusNotFound, "XMinioKMSKeyNotFoundException"},
		{"wrong method", do, http.MethodGet, "/minio/kms/v1/key/create?key-id=x", http.StatusMethodNotAllowed, "MethodNotAllowed"},
		{"unknown KMS API", do, http.MethodGet, "/minio/kms/v1/policy/list", http.StatusNotImplemented, "NotImplemented"},
		{"static create", doStatic, http.MethodPost, "/minio/kms/v1/key/create?key-id=x", http.StatusNotImplemented, "cannot"},
		{"static list", doStatic, http.MethodGet, "/minio/kms/v1/key/list", http.StatusOK, `"name":"static"`},
		{"none", doNone, http.MethodGet, "/minio/kms/v1/key/list", http.StatusNotImplemented, "XMinioKMSNotConfigured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tt.do(tt.method, tt.path)
			if status != tt.status || !bytes.Contains(body, []byte(tt.contains)) {
				t.Fatalf("%s %s = %d %s, want %d containing %q", tt.method, tt.path, status, body, tt.status, tt.contains)
			}
			if status != http.StatusOK && !json.Valid(body) {
				t.Fatalf("error body is not JSON: %q", body)
			}
		})
	}
}
