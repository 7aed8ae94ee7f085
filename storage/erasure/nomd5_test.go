package erasure_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/silo-project/silo/storage"
)

// TestNoMD5 covers writes whose caller sets the ETag (encrypted bodies):
// the ETag given in PreCommit is the one stored, and a write that sets none
// fails and leaves nothing visible, for inline and shard-file objects and
// for parts.
func TestNoMD5(t *testing.T) {
	ctx := t.Context()
	s := openStore(t, makeDrives(t, 4), 0, 2)
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	const etag = "0123456789abcdef0123456789abcdef"
	for _, tt := range []struct {
		name string
		size int
		set  bool
	}{
		{"inline", 10, true},
		{"shard files", 300 << 10, true},
		{"inline without etag", 10, false},
		{"shard files without etag", 300 << 10, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := bytes.Repeat([]byte("n"), tt.size)
			key := "obj-" + tt.name
			opts := storage.PutOptions{NoMD5: true, PreCommit: func(info *storage.ObjectInfo) error {
				if info.ETag != "" {
					t.Errorf("the store hashed the body: ETag %q before PreCommit", info.ETag)
				}
				if tt.set {
					info.ETag = etag
				}
				return nil
			}}
			info, err := s.PutObject(ctx, "bkt", key, bytes.NewReader(body), int64(len(body)), opts)
			if !tt.set {
				if err == nil {
					t.Fatal("a NoMD5 write without an ETag succeeded")
				}
				if _, err := s.StatObject(ctx, "bkt", key, storage.GetOptions{}); !errors.Is(err, storage.ErrObjectNotFound) {
					t.Fatalf("after the failed write: %v, want ErrObjectNotFound", err)
				}
				return
			}
			if err != nil || info.ETag != etag {
				t.Fatalf("PutObject: %v, ETag %q", err, info.ETag)
			}
			if got, err := s.StatObject(ctx, "bkt", key, storage.GetOptions{}); err != nil || got.ETag != etag {
				t.Fatalf("StatObject: %v, ETag %q", err, got.ETag)
			}
		})
	}
	t.Run("part", func(t *testing.T) {
		id, err := s.NewMultipartUpload(ctx, "bkt", "mp", storage.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		body := bytes.Repeat([]byte("p"), 1<<10)
		if _, err := s.PutObjectPart(ctx, "bkt", "mp", id, 1, bytes.NewReader(body), int64(len(body)), storage.PartOptions{NoMD5: true}); err == nil {
			t.Fatal("a NoMD5 part without an ETag succeeded")
		}
		p, err := s.PutObjectPart(ctx, "bkt", "mp", id, 1, bytes.NewReader(body), int64(len(body)),
			storage.PartOptions{NoMD5: true, PreCommit: func(p *storage.PartInfo) error { p.ETag = etag; return nil }})
		if err != nil || p.ETag != etag {
			t.Fatalf("PutObjectPart: %v, ETag %q", err, p.ETag)
		}
	})
}
