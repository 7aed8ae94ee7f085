package erasure

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/silo-project/silo/storage"
)

// TestKnownBuckets: a check that started before a forget cannot leave a
// stale entry; entries are per set.
func TestKnownBuckets(t *testing.T) {
	var k knownBuckets
	if known, _ := k.lookup(0, "b"); known {
		t.Fatal("empty cache knows b")
	}
	_, gen := k.lookup(0, "b")
	k.forget("b") // DeleteBucket ran while the check was in flight
	k.add(0, "b", gen)
	if known, _ := k.lookup(0, "b"); known {
		t.Fatal("a check older than a forget was cached")
	}
	_, gen = k.lookup(0, "b")
	k.add(0, "b", gen)
	if known, _ := k.lookup(0, "b"); !known {
		t.Fatal("a current check was not cached")
	}
	if known, _ := k.lookup(1, "b"); known {
		t.Fatal("set 1 learned from a check of set 0")
	}
	k.forget("b")
	if known, _ := k.lookup(0, "b"); known {
		t.Fatal("forget left b cached")
	}
}

// TestPutAfterBucketDeleted: a PUT into a bucket that existed (and was
// cached as existing) but was deleted is refused with ErrBucketNotFound,
// also when it is created again and deleted again.
func TestPutAfterBucketDeleted(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, testDrives(t, 4), 2)
	defer s.Close()
	for round := range 2 {
		if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutObject(ctx, "bkt", "k", bytes.NewReader([]byte("x")), 1, storage.PutOptions{}); err != nil {
			t.Fatalf("round %d: PUT: %v", round, err)
		}
		if err := s.DeleteBucket(ctx, "bkt", storage.DeleteBucketOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutObject(ctx, "bkt", "k", bytes.NewReader([]byte("x")), 1, storage.PutOptions{}); !errors.Is(err, storage.ErrBucketNotFound) {
			t.Fatalf("round %d: PUT into a deleted bucket = %v, want ErrBucketNotFound", round, err)
		}
	}
}
