package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// healthcheck probes a local server's liveness endpoint; container images
// without curl use it as their HEALTHCHECK. The URL defaults to the port of
// SILO_ADDRESS on 127.0.0.1, over HTTPS when the certificates directory holds
// a certificate. Certificate verification is skipped: the probe targets the
// loopback interface and only reads a status code.
func healthcheck(ctx context.Context, args []string, getenv getenvFunc, stdout io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("url", "", "")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w (usage: silo healthcheck [--url URL])", err)
	}
	if *url == "" {
		addr := firstNonEmpty(getenv.first("SILO_ADDRESS"), ":9000")
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("SILO_ADDRESS=%q: %w", addr, err)
		}
		scheme := "http"
		dir := getenv.first("SILO_CERTS_DIR", "MINIO_CERTS_DIR")
		if dir == "" && homeDir() != "" {
			dir = filepath.Join(homeDir(), ".silo", "certs")
		}
		if _, err := os.Stat(filepath.Join(dir, "public.crt")); err == nil || getenv.first("SILO_SERVER_CERT_FILE", "MINIO_SERVER_CERT_FILE") != "" {
			scheme = "https"
		}
		*url = scheme + "://" + net.JoinHostPort("127.0.0.1", port) + "/minio/health/live"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return fmt.Errorf("health check URL: %w", err)
	}
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, //nolint:gosec // loopback liveness probe
	}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New("health check: " + resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
