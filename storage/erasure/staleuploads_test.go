package erasure

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/silo-project/silo/storage"
)

// TestExpireStaleUploads: uploads initiated before the cutoff are aborted
// with their parts' files, newer ones and finished objects are left alone.
func TestExpireStaleUploads(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 4)
	s := openTestStore(t, drives, 2)
	defer s.Close()
	must(t, s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}))
	must(t, s.MakeBucket(ctx, "other", storage.MakeBucketOptions{}))
	newUpload := func(bucket, key string, partSize int) string {
		t.Helper()
		id, err := s.NewMultipartUpload(ctx, bucket, key, storage.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if partSize > 0 {
			part := bytes.Repeat([]byte("p"), partSize)
			if _, err := s.PutObjectPart(ctx, bucket, key, id, 1, bytes.NewReader(part), int64(len(part)), storage.PartOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	old1 := newUpload("bkt", "a/old", 3<<20) // parts in shard files
	old2 := newUpload("other", "old", 0)
	time.Sleep(5 * time.Millisecond)
	cutoff := time.Now()
	time.Sleep(5 * time.Millisecond)
	recent := newUpload("bkt", "a/recent", 1000)
	shardsBefore := 0
	for _, d := range drives {
		shardsBefore += len(shardFilesOf(t, d))
	}

	n, err := s.expireStaleUploads(ctx, cutoff)
	if err != nil || n != 2 {
		t.Fatalf("expireStaleUploads = %d, %v; want the 2 older uploads", n, err)
	}
	for _, b := range []string{"bkt", "other"} {
		res, err := s.ListMultipartUploads(ctx, b, storage.ListUploadsOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, u := range res.Uploads {
			ids = append(ids, u.UploadID)
		}
		if want := map[string]int{"bkt": 1, "other": 0}[b]; len(ids) != want || (want == 1 && ids[0] != recent) {
			t.Fatalf("uploads left in %s: %v", b, ids)
		}
	}
	for _, u := range []struct{ bucket, key, id string }{{"bkt", "a/old", old1}, {"other", "old", old2}} {
		_, err := s.PutObjectPart(ctx, u.bucket, u.key, u.id, 2, bytes.NewReader([]byte("x")), 1, storage.PartOptions{})
		if !errors.Is(err, storage.ErrNoSuchUpload) {
			t.Fatalf("part for an expired upload: %v, want ErrNoSuchUpload", err)
		}
	}
	shardsAfter := 0
	for _, d := range drives {
		shardsAfter += len(shardFilesOf(t, d))
	}
	if shardsAfter >= shardsBefore {
		t.Fatalf("%d shard files before, %d after: the expired upload's parts were not freed", shardsBefore, shardsAfter)
	}
	if n, err := s.expireStaleUploads(ctx, cutoff); err != nil || n != 0 {
		t.Fatalf("second pass = %d, %v; want nothing to do", n, err)
	}
}

// TestStaleUploadsPolicy: zero values are MinIO's defaults, a negative
// expiry disables the cleanup.
func TestStaleUploadsPolicy(t *testing.T) {
	tests := []struct {
		cfg  Config
		want staleUploadsPolicy
	}{
		{Config{}, staleUploadsPolicy{24 * time.Hour, 6 * time.Hour}},
		{Config{StaleUploadsExpiry: time.Hour, StaleUploadsCleanupInterval: time.Minute}, staleUploadsPolicy{time.Hour, time.Minute}},
		{Config{StaleUploadsExpiry: -1}, staleUploadsPolicy{-1, 6 * time.Hour}},
	}
	for _, tt := range tests {
		if got := newStaleUploadsPolicy(tt.cfg); got != tt.want {
			t.Errorf("newStaleUploadsPolicy(%+v) = %+v, want %+v", tt.cfg, got, tt.want)
		}
	}
}
