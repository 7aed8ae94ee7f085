package crypt

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/keystore"
)

// TestRekey re-seals object keys from one master key to another with a
// real key service: the object key is unchanged, only the new master key
// opens it, and SSE-C objects are refused.
func TestRekey(t *testing.T) {
	ctx := context.Background()
	root, err := kms.GenerateSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	k, err := keystore.Open(ctx, keystore.Config{Dirs: []string{filepath.Join(t.TempDir(), "kms")}, Root: root,
		DefaultKey: "old", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := k.CreateKey(ctx, "new"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		p         Params
		wantKeyID string
	}{
		{"SSE-S3", Params{Method: MethodS3}, ""},
		{"SSE-KMS", Params{Method: MethodKMS, KeyID: "arn:aws:kms:old", Context: map[string]string{"team": "x"}}, "new"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ok, s, err := NewObjectKey(ctx, k, tc.p, "bkt", "obj")
			if err != nil {
				t.Fatal(err)
			}
			r, err := s.Rekey(ctx, k, "bkt", "obj", "new")
			if err != nil {
				t.Fatalf("Rekey: %v", err)
			}
			if r.KMSKey != "new" || r.KeyID != tc.wantKeyID || r.Method != s.Method || len(r.Context) != len(s.Context) {
				t.Fatalf("rekeyed state %+v", r)
			}
			got, err := r.ObjectKey(ctx, k, nil, "bkt", "obj")
			if err != nil || got != ok {
				t.Fatalf("object key after Rekey: %v (same: %v)", err, got == ok)
			}
			// The new data key is not the old one under another name.
			moved := s
			moved.KMSKey = "new"
			if _, err := moved.ObjectKey(ctx, k, nil, "bkt", "obj"); !errors.Is(err, kms.ErrDecrypt) {
				t.Fatalf("old data key under the new master key: %v, want ErrDecrypt", err)
			}
			// Bound to the object as before.
			if _, err := r.ObjectKey(ctx, k, nil, "bkt", "other"); err == nil {
				t.Fatal("rekeyed object key opened for another object")
			}
		})
	}
	t.Run("SSE-C", func(t *testing.T) {
		_, s, err := NewObjectKey(ctx, k, Params{Method: MethodC, CustomerKey: make([]byte, KeySize)}, "bkt", "obj")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Rekey(ctx, k, "bkt", "obj", "new"); !errors.Is(err, ErrNotRotatable) {
			t.Fatalf("Rekey of SSE-C = %v, want ErrNotRotatable", err)
		}
	})
	t.Run("missing new key", func(t *testing.T) {
		_, s, err := NewObjectKey(ctx, k, Params{Method: MethodS3}, "bkt", "obj")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Rekey(ctx, k, "bkt", "obj", "nope"); !errors.Is(err, kms.ErrKeyNotFound) {
			t.Fatalf("Rekey to a missing key = %v, want ErrKeyNotFound", err)
		}
	})
}
