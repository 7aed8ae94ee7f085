package erasure_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/erasure"
	"github.com/silo-project/silo/storage/storagetest"
)

// sysDir is the engine's directory inside every drive root.
const sysDir = ".silo.sys"

// makeDrives returns n empty drive directories under one temp dir.
func makeDrives(t testing.TB, n int) []string {
	t.Helper()
	root := t.TempDir()
	drives := make([]string, n)
	for i := range drives {
		drives[i] = filepath.Join(root, fmt.Sprintf("drive%d", i+1))
		if err := os.Mkdir(drives[i], 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return drives
}

// quietLogger drops engine logs unless the test runs with -v.
func quietLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// openStore opens the engine on drives, closing it when the test ends.
func openStore(t *testing.T, drives []string, setDriveCount, parity int) *erasure.Store {
	t.Helper()
	s, err := erasure.New(t.Context(), erasure.Config{Drives: drives, SetDriveCount: setDriveCount,
		StandardParity: parity, RRSParity: -1, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("erasure.New(%d drives, set %d, parity %d): %v", len(drives), setDriveCount, parity, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// takeOffline makes a drive unusable the way a dead mount looks to a
// process running as root (chmod does not stop root): the directory is
// moved away and a regular file stands in its place.
func takeOffline(t *testing.T, drive string) {
	t.Helper()
	if err := os.Rename(drive, drive+".offline"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(drive, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// shardFiles lists the regular files under a drive's data directory.
func shardFiles(t *testing.T, drive string) []string {
	t.Helper()
	var files []string
	dir := filepath.Join(drive, sysDir, "data")
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	return files
}

// flipByte inverts one byte in the middle of a file, the way bitrot would.
func flipByte(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	b := make([]byte, 1)
	off := st.Size() / 2
	if _, err := f.ReadAt(b, off); err != nil {
		return err
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, off); err != nil {
		return err
	}
	return f.Close()
}

// bitrotStore corrupts, after every write, the new shard files of one drive
// (a different drive each time), so every large object and part written
// through it has one corrupt shard (never more) that reads must repair.
type bitrotStore struct {
	storage.Store
	t       *testing.T
	drives  []string
	mu      sync.Mutex
	seen    map[string]bool
	victims map[string]int // data dir -> the one drive whose shards of it were rotted
	next    int
	flipped int
}

func (b *bitrotStore) corrupt() {
	b.mu.Lock()
	defer b.mu.Unlock()
	victim := b.next % len(b.drives)
	b.next++
	for i, d := range b.drives {
		for _, f := range shardFiles(b.t, d) {
			if b.seen[f] {
				continue
			}
			b.seen[f] = true
			// Shard files live in data/<dd[:2]>/<dd>/, one data dir per
			// object version, same ID on every drive. Concurrent writes
			// finish in any order, so remember which drive a data dir's
			// corruption went to and never rot a second drive of it.
			dd := filepath.Base(filepath.Dir(f))
			if v, ok := b.victims[dd]; ok && v != i || !ok && i != victim {
				continue
			}
			b.victims[dd] = i
			if err := flipByte(f); err != nil && !os.IsNotExist(err) {
				b.t.Errorf("corrupt %s: %v", f, err)
				continue
			}
			b.flipped++
		}
	}
}

func (b *bitrotStore) PutObject(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	info, err := b.Store.PutObject(ctx, bucket, key, r, size, opts)
	b.corrupt()
	return info, err
}

func (b *bitrotStore) PutObjectPart(ctx context.Context, bucket, key, id string, n int, r io.Reader, size int64, opts storage.PartOptions) (storage.PartInfo, error) {
	info, err := b.Store.PutObjectPart(ctx, bucket, key, id, n, r, size, opts)
	b.corrupt()
	return info, err
}

// dyingStore takes one more drive offline after every `every` object
// writes, up to `limit` drives: drives fail while the store is in use.
type dyingStore struct {
	storage.Store
	t      *testing.T
	drives []string
	every  int
	limit  int
	mu     sync.Mutex
	writes int
	dead   int
}

func (d *dyingStore) PutObject(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	info, err := d.Store.PutObject(ctx, bucket, key, r, size, opts)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.writes++
	if d.writes%d.every == 0 && d.dead < d.limit {
		// Kill drives from the end so that every set loses one in turn.
		takeOffline(d.t, d.drives[len(d.drives)-1-d.dead])
		d.dead++
	}
	return info, err
}

func TestConformance(t *testing.T) {
	layouts := []struct {
		name    string
		drives  int
		setSize int // 0 = automatic
		parity  int // -1 = default
		offline int // drives taken offline: half before New, half after
		bitrot  bool
		dying   int // drives that fail while the group runs
	}{
		{name: "1-drive", drives: 1, parity: -1},
		{name: "4-drives-EC2", drives: 4, parity: 2},
		{name: "16-drives-2-sets", drives: 16, setSize: 8, parity: -1},
		{name: "6-drives-2-offline", drives: 6, parity: -1, offline: 2},
		{name: "4-drives-bitrot", drives: 4, parity: 2, bitrot: true},
		{name: "8-drives-EC2-2-dying", drives: 8, parity: 2, dying: 2},
	}
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			var flipped atomic.Int64
			defer func() {
				if l.bitrot {
					t.Logf("corrupted %d shard files", flipped.Load())
					if flipped.Load() == 0 {
						t.Errorf("the bitrot layout corrupted no shard file under <drive>/%s/data", sysDir)
					}
				}
			}()
			storagetest.Run(t, func(t *testing.T) storage.Store {
				drives := makeDrives(t, l.drives)
				before := l.offline / 2
				for _, d := range drives[:before] {
					takeOffline(t, d)
				}
				s := openStore(t, drives, l.setSize, l.parity)
				for _, d := range drives[before:l.offline] {
					takeOffline(t, d)
				}
				if l.dying > 0 {
					return &dyingStore{Store: s, t: t, drives: drives, every: 7, limit: l.dying}
				}
				if !l.bitrot {
					return s
				}
				b := &bitrotStore{Store: s, t: t, drives: drives, seen: map[string]bool{}, victims: map[string]int{}}
				t.Cleanup(func() {
					b.mu.Lock()
					defer b.mu.Unlock()
					flipped.Add(int64(b.flipped))
				})
				return b
			})
		})
	}
}

// TestConformanceBitrotReachesShards guards the bitrot layout itself: if the
// engine stored shards somewhere the wrapper does not look, the layout would
// silently test nothing.
func TestConformanceBitrotReachesShards(t *testing.T) {
	drives := makeDrives(t, 4)
	s := openStore(t, drives, 0, 2)
	b := &bitrotStore{Store: s, t: t, drives: drives, seen: map[string]bool{}, victims: map[string]int{}}
	if err := b.MakeBucket(t.Context(), "bitrot", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	data := storagetest.Data(1, 3<<20)
	for i := range 4 {
		key := fmt.Sprintf("obj%d", i)
		if _, err := b.PutObject(t.Context(), "bitrot", key, bytesReader(data), int64(len(data)), storage.PutOptions{}); err != nil {
			t.Fatalf("PutObject: %v", err)
		}
	}
	if b.flipped == 0 {
		t.Fatalf("no shard files found under <drive>/%s/data after 4 large puts", sysDir)
	}
	for i := range 4 {
		key := fmt.Sprintf("obj%d", i)
		got := readAll(t, s, "bitrot", key)
		if storagetest.SHA256Hex(got) != storagetest.SHA256Hex(data) {
			t.Fatalf("%s: corrupt shard not repaired on read", key)
		}
	}
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// readAll returns the latest content of key or fails the test.
func readAll(t *testing.T, s storage.Store, bucket, key string) []byte {
	t.Helper()
	rc, _, err := s.GetObject(t.Context(), bucket, key, nil, storage.GetOptions{})
	if err != nil {
		t.Fatalf("GetObject(%s/%s): %v", bucket, key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s/%s: %v", bucket, key, err)
	}
	return b
}
