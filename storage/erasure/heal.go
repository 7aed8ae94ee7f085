package erasure

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

type healTask struct {
	st          *set
	bucket, key string
}

type healTracker struct {
	mu sync.Mutex
	st HealStatus
}

func (h *healTracker) update(fn func(*HealStatus)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fn(&h.st)
}

// HealStatus returns the progress of the current or last Heal.
func (s *Store) HealStatus() HealStatus {
	s.heal.mu.Lock()
	defer s.heal.mu.Unlock()
	return s.heal.st
}

// queueHeal asks the background worker to heal a key; it never blocks
// (when the queue is full the key is left to the next full heal).
func (s *Store) queueHeal(st *set, bucket, key string) {
	name := lockName(bucket, key)
	s.healMu.Lock()
	defer s.healMu.Unlock()
	if s.healPending[name] {
		return // already queued: reads of a damaged hot object heal it once
	}
	select {
	case s.healCh <- healTask{st: st, bucket: bucket, key: key}:
		s.healPending[name] = true
	default:
	}
}

func (s *Store) healWorker() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case t := <-s.healCh:
			s.healMu.Lock()
			delete(s.healPending, lockName(t.bucket, t.key))
			s.healMu.Unlock()
			if _, _, err := s.healObject(s.ctx, t.st, t.bucket, t.key, nil); err != nil && s.ctx.Err() == nil {
				s.log.Warn("heal on read", "bucket", t.bucket, "key", t.key, "err", err)
			}
		}
	}
}

// limiter paces reads to a byte rate.
type limiter struct {
	rate  int64
	start time.Time
	bytes int64
}

func (l *limiter) wait(ctx context.Context, n int64) error {
	if l == nil || l.rate <= 0 {
		return nil
	}
	l.bytes += n
	due := l.start.Add(time.Duration(float64(l.bytes) / float64(l.rate) * float64(time.Second)))
	if d := time.Until(due); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// Heal verifies every object (of opts.Bucket, or of all buckets) on every
// online drive, re-creating missing buckets, configuration, records and
// shards and rewriting corrupt shards from the healthy ones. Progress is
// reported by HealStatus; one heal runs at a time.
func (s *Store) Heal(ctx context.Context, opts HealOptions) error {
	s.healRun.Lock()
	defer s.healRun.Unlock()
	s.heal.update(func(h *HealStatus) { *h = HealStatus{Running: true, Started: time.Now().UTC()} })
	err := s.healAll(ctx, opts)
	s.heal.update(func(h *HealStatus) {
		h.Running = false
		h.Finished = time.Now().UTC()
		if err != nil {
			h.Errors++
			h.LastError = err.Error()
		}
	})
	st := s.HealStatus()
	s.log.Info("heal finished", "objects", st.ObjectsDone, "healed", st.ObjectsHealed, "bytes", st.BytesDone, "errors", st.Errors)
	return err
}

func (s *Store) healAll(ctx context.Context, opts HealOptions) error {
	var buckets []storage.BucketInfo
	if opts.Bucket != "" {
		bi, err := s.GetBucketInfo(ctx, opts.Bucket)
		if err != nil {
			return err
		}
		buckets = []storage.BucketInfo{bi}
	} else {
		var err error
		if buckets, err = s.ListBuckets(ctx); err != nil {
			return err
		}
	}
	var total int64
	for _, b := range buckets {
		total += s.countObjects(ctx, b.Name)
	}
	s.heal.update(func(h *HealStatus) { h.ObjectsTotal = total })
	lim := &limiter{rate: opts.BytesPerSecond, start: time.Now()}
	lastLog := time.Now()
	// System documents (the IAM store) first, then buckets and their
	// configuration, so that a replaced drive takes new writes for every
	// bucket as soon as possible.
	if opts.Bucket == "" {
		switch n, err := s.healSysDocs(ctx); {
		case errors.Is(err, errNotAllDrives):
			s.log.Info("system documents not healed: a drive is offline")
		case err != nil:
			s.heal.update(func(h *HealStatus) { h.Errors++; h.LastError = err.Error() })
		case n > 0:
			s.log.Info("healed system documents", "documents", n)
		}
	}
	for _, b := range buckets {
		if err := s.healBucketMeta(ctx, b); err != nil {
			s.heal.update(func(h *HealStatus) { h.Errors++; h.LastError = err.Error() })
		}
	}
	// Every key and upload found on any drive, not only those a quorum
	// holds: a key whose only versions are dangling must be visited too.
	for _, b := range buckets {
		for _, st := range s.sets {
			err := s.rawWalk(ctx, st, b.Name, false, func(e *listEntry) error {
				healed, n, err := s.healObject(ctx, st, b.Name, e.key, lim)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				s.heal.update(func(h *HealStatus) {
					h.ObjectsDone++
					h.BytesDone += n
					h.BytesTotal += n
					if healed {
						h.ObjectsHealed++
					}
					if err != nil {
						h.Errors++
						h.LastError = err.Error()
					}
				})
				if time.Since(lastLog) > 10*time.Second {
					lastLog = time.Now()
					hs := s.HealStatus()
					s.log.Info("heal progress", "objects", hs.ObjectsDone, "of", hs.ObjectsTotal, "bytes", hs.BytesDone, "errors", hs.Errors)
				}
				return nil
			})
			if err == nil {
				err = s.rawWalk(ctx, st, b.Name, true, func(e *listEntry) error {
					if _, err := s.sweepUpload(ctx, st, b.Name, e); err != nil {
						s.heal.update(func(h *HealStatus) { h.Errors++; h.LastError = err.Error() })
					}
					return ctx.Err()
				})
			}
			if err != nil {
				return fmt.Errorf("heal %s: %w", b.Name, err)
			}
		}
	}
	return nil
}

// countObjects estimates the keys of a bucket (largest count of any drive per set).
func (s *Store) countObjects(ctx context.Context, bucket string) int64 {
	var total int64
	for _, st := range s.sets {
		counts := make([]int, st.n())
		st.forEach(func(p int, d *drive.Drive) error {
			return d.View(ctx, func(tx *drive.Tx) error {
				counts[p] = tx.ObjectCount(bucket)
				return nil
			})
		})
		best := 0
		for _, c := range counts {
			best = max(best, c)
		}
		total += int64(best)
	}
	return total
}

// healBucketMeta re-creates a bucket and its configuration documents on
// drives that lack them.
func (s *Store) healBucketMeta(ctx context.Context, b storage.BucketInfo) error {
	// Under the bucket's lock: a document written between this read and
	// the writes below would otherwise be put back to what was read.
	unlock := s.locks.lock("\x00bucket/" + b.Name)
	defer unlock()
	meta := drive.BucketMeta{Name: b.Name, Created: b.Created.UnixNano(), ObjectLock: b.ObjectLock}
	docs := map[storage.ConfigKind][]byte{}
	for _, kind := range storage.ConfigKinds() {
		// From the drives, not the cache: heal looks at what is stored.
		doc, err := s.readBucketConfig(ctx, b.Name, kind)
		if err == nil {
			docs[kind] = doc
		}
	}
	defer s.configs.forget(b.Name)
	errs := s.allDrives(func(_ *set, _ int, d *drive.Drive) error {
		_, err := d.Update(ctx, func(tx *drive.Tx) error {
			if _, err := tx.Bucket(b.Name); errors.Is(err, storage.ErrBucketNotFound) {
				if err := tx.CreateBucket(meta); err != nil {
					return err
				}
			}
			for kind, doc := range docs {
				cur, err := tx.Config(b.Name, string(kind))
				if err != nil {
					return err
				}
				if !bytes.Equal(cur, doc) {
					if err := tx.PutConfig(b.Name, string(kind), doc); err != nil {
						return err
					}
				}
			}
			return nil
		})
		return err
	})
	for _, se := range errs {
		for _, err := range se {
			if err != nil && !errors.Is(err, storage.ErrDriveFaulty) {
				return err
			}
		}
	}
	return nil
}

// healObject repairs every version of key on every online drive of the
// set. It returns whether something was repaired and the object bytes verified.
func (s *Store) healObject(ctx context.Context, st *set, bucket, key string, lim *limiter) (bool, int64, error) {
	unlock := s.locks.lock(lockName(bucket, key))
	defer unlock()
	view, recs, err := s.readView(ctx, st, bucket, key)
	if err != nil {
		return false, 0, err
	}
	for _, vv := range view.versions {
		if vv.v.DataDir != "" {
			defer s.writing.add(vv.v.DataDir)() // shards rebuilt before the record lands
		}
	}
	held := holders(recs, view.responded)
	var verified int64
	healed := false
	var errs []error
	for p, d := range st.list() {
		if d == nil || !view.responded[p] {
			continue
		}
		nr := &drive.Record{}
		changed := false
		for _, vv := range view.versions {
			nv := vv.v
			nv.Inline = vv.inline[p]
			if !vv.has[p] {
				changed = true
			}
			if !vv.v.DeleteMarker {
				fixed, n, err := s.healVersion(ctx, st, vv, p, &nv, lim)
				verified += n
				if err != nil {
					errs = append(errs, fmt.Errorf("drive %s: %w", st.paths[p], err))
					continue
				}
				if fixed {
					healed = true
					if nv.IsInline {
						changed = true
					}
				}
			}
			nr.Versions = append(nr.Versions, nv)
		}
		// Versions outside the quorum view are dropped when they can never
		// be read (see dangling.go); otherwise they may reach quorum with
		// drives that are offline now: keep them.
		if recs[p] != nil {
			for _, v := range recs[p].Versions {
				if inView(view, &v) {
					continue
				}
				if view.removable(&v, held, st.n()) {
					changed = true
				} else {
					nr.Versions = append(nr.Versions, v)
				}
			}
		}
		if !changed {
			continue
		}
		healed = true
		nr.Sort()
		freed, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.PutRecord(bucket, key, nr) })
		if err != nil {
			errs = append(errs, fmt.Errorf("drive %s: %w", st.paths[p], err))
			continue
		}
		d.Release(freed)
	}
	if len(view.versions) > 0 {
		verified /= int64(max(1, countTrue(view.responded)))
	}
	return healed, verified, errors.Join(errs...)
}

func countTrue(b []bool) int {
	n := 0
	for _, x := range b {
		if x {
			n++
		}
	}
	return n
}

func inView(view *objView, v *drive.Version) bool {
	id := versionIdentity(v)
	for _, vv := range view.versions {
		if versionIdentity(&vv.v) == id {
			return true
		}
	}
	return false
}

// healVersion verifies position p's shards of one version and rebuilds
// them from the other drives when missing or corrupt. For an inline
// version the repaired shard is put in nv.Inline.
func (s *Store) healVersion(ctx context.Context, st *set, vv *verView, p int, nv *drive.Version, lim *limiter) (bool, int64, error) {
	c, err := s.codec(vv.v.Data, vv.v.Parity)
	if err != nil {
		return false, 0, err
	}
	if len(vv.v.Distribution) != st.n() {
		return false, 0, fmt.Errorf("version layout does not match the set")
	}
	d := st.drive(p)
	fixed := false
	var verified int64
	for _, part := range vv.v.Parts {
		if err := lim.wait(ctx, part.Size/int64(c.data)); err != nil {
			return fixed, verified, err
		}
		verified += part.Size
		var src io.ReaderAt
		var f *os.File
		if vv.has[p] {
			if vv.v.IsInline {
				src = bytes.NewReader(vv.inline[p])
			} else if f, err = d.OpenShard(vv.v.DataDir, part.File); err == nil {
				src = f
			}
		}
		ok := src != nil && verifyShard(c, src, part.Size, vv.inline[p], vv.v.IsInline, f)
		if f != nil {
			f.Close()
		}
		if ok {
			continue
		}
		if err := s.rebuildShard(ctx, st, vv, c, part, p, nv); err != nil {
			return fixed, verified, err
		}
		fixed = true
	}
	return fixed, verified, nil
}

// verifyShard checks the size and every block hash of one shard.
func verifyShard(c *codec, src io.ReaderAt, size int64, inline []byte, isInline bool, f *os.File) bool {
	want := c.shardFileSize(size)
	if isInline {
		if int64(len(inline)) != want {
			return false
		}
	} else if info, err := f.Stat(); err != nil || info.Size() != want {
		return false
	}
	buf := make([]byte, c.stride())
	for b := int64(0); b*blockSize < size; b++ {
		if _, err := c.readShardBlock(src, b, min(int64(blockSize), size-b*blockSize), buf); err != nil {
			return false
		}
	}
	return true
}

// rebuildShard decodes a part from the other drives and writes position
// p's shard of it (to a shard file, or into nv.Inline).
func (s *Store) rebuildShard(ctx context.Context, st *set, vv *verView, c *codec, part drive.Part, p int, nv *drive.Version) error {
	n := st.n()
	srcs := make([]io.ReaderAt, n)
	for q, d := range st.list() {
		if q == p || d == nil || !vv.has[q] {
			continue
		}
		if vv.v.IsInline {
			srcs[q] = bytes.NewReader(vv.inline[q])
			continue
		}
		f, err := d.OpenShard(vv.v.DataDir, part.File)
		if err != nil {
			continue
		}
		defer f.Close()
		srcs[q] = f
	}
	var out io.Writer
	var buf bytes.Buffer
	var sw *drive.ShardWriter
	if vv.v.IsInline {
		out = &buf
	} else {
		var err error
		if sw, err = st.drive(p).CreateShard(vv.v.DataDir, part.File); err != nil {
			return err
		}
		defer sw.Abort()
		out = sw
	}
	bufs := make([][]byte, n)
	for q := range bufs {
		bufs[q] = make([]byte, c.stride())
	}
	block := make([]byte, 0, blockSize)
	work := make([]byte, c.total()*int(c.shardLen(blockSize)))
	for b := int64(0); b*blockSize < part.Size; b++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		blockLen := min(int64(blockSize), part.Size-b*blockSize)
		data, _, err := c.decodeBlock(srcs, vv.v.Distribution, b, blockLen, bufs, block)
		if err != nil {
			return err
		}
		shards, err := c.encodeBlock(data, work)
		if err != nil {
			return err
		}
		sh := shards[vv.v.Distribution[p]]
		sum := c.sum(sh)
		if _, err := out.Write(sum[:]); err != nil {
			return err
		}
		if _, err := out.Write(sh); err != nil {
			return err
		}
	}
	if vv.v.IsInline {
		nv.Inline = bytes.Clone(buf.Bytes())
		return nil
	}
	return sw.Commit()
}
