package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/silo-project/silo/storage"
)

// repeatReader yields n bytes cycling over block, so a 64 MiB body needs no
// 64 MiB buffer.
type repeatReader struct {
	block []byte
	off   int
	left  int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.block[r.off:])
		n += c
		r.off = (r.off + c) % len(r.block)
	}
	r.left -= int64(n)
	return n, nil
}

// apiResult is the throughput of one operation at one object size.
type apiResult struct {
	Size        int64
	Concurrency int
	Ops         int64
	Seconds     float64
}

func (a apiResult) OpsPerSec() float64 { return float64(a.Ops) / a.Seconds }
func (a apiResult) MiBs() float64      { return float64(a.Ops*a.Size) / mib / a.Seconds }

// runFor calls op from c goroutines until d has passed or maxOps ops ran;
// each goroutine makes at least one call, so a slow start still measures.
func runFor(ctx context.Context, c int, d time.Duration, maxOps int64, op func(ctx context.Context, worker int, i int64) error) (int64, float64, error) {
	var count atomic.Int64
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range c {
		wg.Go(func() {
			for first := true; (first || time.Now().Before(deadline)) && ctx.Err() == nil; first = false {
				i := next.Add(1) - 1
				if maxOps > 0 && i >= maxOps {
					return
				}
				if err := op(ctx, w, i); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				count.Add(1)
			}
		})
	}
	wg.Wait()
	return count.Load(), time.Since(start).Seconds(), firstErr
}

// apiCase is one PUT/GET measurement.
type apiCase struct {
	size   int64
	c      int
	d      time.Duration
	maxOps int64
}

// measureAPI runs PUTs then GETs of the same objects for each case.
func measureAPI(ctx context.Context, s storage.Store, bucket string, cases []apiCase) (puts, gets []apiResult, err error) {
	block := randomBytes(mib)
	for _, tc := range cases {
		prefix := fmt.Sprintf("api/%d-c%d/", tc.size, tc.c)
		n, secs, err := runFor(ctx, tc.c, tc.d, tc.maxOps, func(ctx context.Context, w int, i int64) error {
			r := &repeatReader{block: block, off: int(i*4099) % len(block), left: tc.size}
			_, err := s.PutObject(ctx, bucket, fmt.Sprintf("%s%08d", prefix, i), r, tc.size, storage.PutOptions{})
			return err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("PUT %d bytes: %w", tc.size, err)
		}
		puts = append(puts, apiResult{tc.size, tc.c, n, secs})
		written := n
		g, gsecs, err := runFor(ctx, tc.c, tc.d, 0, func(ctx context.Context, w int, i int64) error {
			rc, _, err := s.GetObject(ctx, bucket, fmt.Sprintf("%s%08d", prefix, i%written), nil, storage.GetOptions{})
			if err != nil {
				return err
			}
			defer rc.Close()
			got, err := io.Copy(io.Discard, rc)
			if err == nil && got != tc.size {
				err = fmt.Errorf("GET returned %d bytes, want %d", got, tc.size)
			}
			return err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("GET %d bytes: %w", tc.size, err)
		}
		gets = append(gets, apiResult{tc.size, tc.c, g, gsecs})
	}
	return puts, gets, nil
}
