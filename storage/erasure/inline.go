package erasure

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// encodeInline codes the body of an inline object, at most bufSize bytes
// and so a single block, into w.inline for every alive position: the same
// bytes encodeStream would write (each position's hash then its shard), but
// on the calling goroutine, without the writer goroutines and per-position
// buffers a streamed block needs. An empty body leaves w.inline nil.
func encodeInline(ctx context.Context, lay objLayout, src io.Reader, w *dataWrite, bufSize int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := lay.c
	block := make([]byte, bufSize)
	n, err := io.ReadFull(src, block)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("read body: %w", err)
	}
	if n == 0 {
		return nil
	}
	sl := int(c.shardLen(int64(n)))
	shards, err := c.encodeBlock(block[:n], make([]byte, c.total()*sl))
	if err != nil {
		return err
	}
	stride := hashLen + sl
	out := make([]byte, w.aliveCount()*stride)
	for p, alive := range w.alive {
		if !alive {
			continue
		}
		sh := shards[lay.dist[p]]
		sum := c.sum(sh)
		buf := out[:stride:stride]
		out = out[stride:]
		copy(buf, sum[:])
		copy(buf[hashLen:], sh)
		w.inline[p] = buf
	}
	return nil
}
