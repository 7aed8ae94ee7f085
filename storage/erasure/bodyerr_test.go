package erasure

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/silo-project/silo/storage"
)

// errAtEOF yields its data and then, where io.EOF would come, fails the way a
// verifying body reports a bad signature or checksum.
type errAtEOF struct {
	r   io.Reader
	err error
}

func (e *errAtEOF) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, e.err
	}
	return n, err
}

// A body whose verification fails only after its last byte must abort the
// write and leave the previous version untouched, whatever the size path.
func TestPutAbortsOnErrorAtEndOfBody(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, testDrives(t, 4), 2)
	defer s.Close()
	if err := s.MakeBucket(ctx, "bkt", storage.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	old := []byte("the old content")
	if _, err := s.PutObject(ctx, "bkt", "k", bytes.NewReader(old), int64(len(old)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	bad := errors.New("signature mismatch")
	tests := []struct {
		name      string
		size      int
		knownSize bool
	}{
		{"inline known size", 1000, true},
		{"inline unknown size", 1000, false},
		{"sharded known size", 3 << 20, true},
		{"sharded unknown size", 3 << 20, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &errAtEOF{r: bytes.NewReader(bytes.Repeat([]byte("n"), tt.size)), err: bad}
			size := int64(-1)
			if tt.knownSize {
				size = int64(tt.size)
			}
			if _, err := s.PutObject(ctx, "bkt", "k", body, size, storage.PutOptions{}); !errors.Is(err, bad) {
				t.Fatalf("PutObject = %v, want the body's error", err)
			}
			rc, _, err := s.GetObject(ctx, "bkt", "k", nil, storage.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, old) {
				t.Fatalf("after aborted put: %q, %v; want the old content", got, err)
			}
		})
	}
}
