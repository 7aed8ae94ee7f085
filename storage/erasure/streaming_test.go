package erasure

import (
	"bytes"
	"context"
	"errors"
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

// blockWriter records the size of every Write and can fail after some bytes.
type blockWriter struct {
	buf    bytes.Buffer
	writes []int
	failAt int // fail the write that would pass this many bytes (0: never)
}

var errWriterFull = errors.New("writer full")

func (w *blockWriter) Write(p []byte) (int, error) {
	if w.failAt > 0 && w.buf.Len()+len(p) > w.failAt {
		n := w.failAt - w.buf.Len()
		w.buf.Write(p[:n])
		return n, errWriterFull
	}
	w.writes = append(w.writes, len(p))
	return w.buf.Write(p)
}

// TestReaderWriteTo: an object reader written out with WriteTo yields
// exactly the bytes Read yields (whole objects, ranges, several parts),
// one write per block, and stops with the writer's error.
func TestReaderWriteTo(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, testDrives(t, 4), 2)
	defer s.Close()
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	const size = 3<<20 + 4321
	body, _ := io.ReadAll(&patternReader{n: size})
	for key, b := range map[string][]byte{"big": body, "small": body[:4096], "empty": nil} {
		if _, err := s.PutObject(ctx, "bkt", key, bytes.NewReader(b), int64(len(b)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		key       string
		rng       *storage.Range
		want      []byte
		maxWrites int
	}{
		{"4 blocks", "big", nil, body, 4},
		{"range across a block edge", "big", &storage.Range{Start: 1<<20 - 10, End: 1<<20 + 9}, body[1<<20-10 : 1<<20+10], 2},
		{"inline", "small", nil, body[:4096], 1},
		{"empty", "empty", nil, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, _, err := s.GetObject(ctx, "bkt", tt.key, tt.rng, storage.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			if _, ok := rc.(io.WriterTo); !ok {
				t.Fatal("the object reader is not an io.WriterTo")
			}
			var w blockWriter
			n, err := io.Copy(&w, rc)
			if err != nil || n != int64(len(tt.want)) || !bytes.Equal(w.buf.Bytes(), tt.want) {
				t.Fatalf("WriteTo wrote %d bytes (err %v), want the %d of the object", n, err, len(tt.want))
			}
			if len(w.writes) > tt.maxWrites {
				t.Fatalf("WriteTo made %d writes %v, want at most %d (one per block)", len(w.writes), w.writes, tt.maxWrites)
			}
		})
	}
	t.Run("writer error", func(t *testing.T) {
		rc, _, err := s.GetObject(ctx, "bkt", "big", nil, storage.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		w := blockWriter{failAt: 1<<20 + 5}
		n, err := io.Copy(&w, rc)
		if !errors.Is(err, errWriterFull) || n != 1<<20+5 || !bytes.Equal(w.buf.Bytes(), body[:1<<20+5]) {
			t.Fatalf("WriteTo into a failing writer: %d bytes, %v; want %d bytes and the writer's error", n, err, 1<<20+5)
		}
	})
}
