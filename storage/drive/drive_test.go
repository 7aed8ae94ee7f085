package drive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/silo-project/silo/storage"
)

func openTest(t *testing.T) *Drive {
	t.Helper()
	root := t.TempDir()
	ctx := context.Background()
	if err := WriteFormat(root, Format{Version: FormatVersion, DeploymentID: "dep", Sets: [][]string{{"d0"}}, This: "d0"}); err != nil {
		t.Fatal(err)
	}
	d, err := Open(ctx, root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Update(ctx, func(tx *Tx) error { return tx.CreateBucket(BucketMeta{Name: "b", Created: 1}) }); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestFormatRoundTrip(t *testing.T) {
	root := t.TempDir()
	if _, err := ReadFormat(root); !errors.Is(err, ErrUnformatted) {
		t.Fatalf("ReadFormat on empty = %v", err)
	}
	f := Format{Version: FormatVersion, DeploymentID: "dep", Sets: [][]string{{"a", "b"}}, This: "b"}
	if err := WriteFormat(root, f); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFormat(root)
	if err != nil || !reflect.DeepEqual(got, f) {
		t.Fatalf("ReadFormat = %+v, %v", got, err)
	}
	if s, i, ok := got.Position(); !ok || s != 0 || i != 1 {
		t.Fatalf("Position = %d %d %v", s, i, ok)
	}
}

func TestScanDelimiter(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	keys := []string{"a", "b/1", "b/2", "c/x/1", "c/y", "d", "dm/1"}
	_, err := d.Update(ctx, func(tx *Tx) error {
		for _, k := range keys {
			v := Version{ID: "null", ModTime: 1, DeleteMarker: k == "dm/1"}
			if err := tx.PutRecord("b", k, &Record{Versions: []Version{v}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	notDeleted := func(_ []byte, r *Record) bool { return !r.Latest().DeleteMarker }
	tests := []struct {
		name string
		opts ScanOptions
		want []string
		more bool
	}{
		{"all", ScanOptions{}, keys, false},
		{"delim", ScanOptions{Delimiter: "/", Include: notDeleted}, []string{"a", "b/", "c/", "d"}, false},
		{"prefix delim", ScanOptions{Prefix: "c/", Delimiter: "/"}, []string{"c/x/", "c/y"}, false},
		{"limit", ScanOptions{Delimiter: "/", Limit: 2}, []string{"a", "b/"}, true},
		{"start", ScanOptions{Start: "b/2"}, []string{"b/2", "c/x/1", "c/y", "d", "dm/1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var more bool
			err := d.View(ctx, func(tx *Tx) error {
				es, m, err := tx.Scan("b", tt.opts)
				for _, e := range es {
					got = append(got, e.Key)
				}
				more = m
				return err
			})
			if err != nil || !reflect.DeepEqual(got, tt.want) || more != tt.more {
				t.Fatalf("Scan = %v more=%v err=%v, want %v more=%v", got, more, err, tt.want, tt.more)
			}
		})
	}
}

func TestDataDirLifecycle(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	dd := NewID()
	w, err := d.CreateShard(dd, "part.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	rec := &Record{Versions: []Version{{ID: "null", DataDir: dd, Parts: []Part{{Number: 1, File: "part.1"}}}}}
	if _, err := d.Update(ctx, func(tx *Tx) error { return tx.PutRecord("b", "k", rec) }); err != nil {
		t.Fatal(err)
	}
	var indexed bool
	_ = d.View(ctx, func(tx *Tx) error { indexed = tx.DataDirIndexed(dd); return nil })
	if !indexed {
		t.Fatal("data dir not indexed after commit")
	}
	freed, err := d.Update(ctx, func(tx *Tx) error { return tx.PutRecord("b", "k", nil) })
	if err != nil || len(freed) != 1 || freed[0] != dd {
		t.Fatalf("Update freed %v, %v; want [%s]", freed, err, dd)
	}
	d.Release(freed)
	p, _ := d.dataDirPath(dd)
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("data dir still on disk after delete: %v", err)
	}
	// A drive whose system directory vanished goes offline.
	if err := os.RemoveAll(filepath.Join(d.Root(), SysDir)); err != nil {
		t.Fatal(err)
	}
	if err := d.View(ctx, func(*Tx) error { return nil }); !errors.Is(err, storage.ErrDriveFaulty) {
		t.Fatalf("View on removed drive = %v", err)
	}
}
