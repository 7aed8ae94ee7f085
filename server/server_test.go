package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startServer runs a real server (erasure store on temp drives, real S3
// handler) on a loopback port and returns it with a stop function that
// returns Run's error.
func startServer(t *testing.T, cfg Config) (*Server, func() error) {
	t.Helper()
	if cfg.Address == "" {
		cfg.Address = "127.0.0.1:0"
	}
	if cfg.RootUser == "" {
		cfg.RootUser, cfg.RootPassword = "admin", "password1"
	}
	var out bytes.Buffer
	srv, err := New(context.Background(), cfg, Deps{Logger: slog.New(slog.DiscardHandler), Out: &out})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			t.Fatal("Run did not return after cancel")
			return nil
		}
	}
	t.Cleanup(func() { cancel() })
	return srv, stop
}

func tempDrives(t *testing.T, n int) []string {
	root := t.TempDir()
	d := make([]string, n)
	for i := range d {
		d[i] = filepath.Join(root, "drive"+string(rune('1'+i)))
	}
	return d
}

func get(t *testing.T, url, authz string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServerEndpoints(t *testing.T) {
	drives := tempDrives(t, 4)
	srv, stop := startServer(t, Config{Drives: drives})
	base := srv.URL()
	token := "Bearer " + makeJWT("HS512", `{"sub":"admin","exp":4000000000}`, "password1")
	tests := []struct {
		name     string
		path     string
		authz    string
		want     int
		contains string
	}{
		{name: "live", path: "/minio/health/live", want: 200},
		{name: "ready", path: "/minio/health/ready", want: 200},
		{name: "metrics without token", path: MetricsPathMinIO, want: 403, contains: "AccessDenied"},
		{name: "metrics with token", path: MetricsPathMinIO, authz: token, want: 200, contains: "silo_http_requests_total"},
		{name: "silo metrics drives", path: MetricsPathSilo, authz: token, want: 200, contains: "silo_drives_online 4"},
		{name: "anonymous S3 denied", path: "/", want: 403},
		{name: "signed S3 request on a scrape path goes to S3", path: MetricsPathSilo,
			authz: "AWS4-HMAC-SHA256 Credential=admin/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
			want:  400, contains: "<RequestId>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(t, base+tt.path, tt.authz)
			if code != tt.want || !strings.Contains(body, tt.contains) {
				t.Fatalf("GET %s = %d %q, want %d containing %q", tt.path, code, body, tt.want, tt.contains)
			}
		})
	}
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	// The store was closed: the same drives open again.
	srv2, stop2 := startServer(t, Config{Drives: drives, MetricsAuth: MetricsAuthPublic})
	if code, _ := get(t, srv2.URL()+MetricsPathMinIO, ""); code != 200 {
		t.Fatalf("public metrics: %d", code)
	}
	if err := stop2(); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "no drives", cfg: Config{}, want: "no drives"},
		{name: "bad storage class", cfg: Config{Drives: tempDrives(t, 4), StandardStorageClass: "EC:x"}, want: "storage class"},
		{name: "bad certs", cfg: Config{Drives: tempDrives(t, 1), CertFile: "/nonexistent.crt", KeyFile: "/nonexistent.key"}, want: "TLS"},
		{name: "bad metrics auth", cfg: Config{Drives: tempDrives(t, 1), MetricsAuth: "open"}, want: "metrics auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Address = "127.0.0.1:0"
			srv, err := New(context.Background(), tt.cfg, Deps{})
			if err == nil {
				srv.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
