package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// testCA is the private CA of one TLS server.
type testCA struct {
	caFile string // PEM, for clients (--ca-bundle, verify=, SSL_CERT_FILE, ...)
	pool   *x509.CertPool
}

// writeCerts creates a private CA and a server certificate for
// 127.0.0.1/::1/localhost, and lays them out as silo's --certs-dir expects:
// dir/public.crt, dir/private.key and dir/CAs/ca.crt. The CA is also written
// to dir/../ca.pem for clients.
func writeCerts(dir string) (testCA, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return testCA{}, fmt.Errorf("ca key: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Silo e2e test CA", Organization: []string{"Silo e2e"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return testCA{}, fmt.Errorf("ca cert: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return testCA{}, fmt.Errorf("ca cert: %w", err)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return testCA{}, fmt.Errorf("server key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"Silo e2e"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost", vhostDomain, "*." + vhostDomain},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return testCA{}, fmt.Errorf("server cert: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return testCA{}, fmt.Errorf("server key: %w", err)
	}

	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	files := []struct {
		path string
		data []byte
		mode os.FileMode
	}{
		{filepath.Join(dir, "public.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644},
		{filepath.Join(dir, "private.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600},
		{filepath.Join(dir, "CAs", "ca.crt"), caPEM, 0o644},
		{filepath.Join(dir, "..", "ca.pem"), caPEM, 0o644},
	}
	for _, f := range files {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			return testCA{}, fmt.Errorf("write certs: %w", err)
		}
		if err := os.WriteFile(f.path, f.data, f.mode); err != nil {
			return testCA{}, fmt.Errorf("write certs: %w", err)
		}
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	caFile, err := filepath.Abs(filepath.Join(dir, "..", "ca.pem"))
	if err != nil {
		return testCA{}, fmt.Errorf("write certs: %w", err)
	}
	return testCA{caFile: caFile, pool: pool}, nil
}
