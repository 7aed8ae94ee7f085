package erasure

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
	"sync/atomic"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

// objLayout is the erasure layout chosen for one object.
type objLayout struct {
	c    *codec
	dist []uint8
	wq   int
	// online marks the positions found online when the layout was chosen
	// (nil: not checked), so that the write does not probe them again.
	online []bool
}

// objectLayout chooses the layout of a new object. As MinIO does, parity
// is raised by the number of drives offline right now (up to half the
// set), so that an object written during an outage keeps the redundancy
// its storage class promises once the drives return.
func (s *Store) objectLayout(st *set, bucket, key string, parity int) (objLayout, error) {
	n := st.n()
	online := make([]bool, n)
	for p, d := range st.list() {
		online[p] = d != nil && d.Online() == nil
		if !online[p] && parity < n/2 {
			parity++
		}
	}
	c, err := s.codec(n-parity, parity)
	if err != nil {
		return objLayout{}, err
	}
	return objLayout{c: c, dist: s.distribution(bucket, key, n), wq: writeQuorum(n-parity, parity), online: online}, nil
}

// dataWrite is a body streamed into shards, not yet committed.
type dataWrite struct {
	size    int64
	md5     []byte
	inline  [][]byte             // per position, when stored inline
	writers []*drive.ShardWriter // per position, when stored in files
	alive   []bool
}

func (w *dataWrite) abort() {
	for _, sw := range w.writers {
		if sw != nil {
			sw.Abort()
		}
	}
}

func (w *dataWrite) aliveCount() int {
	n := 0
	for _, a := range w.alive {
		if a {
			n++
		}
	}
	return n
}

// errNoETag: a write with NoMD5 whose PreCommit set no ETag (a caller's bug).
var errNoETag = errors.New("erasure: NoMD5 write without an ETag")

// countingReader counts what passes through it and hashes it (MD5) when h is set.
type countingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.h != nil {
		c.h.Write(p[:n])
	}
	return n, err
}

// writeBody streams r (size bytes, or -1 when unknown) through the codec
// into shard files of dataDir/file on every online drive of the set, or
// into memory for an inline object when allowInline and the body is small,
// hashing it (MD5) unless noMD5.
// Memory is bounded by a few blocks. Errors: ErrIncompleteBody,
// ErrEntityTooLarge, ErrWriteQuorum, or the body's read error.
func (s *Store) writeBody(ctx context.Context, st *set, lay objLayout, dataDir, file string, r io.Reader, size int64, allowInline, noMD5 bool) (*dataWrite, error) {
	limit := size
	if size < 0 {
		limit = storage.MaxObjectSize + 1
	}
	cr := &countingReader{r: io.LimitReader(r, limit)}
	if !noMD5 {
		cr.h = md5.New()
	}
	var src io.Reader = cr
	inline := allowInline && size >= 0 && size <= s.inlineMax
	if allowInline && size < 0 {
		buf := make([]byte, s.inlineMax+1)
		n, err := io.ReadFull(cr, buf)
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			inline = true
			src = bytes.NewReader(buf[:n])
		case err != nil:
			return nil, fmt.Errorf("read body: %w", err)
		default:
			src = io.MultiReader(bytes.NewReader(buf), cr)
		}
	}
	n := st.n()
	w := &dataWrite{alive: make([]bool, n)}
	outs := make([]io.Writer, n)
	if inline {
		w.inline = make([][]byte, n)
		for p, d := range st.list() {
			if lay.online != nil && lay.online[p] || lay.online == nil && d != nil && d.Online() == nil {
				w.alive[p] = true
			}
		}
	} else {
		w.writers = make([]*drive.ShardWriter, n)
		for p, d := range st.list() {
			if d == nil {
				continue
			}
			sw, err := d.CreateShard(dataDir, file)
			if err != nil {
				s.log.Warn("create shard", "drive", st.paths[p], "err", err)
				continue
			}
			w.writers[p], outs[p], w.alive[p] = sw, sw, true
		}
	}
	if w.aliveCount() < lay.wq {
		w.abort()
		return nil, fmt.Errorf("%d drives writable, %d needed: %w", w.aliveCount(), lay.wq, storage.ErrWriteQuorum)
	}
	bufSize := int64(blockSize)
	if size >= 0 && size < blockSize {
		bufSize = max(size, 1)
	} else if inline {
		bufSize = max(s.inlineMax, 1)
	}
	encode := func() error { return s.encodeStream(ctx, st, lay, src, outs, w, bufSize) }
	if inline {
		encode = func() error { return encodeInline(ctx, lay, src, w, bufSize) }
	}
	if err := encode(); err != nil {
		w.abort()
		return nil, err
	}
	w.size = cr.n
	if size >= 0 {
		if cr.n < size {
			w.abort()
			return nil, fmt.Errorf("got %d of %d bytes: %w", cr.n, size, storage.ErrIncompleteBody)
		}
		// The read past the declared size is where a verifying body (payload
		// hash, chunk signatures, checksum trailers) reports a mismatch, so its
		// error aborts the write just like extra bytes do.
		var one [1]byte
		k, err := io.ReadFull(r, one[:])
		if k > 0 {
			w.abort()
			return nil, fmt.Errorf("body longer than %d bytes: %w", size, storage.ErrEntityTooLarge)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			w.abort()
			return nil, fmt.Errorf("read body: %w", err)
		}
	} else if cr.n > storage.MaxObjectSize {
		w.abort()
		return nil, fmt.Errorf("body longer than %d bytes: %w", int64(storage.MaxObjectSize), storage.ErrEntityTooLarge)
	}
	if cr.h != nil {
		w.md5 = cr.h.Sum(nil)
	}
	return w, nil
}

// encodeStream codes src block by block, writing each position's shard
// block (hash then data) to outs in parallel. A drive that fails a write is
// dropped; the stream fails once fewer than the write quorum remain.
func (s *Store) encodeStream(ctx context.Context, st *set, lay objLayout, src io.Reader, outs []io.Writer, w *dataWrite, bufSize int64) error {
	c := lay.c
	// Two buffer sets: while the drives write block i, block i+1 is read,
	// hashed (MD5) and encoded. Memory stays at two blocks per upload.
	type bufSet struct {
		block, work []byte
		shards      [][]byte
	}
	var sets [2]bufSet
	free := make(chan int, 2)
	// Full blocks use recycled buffers (given back once the writer is done).
	bufs := make([][]byte, len(outs))
	if bufSize == blockSize {
		pooled := [2]*blockBufs{c.getBufs(len(outs)), c.getBufs(len(outs))}
		defer c.putBufs(pooled[0])
		defer c.putBufs(pooled[1])
		for i := range sets {
			sets[i] = bufSet{block: pooled[i].block[:blockSize], work: pooled[i].work}
		}
		copy(bufs, pooled[0].shards)
	} else {
		// A buffer smaller than a block holds the whole body: one set.
		sets[0] = bufSet{block: make([]byte, bufSize), work: make([]byte, c.total()*int(c.shardLen(bufSize)))}
	}
	for i := range sets {
		if sets[i].block != nil {
			free <- i
		}
	}
	jobs := make(chan int)
	var lost atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range jobs {
			if !lost.Load() {
				s.writeBlock(st, c, lay, outs, w, bufs, sets[i].shards)
				if w.aliveCount() < lay.wq {
					lost.Store(true)
				}
			}
			free <- i
		}
	}()
	finish := func(err error) error {
		close(jobs)
		<-done
		if err == nil && lost.Load() {
			err = fmt.Errorf("%d drives left writing, %d needed: %w", w.aliveCount(), lay.wq, storage.ErrWriteQuorum)
		}
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return finish(err)
		}
		i := <-free
		if lost.Load() {
			return finish(nil)
		}
		n, rerr := io.ReadFull(src, sets[i].block)
		if n > 0 {
			shards, err := c.encodeBlock(sets[i].block[:n], sets[i].work)
			if err != nil {
				return finish(err)
			}
			sets[i].shards = shards
			jobs <- i
		} else {
			free <- i
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			return finish(nil)
		}
		if rerr != nil {
			return finish(fmt.Errorf("read body: %w", rerr))
		}
	}
}

// writeBlock writes each position's hash and shard of one block to its
// drive in parallel; a drive whose write fails is dropped.
func (s *Store) writeBlock(st *set, c *codec, lay objLayout, outs []io.Writer, w *dataWrite, bufs [][]byte, shards [][]byte) {
	var wg sync.WaitGroup
	for p, out := range outs {
		if !w.alive[p] {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sh := shards[lay.dist[p]]
			sum := c.sum(sh)
			bufs[p] = append(append(bufs[p][:0], sum[:]...), sh...)
			if _, err := out.Write(bufs[p]); err != nil {
				s.log.Warn("write shard", "drive", st.paths[p], "err", err)
				w.alive[p] = false
			}
		}()
	}
	wg.Wait()
}

// commitShards moves the written shard files into place on every drive
// that wrote them. Errors: ErrWriteQuorum (the files are then removed).
func (s *Store) commitShards(st *set, lay objLayout, w *dataWrite, dataDir, file string) error {
	if w.writers == nil {
		return nil
	}
	var wg sync.WaitGroup
	for p, sw := range w.writers {
		if sw == nil {
			continue
		}
		if !w.alive[p] {
			sw.Abort()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := sw.Commit(); err != nil {
				s.log.Warn("commit shard", "drive", st.paths[p], "err", err)
				w.alive[p] = false
			}
		}()
	}
	wg.Wait()
	if w.aliveCount() < lay.wq {
		s.removeShards(st, w.alive, dataDir, file)
		return fmt.Errorf("%d drives committed shards, %d needed: %w", w.aliveCount(), lay.wq, storage.ErrWriteQuorum)
	}
	return nil
}

// removeShards deletes dataDir/file (or the whole dataDir when file is "")
// on the positions marked in which.
func (s *Store) removeShards(st *set, which []bool, dataDir, file string) {
	for p, ok := range which {
		if !ok || st.drive(p) == nil {
			continue
		}
		var err error
		if file == "" {
			err = st.drive(p).RemoveDataDir(dataDir)
		} else {
			err = st.drive(p).RemoveShard(dataDir, file)
		}
		if err != nil {
			s.log.Warn("remove shards", "drive", st.paths[p], "err", err)
		}
	}
}
