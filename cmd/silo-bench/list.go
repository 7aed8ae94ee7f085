package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/silo-project/silo/storage"
)

// listResult is the LIST timing at one bucket size.
type listResult struct {
	Keys       int
	Delimited  time.Duration // root page with delimiter "/": 1000 common prefixes (median)
	Flat       time.Duration // page of 1000 keys from the middle, no delimiter (median)
	Entries    int           // entries in the delimited page
	PopulateS  float64       // seconds spent adding keys to reach Keys
	PopulateOp float64       // PUTs per second while populating
	Skipped    string        // why this size was not measured
}

// listRounds is how many times each page is timed. The sizes take turns
// within a round, so a burst of load from elsewhere falls on all of them
// and the ratios compare pages timed seconds apart, not minutes. A
// delimited page answered from the dir index takes well under a
// millisecond, where one preempted goroutine shows, hence many rounds
// (all of them take about a second).
const listRounds = 101

// listKey spreads keys over 1000 "directories" so the delimited root page
// always has 1000 common prefixes, whatever the bucket size.
func listKey(i int) string { return fmt.Sprintf("d%03d/f%08d", i%1000, i) }

// listBucket names the bucket holding size keys.
func listBucket(size int) string { return fmt.Sprintf("list-%d", size) }

// populate adds keys [from, to) as empty (inline) objects with c writers.
func populate(ctx context.Context, s storage.Store, bucket string, from, to, c int) (float64, error) {
	n, secs, err := runFor(ctx, c, 24*time.Hour, int64(to-from), func(ctx context.Context, w int, i int64) error {
		_, err := s.PutObject(ctx, bucket, listKey(from+int(i)), strings.NewReader(""), 0, storage.PutOptions{})
		return err
	})
	if err == nil && n != int64(to-from) {
		err = fmt.Errorf("populated %d of %d keys", n, to-from)
	}
	return secs, err
}

// timeList times one ListObjects call and returns the entries it returned.
func timeList(ctx context.Context, s storage.Store, bucket string, opts storage.ListOptions) (time.Duration, int, error) {
	start := time.Now()
	res, err := s.ListObjects(ctx, bucket, opts)
	return time.Since(start), len(res.Objects) + len(res.CommonPrefixes), err
}

// measureList fills one bucket per size (in its own bucket, so every size
// is a real bucket of that many keys) and then times the pages of all
// sizes in turns, listRounds times after a warm-up round, keeping medians.
// A size whose population would overrun budget (judged by the rate so far)
// is skipped and reported as such.
func measureList(ctx context.Context, s storage.Store, sizes []int, c int, budget time.Duration, logf func(string, ...any)) ([]listResult, error) {
	out := make([]listResult, len(sizes))
	start := time.Now()
	rate := 0.0
	var measured []int // indexes into out
	for i, size := range sizes {
		r := &out[i]
		r.Keys = size
		if rate > 0 {
			need := time.Duration(float64(size) / rate * float64(time.Second))
			if time.Since(start)+need > budget {
				r.Skipped = fmt.Sprintf("populating %d keys at %.0f PUT/s would take ~%s, over the %s budget (-list-budget)",
					size, rate, need.Round(time.Second), budget)
				continue
			}
		}
		bucket := listBucket(size)
		if err := s.MakeBucket(ctx, bucket, storage.MakeBucketOptions{}); err != nil {
			return out, fmt.Errorf("make bucket %s: %w", bucket, err)
		}
		logf("populating %d keys...", size)
		secs, err := populate(ctx, s, bucket, 0, size, c)
		if err != nil {
			return out, fmt.Errorf("populate to %d: %w", size, err)
		}
		r.PopulateS, r.PopulateOp = secs, float64(size)/secs
		rate = r.PopulateOp
		measured = append(measured, i)
	}
	logf("timing LIST pages: %d rounds over %d bucket sizes...", listRounds, len(measured))
	delim := make([][]time.Duration, len(sizes))
	flat := make([][]time.Duration, len(sizes))
	for round := range listRounds + 1 {
		for _, i := range measured {
			bucket := listBucket(sizes[i])
			d, n, err := timeList(ctx, s, bucket, storage.ListOptions{Delimiter: "/", MaxKeys: 1000})
			if err != nil {
				return out, fmt.Errorf("list %d: %w", sizes[i], err)
			}
			f, _, err := timeList(ctx, s, bucket, storage.ListOptions{Marker: "d500/", MaxKeys: 1000})
			if err != nil {
				return out, fmt.Errorf("list %d: %w", sizes[i], err)
			}
			if round > 0 { // round 0 warms up
				delim[i], flat[i] = append(delim[i], d), append(flat[i], f)
			}
			out[i].Entries = n
		}
	}
	for _, i := range measured {
		out[i].Delimited, out[i].Flat = median(delim[i]), median(flat[i])
	}
	return out, nil
}
