package main

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/server"
)

// envMap is a fake environment.
func envMap(kv ...string) getenvFunc {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestParseServer(t *testing.T) {
	creds := []string{"SILO_ROOT_USER", "admin", "SILO_ROOT_PASSWORD", "password1"}
	tests := []struct {
		name    string
		args    []string
		env     []string
		check   func(t *testing.T, c server.Config)
		wantErr string
	}{
		{
			name: "flags and ellipsis",
			args: []string{"--address", "127.0.0.1:9100", "--certs-dir", "/certs", "/d{1...4}"},
			env:  creds,
			check: func(t *testing.T, c server.Config) {
				want := []string{"/d1", "/d2", "/d3", "/d4"}
				if c.Address != "127.0.0.1:9100" || c.CertsDir != "/certs" || !reflect.DeepEqual(c.Drives, want) {
					t.Fatalf("got %+v", c)
				}
			},
		},
		{
			name: "stale uploads",
			args: []string{"/d"},
			env:  append([]string{"MINIO_API_STALE_UPLOADS_EXPIRY", "2h", "SILO_API_STALE_UPLOADS_CLEANUP_INTERVAL", "90s"}, creds...),
			check: func(t *testing.T, c server.Config) {
				if c.StaleUploadsExpiry != 2*time.Hour || c.StaleUploadsCleanupInterval != 90*time.Second {
					t.Fatalf("stale uploads expiry %v, interval %v; want 2h, 90s", c.StaleUploadsExpiry, c.StaleUploadsCleanupInterval)
				}
			},
		},
		{
			name:    "stale uploads expiry not a duration",
			args:    []string{"/d"},
			env:     append([]string{"SILO_API_STALE_UPLOADS_EXPIRY", "1 day"}, creds...),
			wantErr: "SILO_API_STALE_UPLOADS_EXPIRY",
		},
		{
			name: "flags after drives",
			args: []string{"/a", "/b", "--address=:9200"},
			env:  creds,
			check: func(t *testing.T, c server.Config) {
				if c.Address != ":9200" || len(c.Drives) != 2 {
					t.Fatalf("got %+v", c)
				}
			},
		},
		{
			name: "flag beats env",
			args: []string{"--address", ":1", "/d"},
			env:  append([]string{"SILO_ADDRESS", ":2", "SILO_CERTS_DIR", "/env-certs"}, creds...),
			check: func(t *testing.T, c server.Config) {
				if c.Address != ":1" || c.CertsDir != "/env-certs" {
					t.Fatalf("got %+v", c)
				}
			},
		},
		{
			name: "SILO beats MINIO",
			args: []string{"/d"},
			env: []string{"SILO_ROOT_USER", "silouser", "MINIO_ROOT_USER", "miniouser",
				"SILO_ROOT_PASSWORD", "silopass1", "MINIO_ROOT_PASSWORD", "miniopass",
				"SILO_REGION", "eu-west-1", "MINIO_REGION", "us-west-2",
				"SILO_CERTS_DIR", "/s", "MINIO_CERTS_DIR", "/m"},
			check: func(t *testing.T, c server.Config) {
				if c.RootUser != "silouser" || c.RootPassword != "silopass1" || c.Region != "eu-west-1" || c.CertsDir != "/s" {
					t.Fatalf("got %+v", c)
				}
			},
		},
		{
			name: "MINIO aliases",
			args: nil,
			env: []string{"MINIO_ROOT_USER", "miniouser", "MINIO_ROOT_PASSWORD", "miniopass",
				"MINIO_VOLUMES", "/v{1...2} /w", "MINIO_SITE_REGION", "ap-south-1", "MINIO_REGION", "x",
				"MINIO_DOMAIN", "s3.example.com, s3.local", "MINIO_STORAGE_CLASS_STANDARD", "EC:3",
				"MINIO_STORAGE_CLASS_RRS", "EC:1", "MINIO_SERVER_CERT_FILE", "/c.crt", "MINIO_SERVER_KEY_FILE", "/c.key",
				"MINIO_CERTS_DIR", "/mc"},
			check: func(t *testing.T, c server.Config) {
				want := server.Config{
					RootUser: "miniouser", RootPassword: "miniopass", Drives: []string{"/v1", "/v2", "/w"},
					Region: "ap-south-1", Domains: []string{"s3.example.com", "s3.local"},
					StandardStorageClass: "EC:3", RRSStorageClass: "EC:1", CertFile: "/c.crt", KeyFile: "/c.key",
					CertsDir: "/mc",
				}
				if !reflect.DeepEqual(c, want) {
					t.Fatalf("got  %+v\nwant %+v", c, want)
				}
			},
		},
		{
			name: "args beat volumes env",
			args: []string{"/arg"},
			env:  append([]string{"SILO_VOLUMES", "/env"}, creds...),
			check: func(t *testing.T, c server.Config) {
				if !reflect.DeepEqual(c.Drives, []string{"/arg"}) {
					t.Fatalf("drives %q", c.Drives)
				}
			},
		},
		{
			name: "default certs dir under home",
			args: []string{"/d"},
			env:  creds,
			check: func(t *testing.T, c server.Config) {
				if c.CertsDir != filepath.Join("/home/u", ".silo", "certs") {
					t.Fatalf("certs dir %q", c.CertsDir)
				}
			},
		},
		{
			name: "no credentials is fine (generated later)",
			args: []string{"/d"},
			check: func(t *testing.T, c server.Config) {
				if c.RootUser != "" || c.RootPassword != "" {
					t.Fatalf("got %+v", c)
				}
			},
		},
		{name: "help", args: []string{"--help"}, wantErr: errHelp.Error()},
		{name: "unknown flag", args: []string{"--bogus", "/d"}, wantErr: "flag provided but not defined: -bogus"},
		{name: "no drives", args: nil, env: creds, wantErr: "no drives given"},
		{name: "bad ellipsis", args: []string{"/d{1...}"}, env: creds, wantErr: "invalid ellipsis"},
		{name: "short password", args: []string{"/d"}, env: []string{"SILO_ROOT_USER", "admin", "SILO_ROOT_PASSWORD", "short"}, wantErr: "at least 8"},
		{name: "short user", args: []string{"/d"}, env: []string{"SILO_ROOT_USER", "ad", "SILO_ROOT_PASSWORD", "password1"}, wantErr: "at least 3"},
		{name: "user without password", args: []string{"/d"}, env: []string{"MINIO_ROOT_USER", "admin"}, wantErr: "without a root password"},
		{name: "default pair refused", args: []string{"/d"}, env: []string{"MINIO_ROOT_USER", "minioadmin", "MINIO_ROOT_PASSWORD", "minioadmin"}, wantErr: "refused"},
		{
			name: "default pair allowed",
			args: []string{"/d"},
			env:  []string{"MINIO_ROOT_USER", "minioadmin", "MINIO_ROOT_PASSWORD", "minioadmin", "SILO_ALLOW_DEFAULT_CREDENTIALS", "on"},
			check: func(t *testing.T, c server.Config) {
				if !c.AllowDefaultCredentials {
					t.Fatal("AllowDefaultCredentials not set")
				}
			},
		},
		{name: "bad bool", args: []string{"/d"}, env: []string{"SILO_ALLOW_DEFAULT_CREDENTIALS", "maybe"}, wantErr: "want on or off"},
		{name: "bad address", args: []string{"--address", "nonsense", "/d"}, env: creds, wantErr: "invalid address"},
		{name: "bad set count", args: []string{"/d"}, env: append([]string{"SILO_ERASURE_SET_DRIVE_COUNT", "x"}, creds...), wantErr: "non-negative integer"},
		{name: "duplicate drive", args: []string{"/d{1...2}", "/d1"}, env: creds, wantErr: "more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseServer(tt.args, envMap(tt.env...), "/home/u")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				if tt.wantErr == errHelp.Error() && !errors.Is(err, errHelp) {
					t.Fatalf("err = %v, want errHelp", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseServer: %v", err)
			}
			tt.check(t, cfg)
		})
	}
}
