package main

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/silo-project/silo/storage"
)

// The 4 KiB PUT target compares two rates of the same disk, and on a
// shared machine either can swing 2x within minutes. Measuring them once
// each, minutes apart, makes the ratio mostly noise; alternating short
// rounds of both and taking the median of the per-round ratios cancels
// most of the drift (each ratio pairs two measurements seconds apart).

// put4kRound is one round: fsynced creations (one writer) then 4 KiB PUTs
// at concurrency 16, each for the round's duration.
type put4kRound struct {
	Creates float64 // fsynced 4 KiB creations/s, one writer
	Puts    float64 // 4 KiB storage-API PUTs/s, 16 writers
}

func (r put4kRound) Ratio() float64 { return r.Puts / r.Creates }

// put4kResult is the interleaved measurement.
type put4kResult struct {
	Round  time.Duration
	Rounds []put4kRound
}

// median returns the median of f over the rounds.
func (p put4kResult) median(f func(put4kRound) float64) float64 {
	v := make([]float64, len(p.Rounds))
	for i, r := range p.Rounds {
		v[i] = f(r)
	}
	return median(v)
}

func (p put4kResult) MedianRatio() float64 { return p.median(put4kRound.Ratio) }
func (p put4kResult) MedianCreates() float64 {
	return p.median(func(r put4kRound) float64 { return r.Creates })
}
func (p put4kResult) MedianPuts() float64 {
	return p.median(func(r put4kRound) float64 { return r.Puts })
}

// measurePut4K alternates rounds of fsynced creations in dir and 4 KiB
// PUTs into bucket, rounds times, each half lasting d.
func measurePut4K(ctx context.Context, dir string, s storage.Store, bucket string, rounds int, d time.Duration) (put4kResult, error) {
	res := put4kResult{Round: d}
	block := randomBytes(mib)
	for k := range rounds {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		// Each half starts with the disk's dirty data written out, so that
		// neither pays for what the other left behind.
		syscall.Sync()
		creates, err := measureCreates(dir, 1, d)
		if err != nil {
			return res, fmt.Errorf("creates: %w", err)
		}
		syscall.Sync()
		prefix := fmt.Sprintf("put4k/r%d/", k)
		n, secs, err := runFor(ctx, 16, d, 0, func(ctx context.Context, _ int, i int64) error {
			r := &repeatReader{block: block, off: int(i*4099) % len(block), left: 4 * kib}
			_, err := s.PutObject(ctx, bucket, fmt.Sprintf("%s%08d", prefix, i), r, 4*kib, storage.PutOptions{})
			return err
		})
		if err != nil {
			return res, fmt.Errorf("PUT 4 KiB: %w", err)
		}
		res.Rounds = append(res.Rounds, put4kRound{Creates: creates, Puts: float64(n) / secs})
	}
	return res, nil
}

// runPut4K makes the bench bucket in s and measures the rounds.
func runPut4K(ctx context.Context, dir string, s storage.Store, rounds int, d time.Duration) (put4kResult, error) {
	const bucket = "bench"
	if err := s.MakeBucket(ctx, bucket, storage.MakeBucketOptions{}); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		return put4kResult{}, err
	}
	return measurePut4K(ctx, dir, s, bucket, rounds, d)
}

// printPut4K writes the rounds and their medians as Markdown.
func (r *report) printPut4K(pf func(format string, a ...any)) {
	if len(r.Put4K.Rounds) == 0 {
		return
	}
	pf("### 4 KiB PUT (c=16) against fsynced 4 KiB creations (one writer), interleaved rounds of 2 x %s", r.Put4K.Round)
	pf("")
	r.Put4K.print(pf)
	pf("")
}

// print writes the rounds and their medians as a Markdown table.
func (p put4kResult) print(pf func(format string, a ...any)) {
	pf("| round | fsynced 4 KiB creations/s (1 writer) | 4 KiB PUT/s (c=16) | ratio |")
	pf("|---|---|---|---|")
	for i, r := range p.Rounds {
		pf("| %d | %.0f | %.0f | %.2f x |", i+1, r.Creates, r.Puts, r.Ratio())
	}
	pf("| median | %.0f | %.0f | %.2f x |", p.MedianCreates(), p.MedianPuts(), p.MedianRatio())
}

// put4kTarget states the 4 KiB PUT target from the interleaved rounds.
func (r *report) put4kTarget(p func(format string, a ...any)) {
	ratio := r.Put4K.MedianRatio()
	p("- 4 KiB PUT objects/s at c=16 >= 1 x fsynced 4 KiB creations/s (one writer), median of %d interleaved rounds of 2 x %s: %.0f vs %.0f = %.2f x: **%s**",
		len(r.Put4K.Rounds), r.Put4K.Round, r.Put4K.MedianPuts(), r.Put4K.MedianCreates(), ratio, verdict(ratio >= 1))
}
