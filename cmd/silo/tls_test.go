package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// issue creates a CA (when ca is nil, a self-signed CA) or a leaf for
// 127.0.0.1/localhost signed by ca, and returns certificate, key and PEMs.
func issue(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, serial int64) (*x509.Certificate, *ecdsa.PrivateKey, []byte, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "silo test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	signer, signerKey := tmpl, key
	if ca == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.DNSNames = []string{"localhost"}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		signer, signerKey = ca, caKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

// TestBinaryTLS serves HTTPS from a certs dir, refuses clients that do not
// trust the CA, and picks up a renewed certificate on SIGHUP.
func TestBinaryTLS(t *testing.T) {
	ca, caKey, _, _ := issue(t, nil, nil, 1)
	certs := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(certs, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, _, crt, key := issue(t, ca, caKey, 100)
	write("public.crt", crt)
	write("private.key", key)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true}}

	env := cleanEnv("SILO_ROOT_USER=admin", "SILO_ROOT_PASSWORD=password1")
	p := startSiloWith(t, env, client, append([]string{"server", "--address", "127.0.0.1:0", "--certs-dir", certs}, drives(t, 1)...))
	if !strings.HasPrefix(p.endpoint, "https://") || !strings.Contains(p.stdout.String(), "TLS:         on") {
		t.Fatalf("TLS not reported on:\n%s", p.stdout)
	}
	serial := func() int64 {
		t.Helper()
		resp, err := client.Get(p.endpoint + "/minio/health/live")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.TLS.PeerCertificates[0].SerialNumber.Int64()
	}
	if s := serial(); s != 100 {
		t.Fatalf("serial %d, want 100", s)
	}
	if resp, err := http.Get(p.endpoint + "/minio/health/live"); err == nil {
		resp.Body.Close()
		t.Fatal("a client without the CA connected")
	}
	if resp, err := http.Get(strings.Replace(p.endpoint, "https://", "http://", 1) + "/minio/health/live"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP served on the TLS port")
		}
	}

	// Renew and signal.
	_, _, crt, key = issue(t, ca, caKey, 200)
	write("private.key", key)
	write("public.crt", crt)
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for serial() != 200 {
		if time.Now().After(deadline) {
			t.Fatalf("renewed certificate not served\nstderr:\n%s", p.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	noCrash(t, p.stderr.String())
	// Untrusting clients and plain-HTTP probes are client noise: not logged
	// at info level or above.
	if strings.Contains(p.stderr.String(), "handshake") {
		t.Fatalf("handshake failures logged at the default level:\n%s", p.stderr)
	}
}
