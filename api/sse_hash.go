package api

import (
	"context"
	"crypto/md5"
	"hash"
)

// asyncMD5 hashes the plaintext of an encrypted write on its own goroutine,
// so that the MD5 runs beside the encryption and the store's own hashing
// instead of in series with them. Writes copy their bytes; the goroutine
// ends when Sum is called or ctx ends (an aborted request).
type asyncMD5 struct {
	ctx  context.Context
	ch   chan []byte
	free chan []byte
	done chan struct{}
	h    hash.Hash
	sum  []byte
}

func newAsyncMD5(ctx context.Context) *asyncMD5 {
	a := &asyncMD5{ctx: ctx, ch: make(chan []byte, 8), free: make(chan []byte, 10), done: make(chan struct{}), h: md5.New()}
	go a.run()
	return a
}

func (a *asyncMD5) run() {
	defer close(a.done)
	for {
		select {
		case b, ok := <-a.ch:
			if !ok {
				return
			}
			a.h.Write(b)
			select {
			case a.free <- b[:0]:
			default:
			}
		case <-a.ctx.Done():
			return
		}
	}
}

// Write queues a copy of p.
func (a *asyncMD5) Write(p []byte) {
	if len(p) == 0 {
		return
	}
	var buf []byte
	select {
	case buf = <-a.free:
	default:
	}
	buf = append(buf, p...)
	select {
	case a.ch <- buf:
	case <-a.ctx.Done():
	}
}

// Sum waits for the queued bytes and returns their MD5 (nil when ctx ended
// first). Later calls return the same sum; no Write may follow.
func (a *asyncMD5) Sum() []byte {
	if a.sum == nil {
		close(a.ch)
		<-a.done
		if a.ctx.Err() == nil {
			a.sum = a.h.Sum(nil)
		}
	}
	return a.sum
}
