package erasure

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

func shardFilesOf(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(filepath.Join(root, drive.SysDir, "data"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestHealOnRead damages one drive's shard in several ways, reads the
// object (which must be correct) and waits for the background heal to put
// the original shard back.
func TestHealOnRead(t *testing.T) {
	tests := []struct {
		name   string
		damage func(path string) error
	}{
		{"bitrot", func(p string) error {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b[len(b)/2] ^= 0x55
			return os.WriteFile(p, b, 0o600)
		}},
		{"deleted", os.Remove},
		{"truncated", func(p string) error { return os.Truncate(p, 100) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			drives := testDrives(t, 4)
			s := openTestStore(t, drives, 2)
			defer s.Close()
			if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
				t.Fatal(err)
			}
			body := make([]byte, 3<<20+17)
			for i := range body {
				body[i] = byte(i * 13)
			}
			if _, err := s.PutObject(ctx, "bkt", "obj", bytes.NewReader(body), -1, storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			// Damage a drive holding a data shard: reads never touch
			// parity shards when the data shards are good.
			view, _, err := s.readView(ctx, s.setFor("bkt", "obj"), "bkt", "obj")
			if err != nil {
				t.Fatal(err)
			}
			victim := 0
			for p, idx := range view.versions[0].v.Distribution {
				if idx == 0 {
					victim = p
				}
			}
			files := shardFilesOf(t, drives[victim])
			if len(files) != 1 {
				t.Fatalf("want 1 shard file on the victim drive, got %v", files)
			}
			orig, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.damage(files[0]); err != nil {
				t.Fatal(err)
			}
			rng := &storage.Range{Start: 1<<20 - 3, End: 2<<20 + 5}
			for _, r := range []*storage.Range{nil, rng} {
				rc, _, err := s.GetObject(ctx, "bkt", "obj", r, storage.GetOptions{})
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				want := body
				if r != nil {
					want = body[r.Start : r.End+1]
				}
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("read with a damaged shard: %d bytes, err %v", len(got), err)
				}
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				now, err := os.ReadFile(files[0])
				if err == nil && bytes.Equal(now, orig) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("shard not healed after read (err %v)", err)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
