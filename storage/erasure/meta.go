package erasure

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

// verView is one version as agreed by a quorum of a set's drives.
type verView struct {
	v      drive.Version // shared fields; Inline cleared
	has    []bool        // positions holding this version
	inline [][]byte      // per position inline shard
}

// objView is the quorum view of one key: versions newest first.
type objView struct {
	versions []*verView
	// responded lists positions that answered (record or no record).
	responded []bool
	// extra is true when some drive holds versions outside the quorum view
	// or lacks one of them (heal needed).
	extra bool
}

func versionIdentity(v *drive.Version) string {
	return v.ID + "\x00" + strconv.FormatInt(v.ModTime, 10) + "\x00" + v.ETag + "\x00" + strconv.FormatBool(v.DeleteMarker)
}

// mergeRecords builds the quorum view from per-position records. A version
// is kept when at least its data-shard count of drives hold it.
func mergeRecords(recs []*drive.Record, responded []bool) *objView {
	n := len(recs)
	view := &objView{responded: responded}
	byID := map[string]*verView{}
	var order []*verView
	for p, r := range recs {
		if r == nil {
			continue
		}
		for i := range r.Versions {
			v := &r.Versions[i]
			id := versionIdentity(v)
			vv := byID[id]
			if vv == nil {
				vv = &verView{v: *v, has: make([]bool, n), inline: make([][]byte, n)}
				vv.v.Inline = nil
				byID[id] = vv
				order = append(order, vv)
			}
			vv.has[p] = true
			vv.inline[p] = v.Inline
		}
	}
	respondedCount := 0
	for _, ok := range responded {
		if ok {
			respondedCount++
		}
	}
	for _, vv := range order {
		c := 0
		for _, h := range vv.has {
			if h {
				c++
			}
		}
		q := max(vv.v.Data, 1)
		if c >= q {
			view.versions = append(view.versions, vv)
		}
		if c != respondedCount {
			view.extra = true
		}
	}
	sortViews(view.versions)
	// A version ID appears once: when an interrupted overwrite left both the
	// old and the new null version on a quorum, the newer one wins.
	seen := map[string]bool{}
	kept := view.versions[:0]
	for _, vv := range view.versions {
		if seen[vv.v.ID] {
			view.extra = true
			continue
		}
		seen[vv.v.ID] = true
		kept = append(kept, vv)
	}
	view.versions = kept
	return view
}

func sortViews(vs []*verView) {
	// Insertion sort: version lists are short; newest first, stable.
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j].v.ModTime > vs[j-1].v.ModTime; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

// readView reads key's records from every drive of the set and merges them.
// Errors: ErrBucketNotFound, ErrReadQuorum.
func (s *Store) readView(ctx context.Context, st *set, bucket, key string) (*objView, []*drive.Record, error) {
	recs := make([]*drive.Record, st.n())
	errs := st.forEach(func(p int, d *drive.Drive) error {
		return d.View(ctx, func(tx *drive.Tx) error {
			r, err := tx.Record(bucket, key)
			recs[p] = r
			return err
		})
	})
	responded, err := s.quorumResponses(ctx, errs)
	if err != nil {
		return nil, nil, err
	}
	return mergeRecords(recs, responded), recs, nil
}

// quorumResponses checks that enough drives of a set answered.
func (s *Store) quorumResponses(ctx context.Context, errs []error) ([]bool, error) {
	responded := make([]bool, len(errs))
	ok, missing := 0, 0
	for p, err := range errs {
		switch {
		case err == nil:
			responded[p] = true
			ok++
		case errors.Is(err, storage.ErrBucketNotFound):
			missing++
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rq := s.layout.StandardData
	switch {
	case ok >= rq && ok >= missing:
		return responded, nil
	case missing > 0 && missing >= ok:
		return nil, storage.ErrBucketNotFound
	}
	return nil, fmt.Errorf("%d of %d drives answered, %d needed: %w", ok, len(errs), rq, storage.ErrReadQuorum)
}

// info converts a version to the contract's ObjectInfo.
func (vv *verView) info(bucket, key string, latest bool) storage.ObjectInfo {
	v := &vv.v
	oi := storage.ObjectInfo{
		Bucket: bucket, Key: key, VersionID: v.ID, IsLatest: latest, DeleteMarker: v.DeleteMarker,
		Size: v.Size, ETag: v.ETag, ModTime: time.Unix(0, v.ModTime).UTC(), ContentType: v.ContentType,
		StorageClass: v.StorageClass, Metadata: cloneMap(v.Metadata), Internal: cloneMap(v.Internal),
		Checksums: cloneMap(v.Checksums), ChecksumType: v.ChecksumType,
	}
	if oi.StorageClass == "" && !v.DeleteMarker {
		oi.StorageClass = storage.StorageClassStandard
	}
	if strings.Contains(v.ETag, "-") {
		for _, p := range v.Parts {
			oi.Parts = append(oi.Parts, storage.ObjectPart{Number: p.Number, Size: p.Size, ETag: p.ETag, Checksums: cloneMap(p.Checksums)})
		}
	}
	return oi
}

func cloneMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// resolve picks the version a read asks for. For a delete marker it
// returns the info together with ErrObjectNotFound (latest) or
// ErrMethodNotAllowed (by version ID).
func (view *objView) resolve(bucket, key, versionID string) (*verView, storage.ObjectInfo, error) {
	if versionID == "" {
		if len(view.versions) == 0 {
			return nil, storage.ObjectInfo{}, storage.ErrObjectNotFound
		}
		vv := view.versions[0]
		oi := vv.info(bucket, key, true)
		if vv.v.DeleteMarker {
			return vv, oi, storage.ErrObjectNotFound
		}
		return vv, oi, nil
	}
	if err := checkVersionID(versionID); err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	for i, vv := range view.versions {
		if vv.v.ID == versionID {
			oi := vv.info(bucket, key, i == 0)
			if vv.v.DeleteMarker {
				return vv, oi, storage.ErrMethodNotAllowed
			}
			return vv, oi, nil
		}
	}
	return nil, storage.ObjectInfo{}, storage.ErrVersionNotFound
}

// checkVersionID accepts "null" and the UUIDs this store generates.
func checkVersionID(id string) error {
	if id == storage.NullVersionID {
		return nil
	}
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return storage.ErrInvalidVersionID
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c != '-' && !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return storage.ErrInvalidVersionID
		}
	}
	return nil
}

// updateSet applies fn to the record of key on every online drive of the
// set. When fewer than quorum drives succeed, it restores the previous
// record on the drives that took the change and returns ErrWriteQuorum;
// otherwise it releases the data dirs the change freed. fn receives the
// drive's current record (never nil) and returns the new one.
func (s *Store) updateSet(ctx context.Context, st *set, bucket, key string, quorum int,
	fn func(p int, tx *drive.Tx, r *drive.Record) (*drive.Record, error)) ([]error, error) {
	old := make([]*drive.Record, st.n())
	freed := make([][]string, st.n())
	errs := st.forEach(func(p int, d *drive.Drive) error {
		var err error
		freed[p], err = d.Update(ctx, func(tx *drive.Tx) error {
			r, err := tx.Record(bucket, key)
			if err != nil {
				return err
			}
			old[p] = r
			cur := &drive.Record{}
			if r != nil {
				cur = &drive.Record{Versions: append([]drive.Version(nil), r.Versions...)}
			}
			nr, err := fn(p, tx, cur)
			if err != nil {
				return err
			}
			return tx.PutRecord(bucket, key, nr)
		})
		return err
	})
	if countNil(errs) < quorum {
		for p, err := range errs {
			if err != nil || st.drive(p) == nil {
				continue
			}
			prev := old[p]
			undoFreed, uerr := st.drive(p).Update(ctx, func(tx *drive.Tx) error { return tx.PutRecord(bucket, key, prev) })
			if uerr != nil {
				s.log.Warn("undo of a write that missed quorum failed", "drive", st.paths[p], "bucket", bucket, "key", key, "err", uerr)
				continue
			}
			st.drive(p).Release(undoFreed)
		}
		return errs, fmt.Errorf("%d of %d drives committed, %d needed: %w: %w", countNil(errs), len(errs), quorum, storage.ErrWriteQuorum, firstErr(errs))
	}
	for p, err := range errs {
		if err == nil {
			st.drive(p).Release(freed[p])
		}
	}
	return errs, nil
}

func firstErr(errs []error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
