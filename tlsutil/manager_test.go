package tlsutil

import (
	"context"
	"crypto/tls"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// dial connects with the given client config and returns the serial number
// of the server's leaf certificate.
func dial(addr string, cfg *tls.Config) (*tls.Conn, int64, error) {
	c, err := tls.DialWithDialer(&netDialer, "tcp", addr, cfg)
	if err != nil {
		return nil, 0, err
	}
	return c, c.ConnectionState().PeerCertificates[0].SerialNumber.Int64(), nil
}

func TestHandshake(t *testing.T) {
	ca := newCA(t, "silo test CA")
	other := newCA(t, "unrelated CA")
	dir := t.TempDir()
	c, k := ca.leaf(t, 10, false, "localhost", "127.0.0.1")
	writePair(t, dir, c, k)
	c, k = ca.leaf(t, 20, false, "a.example.com")
	writePair(t, filepath.Join(dir, "a"), c, k)
	c, k = ca.leaf(t, 30, false, "*.b.example.com")
	writePair(t, filepath.Join(dir, "b"), c, k)
	if err := os.MkdirAll(filepath.Join(dir, CAsDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, CAsDir, "ca.crt"), ca.pem, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := New(Options{CertsDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(m.Certificates()); got != 3 {
		t.Fatalf("Certificates() = %d entries, want 3", got)
	}
	addr := serve(t, m.TLSConfig())
	clientCert := func(ca *testCA) []tls.Certificate {
		cp, kp := ca.leaf(t, 99, true, "client")
		pair, err := tls.X509KeyPair(cp, kp)
		if err != nil {
			t.Fatal(err)
		}
		return []tls.Certificate{pair}
	}

	untrusted := clientCert(other)
	tests := []struct {
		name       string
		cfg        *tls.Config
		wantSerial int64
		wantErr    bool
	}{
		{name: "default by IP", cfg: &tls.Config{RootCAs: ca.pool()}, wantSerial: 10},
		{name: "default by name", cfg: &tls.Config{RootCAs: ca.pool(), ServerName: "localhost"}, wantSerial: 10},
		{name: "SNI a", cfg: &tls.Config{RootCAs: ca.pool(), ServerName: "a.example.com"}, wantSerial: 20},
		{name: "SNI wildcard b", cfg: &tls.Config{RootCAs: ca.pool(), ServerName: "x.b.example.com"}, wantSerial: 30},
		{name: "unknown name gets default", cfg: &tls.Config{RootCAs: ca.pool(), ServerName: "c.example.com", InsecureSkipVerify: true}, wantSerial: 10},
		{name: "client without the CA", cfg: &tls.Config{ServerName: "localhost"}, wantErr: true},
		{name: "TLS 1.1 refused", cfg: &tls.Config{RootCAs: ca.pool(), MaxVersion: tls.VersionTLS11}, wantErr: true},
		{name: "TLS 1.2", cfg: &tls.Config{RootCAs: ca.pool(), MaxVersion: tls.VersionTLS12}, wantSerial: 10},
		{name: "TLS 1.2 CBC only refused", cfg: &tls.Config{RootCAs: ca.pool(), MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}}, wantErr: true},
		{name: "trusted client certificate", cfg: &tls.Config{RootCAs: ca.pool(), Certificates: clientCert(ca)}, wantSerial: 10},
		// GetClientCertificate forces sending a certificate the server did not ask for.
		{name: "untrusted client certificate", cfg: &tls.Config{RootCAs: ca.pool(),
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &untrusted[0], nil }}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, serial, err := dial(addr, tt.cfg)
			if err == nil {
				// TLS 1.3 reports a rejected client certificate on the first read.
				_, err = conn.Write([]byte("ping"))
				if err == nil {
					_, err = conn.Read(make([]byte, 4))
				}
				conn.Close()
			}
			if tt.wantErr {
				if err == nil {
					t.Fatalf("handshake succeeded, want failure")
				}
				return
			}
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			if serial != tt.wantSerial {
				t.Fatalf("server certificate serial = %d, want %d", serial, tt.wantSerial)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	ca := newCA(t, "ca")
	good := t.TempDir()
	c, k := ca.leaf(t, 1, false, "localhost")
	writePair(t, good, c, k)
	mismatch := t.TempDir()
	_, k2 := ca.leaf(t, 2, false, "localhost")
	writePair(t, mismatch, c, k2)
	badCA := t.TempDir()
	writePair(t, badCA, c, k)
	if err := os.MkdirAll(filepath.Join(badCA, CAsDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(badCA, CAsDir, "junk.crt"), []byte("not pem"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		opts   Options
		noCert bool
		ok     bool
	}{
		{name: "missing dir", opts: Options{CertsDir: filepath.Join(good, "nope")}, noCert: true},
		{name: "empty dir", opts: Options{CertsDir: t.TempDir()}, noCert: true},
		{name: "nothing", opts: Options{}, noCert: true},
		{name: "good dir", opts: Options{CertsDir: good}, ok: true},
		{name: "explicit files", opts: Options{CertFile: filepath.Join(good, PublicCertFile), KeyFile: filepath.Join(good, PrivateKeyFile)}, ok: true},
		{name: "cert without key", opts: Options{CertFile: filepath.Join(good, PublicCertFile)}},
		{name: "explicit missing file", opts: Options{CertFile: "/nonexistent/x.crt", KeyFile: "/nonexistent/x.key"}},
		{name: "key mismatch", opts: Options{CertsDir: mismatch}},
		{name: "bad CA file", opts: Options{CertsDir: badCA}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			switch {
			case tt.ok && err != nil:
				t.Fatalf("New: %v", err)
			case tt.noCert && !errors.Is(err, ErrNoCertificate):
				t.Fatalf("New: %v, want ErrNoCertificate", err)
			case !tt.ok && !tt.noCert && (err == nil || errors.Is(err, ErrNoCertificate)):
				t.Fatalf("New: %v, want a load error", err)
			}
		})
	}
}

// TestRenewal replaces the certificate on disk and checks that Watch picks it
// up for new connections while an established connection keeps working, and
// that a half-written renewal (new certificate, old key) keeps the old one.
func TestRenewal(t *testing.T) {
	ca := newCA(t, "ca")
	dir := t.TempDir()
	c1, k1 := ca.leaf(t, 1, false, "127.0.0.1")
	writePair(t, dir, c1, k1)
	m, err := New(Options{CertsDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Watch(ctx, 20*time.Millisecond)
	addr := serve(t, m.TLSConfig())
	client := &tls.Config{RootCAs: ca.pool()}

	old, serial, err := dial(addr, client)
	if err != nil || serial != 1 {
		t.Fatalf("first dial: serial %d, %v", serial, err)
	}
	defer old.Close()

	// Half-written renewal: the certificate changes but the key does not match.
	c2, k2 := ca.leaf(t, 2, false, "127.0.0.1")
	if err := os.WriteFile(filepath.Join(dir, PublicCertFile), c2, 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if _, serial, err := dial(addr, client); err != nil || serial != 1 {
		t.Fatalf("during half renewal: serial %d, %v; want the old certificate", serial, err)
	}
	// Complete the renewal.
	if err := os.WriteFile(filepath.Join(dir, PrivateKeyFile), k2, 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, serial, err := dial(addr, client)
		if err != nil {
			t.Fatalf("dial after renewal: %v", err)
		}
		conn.Close()
		if serial == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("renewed certificate not picked up: serial %d", serial)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The connection made before the renewal still works.
	if _, err := old.Write([]byte("ping")); err != nil {
		t.Fatalf("old connection write: %v", err)
	}
	buf := make([]byte, 4)
	if _, err := old.Read(buf); err != nil || string(buf) != "ping" {
		t.Fatalf("old connection read: %q, %v", buf, err)
	}
	// Reload by hand (SIGHUP path) also works and keeps the new certificate.
	if err := m.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
}
