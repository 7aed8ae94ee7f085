package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"
)

func TestParseKMS(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, 32))
	tests := []struct {
		name        string
		env         []string
		wantDefault string // "" means no KMS
		wantErr     string
	}{
		{name: "none", env: nil},
		{name: "silo static key", env: []string{"SILO_KMS_SECRET_KEY", "k1:" + key}, wantDefault: "k1"},
		{name: "minio alias", env: []string{"MINIO_KMS_SECRET_KEY", "minio-key:" + key}, wantDefault: "minio-key"},
		{name: "silo wins over alias", env: []string{"SILO_KMS_SECRET_KEY", "a:" + key, "MINIO_KMS_SECRET_KEY", "b:" + key}, wantDefault: "a"},
		{name: "bad static key", env: []string{"SILO_KMS_SECRET_KEY", "k1:short"}, wantErr: "SILO_KMS_SECRET_KEY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := parseKMS(envMap(tc.env...))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantDefault == "" {
				if k != nil {
					t.Fatalf("got a KMS %T, want none", k)
				}
				return
			}
			if k == nil || k.DefaultKey() != tc.wantDefault {
				t.Fatalf("KMS = %v, want default key %q", k, tc.wantDefault)
			}
			if _, err := k.GenerateKey(context.Background(), "", nil); err != nil {
				t.Fatalf("GenerateKey: %v", err)
			}
		})
	}
}
