package server

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/silo-project/silo/kms"
)

// TestEmbeddedKMS opens the embedded key service on fresh drives (they are
// formatted first, which must not wipe it), and checks that a data key
// generated in one run decrypts in the next, and that another root key is
// refused.
func TestEmbeddedKMS(t *testing.T) {
	ctx := context.Background()
	root := bytes.Repeat([]byte{0x42}, 32)
	cfg := Config{
		Address: "127.0.0.1:0", Drives: tempDrives(t, 4),
		RootUser: "admin", RootPassword: "password1",
		KMSRootKey: root, KMSDefaultKey: "deploy-key",
	}
	open := func(cfg Config) (*Server, error) {
		return New(ctx, cfg, Deps{Logger: slog.New(slog.DiscardHandler)})
	}
	srv, err := open(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if srv.cfg.KMS == nil || srv.cfg.KMS.DefaultKey() != "deploy-key" {
		t.Fatalf("KMS = %v, want the embedded service with default key deploy-key", srv.cfg.KMS)
	}
	c := kms.Context{"bucket": "b", "object": "o"}
	dek, err := srv.cfg.KMS.GenerateKey(ctx, "", c)
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	for _, d := range cfg.Drives {
		if _, err := os.Stat(filepath.Join(d, ".silo.sys", "kms", "deploy-key.key")); err != nil {
			t.Fatalf("key file missing on %s: %v", d, err)
		}
	}

	srv, err = open(cfg)
	if err != nil {
		t.Fatalf("New again: %v", err)
	}
	plain, err := srv.cfg.KMS.Decrypt(ctx, dek.KeyID, dek.Ciphertext, c)
	srv.Close()
	if err != nil || !bytes.Equal(plain, dek.Plaintext) {
		t.Fatalf("Decrypt after restart = %x, %v", plain, err)
	}

	cfg.KMSRootKey = bytes.Repeat([]byte{0x43}, 32)
	if _, err := open(cfg); err == nil || !strings.Contains(err.Error(), "root key") {
		t.Fatalf("New with another root key = %v, want a root key error", err)
	}
	// Rotating the root key: once with the old one as previous, then the
	// new one alone opens the keystore and the data key still decrypts.
	cfg.KMSPreviousRootKey = root
	srv, err = open(cfg)
	if err != nil {
		t.Fatalf("New with the previous root key: %v", err)
	}
	srv.Close()
	cfg.KMSPreviousRootKey = nil
	srv, err = open(cfg)
	if err != nil {
		t.Fatalf("New with the rotated root key: %v", err)
	}
	plain, err = srv.cfg.KMS.Decrypt(ctx, dek.KeyID, dek.Ciphertext, c)
	srv.Close()
	if err != nil || !bytes.Equal(plain, dek.Plaintext) {
		t.Fatalf("Decrypt after root key rotation = %x, %v", plain, err)
	}
	cfg.KMSRootKey = []byte("short")
	if _, err := open(cfg); err == nil {
		t.Fatal("New with a short root key succeeded")
	}
}
