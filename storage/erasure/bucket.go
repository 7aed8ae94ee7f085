package erasure

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

// allDrives runs fn on every online drive of every set in parallel and
// returns the errors by set and position.
func (s *Store) allDrives(fn func(st *set, p int, d *drive.Drive) error) [][]error {
	out := make([][]error, len(s.sets))
	var wg sync.WaitGroup
	for i, st := range s.sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = st.forEach(func(p int, d *drive.Drive) error { return fn(st, p, d) })
		}()
	}
	wg.Wait()
	return out
}

// bucketQuorum checks that every set has at least quorum drives for which
// ok(err) holds.
func bucketQuorum(errs [][]error, quorum int, ok func(error) bool) bool {
	for _, se := range errs {
		n := 0
		for _, e := range se {
			if ok(e) {
				n++
			}
		}
		if n < quorum {
			return false
		}
	}
	return true
}

// MakeBucket creates bucket on every drive. Errors: ErrInvalidBucketName,
// ErrBucketExists, ErrWriteQuorum.
func (s *Store) MakeBucket(ctx context.Context, bucket string, opts storage.MakeBucketOptions) error {
	op := "MakeBucket"
	if err := storage.CheckBucketName(bucket); err != nil {
		return &storage.Error{Op: op, Bucket: bucket, Err: err}
	}
	unlock := s.locks.lock("\x00bucket/" + bucket)
	defer unlock()
	meta := drive.BucketMeta{Name: bucket, Created: time.Now().UnixNano(), ObjectLock: opts.ObjectLock}
	errs := s.allDrives(func(_ *set, _ int, d *drive.Drive) error {
		_, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.CreateBucket(meta) })
		return err
	})
	isExists := func(e error) bool { return errors.Is(e, storage.ErrBucketExists) }
	if bucketQuorum(errs, s.layout.StandardData, isExists) {
		return &storage.Error{Op: op, Bucket: bucket, Err: storage.ErrBucketExists}
	}
	wq := writeQuorum(s.layout.StandardData, s.layout.StandardParity)
	if bucketQuorum(errs, wq, func(e error) bool { return e == nil || isExists(e) }) {
		return nil
	}
	// Undo where we created it.
	s.forgetBucket(bucket)
	defer s.forgetBucket(bucket)
	s.allDrives(func(st *set, p int, d *drive.Drive) error {
		if errs[st.index][p] != nil {
			return nil
		}
		freed, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.DeleteBucket(bucket) })
		d.Release(freed)
		return err
	})
	return &storage.Error{Op: op, Bucket: bucket, Err: fmt.Errorf("%w", storage.ErrWriteQuorum)}
}

// bucketMeta reads bucket's metadata from the drives; it exists when at
// least as many drives report it as report it missing.
func (s *Store) bucketMeta(ctx context.Context, bucket string) (drive.BucketMeta, error) {
	var mu sync.Mutex
	var found, missing int
	var meta drive.BucketMeta
	s.allDrives(func(_ *set, _ int, d *drive.Drive) error {
		return d.View(ctx, func(tx *drive.Tx) error {
			m, err := tx.Bucket(bucket)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				if found == 0 || m.Created < meta.Created {
					meta = m
				}
				found++
			case errors.Is(err, storage.ErrBucketNotFound):
				missing++
			}
			return err
		})
	})
	if found == 0 && missing == 0 {
		return meta, fmt.Errorf("no drive answered: %w", storage.ErrReadQuorum)
	}
	if found == 0 || found < missing {
		return meta, storage.ErrBucketNotFound
	}
	return meta, nil
}

// GetBucketInfo returns ErrBucketNotFound when bucket does not exist.
func (s *Store) GetBucketInfo(ctx context.Context, bucket string) (storage.BucketInfo, error) {
	m, err := s.bucketMeta(ctx, bucket)
	if err != nil {
		return storage.BucketInfo{}, &storage.Error{Op: "GetBucketInfo", Bucket: bucket, Err: err}
	}
	return storage.BucketInfo{Name: m.Name, Created: m.CreatedTime(), ObjectLock: m.ObjectLock}, nil
}

// ListBuckets returns every bucket that a majority of answering drives hold.
func (s *Store) ListBuckets(ctx context.Context) ([]storage.BucketInfo, error) {
	var mu sync.Mutex
	count := map[string]int{}
	metas := map[string]drive.BucketMeta{}
	errs := s.allDrives(func(_ *set, _ int, d *drive.Drive) error {
		return d.View(ctx, func(tx *drive.Tx) error {
			list, err := tx.Buckets()
			mu.Lock()
			defer mu.Unlock()
			for _, m := range list {
				count[m.Name]++
				if old, ok := metas[m.Name]; !ok || m.Created < old.Created {
					metas[m.Name] = m
				}
			}
			return err
		})
	})
	answered := 0
	for _, se := range errs {
		answered += countNil(se)
	}
	if answered == 0 {
		return nil, &storage.Error{Op: "ListBuckets", Err: storage.ErrReadQuorum}
	}
	var out []storage.BucketInfo
	for name, n := range count {
		if 2*n >= answered {
			m := metas[name]
			out = append(out, storage.BucketInfo{Name: name, Created: m.CreatedTime(), ObjectLock: m.ObjectLock})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// DeleteBucket removes bucket. Errors: ErrBucketNotFound, ErrBucketNotEmpty.
func (s *Store) DeleteBucket(ctx context.Context, bucket string, opts storage.DeleteBucketOptions) error {
	op := "DeleteBucket"
	unlock := s.locks.lock("\x00bucket/" + bucket)
	defer unlock()
	s.forgetBucket(bucket)
	defer s.forgetBucket(bucket)
	if _, err := s.bucketMeta(ctx, bucket); err != nil {
		return &storage.Error{Op: op, Bucket: bucket, Err: err}
	}
	if !opts.Force {
		var mu sync.Mutex
		empty := true
		s.allDrives(func(_ *set, _ int, d *drive.Drive) error {
			return d.View(ctx, func(tx *drive.Tx) error {
				e, err := tx.BucketEmpty(bucket)
				if err == nil && !e {
					mu.Lock()
					empty = false
					mu.Unlock()
				}
				return err
			})
		})
		if !empty {
			return &storage.Error{Op: op, Bucket: bucket, Err: storage.ErrBucketNotEmpty}
		}
	}
	s.allDrives(func(_ *set, _ int, d *drive.Drive) error {
		freed, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.DeleteBucket(bucket) })
		d.Release(freed)
		return err
	})
	return nil
}

// GetBucketConfig returns ErrBucketNotFound or ErrConfigNotFound. The
// document stored on most answering drives wins; fewer answering drives
// than a read quorum of every set is ErrReadQuorum. Answers are cached
// (bucketConfigs) until the next change of the bucket's documents or the
// bucket itself.
func (s *Store) GetBucketConfig(ctx context.Context, bucket string, kind storage.ConfigKind) ([]byte, error) {
	doc, ok, gen := s.configs.lookup(bucket, kind)
	if !ok {
		var err error
		if doc, err = s.readBucketConfig(ctx, bucket, kind); err != nil && !errors.Is(err, storage.ErrConfigNotFound) {
			return nil, err
		}
		s.configs.add(bucket, kind, doc, gen)
	}
	if doc == nil {
		return nil, &storage.Error{Op: "GetBucketConfig", Bucket: bucket, Err: storage.ErrConfigNotFound}
	}
	return bytes.Clone(doc), nil
}

// readBucketConfig is GetBucketConfig from the drives.
func (s *Store) readBucketConfig(ctx context.Context, bucket string, kind storage.ConfigKind) ([]byte, error) {
	op := "GetBucketConfig"
	if _, err := s.bucketMeta(ctx, bucket); err != nil {
		return nil, &storage.Error{Op: op, Bucket: bucket, Err: err}
	}
	var mu sync.Mutex
	var docs [][]byte
	votes := map[string]int{}
	errs := s.allDrives(func(_ *set, _ int, d *drive.Drive) error {
		return d.View(ctx, func(tx *drive.Tx) error {
			doc, err := tx.Config(bucket, string(kind))
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			k := "\x00absent"
			if doc != nil {
				k = "=" + string(doc)
				docs = append(docs, doc)
			}
			votes[k]++
			return nil
		})
	})
	// Drives that did not answer do not vote for "no document": without a
	// read quorum the answer is unknown, not absent (a bucket would
	// otherwise look unversioned or unencrypted, and be cached so).
	if !bucketQuorum(errs, s.layout.StandardData, func(e error) bool { return e == nil }) {
		err := errors.Join(storage.ErrReadQuorum, firstSetErr(errs))
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, &storage.Error{Op: op, Bucket: bucket, Err: err}
	}
	best, bestN := "\x00absent", votes["\x00absent"]
	for _, doc := range docs {
		k := "=" + string(doc)
		if votes[k] > bestN {
			best, bestN = k, votes[k]
		}
	}
	if best == "\x00absent" {
		return nil, &storage.Error{Op: op, Bucket: bucket, Err: storage.ErrConfigNotFound}
	}
	for _, doc := range docs {
		if "="+string(doc) == best {
			return doc, nil
		}
	}
	return nil, &storage.Error{Op: op, Bucket: bucket, Err: storage.ErrConfigNotFound}
}

// PutBucketConfig replaces a configuration document on every drive.
// Errors: ErrBucketNotFound, ErrWriteQuorum.
func (s *Store) PutBucketConfig(ctx context.Context, bucket string, kind storage.ConfigKind, doc []byte) error {
	if doc == nil {
		doc = []byte{}
	}
	return s.writeConfig(ctx, "PutBucketConfig", bucket, kind, doc)
}

// DeleteBucketConfig removes a configuration document; a missing one is not an error.
func (s *Store) DeleteBucketConfig(ctx context.Context, bucket string, kind storage.ConfigKind) error {
	return s.writeConfig(ctx, "DeleteBucketConfig", bucket, kind, nil)
}

func (s *Store) writeConfig(ctx context.Context, op, bucket string, kind storage.ConfigKind, doc []byte) error {
	unlock := s.locks.lock("\x00bucket/" + bucket)
	defer unlock()
	s.configs.forget(bucket)
	defer s.configs.forget(bucket)
	if _, err := s.bucketMeta(ctx, bucket); err != nil {
		return &storage.Error{Op: op, Bucket: bucket, Err: err}
	}
	errs := s.allDrives(func(_ *set, _ int, d *drive.Drive) error {
		_, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.PutConfig(bucket, string(kind), doc) })
		return err
	})
	wq := writeQuorum(s.layout.StandardData, s.layout.StandardParity)
	if !bucketQuorum(errs, wq, func(e error) bool { return e == nil }) {
		return &storage.Error{Op: op, Bucket: bucket, Err: storage.ErrWriteQuorum}
	}
	return nil
}

// forgetBucket drops what the caches know of bucket (see bucketcache.go).
func (s *Store) forgetBucket(bucket string) {
	s.known.forget(bucket)
	s.configs.forget(bucket)
}

// checkBucket verifies, on the drives of one set only, that bucket exists.
// Errors: ErrBucketNotFound, ErrReadQuorum.
// A bucket found once is remembered (knownBuckets) until DeleteBucket.
func (s *Store) checkBucket(ctx context.Context, st *set, bucket string) error {
	_, known, gen := s.known.lookup(bucket, st.index)
	if known {
		return nil
	}
	errs := st.forEach(func(_ int, d *drive.Drive) error {
		return d.View(ctx, func(tx *drive.Tx) error {
			if !tx.HasBucket(bucket) {
				return storage.ErrBucketNotFound
			}
			return nil
		})
	})
	_, err := s.quorumResponses(ctx, errs)
	if err == nil {
		s.known.add(bucket, st.index, struct{}{}, gen)
	}
	return err
}
