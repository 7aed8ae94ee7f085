package api

import (
	"errors"
	"io"
)

// aheadReader reads its source on its own goroutine, up to a few chunks
// ahead, so that the store's work (disk reads, bitrot checks, erasure
// decoding) overlaps the decryption of what was read before.
type aheadReader struct {
	src  io.ReadCloser
	full chan aheadChunk
	free chan []byte
	stop chan struct{}
	done chan struct{}
	cur  []byte // unread part of the chunk being consumed
	buf  []byte // that chunk's buffer, returned to free when consumed
	err  error
}

type aheadChunk struct {
	b   []byte
	err error
}

// Read-ahead geometry: chunks of 256 KiB, at most three in flight (768 KiB
// per read); shorter reads are not worth a goroutine.
const (
	aheadChunkSize = 256 << 10
	aheadChunks    = 3
)

// readAhead returns src read ahead when length (the bytes src holds) spans
// more than one chunk, src itself otherwise.
func readAhead(src io.ReadCloser, length int64) io.ReadCloser {
	if length <= aheadChunkSize {
		return src
	}
	a := &aheadReader{src: src, full: make(chan aheadChunk, aheadChunks), free: make(chan []byte, aheadChunks),
		stop: make(chan struct{}), done: make(chan struct{})}
	for range aheadChunks {
		a.free <- make([]byte, aheadChunkSize)
	}
	go a.run()
	return a
}

func (a *aheadReader) run() {
	defer close(a.done)
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.stop:
			return
		}
		n, err := io.ReadFull(a.src, buf)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		select {
		case a.full <- aheadChunk{b: buf[:n], err: err}:
		case <-a.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read returns the bytes read ahead, then the source's error (io.EOF at the end).
func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)]
			a.buf = nil
		}
		c := <-a.full
		a.cur, a.buf, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the read-ahead, waits for it and closes the source.
func (a *aheadReader) Close() error {
	close(a.stop)
	<-a.done
	return a.src.Close()
}
