package erasure

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

// TestKnownBuckets: a check that started before a forget cannot leave a
// stale entry; entries are per set.
func TestKnownBuckets(t *testing.T) {
	var k knownBuckets
	if _, known, _ := k.lookup("b", 0); known {
		t.Fatal("empty cache knows b")
	}
	_, _, gen := k.lookup("b", 0)
	k.forget("b") // DeleteBucket ran while the check was in flight
	k.add("b", 0, struct{}{}, gen)
	if _, known, _ := k.lookup("b", 0); known {
		t.Fatal("a check older than a forget was cached")
	}
	_, _, gen = k.lookup("b", 0)
	k.add("b", 0, struct{}{}, gen)
	if _, known, _ := k.lookup("b", 0); !known {
		t.Fatal("a current check was not cached")
	}
	if _, known, _ := k.lookup("b", 1); known {
		t.Fatal("set 1 learned from a check of set 0")
	}
	k.forget("b")
	if _, known, _ := k.lookup("b", 0); known {
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

// TestBucketConfigCache: GetBucketConfig answers from the cache until the
// bucket's documents or the bucket change through the store, and then
// from the drives again.
func TestBucketConfigCache(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, testDrives(t, 4), 2)
	defer s.Close()
	kind := storage.ConfigVersioning
	get := func() string {
		t.Helper()
		doc, err := s.GetBucketConfig(ctx, "bkt", kind)
		switch {
		case err == nil:
			return string(doc)
		case errors.Is(err, storage.ErrConfigNotFound):
			return "(none)"
		case errors.Is(err, storage.ErrBucketNotFound):
			return "(no bucket)"
		}
		t.Fatal(err)
		return ""
	}
	// behind writes a document on every drive without telling the store.
	behind := func(doc string) {
		t.Helper()
		for _, d := range s.sets[0].list() {
			if _, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.PutConfig("bkt", string(kind), []byte(doc)) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []struct {
		name string
		do   func()
		want string
	}{
		{"bucket missing", func() {}, "(no bucket)"},
		{"new bucket", func() { must(t, s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{})) }, "(none)"},
		{"\"none\" is cached", func() { behind("behind-1") }, "(none)"},
		{"put forgets", func() { must(t, s.PutBucketConfig(ctx, "bkt", kind, []byte("v1"))) }, "v1"},
		{"a document is cached", func() { behind("behind-2") }, "v1"},
		{"a second put", func() { must(t, s.PutBucketConfig(ctx, "bkt", kind, []byte("v2"))) }, "v2"},
		{"delete forgets", func() { must(t, s.DeleteBucketConfig(ctx, "bkt", kind)) }, "(none)"},
		{"put again", func() { must(t, s.PutBucketConfig(ctx, "bkt", kind, []byte("v3"))) }, "v3"},
		{"bucket deleted", func() { must(t, s.DeleteBucket(ctx, "bkt", storage.DeleteBucketOptions{Force: true})) }, "(no bucket)"},
		{"bucket made again", func() { must(t, s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{})) }, "(none)"},
	}
	for _, st := range steps {
		st.do()
		if got := get(); got != st.want {
			t.Fatalf("%s: GetBucketConfig = %s, want %s", st.name, got, st.want)
		}
	}
	// The caller's copy is its own.
	must(t, s.PutBucketConfig(ctx, "bkt", kind, []byte("v4")))
	doc, _ := s.GetBucketConfig(ctx, "bkt", kind)
	doc[0] = 'X'
	if got := get(); got != "v4" {
		t.Fatalf("a caller's change to its copy reached the cache: %s", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// flakyCtx reports Canceled after n calls to Err: the client went away
// between the bucket check and the document reads.
type flakyCtx struct {
	context.Context
	n atomic.Int64
}

func (c *flakyCtx) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestBucketConfigReadWithoutQuorum: a document read that too few drives
// answer is an error, not "no document", and is not cached.
func TestBucketConfigReadWithoutQuorum(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, testDrives(t, 4), 2)
	defer s.Close()
	must(t, s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}))
	must(t, s.PutBucketConfig(ctx, "bkt", storage.ConfigVersioning, []byte("Enabled")))
	fc := &flakyCtx{Context: ctx}
	fc.n.Store(4) // the bucket check's four views pass, the document reads fail
	if doc, err := s.GetBucketConfig(fc, "bkt", storage.ConfigVersioning); err == nil || errors.Is(err, storage.ErrConfigNotFound) {
		t.Fatalf("GetBucketConfig with no drive answering = %q, %v; want an error other than ErrConfigNotFound", doc, err)
	}
	if doc, err := s.GetBucketConfig(ctx, "bkt", storage.ConfigVersioning); err != nil || string(doc) != "Enabled" {
		t.Fatalf("GetBucketConfig afterwards = %q, %v; want Enabled", doc, err)
	}
}
