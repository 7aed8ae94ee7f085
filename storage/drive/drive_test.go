package drive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/silo-project/silo/storage"
)

func openTest(t testing.TB) *Drive {
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
	tests := []struct {
		name string
		opts ScanOptions
		want []string
		more bool
	}{
		{"all", ScanOptions{}, keys, false},
		{"delim", ScanOptions{Delimiter: "/", SkipDeleted: true}, []string{"a", "b/", "c/", "d"}, false},
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
	// A drive whose system directory vanished goes offline, for reads and
	// for changes (checked once per commit group).
	if err := os.RemoveAll(filepath.Join(d.Root(), SysDir)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Update(ctx, func(*Tx) error { return nil }); !errors.Is(err, storage.ErrDriveFaulty) {
		t.Fatalf("Update on removed drive = %v", err)
	}
	if err := d.View(ctx, func(*Tx) error { return nil }); !errors.Is(err, storage.ErrDriveFaulty) {
		t.Fatalf("View on removed drive = %v", err)
	}
}

// countingCursor counts the moves of a bbolt cursor.
type countingCursor struct {
	c     cursor
	moves int
}

func (c *countingCursor) Seek(k []byte) ([]byte, []byte) { c.moves++; return c.c.Seek(k) }
func (c *countingCursor) Next() ([]byte, []byte)         { c.moves++; return c.c.Next() }

// TestScanCostIndependentOfKeysUnderPrefixes: a delimited page costs one
// seek per common prefix however many keys each prefix holds, and a plain
// page costs one move per key returned, wherever it starts.
func TestScanCostIndependentOfKeysUnderPrefixes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		perPrefix int
		opts      ScanOptions
		entries   int
		maxMoves  int
	}{
		{"delimited, 1 key per prefix", 1, ScanOptions{Delimiter: "/", Limit: 100}, 100, 101},
		{"delimited, 300 keys per prefix", 300, ScanOptions{Delimiter: "/", Limit: 100}, 100, 101},
		{"delimited below a prefix", 300, ScanOptions{Prefix: "p0050/", Delimiter: "/", Limit: 100}, 100, 101},
		{"plain page deep in the bucket", 300, ScanOptions{Start: "p0150/", Limit: 100}, 100, 101},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := openTest(t)
			putPrefixes(t, d, 200, tt.perPrefix)
			err := d.View(ctx, func(tx *Tx) error {
				c := &countingCursor{c: tx.tx.Bucket(objBucket("b")).Cursor()}
				es, _, err := scanCursor(c, tt.opts, nil)
				if err != nil {
					return err
				}
				if len(es) != tt.entries || c.moves > tt.maxMoves {
					t.Fatalf("page of %d entries took %d cursor moves; want %d entries in at most %d moves",
						len(es), c.moves, tt.entries, tt.maxMoves)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// putPrefixes stores live keys "pNNNN/kNNNN" in bucket b: n prefixes of
// perPrefix keys each.
func putPrefixes(t *testing.T, d *Drive, n, perPrefix int) {
	t.Helper()
	_, err := d.Update(context.Background(), func(tx *Tx) error {
		rec := &Record{Versions: []Version{{ID: "null", ModTime: 1}}}
		for p := range n {
			for k := range perPrefix {
				if err := tx.PutRecord("b", fmt.Sprintf("p%04d/k%04d", p, k), rec); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestShardWriterLarge writes a shard past several early-writeback chunks
// and reads back exactly what was written.
func TestShardWriterLarge(t *testing.T) {
	d := openTest(t)
	dd := NewID()
	w, err := d.CreateShard(dd, "part.1")
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	chunk := make([]byte, 1<<20+3) // not aligned to the writeback chunk
	for i := range 11 {
		for j := range chunk {
			chunk[j] = byte(i*31 + j)
		}
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
		want = append(want, chunk...)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	f, err := d.OpenShard(dd, "part.1")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read back %d bytes (err %v), want the %d written", len(got), err, len(want))
	}
}

// TestReadsNoticeRemovedDrive: a read transaction trusts a recent online
// check for readOnlineTTL at most; once the drive's format record is gone,
// Online fails at once and View within the TTL.
func TestReadsNoticeRemovedDrive(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	view := func() error { return d.View(ctx, func(*Tx) error { return nil }) }
	if err := view(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(d.Root(), SysDir, formatFile)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(readOnlineTTL + 20*time.Millisecond)
	for view() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("View still succeeds %v after the drive's format record was removed", readOnlineTTL+20*time.Millisecond)
		}
		time.Sleep(time.Millisecond)
	}
	if err := view(); !errors.Is(err, storage.ErrDriveFaulty) {
		t.Fatalf("View = %v, want ErrDriveFaulty", err)
	}
	if err := d.Online(); !errors.Is(err, storage.ErrDriveFaulty) {
		t.Fatalf("Online = %v, want ErrDriveFaulty", err)
	}
}
