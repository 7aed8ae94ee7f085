package erasure

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

func TestSystemDocs(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 4)
	s := openTestStore(t, drives, 2)
	put := map[string]string{"iam/user/alice": `{"a":1}`, "iam/user/bob": `{"b":2}`, "iam/group/g": `{}`, "other/x": "y"}
	for name, doc := range put {
		if err := s.PutSystemDoc(ctx, name, []byte(doc)); err != nil {
			t.Fatalf("PutSystemDoc(%s): %v", name, err)
		}
	}
	if err := s.DeleteSystemDoc(ctx, "iam/user/bob"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSystemDoc(ctx, "iam/user/never"); err != nil {
		t.Fatalf("deleting a missing document: %v", err)
	}
	check := func(t *testing.T, s *Store, prefix string, want map[string]string) {
		t.Helper()
		got, err := s.SystemDocs(ctx, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("SystemDocs(%q) = %q, want %q", prefix, got, want)
		}
		for k, v := range want {
			if string(got[k]) != v {
				t.Fatalf("SystemDocs(%q)[%s] = %q, want %q", prefix, k, got[k], v)
			}
		}
	}
	check(t, s, "iam/", map[string]string{"iam/user/alice": `{"a":1}`, "iam/group/g": `{}`})
	check(t, s, "iam/user/", map[string]string{"iam/user/alice": `{"a":1}`})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("survives restart and a lost drive", func(t *testing.T) {
		if err := os.RemoveAll(drives[0]); err != nil {
			t.Fatal(err)
		}
		s := openTestStore(t, drives, 2)
		defer s.Close()
		check(t, s, "iam/", map[string]string{"iam/user/alice": `{"a":1}`, "iam/group/g": `{}`})
	})
	t.Run("write quorum", func(t *testing.T) {
		s := openTestStore(t, drives, 2)
		defer s.Close()
		for _, d := range drives[:2] {
			if err := os.RemoveAll(filepath.Join(d, drive.SysDir)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.PutSystemDoc(ctx, "iam/user/carol", []byte("x")); !errors.Is(err, storage.ErrWriteQuorum) {
			t.Fatalf("PutSystemDoc with 2 of 4 drives = %v, want ErrWriteQuorum", err)
		}
	})
}
