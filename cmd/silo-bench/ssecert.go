package main

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/silo-project/silo/kms/kmstest"
)

// writeLoopbackCert writes a throwaway self-signed certificate for
// 127.0.0.1 and its key into dir (public.crt, private.key, the server's
// certificates-directory layout) and returns a pool that trusts it.
func writeLoopbackCert(dir string) (*x509.CertPool, error) {
	c, err := kmstest.GenerateCert("silo-bench", "127.0.0.1")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	for name, data := range map[string][]byte{"public.crt": c.CertPEM, "private.key": c.KeyPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
	}
	pool := x509.NewCertPool()
	pool.AddCert(c.X509)
	return pool, nil
}
