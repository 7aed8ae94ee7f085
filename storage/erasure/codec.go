package erasure

import (
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/reedsolomon"
	"github.com/minio/highwayhash"

	"github.com/silo-project/silo/storage"
)

const (
	// blockSize is the object data coded as one unit (split into data shards).
	blockSize = 1 << 20
	// inlineThreshold is the largest object stored inside its metadata record.
	inlineThreshold = 128 << 10
	// hashLen is the size of the bitrot hash before every shard block.
	hashLen = 32
	// bitrotHighwayHash256 identifies HighwayHash-256 with bitrotKey.
	bitrotHighwayHash256 = 1
)

// bitrotKey is the fixed HighwayHash key of the bitrot hashes (not a secret:
// bitrot protection is against decay, not against an attacker).
const bitrotKey = "silo-bitrot-highwayhash-key-v1!!"

// sum returns the bitrot hash of one shard block.
func (c *codec) sum(b []byte) [hashLen]byte { return highwayhash.Sum(b, c.key) }

// codec codes blocks for one (data, parity) pair.
type codec struct {
	data, parity int
	enc          reedsolomon.Encoder
	key          []byte // bitrotKey, never modified
	// bufs recycles the full-block buffers of reads and writes (see
	// blockBufs), which would otherwise be a few MiB of garbage per request.
	bufs sync.Pool
}

// blockBufs are the buffers one request needs to code full blocks: per
// position a shard block with its hash (reads), one block of object data,
// and the encoder's work area (all shards of one block, writes).
type blockBufs struct {
	shards [][]byte
	block  []byte
	work   []byte
}

// getBufs returns full-block buffers for a set of n positions, recycled
// when possible; give them back with putBufs once nothing refers to them.
func (c *codec) getBufs(n int) *blockBufs {
	if b, ok := c.bufs.Get().(*blockBufs); ok && len(b.shards) == n {
		return b
	}
	b := &blockBufs{shards: make([][]byte, n), block: make([]byte, c.shardLen(blockSize)*int64(c.data)),
		work: make([]byte, c.total()*int(c.shardLen(blockSize)))}
	for p := range b.shards {
		b.shards[p] = make([]byte, c.stride())
	}
	return b
}

func (c *codec) putBufs(b *blockBufs) {
	if b != nil {
		c.bufs.Put(b)
	}
}

type codecCache struct {
	mu sync.Mutex
	m  map[[2]int]*codec
}

func (s *Store) codec(data, parity int) (*codec, error) {
	s.codecs.mu.Lock()
	defer s.codecs.mu.Unlock()
	k := [2]int{data, parity}
	if c := s.codecs.m[k]; c != nil {
		return c, nil
	}
	if data <= 0 || parity < 0 || data+parity > 256 {
		return nil, fmt.Errorf("invalid erasure layout %d+%d", data, parity)
	}
	c := &codec{data: data, parity: parity, key: []byte(bitrotKey)}
	if parity > 0 {
		enc, err := reedsolomon.New(data, parity)
		if err != nil {
			return nil, fmt.Errorf("erasure layout %d+%d: %w", data, parity, err)
		}
		c.enc = enc
	}
	s.codecs.m[k] = c
	return c, nil
}

func (c *codec) total() int { return c.data + c.parity }

// shardLen is the shard size of a block of n bytes.
func (c *codec) shardLen(n int64) int64 { return (n + int64(c.data) - 1) / int64(c.data) }

// stride is the on-disk size of one full block's shard (hash + data).
func (c *codec) stride() int64 { return hashLen + c.shardLen(blockSize) }

// shardFileSize is the size of a shard file for a part of size bytes.
func (c *codec) shardFileSize(size int64) int64 {
	full := size / blockSize
	n := full * c.stride()
	if rest := size % blockSize; rest > 0 {
		n += hashLen + c.shardLen(rest)
	}
	return n
}

// encodeBlock splits block into data shards and computes parity into work,
// which must hold total()*shardLen(blockSize) bytes. It returns the shards.
func (c *codec) encodeBlock(block, work []byte) ([][]byte, error) {
	sl := int(c.shardLen(int64(len(block))))
	shards := make([][]byte, c.total())
	for i := range shards {
		shards[i] = work[i*sl : (i+1)*sl]
	}
	n := copy(work[:c.data*sl], block)
	clear(work[n : c.data*sl])
	if c.parity > 0 {
		if err := c.enc.Encode(shards); err != nil {
			return nil, fmt.Errorf("encode block: %w", err)
		}
	}
	return shards, nil
}

// errShardCorrupt marks a shard block whose hash does not match.
var errShardCorrupt = fmt.Errorf("shard block bitrot hash mismatch")

// readShardBlock reads and verifies block b (of blockLen bytes of object
// data) of one shard source.
func (c *codec) readShardBlock(src io.ReaderAt, b, blockLen int64, buf []byte) ([]byte, error) {
	sl := c.shardLen(blockLen)
	buf = buf[:hashLen+sl]
	if _, err := src.ReadAt(buf, b*c.stride()); err != nil {
		return nil, fmt.Errorf("read shard block %d: %w", b, err)
	}
	sum := c.sum(buf[hashLen:])
	if string(sum[:]) != string(buf[:hashLen]) {
		return nil, errShardCorrupt
	}
	return buf[hashLen:], nil
}

// decodeBlock reads block b of a part through srcs (by position; nil when
// unavailable), data shards first, falling back to parity, verifying every
// shard. It returns the block's data and the positions that failed.
func (c *codec) decodeBlock(srcs []io.ReaderAt, dist []uint8, b, blockLen int64, bufs [][]byte, out []byte) ([]byte, []int, error) {
	shards := make([][]byte, c.total())
	var bad []int
	var mu sync.Mutex
	read := func(positions []int) {
		var wg sync.WaitGroup
		for _, p := range positions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sh, err := c.readShardBlock(srcs[p], b, blockLen, bufs[p])
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					bad = append(bad, p)
					return
				}
				shards[dist[p]] = sh
			}()
		}
		wg.Wait()
	}
	var first, rest []int
	for p := range srcs {
		switch {
		case srcs[p] == nil || int(dist[p]) >= len(shards):
			bad = append(bad, p)
		case int(dist[p]) < c.data:
			first = append(first, p)
		default:
			rest = append(rest, p)
		}
	}
	read(first)
	have := func() int {
		n := 0
		for _, sh := range shards {
			if sh != nil {
				n++
			}
		}
		return n
	}
	dataComplete := func() bool {
		for _, sh := range shards[:c.data] {
			if sh == nil {
				return false
			}
		}
		return true
	}
	if !dataComplete() {
		// Read just enough parity shards to fill the gap.
		for len(rest) > 0 && have() < c.data {
			batch := rest[:min(c.data-have(), len(rest))]
			rest = rest[len(batch):]
			read(batch)
		}
		if have() < c.data || c.enc == nil {
			return nil, bad, fmt.Errorf("block %d: %d shards readable, %d needed: %w", b, have(), c.data, storage.ErrReadQuorum)
		}
		if err := c.enc.ReconstructData(shards); err != nil {
			return nil, bad, fmt.Errorf("reconstruct block %d: %w", b, err)
		}
	}
	out = out[:0]
	for i := 0; i < c.data; i++ {
		out = append(out, shards[i]...)
	}
	return out[:blockLen], bad, nil
}
