package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/silo-project/silo/storage"
)

// listResult is the LIST timing at one bucket size.
type listResult struct {
	Keys       int
	Delimited  time.Duration // root page with delimiter "/": 1000 common prefixes
	Flat       time.Duration // page of 1000 keys from the middle, no delimiter
	Entries    int           // entries in the delimited page
	PopulateS  float64       // seconds spent adding keys to reach Keys
	PopulateOp float64       // PUTs per second while populating
	Skipped    string        // why this size was not measured
}

// listKey spreads keys over 1000 "directories" so the delimited root page
// always has 1000 common prefixes, whatever the bucket size.
func listKey(i int) string { return fmt.Sprintf("d%03d/f%08d", i%1000, i) }

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

// timeList returns the median of runs timings of one ListObjects call,
// after a warm-up call, and the number of entries it returned.
func timeList(ctx context.Context, s storage.Store, bucket string, opts storage.ListOptions, runs int) (time.Duration, int, error) {
	var times []time.Duration
	entries := 0
	for i := range runs + 1 {
		start := time.Now()
		res, err := s.ListObjects(ctx, bucket, opts)
		if err != nil {
			return 0, 0, err
		}
		if i > 0 {
			times = append(times, time.Since(start))
		}
		entries = len(res.Objects) + len(res.CommonPrefixes)
	}
	slices.Sort(times)
	return times[len(times)/2], entries, nil
}

// measureList grows one bucket through sizes and times a LIST page at each.
// A size whose population would overrun budget (judged by the rate so far)
// is skipped and reported as such.
func measureList(ctx context.Context, s storage.Store, bucket string, sizes []int, c int, budget time.Duration, logf func(string, ...any)) ([]listResult, error) {
	var out []listResult
	have := 0
	start := time.Now()
	rate := 0.0
	for _, size := range sizes {
		r := listResult{Keys: size}
		if size > have {
			if rate > 0 {
				need := time.Duration(float64(size-have) / rate * float64(time.Second))
				if time.Since(start)+need > budget {
					r.Skipped = fmt.Sprintf("populating %d more keys at %.0f PUT/s would take ~%s, over the %s budget (-list-budget)",
						size-have, rate, need.Round(time.Second), budget)
					out = append(out, r)
					continue
				}
			}
			logf("populating %d keys (have %d)...", size, have)
			secs, err := populate(ctx, s, bucket, have, size, c)
			if err != nil {
				return out, fmt.Errorf("populate to %d: %w", size, err)
			}
			r.PopulateS, r.PopulateOp = secs, float64(size-have)/secs
			rate = r.PopulateOp
			have = size
		}
		var err error
		if r.Delimited, r.Entries, err = timeList(ctx, s, bucket, storage.ListOptions{Delimiter: "/", MaxKeys: 1000}, 5); err != nil {
			return out, fmt.Errorf("list %d: %w", size, err)
		}
		if r.Flat, _, err = timeList(ctx, s, bucket, storage.ListOptions{Marker: "d500/", MaxKeys: 1000}, 5); err != nil {
			return out, fmt.Errorf("list %d: %w", size, err)
		}
		out = append(out, r)
	}
	return out, nil
}
