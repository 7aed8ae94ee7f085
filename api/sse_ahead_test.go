package api

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// closeCounter records Close calls.
type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

func TestReadAhead(t *testing.T) {
	data := randomData(5*aheadChunkSize + 123)
	boom := errors.New("boom")
	tests := []struct {
		name string
		src  func() io.Reader
		n    int
		err  error
	}{
		{"whole", func() io.Reader { return bytes.NewReader(data) }, len(data), nil},
		{"one-byte reads", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) }, len(data), nil},
		{"error mid-way", func() io.Reader {
			return io.MultiReader(bytes.NewReader(data[:aheadChunkSize+5]), iotest.ErrReader(boom))
		}, aheadChunkSize + 5, boom},
	}
	// Each case is read with Read (io.ReadAll) and with WriteTo (io.Copy).
	readers := map[string]func(io.Reader) ([]byte, error){
		"Read": io.ReadAll,
		"WriteTo": func(r io.Reader) ([]byte, error) {
			if _, ok := r.(io.WriterTo); !ok {
				return nil, errors.New("no WriteTo")
			}
			var b bytes.Buffer
			_, err := io.Copy(&b, r)
			return b.Bytes(), err
		},
	}
	for _, tt := range tests {
		for via, read := range readers {
			t.Run(tt.name+"/"+via, func(t *testing.T) {
				cc := &closeCounter{Reader: tt.src()}
				r := readAhead(t.Context(), cc, int64(len(data)))
				got, err := read(r)
				if !errors.Is(err, tt.err) || !bytes.Equal(got, data[:tt.n]) {
					t.Fatalf("read %d bytes, %v", len(got), err)
				}
				if err := r.Close(); err != nil || cc.closed != 1 {
					t.Fatalf("Close: %v, %d", err, cc.closed)
				}
			})
		}
	}
	t.Run("close before the end", func(t *testing.T) {
		cc := &closeCounter{Reader: bytes.NewReader(data)}
		r := readAhead(t.Context(), cc, int64(len(data)))
		if _, err := io.ReadFull(r, make([]byte, 10)); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil || cc.closed != 1 {
			t.Fatalf("Close: %v, %d", err, cc.closed)
		}
	})
	t.Run("short reads are not read ahead", func(t *testing.T) {
		cc := &closeCounter{Reader: bytes.NewReader(data)}
		if r := readAhead(t.Context(), cc, aheadChunkSize); r != io.ReadCloser(cc) {
			t.Fatal("a one-chunk read got a read-ahead goroutine")
		}
	})
}
