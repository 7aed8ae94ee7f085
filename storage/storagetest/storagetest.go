package storagetest

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/silo-project/silo/storage"
)

// Sizes the suite writes: around the usual inline threshold (128 KiB) and
// the usual erasure block (1 MiB).
const (
	kib = 1 << 10
	mib = 1 << 20
)

// Factory returns a fresh, empty store. It registers the store's Close with
// t.Cleanup; the suite never closes a store itself.
type Factory func(t *testing.T) storage.Store

// group is one top-level subtest of Run; each gets its own store.
type group struct {
	name string
	run  func(t *testing.T, s storage.Store)
}

// Run runs the whole conformance suite against stores made by newStore. Each
// top-level group (Buckets, Objects, Ranges, ...) gets its own fresh store,
// so a failure in one does not cascade into the others.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Helper()
	groups := []group{
		{"Buckets", testBuckets},
		{"Objects", testObjects},
		{"Ranges", testRanges},
		{"StatDelete", testStatDelete},
		{"Listing", testListing},
		{"Versions", testVersions},
		{"UpdateMetadata", testUpdateMetadata},
		{"Multipart", testMultipart},
		{"BucketConfigs", testBucketConfigs},
		{"Concurrency", testConcurrency},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			g.run(t, newStore(t))
		})
	}
}

// Data returns n deterministic pseudo-random bytes for seed. Tests elsewhere
// (crash and loss tests) use it to regenerate expected content.
func Data(seed uint64, n int) []byte {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(key).Read(b)
	return b
}

// MD5Hex is the ETag of a single-part object with content b.
func MD5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// SHA256Hex is used to compare large contents in failure messages.
func SHA256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// hideLen wraps a reader so that nothing can discover its length.
type hideLen struct{ r io.Reader }

func (h hideLen) Read(p []byte) (int, error) { return h.r.Read(p) }

// failingReader returns err after n bytes of data.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// makeBucket creates bucket or fails the test.
func makeBucket(t *testing.T, s storage.Store, bucket string) {
	t.Helper()
	if err := s.MakeBucket(t.Context(), bucket, storage.MakeBucketOptions{}); err != nil {
		t.Fatalf("MakeBucket(%q): %v", bucket, err)
	}
}

// put writes data with its exact size or fails the test.
func put(t *testing.T, s storage.Store, bucket, key string, data []byte, opts storage.PutOptions) storage.ObjectInfo {
	t.Helper()
	info, err := s.PutObject(t.Context(), bucket, key, bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		t.Fatalf("PutObject(%s/%s, %d bytes): %v", bucket, key, len(data), err)
	}
	return info
}

// read returns the content of an object (or range) and its info.
func read(t *testing.T, s storage.Store, bucket, key string, rng *storage.Range, opts storage.GetOptions) ([]byte, storage.ObjectInfo, error) {
	t.Helper()
	rc, info, err := s.GetObject(t.Context(), bucket, key, rng, opts)
	if err != nil {
		return nil, info, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return b, info, fmt.Errorf("read body: %w", err)
	}
	return b, info, rc.Close()
}

// mustRead is read that fails the test on error.
func mustRead(t *testing.T, s storage.Store, bucket, key string, rng *storage.Range, opts storage.GetOptions) ([]byte, storage.ObjectInfo) {
	t.Helper()
	b, info, err := read(t, s, bucket, key, rng, opts)
	if err != nil {
		t.Fatalf("GetObject(%s/%s, range %+v, %+v): %v", bucket, key, rng, opts, err)
	}
	return b, info
}

// checkBytes fails the test unless got equals want, naming the first
// differing offset instead of dumping megabytes.
func checkBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	t.Fatalf("%s: got %d bytes (sha256 %.12s), want %d bytes (sha256 %.12s); first difference at offset %d",
		what, len(got), SHA256Hex(got), len(want), SHA256Hex(want), i)
}

// wantErr fails the test unless err matches one of targets (errors.Is).
func wantErr(t *testing.T, what string, err error, targets ...error) {
	t.Helper()
	for _, target := range targets {
		if errors.Is(err, target) {
			return
		}
	}
	t.Fatalf("%s: got error %v, want one of %v", what, err, targets)
}

// checkInfo compares the fields of an ObjectInfo that every store must fill.
func checkInfo(t *testing.T, what string, got storage.ObjectInfo, bucket, key string, data []byte) {
	t.Helper()
	if got.Bucket != bucket || got.Key != key {
		t.Errorf("%s: bucket/key = %q/%q, want %q/%q", what, got.Bucket, got.Key, bucket, key)
	}
	if got.Size != int64(len(data)) {
		t.Errorf("%s: size = %d, want %d", what, got.Size, len(data))
	}
	if want := MD5Hex(data); got.ETag != want {
		t.Errorf("%s: etag = %q, want %q", what, got.ETag, want)
	}
	if got.ModTime.IsZero() {
		t.Errorf("%s: zero ModTime", what)
	}
}

// checkMap compares two string maps, treating nil and empty as equal.
func checkMap(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
		return
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}
