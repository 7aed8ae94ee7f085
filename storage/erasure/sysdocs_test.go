package erasure

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
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

// TestHealSystemDocs: a heal gives every drive the system documents reads
// return (a replaced drive gets them all, a stale one is updated and loses
// one deleted since), leaves a tie alone, and does nothing while a drive
// is offline. TestDriveLossAndHeal shows the same through two replaced drives.
func TestHealSystemDocs(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 4)
	s := openTestStore(t, drives, 2)
	defer s.Close()
	for name, doc := range map[string]string{"iam/a": "v2", "iam/b": "x", "iam/tie": "t1"} {
		must(t, s.PutSystemDoc(ctx, name, []byte(doc)))
	}
	// Behind the store's back: drive 3 is stale (old a, a document
	// deleted since), drive 2 was replaced (holds nothing), and the tie
	// document differs on two drives.
	ds := s.sets[0].list()
	behind := func(d *drive.Drive, docs map[string]string) {
		t.Helper()
		if _, err := d.Update(ctx, func(tx *drive.Tx) error {
			for name, doc := range docs {
				var b []byte
				if doc != "-" {
					b = []byte(doc)
				}
				if err := tx.PutSysDoc(name, b); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	behind(ds[3], map[string]string{"iam/a": "v1", "iam/gone": "old", "iam/tie": "t2"})
	behind(ds[2], map[string]string{"iam/a": "-", "iam/b": "-", "iam/tie": "t2"})
	onDrive := func(d *drive.Drive) map[string]string {
		out := map[string]string{}
		_ = d.View(ctx, func(tx *drive.Tx) error {
			for name, doc := range tx.SysDocs("") {
				out[name] = string(doc)
			}
			return nil
		})
		return out
	}

	n, err := s.healSysDocs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for p, d := range ds {
		got := onDrive(d)
		want := map[string]string{"iam/a": "v2", "iam/b": "x", "iam/tie": "t1"}
		if p >= 2 {
			want["iam/tie"] = "t2" // two drives against two: left as it is
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("drive %d after heal: %v, want %v", p, got, want)
		}
	}
	if n != 4 {
		t.Fatalf("healSysDocs reported %d documents fixed, want 4", n)
	}

	// With a drive offline nothing is decided.
	behind(ds[3], map[string]string{"iam/a": "v1"})
	s.sets[0].slots[0].Store(nil)
	if _, err := s.healSysDocs(ctx); !errors.Is(err, errNotAllDrives) {
		t.Fatalf("heal with a drive offline: %v, want errNotAllDrives", err)
	}
	if got := onDrive(ds[3])["iam/a"]; got != "v1" {
		t.Fatalf("heal with a drive offline changed a document: iam/a = %q", got)
	}
	s.sets[0].slots[0].Store(ds[0])

	// Through Heal, as after a replaced drive.
	must(t, s.Heal(ctx, HealOptions{}))
	if got := onDrive(ds[3])["iam/a"]; got != "v2" {
		t.Fatalf("Heal left iam/a = %q on the stale drive, want v2", got)
	}
}

// TestHealSystemDocDeletedMeanwhile: a document that the heal's first read
// found missing on two drives, and that is deleted before the heal gets to
// it, is not brought back (each fix reads the document again under its lock).
func TestHealSystemDocDeletedMeanwhile(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, testDrives(t, 4), 2)
	defer s.Close()
	must(t, s.PutSystemDoc(ctx, "iam/user/x", []byte("v1")))
	ds := s.sets[0].list()
	for _, d := range ds[2:] { // two replaced drives
		if _, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.PutSysDoc("iam/user/x", nil) }); err != nil {
			t.Fatal(err)
		}
	}
	held, _ := s.readSysDocs(ctx, "")
	if fixes := s.sysDocFixes(held, "iam/user/x", voteSysDocs(held)["iam/user/x"]); len(fixes) != 2 {
		t.Fatalf("first read plans %d fixes, want 2 (the replaced drives)", len(fixes))
	}
	must(t, s.DeleteSystemDoc(ctx, "iam/user/x"))
	if n, err := s.healSysDoc(ctx, "iam/user/x"); err != nil || n != 0 {
		t.Fatalf("healSysDoc after the delete: %d fixes, %v; want none", n, err)
	}
	docs, err := s.SystemDocs(ctx, "iam/")
	if err != nil || len(docs) != 0 {
		t.Fatalf("after heal: %q, %v; the deleted document came back", docs, err)
	}
}
