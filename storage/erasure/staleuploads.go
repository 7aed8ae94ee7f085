package erasure

import (
	"context"
	"errors"
	"time"

	"github.com/silo-project/silo/storage"
)

// Multipart uploads that a client started and never completed nor aborted
// hold their parts' space forever. As MinIO does, uploads older than the
// expiry are aborted in the background (expireUploads, every cleanup
// interval). Abort takes the upload's lock, so an upload being completed
// at that moment is either completed or aborted, never half of each.

// staleUploadsPolicy is the expiry and the check interval (see Config).
type staleUploadsPolicy struct {
	expiry, interval time.Duration
}

func newStaleUploadsPolicy(cfg Config) staleUploadsPolicy {
	p := staleUploadsPolicy{expiry: cfg.StaleUploadsExpiry, interval: cfg.StaleUploadsCleanupInterval}
	if p.expiry == 0 {
		p.expiry = defaultStaleUploadsExpiry
	}
	if p.interval <= 0 {
		p.interval = defaultStaleUploadsInterval
	}
	return p
}

// expireUploads runs expireStaleUploads every interval until the store closes.
func (s *Store) expireUploads() {
	if s.stale.expiry < 0 {
		s.wg.Done()
		return
	}
	s.every(s.stale.interval, func() {
		n, err := s.expireStaleUploads(s.ctx, time.Now().Add(-s.stale.expiry))
		switch {
		case err != nil && s.ctx.Err() == nil:
			s.log.Warn("stale multipart uploads", "aborted", n, "err", err)
		case n > 0:
			s.log.Info("aborted stale multipart uploads", "uploads", n, "older than", s.stale.expiry)
		}
	})
}

// expireStaleUploads aborts every multipart upload initiated before cutoff
// and returns how many it aborted.
func (s *Store) expireStaleUploads(ctx context.Context, cutoff time.Time) (int, error) {
	buckets, err := s.ListBuckets(ctx)
	if err != nil {
		return 0, err
	}
	aborted := 0
	var errs []error
	for _, b := range buckets {
		opts := storage.ListUploadsOptions{}
		for {
			page, err := s.ListMultipartUploads(ctx, b.Name, opts)
			if err != nil {
				errs = append(errs, err)
				break
			}
			for _, u := range page.Uploads {
				if !u.Initiated.Before(cutoff) {
					continue
				}
				switch err := s.AbortMultipartUpload(ctx, b.Name, u.Key, u.UploadID); {
				case err == nil:
					aborted++
				case !errors.Is(err, storage.ErrNoSuchUpload): // gone meanwhile: completed or aborted
					errs = append(errs, err)
				}
			}
			if !page.IsTruncated {
				break
			}
			opts.KeyMarker, opts.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
		}
		if ctx.Err() != nil {
			return aborted, ctx.Err()
		}
	}
	return aborted, errors.Join(errs...)
}
