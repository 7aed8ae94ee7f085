package kesserver_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/kes"
	"github.com/silo-project/silo/kms/kesserver"
	"github.com/silo-project/silo/kms/keystore"
	"github.com/silo-project/silo/kms/kmstest"
)

// FuzzHandler sends arbitrary methods, paths and bodies from an allowed
// client: every answer is a well-formed 2xx or 4xx, never a 5xx or panic.
func FuzzHandler(f *testing.F) {
	root, err := kms.GenerateSecret(nil)
	if err != nil {
		f.Fatal(err)
	}
	store, err := keystore.Open(context.Background(), keystore.Config{
		Dirs: []string{filepath.Join(f.TempDir(), "keys")}, Root: root, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		f.Fatal(err)
	}
	client := kmstest.NewCert(f, "client")
	h, err := kesserver.New(kesserver.Config{
		Store: store, Identities: []string{kes.Identity(client.X509)}, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("PUT", kes.PathGenerate+keystore.DefaultKeyName, `{"context":"e30="}`)
	f.Add("POST", kes.PathDecrypt+keystore.DefaultKeyName, `{"ciphertext":"AQE=","context":""}`)
	f.Add("PUT", kes.PathCreate+"k", ``)
	f.Add("DELETE", kes.PathDelete+"k", ``)
	f.Add("GET", kes.PathList+"k*", ``)
	f.Add("GET", kes.PathStatus, ``)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		req, err := http.NewRequest(method, "https://kms"+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{client.X509}}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: status %d %s", method, path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 300 && !strings.Contains(rec.Body.String(), `"message"`) {
			t.Fatalf("%s %s: error %d without a message body", method, path, rec.Code)
		}
	})
}
