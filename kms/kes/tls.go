package kes

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ClientTLS builds the client side of mutual TLS: the certificate and key
// in certFile/keyFile identify Silo to the KES server, and caPath (a PEM
// file, or a directory of them) holds the roots that sign the server's
// certificate; "" trusts the system roots.
func ClientTLS(certFile, keyFile, caPath string) (*tls.Config, error) {
	if certFile == "" || keyFile == "" {
		return nil, errors.New("kes: a client certificate and key are required")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("kes: client certificate: %w", err)
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	if caPath != "" {
		if conf.RootCAs, err = LoadCAs(caPath); err != nil {
			return nil, err
		}
	}
	return conf, nil
}

// LoadCAs reads the PEM certificates of a file, or of every regular file
// in a directory, into a pool. It fails when none is found.
func LoadCAs(path string) (*x509.CertPool, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("kes: CA path: %w", err)
	}
	files := []string{path}
	if info.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("kes: CA path: %w", err)
		}
		files = files[:0]
		for _, e := range entries {
			if e.Type().IsRegular() {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	}
	pool := x509.NewCertPool()
	found := false
	for _, f := range files {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("kes: CA file: %w", err)
		}
		if pool.AppendCertsFromPEM(pem) {
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("kes: no PEM certificate in %s", path)
	}
	return pool, nil
}
