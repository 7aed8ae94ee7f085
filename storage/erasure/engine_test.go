package erasure

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

func testDrives(t *testing.T, n int) []string {
	t.Helper()
	root := t.TempDir()
	out := make([]string, n)
	for i := range out {
		out[i] = filepath.Join(root, "d"+string(rune('a'+i)))
	}
	return out
}

func openTestStore(t *testing.T, drives []string, parity int) *Store {
	t.Helper()
	s, err := New(context.Background(), Config{Drives: drives, StandardParity: parity, RRSParity: -1})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestParseStorageClass(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"EC:2", 2, true}, {"EC:0", 0, true}, {" EC:4 ", 4, true},
		{"EC:", 0, false}, {"EC:-1", 0, false}, {"RS:2", 0, false}, {"", 0, false}, {"EC:x", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseStorageClass(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("ParseStorageClass(%q) = %d, %v", tt.in, got, err)
			}
			if err != nil && !errors.Is(err, storage.ErrInvalidStorageClass) {
				t.Fatalf("error %v does not wrap ErrInvalidStorageClass", err)
			}
		})
	}
}

func TestLayoutFor(t *testing.T) {
	tests := []struct {
		name                    string
		drives, setCount        int
		std, rrs                int
		sets, per, data, parity int
		rrsParity               int
		ok                      bool
	}{
		{"1 drive", 1, 0, -1, -1, 1, 1, 1, 0, 0, true},
		{"2 drives", 2, 0, -1, -1, 1, 2, 1, 1, 1, true},
		{"4 drives", 4, 0, -1, -1, 1, 4, 2, 2, 1, true},
		{"7 drives", 7, 0, -1, -1, 1, 7, 4, 3, 1, true},
		{"16 drives", 16, 0, -1, -1, 1, 16, 12, 4, 1, true},
		{"32 drives auto", 32, 0, -1, -1, 2, 16, 12, 4, 1, true},
		{"18 drives auto", 18, 0, -1, -1, 2, 9, 5, 4, 1, true},
		{"16 as 2x8", 16, 8, -1, -1, 2, 8, 4, 4, 1, true},
		{"explicit EC:1", 4, 0, 1, -1, 1, 4, 3, 1, 1, true},
		{"parity too high", 4, 0, 3, -1, 0, 0, 0, 0, 0, false},
		{"set count not divisor", 10, 4, -1, -1, 0, 0, 0, 0, 0, false},
		{"17 drives prime", 17, 0, -1, -1, 0, 0, 0, 0, 0, false},
		{"rrs above standard", 4, 0, 1, 2, 0, 0, 0, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := layoutFor(Config{Drives: make([]string, tt.drives), SetDriveCount: tt.setCount, StandardParity: tt.std, RRSParity: tt.rrs})
			if (err == nil) != tt.ok {
				t.Fatalf("layoutFor err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				return
			}
			if l.Sets != tt.sets || l.DrivesPerSet != tt.per || l.StandardData != tt.data || l.StandardParity != tt.parity || l.RRSParity != tt.rrsParity {
				t.Fatalf("layout = %+v", l)
			}
		})
	}
}

func TestNewRefusesForeignAndMisplacedDrives(t *testing.T) {
	tests := []struct {
		name   string
		mangle func(t *testing.T, a, b []string) []string
	}{
		{"drive of another deployment", func(t *testing.T, a, b []string) []string { return []string{a[0], a[1], b[2], a[3]} }},
		{"drives swapped", func(t *testing.T, a, b []string) []string { return []string{a[1], a[0], a[2], a[3]} }},
		{"layout changed", func(t *testing.T, a, b []string) []string { return append(a, b...) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := testDrives(t, 4), testDrives(t, 4)
			for _, ds := range [][]string{a, b} {
				s := openTestStore(t, ds, -1)
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
			}
			_, err := New(context.Background(), Config{Drives: tt.mangle(t, a, b), SetDriveCount: 4, StandardParity: -1, RRSParity: -1})
			if !errors.Is(err, storage.ErrDriveFaulty) {
				t.Fatalf("New = %v, want ErrDriveFaulty", err)
			}
		})
	}
}

func TestWriteQuorumMissedIsUndone(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 4)
	s := openTestStore(t, drives, 2)
	defer s.Close()
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, d := range drives[:2] {
		if err := os.RemoveAll(filepath.Join(d, drive.SysDir)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		size int
	}{{"inline", 10}, {"large", 2 << 20}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := bytes.Repeat([]byte("x"), tt.size)
			_, err := s.PutObject(ctx, "bkt", "k-"+tt.name, bytes.NewReader(body), int64(len(body)), storage.PutOptions{})
			if !errors.Is(err, storage.ErrWriteQuorum) && !errors.Is(err, storage.ErrReadQuorum) {
				t.Fatalf("PutObject with 2 of 4 drives = %v, want a quorum error", err)
			}
		})
	}
	if h := s.Health(ctx); h.WriteQuorum || h.DrivesOnline != 2 || h.DrivesTotal != 4 {
		t.Fatalf("Health = %+v", h)
	}
}

func TestStorageClassParityRecorded(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, testDrives(t, 6), -1)
	defer s.Close()
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		class  string
		parity int
		err    error
	}{
		{"", 3, nil}, {storage.StorageClassStandard, 3, nil}, {storage.StorageClassRRS, 1, nil},
		{"GLACIER", 0, storage.ErrInvalidStorageClass},
	}
	for _, tt := range tests {
		t.Run("class "+tt.class, func(t *testing.T) {
			body := bytes.Repeat([]byte("y"), 300<<10)
			key := "obj-" + tt.class
			_, err := s.PutObject(ctx, "bkt", key, bytes.NewReader(body), -1, storage.PutOptions{StorageClass: tt.class})
			if !errors.Is(err, tt.err) {
				t.Fatalf("PutObject = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			view, _, err := s.readView(ctx, s.setFor("bkt", key), "bkt", key)
			if err != nil {
				t.Fatal(err)
			}
			if got := view.versions[0].v.Parity; got != tt.parity {
				t.Fatalf("parity recorded = %d, want %d", got, tt.parity)
			}
			rc, _, err := s.GetObject(ctx, "bkt", key, nil, storage.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(got, body) {
				t.Fatal("content mismatch")
			}
		})
	}
}

func TestStartupCleansTmpAndOrphans(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 1)
	s := openTestStore(t, drives, -1)
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte("z"), 1<<20)
	if _, err := s.PutObject(ctx, "bkt", "kept", bytes.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	sys := filepath.Join(drives[0], drive.SysDir)
	orphan := filepath.Join(sys, "data", "ab", "ab"+strings.Repeat("0", 30))
	tmpFile := filepath.Join(sys, "tmp", "leftover")
	for _, p := range []string{filepath.Join(orphan, "part.1"), tmpFile} {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("junk"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	_ = os.Chtimes(orphan, old, old)
	s = openTestStore(t, drives, -1)
	defer s.Close()
	if _, err := os.Stat(tmpFile); !os.IsNotExist(err) {
		t.Fatalf("tmp file survived start: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(orphan); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("orphan data dir not collected")
		}
		time.Sleep(20 * time.Millisecond)
	}
	rc, _, err := s.GetObject(ctx, "bkt", "kept", nil, storage.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, body) {
		t.Fatal("committed object damaged by orphan collection")
	}
}

// TestDriveReplacedWhileRunning swaps a drive for an empty directory while
// the store runs: the monitor must format it and heal its shards back.
func TestDriveReplacedWhileRunning(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 4)
	s := openTestStore(t, drives, 2)
	defer s.Close()
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte("replace me "), 200<<10)
	if _, err := s.PutObject(ctx, "bkt", "obj", bytes.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(drives[2], drives[2]+".dead"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(drives[2], 0o755); err != nil {
		t.Fatal(err)
	}
	if h := s.Health(ctx); h.DrivesOnline != 3 {
		t.Fatalf("Health after pulling a drive = %+v", h)
	}
	s.probeDrives() // what the monitor does every few seconds
	if err := s.Heal(ctx, HealOptions{}); err != nil {
		t.Fatal(err)
	}
	if h := s.Health(ctx); h.DrivesOnline != 4 {
		t.Fatalf("Health after replacing the drive = %+v", h)
	}
	if n := len(shardFilesOf(t, drives[2])); n != 1 {
		t.Fatalf("replaced drive holds %d shard files after heal, want 1", n)
	}
	if st := s.HealStatus(); st.ObjectsHealed == 0 || st.Errors != 0 {
		t.Fatalf("HealStatus = %+v", st)
	}
}
