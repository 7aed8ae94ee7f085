package erasure

import (
	"bytes"
	"context"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/silo-project/silo/storage"
)

// patternReader yields n bytes of a fixed pattern without holding them.
type patternReader struct{ off, n int64 }

func (r *patternReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n-r.off)]
	for i := range p {
		p[i] = byte((r.off + int64(i)) * 7)
	}
	r.off += int64(len(p))
	return len(p), nil
}

// TestPutStreamsWithBoundedMemory stores a 48 MiB body of unknown length
// and checks that the whole PUT allocated a small, size-independent amount
// (a few blocks), not the object.
func TestPutStreamsWithBoundedMemory(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 4)
	s := openTestStore(t, drives, 2)
	defer s.Close()
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	const size = 48 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	info, err := s.PutObject(ctx, "bkt", "big", &patternReader{n: size}, -1, storage.PutOptions{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != size {
		t.Fatalf("stored %d bytes, want %d", info.Size, size)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("PUT of %d MiB (unknown length) allocated %.1f MiB", size>>20, float64(alloc)/(1<<20))
	if alloc > 16<<20 {
		t.Fatalf("PUT of %d MiB allocated %d bytes: the body is buffered, not streamed", size>>20, alloc)
	}
	rc, _, err := s.GetObject(ctx, "bkt", "big", nil, storage.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	want, _ := io.ReadAll(&patternReader{n: size})
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read back %d bytes (err %v), not the body", len(got), err)
	}
}

// TestRangeReadsOnlyItsBlocks destroys the first block of every shard on
// every drive: a ranged GET inside a later block must still succeed (it
// never reads block 0), while a full GET must fail.
func TestRangeReadsOnlyItsBlocks(t *testing.T) {
	ctx := context.Background()
	drives := testDrives(t, 4)
	s := openTestStore(t, drives, 2)
	defer s.Close()
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	const size = 5<<20 + 123
	body, _ := io.ReadAll(&patternReader{n: size})
	if _, err := s.PutObject(ctx, "bkt", "obj", bytes.NewReader(body), size, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, d := range drives {
		for _, p := range shardFilesOf(t, d) {
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			// Block 0's hash and the start of its data.
			if _, err := f.WriteAt(bytes.Repeat([]byte{0xEE}, 64), 0); err != nil {
				t.Fatal(err)
			}
			f.Close()
			files++
		}
	}
	if files != 4 {
		t.Fatalf("damaged %d shard files, want 4", files)
	}
	off, n := int64(3<<20+5), int64(1000)
	rc, _, err := s.GetObject(ctx, "bkt", "obj", &storage.Range{Start: off, End: off + n - 1}, storage.GetOptions{})
	if err != nil {
		t.Fatalf("ranged GET in block 3: %v", err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, body[off:off+n]) {
		t.Fatalf("ranged GET returned %d bytes (err %v), not the range", len(got), err)
	}
	rc, _, err = s.GetObject(ctx, "bkt", "obj", nil, storage.GetOptions{})
	if err == nil {
		_, err = io.ReadAll(rc)
		rc.Close()
	}
	if err == nil {
		t.Fatal("full GET succeeded although block 0 is destroyed on every drive: the test damaged nothing")
	}
}
