package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/silo-project/silo/server"
)

func TestParseKMS(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, 32))
	rootFile := filepath.Join(t.TempDir(), "root.key")
	if err := os.WriteFile(rootFile, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		env            []string
		wantStatic     string // the static key's name
		wantRoot       bool   // the embedded service
		wantDefaultKey string
		wantErr        string
	}{
		{name: "none", env: nil},
		{name: "silo static key", env: []string{"SILO_KMS_SECRET_KEY", "k1:" + key}, wantStatic: "k1"},
		{name: "minio alias", env: []string{"MINIO_KMS_SECRET_KEY", "minio-key:" + key}, wantStatic: "minio-key"},
		{name: "silo wins over alias", env: []string{"SILO_KMS_SECRET_KEY", "a:" + key, "MINIO_KMS_SECRET_KEY", "b:" + key}, wantStatic: "a"},
		{name: "bad static key", env: []string{"SILO_KMS_SECRET_KEY", "k1:short"}, wantErr: "SILO_KMS_SECRET_KEY"},
		{name: "embedded", env: []string{"SILO_KMS_ROOT_KEY", key}, wantRoot: true},
		{name: "embedded from file", env: []string{"SILO_KMS_ROOT_KEY_FILE", rootFile, "SILO_KMS_DEFAULT_KEY", "deploy"}, wantRoot: true, wantDefaultKey: "deploy"},
		{name: "root key and file", env: []string{"SILO_KMS_ROOT_KEY", key, "SILO_KMS_ROOT_KEY_FILE", rootFile}, wantErr: "not both"},
		{name: "missing root file", env: []string{"SILO_KMS_ROOT_KEY_FILE", rootFile + ".nope"}, wantErr: "SILO_KMS_ROOT_KEY_FILE"},
		{name: "short root key", env: []string{"SILO_KMS_ROOT_KEY", "c2hvcnQ="}, wantErr: "SILO_KMS_ROOT_KEY"},
		{name: "bad default key", env: []string{"SILO_KMS_ROOT_KEY", key, "SILO_KMS_DEFAULT_KEY", "a/b"}, wantErr: "SILO_KMS_DEFAULT_KEY"},
		{name: "previous root key", env: []string{"SILO_KMS_ROOT_KEY", key, "SILO_KMS_ROOT_KEY_PREVIOUS_FILE", rootFile}, wantRoot: true},
		{name: "previous without new", env: []string{"SILO_KMS_ROOT_KEY_PREVIOUS", key}, wantErr: "needs SILO_KMS_ROOT_KEY"},
		{name: "two kinds", env: []string{"SILO_KMS_ROOT_KEY", key, "SILO_KMS_SECRET_KEY", "k:" + key}, wantErr: "more than one"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cfg server.Config
			err := parseKMS(envMap(tc.env...), &cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.wantStatic != "":
				if cfg.KMS == nil || cfg.KMS.DefaultKey() != tc.wantStatic {
					t.Fatalf("KMS = %v, want the static key %q", cfg.KMS, tc.wantStatic)
				}
				if _, err := cfg.KMS.GenerateKey(context.Background(), "", nil); err != nil {
					t.Fatalf("GenerateKey: %v", err)
				}
			case tc.wantRoot:
				if cfg.KMS != nil || len(cfg.KMSRootKey) != 32 || cfg.KMSDefaultKey != tc.wantDefaultKey {
					t.Fatalf("KMS %v, root key of %d bytes, default %q; want the embedded service, default %q",
						cfg.KMS, len(cfg.KMSRootKey), cfg.KMSDefaultKey, tc.wantDefaultKey)
				}
			default:
				if cfg.KMS != nil || cfg.KMSRootKey != nil {
					t.Fatalf("a key service is configured: %v", cfg.KMS)
				}
			}
		})
	}
}
