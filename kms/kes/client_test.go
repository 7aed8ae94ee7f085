package kes_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/kes"
	"github.com/silo-project/silo/kms/kesserver"
	"github.com/silo-project/silo/kms/keystore"
	"github.com/silo-project/silo/kms/kmstest"
)

// testServer is an in-process key server on loopback with mutual TLS.
type testServer struct {
	srv    *httptest.Server
	roots  *x509.CertPool
	client kmstest.Cert // allowed client identity
}

func startServer(t *testing.T) *testServer {
	t.Helper()
	root, err := kms.GenerateSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := keystore.Open(context.Background(), keystore.Config{
		Dirs: []string{filepath.Join(t.TempDir(), "keys")}, Root: root, Name: "kes",
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	serverCert := kmstest.NewCert(t, "kms-server", "127.0.0.1")
	clientCert := kmstest.NewCert(t, "silo")
	h, err := kesserver.New(kesserver.Config{
		Store: store, Identities: []string{kes.Identity(clientCert.X509)}, Version: "test",
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert.TLS}, ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(serverCert.X509)
	return &testServer{srv: srv, roots: roots, client: clientCert}
}

func (s *testServer) newClient(t *testing.T, cert kmstest.Cert, endpoints ...string) *kes.Client {
	t.Helper()
	if len(endpoints) == 0 {
		endpoints = []string{s.srv.URL}
	}
	c, err := kes.New(kes.Config{
		Endpoints:  endpoints,
		DefaultKey: keystore.DefaultKeyName,
		TLS:        &tls.Config{RootCAs: s.roots, Certificates: []tls.Certificate{cert.TLS}},
		Timeout:    5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientConformance(t *testing.T) {
	s := startServer(t)
	kmstest.Run(t, s.newClient(t, s.client))
}

func TestEndpointFailover(t *testing.T) {
	s := startServer(t)
	// A port nobody listens on: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "https://" + ln.Addr().String()
	ln.Close()

	c := s.newClient(t, s.client, dead, s.srv.URL)
	if st, err := c.Status(context.Background()); err != nil || !st.Online || len(st.Offline) != 1 || st.Offline[0] != dead {
		t.Fatalf("Status with one dead endpoint = %+v, %v; want online with %s offline", st, err, dead)
	}
	for range 4 { // the start endpoint rotates: both orders are exercised
		if _, err := c.GenerateKey(context.Background(), "", nil); err != nil {
			t.Fatalf("GenerateKey with one dead endpoint: %v", err)
		}
	}
	only := s.newClient(t, s.client, dead)
	start := time.Now()
	_, err = only.GenerateKey(context.Background(), "", nil)
	if !errors.Is(err, kms.ErrUnavailable) {
		t.Fatalf("GenerateKey with only a dead endpoint = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("ErrUnavailable took %v", d)
	}
	if st, err := only.Status(context.Background()); !errors.Is(err, kms.ErrUnavailable) || st.Online {
		t.Fatalf("Status with only a dead endpoint = %+v, %v; want offline, ErrUnavailable", st, err)
	}
}

func TestUnknownIdentity(t *testing.T) {
	s := startServer(t)
	stranger := kmstest.NewCert(t, "stranger")
	c := s.newClient(t, stranger)
	_, err := c.GenerateKey(context.Background(), "", nil)
	if !errors.Is(err, kms.ErrUnavailable) || !strings.Contains(err.Error(), "not authorized") {
		t.Fatalf("GenerateKey by an unknown identity = %v, want a refusal", err)
	}
}

func TestNoClientCertificate(t *testing.T) {
	s := startServer(t)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.roots}}}
	resp, err := hc.Get(s.srv.URL + kes.PathStatus)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("request without a client certificate got %s", resp.Status)
	}
}

func TestServerRejects(t *testing.T) {
	s := startServer(t)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: s.roots, Certificates: []tls.Certificate{s.client.TLS},
	}}}
	cases := []struct {
		method, path, body string
		want               int
	}{
		{http.MethodGet, kes.PathStatus, "", http.StatusOK},
		{http.MethodGet, kes.PathGenerate + keystore.DefaultKeyName, "", http.StatusMethodNotAllowed},
		{http.MethodPost, kes.PathGenerate + keystore.DefaultKeyName, "{}", http.StatusOK},
		{http.MethodPut, kes.PathGenerate + keystore.DefaultKeyName, `{"context":"e30="}`, http.StatusOK},
		{http.MethodPut, kes.PathGenerate + keystore.DefaultKeyName, `{"context":`, http.StatusBadRequest},
		{http.MethodPut, kes.PathGenerate + keystore.DefaultKeyName, `{"other":1}`, http.StatusBadRequest},
		{http.MethodPut, kes.PathGenerate + "no-such-key", "", http.StatusNotFound},
		{http.MethodPut, kes.PathGenerate + "bad%2Fname", "", http.StatusBadRequest},
		{http.MethodPut, kes.PathDecrypt + keystore.DefaultKeyName, `{"ciphertext":"AAAA"}`, http.StatusBadRequest},
		{http.MethodPut, kes.PathCreate + keystore.DefaultKeyName, "", http.StatusBadRequest},
		{http.MethodGet, kes.PathList + "silo*", "", http.StatusOK},
		{http.MethodGet, "/v1/nothing", "", http.StatusNotFound},
		{http.MethodGet, kes.PathStatus + "/x", "", http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, s.srv.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

// TestDefaultKeyCreatedOnDemand: a client whose default key is missing on
// the server creates it on the first GenerateKey; other missing keys stay
// ErrKeyNotFound.
func TestDefaultKeyCreatedOnDemand(t *testing.T) {
	s := startServer(t)
	c, err := kes.New(kes.Config{
		Endpoints:  []string{s.srv.URL},
		DefaultKey: "made-on-demand",
		TLS:        &tls.Config{RootCAs: s.roots, Certificates: []tls.Certificate{s.client.TLS}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dek, err := c.GenerateKey(ctx, "", kms.Context{"a": "b"})
	if err != nil || dek.KeyID != "made-on-demand" {
		t.Fatalf("GenerateKey with a missing default key = %+v, %v", dek, err)
	}
	if _, err := c.Decrypt(ctx, "", dek.Ciphertext, kms.Context{"a": "b"}); err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	if _, err := c.GenerateKey(ctx, "other-missing", nil); !errors.Is(err, kms.ErrKeyNotFound) {
		t.Fatalf("GenerateKey(other-missing) = %v, want ErrKeyNotFound", err)
	}
}
