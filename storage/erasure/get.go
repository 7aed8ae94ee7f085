package erasure

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/silo-project/silo/storage"
)

// objectReader streams a byte range of one version, decoding only the
// blocks the range touches, one block at a time.
type objectReader struct {
	ctx         context.Context
	s           *Store
	st          *set
	bucket, key string
	vv          *verView
	c           *codec
	part        int   // index into vv.v.Parts of the open part
	partOff     int64 // next offset within the open part
	remaining   int64
	srcs        []io.ReaderAt
	files       []*os.File
	bufs        [][]byte
	block       []byte
	pending     []byte
	needHeal    bool
	failed      map[int]bool       // positions whose shard could not be read
	pre         map[int][]*os.File // parts opened ahead, by index
	err         error
	pooled      *blockBufs // bufs and block, when recycled (full blocks)
}

func (s *Store) newObjectReader(ctx context.Context, st *set, bucket, key string, vv *verView, off, length int64) (io.ReadCloser, error) {
	if length == 0 {
		return io.NopCloser(bytes.NewReader(nil)), nil
	}
	c, err := s.codec(vv.v.Data, vv.v.Parity)
	if err != nil {
		return nil, err
	}
	if len(vv.v.Distribution) != st.n() {
		return nil, fmt.Errorf("version layout has %d drives, set has %d: %w", len(vv.v.Distribution), st.n(), storage.ErrReadQuorum)
	}
	r := &objectReader{ctx: ctx, s: s, st: st, bucket: bucket, key: key, vv: vv, c: c, remaining: length, part: -1}
	// Find the part holding off.
	for i, p := range vv.v.Parts {
		if off < p.Size {
			r.part, r.partOff = i, off
			break
		}
		off -= p.Size
	}
	if r.part < 0 {
		return nil, storage.ErrInvalidRange
	}
	// Buffers fit the largest block actually present (small objects need
	// far less than a full block).
	var largest int64
	for _, p := range vv.v.Parts {
		largest = max(largest, min(p.Size, blockSize))
	}
	if largest == blockSize {
		r.pooled = c.getBufs(st.n())
		r.bufs, r.block = r.pooled.shards, r.pooled.block[:0]
	} else {
		r.bufs = make([][]byte, st.n())
		for p := range r.bufs {
			r.bufs[p] = make([]byte, hashLen+c.shardLen(largest))
		}
		r.block = make([]byte, 0, c.shardLen(largest)*int64(c.data))
	}
	if err := r.openPart(); err != nil {
		c.putBufs(r.pooled)
		return nil, err
	}
	r.preopen()
	return r, nil
}

// preopenParts is how many parts a GET opens up front (under the key's
// read lock, so that a concurrent overwrite cannot delete them first);
// later parts are opened when reached.
const preopenParts = 32

// preopen opens the shard files of the parts after the first one, up to
// preopenParts, while the caller holds the key's read lock.
func (r *objectReader) preopen() {
	if r.vv.v.IsInline {
		return
	}
	r.pre = map[int][]*os.File{}
	for i := r.part + 1; i < len(r.vv.v.Parts) && i <= r.part+preopenParts; i++ {
		files := make([]*os.File, r.st.n())
		for p, d := range r.st.list() {
			if d != nil && r.vv.has[p] {
				if f, err := d.OpenShard(r.vv.v.DataDir, r.vv.v.Parts[i].File); err == nil {
					files[p] = f
				}
			}
		}
		r.pre[i] = files
	}
}

// openPart opens the shard sources of the current part.
func (r *objectReader) openPart() error {
	r.closeFiles()
	n := r.st.n()
	r.srcs = make([]io.ReaderAt, n)
	r.files = make([]*os.File, n)
	part := r.vv.v.Parts[r.part]
	if files, ok := r.pre[r.part]; ok {
		delete(r.pre, r.part)
		avail := 0
		for p, f := range files {
			if f != nil {
				r.files[p], r.srcs[p] = f, f
				avail++
			} else if r.st.drive(p) != nil {
				r.fail(p)
			}
		}
		if avail < r.c.data {
			return fmt.Errorf("%d shards of %d available, %d needed: %w", avail, n, r.c.data, storage.ErrReadQuorum)
		}
		return nil
	}
	avail := 0
	for p, d := range r.st.list() {
		if d == nil || !r.vv.has[p] {
			r.needHeal = r.needHeal || d != nil
			continue
		}
		if r.vv.v.IsInline {
			r.srcs[p] = bytes.NewReader(r.vv.inline[p])
			avail++
			continue
		}
		f, err := d.OpenShard(r.vv.v.DataDir, part.File)
		if err != nil {
			r.fail(p)
			continue
		}
		r.files[p], r.srcs[p] = f, f
		avail++
	}
	if avail < r.c.data {
		return fmt.Errorf("%d shards of %d available, %d needed: %w", avail, n, r.c.data, storage.ErrReadQuorum)
	}
	return nil
}

func (r *objectReader) closeFiles() {
	for _, f := range r.files {
		if f != nil {
			f.Close()
		}
	}
	r.files = nil
}

func (r *objectReader) closePreopened() {
	for _, files := range r.pre {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}
	r.pre = nil
}

func (r *objectReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(r.pending) == 0 {
		if r.remaining == 0 {
			return 0, io.EOF
		}
		if err := r.next(); err != nil {
			r.err = err
			return 0, err
		}
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// WriteTo writes the rest of the object to w a decoded block at a time,
// straight from the reader's block buffer: a GET then makes one write
// (and one syscall) per block instead of one per 32 KiB of a copy buffer,
// and copies nothing.
func (r *objectReader) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for {
		if r.err != nil {
			return n, r.err
		}
		if len(r.pending) == 0 {
			if r.remaining == 0 {
				return n, nil
			}
			if err := r.next(); err != nil {
				r.err = err
				return n, err
			}
		}
		m, err := w.Write(r.pending)
		n += int64(m)
		r.pending = r.pending[m:]
		if err != nil {
			return n, err
		}
	}
}

// next decodes the block holding the next byte.
func (r *objectReader) next() error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	part := r.vv.v.Parts[r.part]
	if r.partOff >= part.Size {
		r.part++
		r.partOff = 0
		if r.part >= len(r.vv.v.Parts) {
			return fmt.Errorf("object shorter than its size: %w", storage.ErrReadQuorum)
		}
		if err := r.openPart(); err != nil {
			return err
		}
		part = r.vv.v.Parts[r.part]
	}
	b := r.partOff / blockSize
	blockLen := min(int64(blockSize), part.Size-b*blockSize)
	data, bad, err := r.c.decodeBlock(r.srcs, r.vv.v.Distribution, b, blockLen, r.bufs, r.block)
	for _, p := range bad {
		if r.st.drive(p) != nil {
			r.fail(p)
		}
	}
	if err != nil {
		return fmt.Errorf("%s/%s: %w", r.bucket, r.key, err)
	}
	within := r.partOff - b*blockSize
	data = data[within:]
	if int64(len(data)) > r.remaining {
		data = data[:r.remaining]
	}
	r.pending = data
	r.partOff += int64(len(data))
	r.remaining -= int64(len(data))
	return nil
}

var errReaderClosed = errors.New("read after close")

// Close releases the shard files and queues a heal when a shard was
// missing or corrupt.
func (r *objectReader) Close() error {
	r.closeFiles()
	r.closePreopened()
	if r.pooled != nil {
		// Nothing refers to the buffers once closed: reads fail from now on.
		r.c.putBufs(r.pooled)
		r.pooled, r.bufs, r.block, r.pending = nil, nil, nil, nil
		r.err = errReaderClosed
	}
	if r.needHeal && r.healable() {
		r.s.queueHeal(r.st, r.bucket, r.key)
	}
	return nil
}

// healable reports whether a heal could repair anything: a drive that is
// offline cannot be healed, and queueing heals for every read while a
// drive is away would only double the read load.
func (r *objectReader) healable() bool {
	for p, d := range r.st.list() {
		if d == nil || d.Online() != nil {
			continue
		}
		if !r.vv.has[p] || r.failed[p] {
			return true
		}
	}
	return false
}

// fail records that position p's shard could not be read.
func (r *objectReader) fail(p int) {
	r.needHeal = true
	if r.failed == nil {
		r.failed = map[int]bool{}
	}
	r.failed[p] = true
}
