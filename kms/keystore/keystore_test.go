package keystore_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/keystore"
	"github.com/silo-project/silo/kms/kmstest"
)

func dirs(t *testing.T, n int) []string {
	t.Helper()
	base := t.TempDir()
	out := make([]string, n)
	for i := range out {
		out[i] = filepath.Join(base, "drive"+string(rune('a'+i)), ".silo.sys", "kms")
	}
	return out
}

func rootKey(t *testing.T) kms.Secret {
	t.Helper()
	s, err := kms.GenerateSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func open(t *testing.T, cfg keystore.Config) *keystore.Store {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	s, err := keystore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	for _, n := range []int{1, 4} {
		t.Run(string(rune('0'+n))+" dirs", func(t *testing.T) {
			kmstest.Run(t, open(t, keystore.Config{Dirs: dirs(t, n), Root: rootKey(t)}))
		})
	}
}

func TestReopenKeepsKeys(t *testing.T) {
	ctx := context.Background()
	cfg := keystore.Config{Dirs: dirs(t, 4), Root: rootKey(t), DefaultKey: "deploy-key"}
	s := open(t, cfg)
	if err := s.CreateKey(ctx, "tenant-1"); err != nil {
		t.Fatal(err)
	}
	c := kms.Context{"bucket": "b"}
	deks := map[string]kms.DEK{}
	for _, name := range []string{"", "tenant-1"} {
		dek, err := s.GenerateKey(ctx, name, c)
		if err != nil {
			t.Fatal(err)
		}
		deks[name] = dek
	}

	s2 := open(t, cfg)
	keys, err := s2.ListKeys(ctx, "*")
	if err != nil || !slices.Equal(keys, []string{"deploy-key", "tenant-1"}) {
		t.Fatalf("ListKeys after reopen = %v, %v", keys, err)
	}
	for name, dek := range deks {
		plain, err := s2.Decrypt(ctx, dek.KeyID, dek.Ciphertext, c)
		if err != nil || !bytes.Equal(plain, dek.Plaintext) {
			t.Fatalf("Decrypt(%q) after reopen = %x, %v", name, plain, err)
		}
	}
}

func TestWrongRootKey(t *testing.T) {
	cfg := keystore.Config{Dirs: dirs(t, 2), Root: rootKey(t)}
	open(t, cfg)
	cfg.Root = rootKey(t)
	if _, err := keystore.Open(context.Background(), cfg); err == nil {
		t.Fatal("Open with another root key succeeded")
	}
}

// TestNoKeyInTheClear checks that no file of the keystore contains the root
// key, and that the master key files open only with it (TestWrongRootKey).
func TestNoKeyInTheClear(t *testing.T) {
	root := rootKey(t)
	d := dirs(t, 2)
	open(t, keystore.Config{Dirs: d, Root: root})
	for _, dir := range d {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) < 2 {
			t.Fatalf("%s holds %d files, want the root check and the default key", dir, len(entries))
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(data, root.Bytes()) {
				t.Fatalf("%s contains the root key", e.Name())
			}
		}
	}
}

func TestDirectoryAway(t *testing.T) {
	ctx := context.Background()
	d := dirs(t, 4)
	cfg := keystore.Config{Dirs: d, Root: rootKey(t)}
	s := open(t, cfg)
	if err := s.CreateKey(ctx, "old"); err != nil {
		t.Fatal(err)
	}
	dek, err := s.GenerateKey(ctx, "old", nil)
	if err != nil {
		t.Fatal(err)
	}

	// Drive a goes away (renamed); "old" is deleted and re-created, "new"
	// is created, with three of four directories.
	away := d[0] + ".away"
	if err := os.Rename(d[0], away); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d[0], []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteKey(ctx, "old"); err != nil {
		t.Fatalf("DeleteKey with 3 of 4 directories: %v", err)
	}
	if err := s.CreateKey(ctx, "new"); err != nil {
		t.Fatalf("CreateKey with 3 of 4 directories: %v", err)
	}

	// Drive a is back with its stale copy of "old".
	if err := os.Remove(d[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(away, d[0]); err != nil {
		t.Fatal(err)
	}
	s2 := open(t, cfg)
	keys, err := s2.ListKeys(ctx, "")
	if err != nil || slices.Contains(keys, "old") || !slices.Contains(keys, "new") {
		t.Fatalf("ListKeys after the drive came back = %v, %v; want new and not old", keys, err)
	}
	if _, err := s2.Decrypt(ctx, "old", dek.Ciphertext, nil); !errors.Is(err, kms.ErrKeyNotFound) {
		t.Fatalf("Decrypt under the deleted key = %v, want ErrKeyNotFound", err)
	}
	// The returning drive was healed: it alone now opens the keystore.
	if _, err := os.Stat(filepath.Join(d[0], "new.key")); err != nil {
		t.Fatalf("new key not healed onto the returning drive: %v", err)
	}
	if _, err := os.Stat(filepath.Join(d[0], "old.key")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale copy of the deleted key still on the returning drive: %v", err)
	}
}

func TestWriteQuorum(t *testing.T) {
	ctx := context.Background()
	d := dirs(t, 4)
	s := open(t, keystore.Config{Dirs: d, Root: rootKey(t)})
	// Two of four directories become files: a majority (3) is out of reach.
	for _, dir := range d[:2] {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateKey(ctx, "k"); !errors.Is(err, kms.ErrUnavailable) {
		t.Fatalf("CreateKey without quorum = %v, want ErrUnavailable", err)
	}
	if _, err := s.GenerateKey(ctx, "k", nil); !errors.Is(err, kms.ErrKeyNotFound) {
		t.Fatalf("a key that failed to reach quorum is visible: %v", err)
	}
	for _, dir := range d[2:] {
		if _, err := os.Stat(filepath.Join(dir, "k.key")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("failed create left %s/k.key: %v", dir, err)
		}
	}
}

// TestRootKeyRotation opens a keystore under root A, then under root B with
// A as previous root: every file is re-sealed under B, so B alone opens it
// afterwards and A no longer does, and data keys still decrypt.
func TestRootKeyRotation(t *testing.T) {
	ctx := context.Background()
	a, b := rootKey(t), rootKey(t)
	d := dirs(t, 3)
	s := open(t, keystore.Config{Dirs: d, Root: a})
	if err := s.CreateKey(ctx, "tenant"); err != nil {
		t.Fatal(err)
	}
	dek, err := s.GenerateKey(ctx, "tenant", kms.Context{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keystore.Open(ctx, keystore.Config{Dirs: d, Root: b, Logger: slog.New(slog.DiscardHandler)}); err == nil {
		t.Fatal("a new root key without the previous one opened the keystore")
	}

	open(t, keystore.Config{Dirs: d, Root: b, PreviousRoots: []kms.Secret{a}})

	s2 := open(t, keystore.Config{Dirs: d, Root: b})
	plain, err := s2.Decrypt(ctx, "tenant", dek.Ciphertext, kms.Context{"k": "v"})
	if err != nil || !bytes.Equal(plain, dek.Plaintext) {
		t.Fatalf("Decrypt after root rotation = %x, %v", plain, err)
	}
	if _, err := keystore.Open(ctx, keystore.Config{Dirs: d, Root: a, Logger: slog.New(slog.DiscardHandler)}); err == nil {
		t.Fatal("the old root key still opens the keystore after rotation")
	}
}
