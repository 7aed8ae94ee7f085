package erasure

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

// Dangling records. A metadata write goes to every drive of a set in
// parallel; a crash (or a failed undo after a missed quorum) can leave a
// version or an upload on fewer drives than its read quorum. Such a record
// is invisible to every quorum read and listing, so no client can ever
// delete it, yet it keeps its data dir indexed on the drives that hold it:
// a leak. A record is dangling when so many drives answered WITHOUT it
// that even if every drive that did not answer held it, fewer than its
// data-shard count would: it can never be read again, whatever comes
// back online, so removing it can never lose a readable object. Drives
// that are offline or failed to answer never count as lacking.

// unreadable reports whether a record held by some drives of an n-drive
// set, and positively lacked by lacking drives that answered, can never
// reach its read quorum.
func unreadable(n, quorum, lacking int) bool { return n-lacking < max(quorum, 1) }

// holders counts, per version identity, the answering drives holding it.
func holders(recs []*drive.Record, responded []bool) map[string]int {
	out := map[string]int{}
	for p, r := range recs {
		if r == nil || !responded[p] {
			continue
		}
		for i := range r.Versions {
			out[versionIdentity(&r.Versions[i])]++
		}
	}
	return out
}

// removable reports whether version v, held by some drive, is garbage: it
// is not part of the quorum view and either can never be read (dangling)
// or has the ID of a newer version the view shows (an overwrite cut short
// left the superseded copy behind).
func (view *objView) removable(v *drive.Version, held map[string]int, n int) bool {
	if inView(view, v) {
		return false
	}
	for _, vv := range view.versions {
		if vv.v.ID == v.ID && vv.v.ModTime >= v.ModTime {
			return true
		}
	}
	lacking := countTrue(view.responded) - held[versionIdentity(v)]
	return unreadable(n, v.Data, lacking)
}

// dropDangling removes, under the key lock, the removable versions of key
// from every drive holding them. It returns how many copies it removed.
func (s *Store) dropDangling(ctx context.Context, st *set, bucket, key string) (int, error) {
	unlock := s.locks.lock(lockName(bucket, key))
	defer unlock()
	view, recs, err := s.readView(ctx, st, bucket, key)
	if err != nil {
		return 0, err
	}
	held := holders(recs, view.responded)
	drop := map[string]bool{}
	for p, r := range recs {
		if r == nil || !view.responded[p] {
			continue
		}
		for i := range r.Versions {
			if v := &r.Versions[i]; view.removable(v, held, st.n()) {
				drop[versionIdentity(v)] = true
			}
		}
	}
	if len(drop) == 0 {
		return 0, nil
	}
	removed := make([]int, st.n())
	errs := st.forEach(func(p int, d *drive.Drive) error {
		if recs[p] == nil || !view.responded[p] {
			return nil
		}
		freed, err := d.Update(ctx, func(tx *drive.Tx) error {
			r, err := tx.Record(bucket, key)
			if err != nil || r == nil {
				return err
			}
			removed[p] = 0
			kept := r.Versions[:0:0]
			for _, v := range r.Versions {
				if drop[versionIdentity(&v)] {
					removed[p]++
					continue
				}
				kept = append(kept, v)
			}
			if removed[p] == 0 {
				return nil
			}
			r.Versions = kept
			return tx.PutRecord(bucket, key, r)
		})
		if err != nil {
			removed[p] = 0
			return fmt.Errorf("drive %s: %w", st.paths[p], err)
		}
		d.Release(freed)
		return nil
	})
	total := 0
	for _, n := range removed {
		total += n
	}
	return total, errors.Join(errs...)
}

// dropDanglingUpload removes upload id of key from the drives holding it
// when it is dangling. An upload whose data dir a readable version of the
// key uses was completed on the other drives: its data dir is kept and the
// key is healed, which gives these drives the version (and its index
// entry) for the shards they already hold.
func (s *Store) dropDanglingUpload(ctx context.Context, st *set, bucket, key, id string) (bool, error) {
	unlockU := s.locks.lock(uploadLock(bucket, key, id))
	defer unlockU()
	ups := make([]*drive.Upload, st.n())
	errs := st.forEach(func(p int, d *drive.Drive) error {
		return d.View(ctx, func(tx *drive.Tx) error {
			u, err := tx.Upload(bucket, key, id)
			ups[p] = u
			return err
		})
	})
	responded, err := s.quorumResponses(ctx, errs)
	if err != nil {
		return false, err
	}
	var u *drive.Upload
	held := 0
	for p, x := range ups {
		if x != nil && responded[p] {
			held++
			if u == nil {
				u = x
			}
		}
	}
	if u == nil || !unreadable(st.n(), u.Data, countTrue(responded)-held) {
		return false, nil
	}
	unlockK := s.locks.lock(lockName(bucket, key))
	view, _, err := s.readView(ctx, st, bucket, key)
	unlockK()
	if err != nil {
		return false, err
	}
	completed := false
	for _, vv := range view.versions {
		completed = completed || (u.DataDir != "" && vv.v.DataDir == u.DataDir)
	}
	errs = st.forEach(func(p int, d *drive.Drive) error {
		if ups[p] == nil || !responded[p] {
			return nil
		}
		freed, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.DeleteUpload(bucket, key, id, completed) })
		if err != nil {
			return fmt.Errorf("drive %s: %w", st.paths[p], err)
		}
		d.Release(freed)
		return nil
	})
	if completed {
		if _, _, err := s.healObject(ctx, st, bucket, key, nil); err != nil {
			errs = append(errs, err)
		}
	}
	return true, errors.Join(errs...)
}

// sweepDangling runs once at start: it walks every bucket's records and
// uploads on all drives (cursor scans, page by page), removes dangling
// versions and uploads and queues for heal the keys some answering drive
// lacks. It runs alongside requests: every repair re-reads under locks.
func (s *Store) sweepDangling() {
	defer s.wg.Done()
	versions, uploads, err := s.sweep(s.ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		s.log.Warn("dangling record sweep", "err", err)
	}
	if versions+uploads > 0 {
		s.log.Info("removed dangling records", "versions", versions, "uploads", uploads)
	}
}

func (s *Store) sweep(ctx context.Context) (versions, uploads int, err error) {
	buckets, err := s.ListBuckets(ctx)
	if err != nil {
		return 0, 0, err
	}
	var errs []error
	for _, b := range buckets {
		for _, st := range s.sets {
			for _, up := range []bool{false, true} {
				err := s.rawWalk(ctx, st, b.Name, up, func(e *listEntry) error {
					var n int
					var err error
					if up {
						n, err = s.sweepUpload(ctx, st, b.Name, e)
						uploads += n
					} else {
						n, err = s.sweepKey(ctx, st, b.Name, e)
						versions += n
					}
					if err != nil && len(errs) < 10 { // a failing drive would fail every key
						errs = append(errs, err)
					}
					return nil
				})
				if errors.Is(err, storage.ErrBucketNotFound) {
					break // deleted meanwhile
				}
				if err != nil {
					return versions, uploads, err
				}
			}
		}
	}
	return versions, uploads, errors.Join(errs...)
}

// rawWalk calls fn for every object key (or, with uploads, every upload)
// of bucket found on any drive of the set, in key order, with each drive's
// record or upload (see setLister.raw). Cursor pages of 1000 per drive.
func (s *Store) rawWalk(ctx context.Context, st *set, bucket string, uploads bool, fn func(*listEntry) error) error {
	l := &setLister{ctx: ctx, s: s, st: st, bucket: bucket, opts: drive.ScanOptions{Uploads: uploads}, limit: 1000, raw: true}
	for {
		e, err := l.peek()
		if err != nil || e == nil {
			return err
		}
		l.pop()
		if err := fn(e); err != nil {
			return err
		}
	}
}

// sweepKey repairs one key found by a raw scan when its records disagree.
func (s *Store) sweepKey(ctx context.Context, st *set, bucket string, e *listEntry) (int, error) {
	view := mergeRecords(e.recs, e.responded)
	if !view.extra {
		return 0, nil
	}
	held := holders(e.recs, e.responded)
	for p, r := range e.recs {
		if r == nil || !e.responded[p] {
			continue
		}
		for i := range r.Versions {
			if view.removable(&r.Versions[i], held, st.n()) {
				return s.dropDangling(ctx, st, bucket, e.key)
			}
		}
	}
	s.queueHeal(st, bucket, e.key) // readable, but some drive lacks a version
	return 0, nil
}

// sweepUpload removes one upload found by a raw scan when it is dangling.
func (s *Store) sweepUpload(ctx context.Context, st *set, bucket string, e *listEntry) (int, error) {
	var u *drive.Upload
	held := 0
	for p, x := range e.ups {
		if x != nil && e.responded[p] {
			held++
			if u == nil {
				u = x
			}
		}
	}
	if u == nil || !unreadable(st.n(), u.Data, countTrue(e.responded)-held) {
		return 0, nil
	}
	dropped, err := s.dropDanglingUpload(ctx, st, bucket, u.Key, u.ID)
	if dropped {
		return 1, err
	}
	return 0, err
}

// inflight tracks the data dirs this process is writing whose metadata is
// not committed yet, so that orphan collection never takes them for
// leftovers (file timestamps come from a coarse clock and may predate the
// store's start by a few milliseconds, or a second on some filesystems).
type inflight struct {
	mu   sync.Mutex
	dirs map[string]int
}

// add registers dd and returns the function that unregisters it.
func (f *inflight) add(dd string) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dirs == nil {
		f.dirs = map[string]int{}
	}
	f.dirs[dd]++
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.dirs[dd]--; f.dirs[dd] <= 0 {
			delete(f.dirs, dd)
		}
	}
}

func (f *inflight) has(dd string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dirs[dd] > 0
}
