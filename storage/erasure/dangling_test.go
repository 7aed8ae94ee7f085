package erasure

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

func TestUnreadable(t *testing.T) {
	tests := []struct {
		n, quorum, lacking int
		want               bool
	}{
		{4, 2, 3, true},  // one drive holds it, three answered without
		{4, 2, 2, false}, // two could still hold it
		{4, 3, 2, true},
		{6, 4, 3, true},
		{6, 4, 2, false},
		{1, 1, 1, true},
		{1, 0, 0, false},
		{4, 0, 4, true}, // a quorum below 1 counts as 1
		{4, 0, 3, false},
	}
	for _, tt := range tests {
		if got := unreadable(tt.n, tt.quorum, tt.lacking); got != tt.want {
			t.Errorf("unreadable(%d, %d, %d) = %v, want %v", tt.n, tt.quorum, tt.lacking, got, tt.want)
		}
	}
}

// onDrive runs fn in a metadata transaction of one drive opened directly
// (the store must be closed).
func onDrive(t *testing.T, root string, fn func(*drive.Tx) error) {
	t.Helper()
	ctx := context.Background()
	d, err := drive.Open(ctx, root, drive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func dataFiles(t *testing.T, drives []string) int {
	t.Helper()
	n := 0
	for _, d := range drives {
		filepath.WalkDir(filepath.Join(d, drive.SysDir, "data"), func(_ string, e os.DirEntry, err error) error {
			if err == nil && e.Type().IsRegular() {
				n++
			}
			return nil
		})
	}
	return n
}

// TestDanglingVersionRemovedAtStart builds what a crash leaves when a PUT's
// metadata reached one drive of four (EC:2, read quorum 2): the version is
// invisible, and start-up must remove it and every shard file. With one of
// the lacking drives offline, it could still reach quorum: it must stay.
func TestDanglingVersionRemovedAtStart(t *testing.T) {
	for _, offline := range []bool{false, true} {
		t.Run(map[bool]string{false: "all drives answer", true: "one lacking drive offline"}[offline], func(t *testing.T) {
			ctx := context.Background()
			drives := testDrives(t, 4)
			s := openTestStore(t, drives, 2)
			if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
				t.Fatal(err)
			}
			body := bytes.Repeat([]byte("d"), 300<<10) // in shard files
			if _, err := s.PutObject(ctx, "bkt", "k", bytes.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			s.Close()
			// The commit reached drive 2 only: the others lack the record but
			// hold their (now orphan) shard files.
			for i, d := range drives {
				if i != 1 {
					onDrive(t, d, func(tx *drive.Tx) error { return tx.PutRecord("bkt", "k", nil) })
				}
			}
			if offline {
				if err := os.Rename(drives[3], drives[3]+".away"); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(drives[3], []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			s = openTestStore(t, drives, 2)
			defer s.Close()
			if _, err := s.StatObject(ctx, "bkt", "k", storage.GetOptions{}); !errors.Is(err, storage.ErrObjectNotFound) {
				t.Fatalf("StatObject of a version on one drive: %v, want not found", err)
			}
			held := func() bool {
				var r *drive.Record
				d := s.sets[0].drive(1)
				if err := d.View(ctx, func(tx *drive.Tx) error {
					var err error
					r, err = tx.Record("bkt", "k")
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return r != nil
			}
			if offline {
				time.Sleep(500 * time.Millisecond) // give the sweep time to do wrong
				if !held() {
					t.Fatal("a version that the offline drive could complete to quorum was removed")
				}
				return
			}
			waitFor(t, "the dangling version to go", func() bool { return !held() })
			waitFor(t, "every shard file to go", func() bool { return dataFiles(t, drives) == 0 })
		})
	}
}

// TestDanglingUploadAfterComplete builds what a crash during
// CompleteMultipartUpload leaves when three of four drives committed: the
// fourth still holds the upload (invisible below quorum) and lacks the
// version. Start-up must drop the upload there, keep its shards and heal
// the version onto it; deleting the object then leaves no file behind.
func TestDanglingUploadAfterComplete(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 4)
	s := openTestStore(t, drives, 2)
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	id, err := s.NewMultipartUpload(ctx, "bkt", "mp", storage.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p1 := bytes.Repeat([]byte("1"), storage.MinPartSize)
	p2 := bytes.Repeat([]byte("2"), 200<<10)
	var parts []storage.CompletePart
	for i, p := range [][]byte{p1, p2} {
		info, err := s.PutObjectPart(ctx, "bkt", "mp", id, i+1, bytes.NewReader(p), int64(len(p)), storage.PartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, storage.CompletePart{Number: i + 1, ETag: info.ETag})
	}
	s.Close()
	var saved *drive.Upload
	onDrive(t, drives[1], func(tx *drive.Tx) error {
		var err error
		saved, err = tx.Upload("bkt", "mp", id)
		return err
	})
	if saved == nil {
		t.Fatal("drive 2 has no upload record")
	}
	s = openTestStore(t, drives, 2)
	if _, err := s.CompleteMultipartUpload(ctx, "bkt", "mp", id, parts, storage.CompleteOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	onDrive(t, drives[1], func(tx *drive.Tx) error {
		if err := tx.PutRecord("bkt", "mp", nil); err != nil { // un-indexes, keeps the files
			return err
		}
		return tx.PutUpload("bkt", saved)
	})
	s = openTestStore(t, drives, 2)
	defer s.Close()
	d2 := s.sets[0].drive(1)
	state := func() (up *drive.Upload, rec *drive.Record) {
		if err := d2.View(ctx, func(tx *drive.Tx) error {
			var err error
			if up, err = tx.Upload("bkt", "mp", id); err != nil {
				return err
			}
			rec, err = tx.Record("bkt", "mp")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return up, rec
	}
	waitFor(t, "the dangling upload to go and the version to be healed onto drive 2", func() bool {
		up, rec := state()
		return up == nil && rec != nil && len(rec.Versions) == 1 && rec.Versions[0].DataDir == saved.DataDir
	})
	rc, _, err := s.GetObject(ctx, "bkt", "mp", nil, storage.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, append(append([]byte{}, p1...), p2...)) {
		t.Fatal("completed object reads back wrong")
	}
	if _, err := s.DeleteObject(ctx, "bkt", "mp", storage.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := dataFiles(t, drives); n != 0 {
		t.Fatalf("%d shard files left after deleting the only object", n)
	}
}

// TestDanglingUploadNeverCompleted: an upload created on one drive only (a
// crash during NewMultipartUpload) is removed with its data dir.
func TestDanglingUploadNeverCompleted(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 4)
	s := openTestStore(t, drives, 2)
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	id, err := s.NewMultipartUpload(ctx, "bkt", "mp", storage.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutObjectPart(ctx, "bkt", "mp", id, 1, bytes.NewReader(make([]byte, 300<<10)), 300<<10, storage.PartOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for i, d := range drives {
		if i != 2 {
			onDrive(t, d, func(tx *drive.Tx) error { return tx.DeleteUpload("bkt", "mp", id, false) })
		}
	}
	s = openTestStore(t, drives, 2)
	defer s.Close()
	waitFor(t, "every shard file to go", func() bool { return dataFiles(t, drives) == 0 })
	res, err := s.ListMultipartUploads(ctx, "bkt", storage.ListUploadsOptions{})
	if err != nil || len(res.Uploads) != 0 {
		t.Fatalf("ListMultipartUploads = %+v, %v; want none", res.Uploads, err)
	}
	d3 := s.sets[0].drive(2)
	waitFor(t, "the upload record to go", func() bool {
		var up *drive.Upload
		d3.View(ctx, func(tx *drive.Tx) error { up, _ = tx.Upload("bkt", "mp", id); return nil })
		return up == nil
	})
}

// TestOrphanCollectionSkipsWritesInFlight: file timestamps come from a
// coarse clock, so a data dir this process is writing can look older than
// the store's start; its registration must keep it from collection.
func TestOrphanCollectionSkipsWritesInFlight(t *testing.T) {
	drives := testDrives(t, 1)
	s := openTestStore(t, drives, -1)
	defer s.Close()
	old := time.Now().Add(-time.Hour)
	mk := func(dd string) string {
		dir := filepath.Join(drives[0], drive.SysDir, "data", dd[:2], dd)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "part.1"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(dir, old, old); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	writing, orphan := drive.NewID(), drive.NewID()
	done := s.writing.add(writing)
	wdir, odir := mk(writing), mk(orphan)
	s.wg.Add(1)
	s.collectOrphans()
	if _, err := os.Stat(odir); !os.IsNotExist(err) {
		t.Fatalf("orphan dir not collected: %v", err)
	}
	if _, err := os.Stat(wdir); err != nil {
		t.Fatalf("dir of a write in flight was collected: %v", err)
	}
	done()
	if s.writing.has(writing) {
		t.Fatal("registration outlives its release")
	}
}

// TestHealRemovesDangling: records that become dangling while the store
// runs (here injected on one drive: a version of a key no other drive has,
// and an upload) are visited and removed by a full heal, which walks the
// keys of every drive, not only those a quorum lists; a readable object
// beside them is untouched.
func TestHealRemovesDangling(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 4)
	s := openTestStore(t, drives, 2)
	defer s.Close()
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	body := []byte("kept")
	if _, err := s.PutObject(ctx, "bkt", "kept", bytes.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let the start-up sweep finish first
	d := s.sets[0].drive(1)
	ghost := drive.Version{ID: storage.NullVersionID, ModTime: time.Now().UnixNano(), Size: 1, ETag: "x",
		Data: 2, Parity: 2, Distribution: []uint8{0, 1, 2, 3}, IsInline: true, Inline: []byte("junk"),
		Parts: []drive.Part{{Number: 1, Size: 1, ETag: "x", File: "part.1"}}}
	up := &drive.Upload{Key: "mp", ID: newUploadID(), Data: 2, Parity: 2, DataDir: drive.NewID()}
	if _, err := d.Update(ctx, func(tx *drive.Tx) error {
		if err := tx.PutRecord("bkt", "ghost", &drive.Record{Versions: []drive.Version{ghost}}); err != nil {
			return err
		}
		return tx.PutUpload("bkt", up)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Heal(ctx, HealOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := d.View(ctx, func(tx *drive.Tx) error {
		r, err := tx.Record("bkt", "ghost")
		if err != nil {
			return err
		}
		u, err := tx.Upload("bkt", "mp", up.ID)
		if err != nil {
			return err
		}
		if r != nil || u != nil || tx.DataDirIndexed(up.DataDir) {
			t.Errorf("after heal: ghost record %v, upload %v, upload data dir indexed %v; want all gone", r, u, tx.DataDirIndexed(up.DataDir))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rc, _, err := s.GetObject(ctx, "bkt", "kept", nil, storage.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, body) {
		t.Fatalf("kept object reads %q", got)
	}
}
