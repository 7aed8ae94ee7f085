package erasure_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/erasure"
	"github.com/silo-project/silo/storage/storagetest"
)

// lossObject is one object version the loss test writes and checks.
type lossObject struct {
	key       string
	versionID string
	data      []byte
}

// wipeDrive removes everything inside a drive root, as a replaced disk
// would look: the mount point is there, its content is gone.
func wipeDrive(t *testing.T, drive string) {
	t.Helper()
	entries, err := os.ReadDir(drive)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(drive, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
}

// corruptDrive flips a byte in every shard file of a drive, returning how many.
func corruptDrive(t *testing.T, drive string) int {
	t.Helper()
	files := shardFiles(t, drive)
	for _, f := range files {
		if err := flipByte(f); err != nil {
			t.Fatalf("corrupt %s: %v", f, err)
		}
	}
	return len(files)
}

// writeLossObjects writes inline, single-block, multi-block, versioned and
// multipart objects and returns what it wrote.
func writeLossObjects(t *testing.T, s storage.Store, bucket string) []lossObject {
	t.Helper()
	ctx := t.Context()
	if err := s.MakeBucket(ctx, bucket, storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	var objs []lossObject
	for i, size := range []int{0, 1, 4 << 10, 100 << 10, 128<<10 + 1, 700 << 10, 1<<20 + 7, 3<<20 + 11, 5 << 20} {
		o := lossObject{key: fmt.Sprintf("obj/%02d-%d", i, size), data: storagetest.Data(uint64(1000+i), size)}
		if _, err := s.PutObject(ctx, bucket, o.key, bytes.NewReader(o.data), int64(size), storage.PutOptions{}); err != nil {
			t.Fatalf("PutObject(%s): %v", o.key, err)
		}
		objs = append(objs, o)
	}
	// Two versions of one key: the old one must survive too.
	for v, size := range []int{300 << 10, 20} {
		o := lossObject{key: "versioned", data: storagetest.Data(uint64(1100+v), size)}
		info, err := s.PutObject(ctx, bucket, o.key, bytes.NewReader(o.data), int64(len(o.data)),
			storage.PutOptions{Versioning: storage.VersioningEnabled})
		if err != nil {
			t.Fatalf("PutObject(versioned): %v", err)
		}
		o.versionID = info.VersionID
		objs = append(objs, o)
	}
	// A multipart object of two parts.
	id, err := s.NewMultipartUpload(ctx, bucket, "multipart", storage.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p1, p2 := storagetest.Data(1200, storage.MinPartSize), storagetest.Data(1201, 2<<20+3)
	var parts []storage.CompletePart
	for n, p := range [][]byte{p1, p2} {
		info, err := s.PutObjectPart(ctx, bucket, "multipart", id, n+1, bytes.NewReader(p), int64(len(p)), storage.PartOptions{})
		if err != nil {
			t.Fatalf("PutObjectPart: %v", err)
		}
		parts = append(parts, storage.CompletePart{Number: n + 1, ETag: info.ETag})
	}
	if _, err := s.CompleteMultipartUpload(ctx, bucket, "multipart", id, parts, storage.CompleteOptions{}); err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	return append(objs, lossObject{key: "multipart", data: slices.Concat(p1, p2)})
}

// verifyLossObjects reads every object back, whole and as a range that
// crosses a block boundary, and compares the bytes.
func verifyLossObjects(t *testing.T, phase string, s storage.Store, bucket string, objs []lossObject) {
	t.Helper()
	for _, o := range objs {
		opts := storage.GetOptions{VersionID: o.versionID}
		rc, info, err := s.GetObject(t.Context(), bucket, o.key, nil, opts)
		if err != nil {
			t.Fatalf("%s: GetObject(%s %s): %v", phase, o.key, o.versionID, err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: read %s: %v", phase, o.key, err)
		}
		if !bytes.Equal(got, o.data) {
			t.Fatalf("%s: %s %s: got %d bytes sha256 %.12s, want %d bytes sha256 %.12s", phase, o.key, o.versionID,
				len(got), storagetest.SHA256Hex(got), len(o.data), storagetest.SHA256Hex(o.data))
		}
		if info.Size != int64(len(o.data)) {
			t.Fatalf("%s: %s size %d, want %d", phase, o.key, info.Size, len(o.data))
		}
		if len(o.data) > 1<<20+100 {
			rng := storage.Range{Start: 1<<20 - 50, End: 1<<20 + 50}
			rc, _, err := s.GetObject(t.Context(), bucket, o.key, &rng, opts)
			if err != nil {
				t.Fatalf("%s: ranged GetObject(%s): %v", phase, o.key, err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, o.data[rng.Start:rng.End+1]) {
				t.Fatalf("%s: ranged read of %s wrong (%v)", phase, o.key, err)
			}
		}
	}
}

// openClosable opens the engine without registering Close, for tests that
// close and reopen it between phases.
func openClosable(t *testing.T, drives []string, parity int) *erasure.Store {
	t.Helper()
	s, err := erasure.New(t.Context(), erasure.Config{Drives: drives, StandardParity: parity, RRSParity: -1, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("erasure.New: %v", err)
	}
	return s
}

// TestDriveLossAndHeal wipes one drive and rots every shard of another,
// checks every object still reads back exactly, heals, and then proves the
// healed shards good by wiping the two drives that were never damaged: the
// healed pair alone must now serve every object.
func TestDriveLossAndHeal(t *testing.T) {
	const bucket = "loss"
	drives := makeDrives(t, 4)
	s := openClosable(t, drives, 2)
	objs := writeLossObjects(t, s, bucket)
	verifyLossObjects(t, "before damage", s, bucket, objs)
	// The IAM store lives in system documents: they must survive the same losses.
	// So do the bucket's configuration documents.
	if err := s.PutSystemDoc(t.Context(), "iam/user/alice", []byte(`{"status":"enabled"}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBucketConfig(t.Context(), bucket, storage.ConfigVersioning, []byte("Enabled")); err != nil {
		t.Fatal(err)
	}
	verifySysDoc := func(when string) {
		t.Helper()
		docs, err := s.SystemDocs(t.Context(), "iam/")
		if err != nil || string(docs["iam/user/alice"]) != `{"status":"enabled"}` {
			t.Fatalf("%s: system documents %q, %v; want iam/user/alice", when, docs, err)
		}
		if doc, err := s.GetBucketConfig(t.Context(), bucket, storage.ConfigVersioning); err != nil || string(doc) != "Enabled" {
			t.Fatalf("%s: versioning document %q, %v; want Enabled", when, doc, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	wipeDrive(t, drives[0])
	if n := corruptDrive(t, drives[1]); n == 0 {
		t.Fatalf("no shard files under %s/%s/data to corrupt", drives[1], sysDir)
	}
	s = openClosable(t, drives, 2)
	defer func() { s.Close() }()
	if h := s.Health(t.Context()); !h.WriteQuorum || h.DrivesTotal != 4 {
		t.Errorf("Health after replacing a drive = %+v, want write quorum over 4 drives", h)
	}
	verifyLossObjects(t, "one drive wiped, one rotten", s, bucket, objs)

	if err := s.Heal(t.Context(), erasure.HealOptions{}); err != nil {
		t.Fatalf("Heal: %v", err)
	}
	st := s.HealStatus()
	t.Logf("heal status: %+v", st)
	if st.Running || st.Finished.IsZero() || st.ObjectsDone == 0 || st.ObjectsDone != st.ObjectsTotal || st.Errors != 0 {
		t.Errorf("HealStatus after Heal = %+v, want finished, objects and bytes healed, no errors", st)
	}
	verifyLossObjects(t, "after heal", s, bucket, objs)
	verifySysDoc("after heal")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	wipeDrive(t, drives[2])
	wipeDrive(t, drives[3])
	s = openClosable(t, drives, 2)
	verifyLossObjects(t, "only the healed drives left", s, bucket, objs)
	verifySysDoc("only the healed drives left")
}

// TestHealWithoutReads damages shards without making any drive look
// replaced (so no background heal starts), calls Heal before any read can
// repair on the fly, and then proves the repaired shards by wiping the two
// undamaged drives.
func TestHealWithoutReads(t *testing.T) {
	const bucket = "heal-only"
	drives := makeDrives(t, 4)
	s := openClosable(t, drives, 2)
	objs := writeLossObjects(t, s, bucket)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	removed := 0
	for _, f := range shardFiles(t, drives[0]) {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
		removed++
	}
	rotten := corruptDrive(t, drives[1])
	if removed == 0 || rotten == 0 {
		t.Fatalf("removed %d and corrupted %d shard files; want some of each", removed, rotten)
	}
	s = openClosable(t, drives, 2)
	if err := s.Heal(t.Context(), erasure.HealOptions{}); err != nil {
		t.Fatalf("Heal: %v", err)
	}
	st := s.HealStatus()
	t.Logf("removed %d shard files, corrupted %d; heal status: %+v", removed, rotten, st)
	if st.Running || st.Errors != 0 || st.ObjectsHealed == 0 || st.ObjectsDone != st.ObjectsTotal {
		t.Errorf("HealStatus = %+v, want a finished heal that repaired objects without errors", st)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wipeDrive(t, drives[2])
	wipeDrive(t, drives[3])
	s = openClosable(t, drives, 2)
	defer s.Close()
	verifyLossObjects(t, "only the healed drives left", s, bucket, objs)
}

// TestHealBucketThrottled heals one bucket with a throughput limit and checks
// the other bucket is left to a later heal without harm.
func TestHealBucketThrottled(t *testing.T) {
	drives := makeDrives(t, 4)
	s := openClosable(t, drives, 2)
	a := writeLossObjects(t, s, "heal-a")
	b := writeLossObjects(t, s, "heal-b")
	s.Close()
	wipeDrive(t, drives[3])
	s = openClosable(t, drives, 2)
	defer func() { s.Close() }()
	// The knob caps the shard bytes read for verification and repair: each
	// of the 4 drives' shards of every part (size/2 bytes with 2 data
	// shards), so the bucket's objects cost 2x their size, and at 24 MiB/s
	// the heal cannot finish sooner than that takes (less one burst).
	var total int64
	for _, o := range a {
		total += int64(len(o.data))
	}
	const rate = 24 << 20
	start := time.Now()
	if err := s.Heal(t.Context(), erasure.HealOptions{Bucket: "heal-a", BytesPerSecond: rate}); err != nil {
		t.Fatalf("Heal(heal-a): %v", err)
	}
	floor := time.Duration(float64(2*total-(5<<20)) / rate * float64(time.Second))
	if took := time.Since(start); took < floor {
		t.Errorf("throttled heal of %d bytes took %v, want at least %v at %d B/s", total, took, floor, rate)
	}
	// The wiped drive was re-formatted on open, which queues a full heal of
	// its own: wait for whichever heal runs last, then check it went well.
	if st := idleHealStatus(t, s); st.Errors != 0 {
		t.Errorf("HealStatus = %+v", st)
	}
	verifyLossObjects(t, "after bucket heal", s, "heal-a", a)
	verifyLossObjects(t, "other bucket", s, "heal-b", b)
	s.Close()
	wipeDrive(t, drives[0])
	wipeDrive(t, drives[1])
	s = openClosable(t, drives, 2)
	verifyLossObjects(t, "healed bucket from healed drive", s, "heal-a", a)
}

// idleHealStatus waits (bounded) until no heal runs and returns the status
// of the last one.
func idleHealStatus(t *testing.T, s *erasure.Store) erasure.HealStatus {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		st := s.HealStatus()
		if !st.Running {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("a heal is still running after a minute: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
