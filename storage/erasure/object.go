package erasure

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

func lockName(bucket, key string) string { return bucket + "/" + key }

// checkNames validates bucket and key names.
func checkNames(op, bucket, key string) error {
	if err := storage.CheckBucketName(bucket); err != nil {
		return &storage.Error{Op: op, Bucket: bucket, Key: key, Err: storage.ErrBucketNotFound}
	}
	if err := storage.CheckObjectName(key); err != nil {
		return &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err}
	}
	return nil
}

// PutObject stores r as the new content of key (see storage.ObjectStore).
func (s *Store) PutObject(ctx context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	op := "PutObject"
	wrap := func(err error) error { return &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err} }
	if err := checkNames(op, bucket, key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if size > storage.MaxObjectSize {
		return storage.ObjectInfo{}, wrap(storage.ErrEntityTooLarge)
	}
	parity, err := s.layout.parityFor(opts.StorageClass)
	if err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	st := s.setFor(bucket, key)
	if err := s.checkBucket(ctx, st, bucket); err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	lay, err := s.objectLayout(st, bucket, key, parity)
	if err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	dataDir := drive.NewID()
	defer s.writing.add(dataDir)()
	const file = "part.1"
	w, err := s.writeBody(ctx, st, lay, dataDir, file, r, size, true, opts.NoMD5)
	if err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	if !opts.NoMD5 && len(opts.ContentMD5) > 0 && !bytes.Equal(opts.ContentMD5, w.md5) {
		w.abort()
		return storage.ObjectInfo{}, wrap(storage.ErrBadDigest)
	}
	modTime := opts.ModTime
	if modTime.IsZero() {
		modTime = time.Now()
	}
	info := storage.ObjectInfo{
		Bucket: bucket, Key: key, Size: w.size, ETag: hex.EncodeToString(w.md5), ModTime: modTime.UTC(),
		ContentType: opts.ContentType, StorageClass: storageClassName(opts.StorageClass),
		Metadata: cloneMap(opts.Metadata), Internal: cloneMap(opts.Internal), IsLatest: true,
	}
	if opts.PreCommit != nil {
		if err := opts.PreCommit(&info); err != nil {
			w.abort()
			return storage.ObjectInfo{}, wrap(err)
		}
	}
	if info.ETag == "" {
		w.abort()
		return storage.ObjectInfo{}, wrap(errNoETag)
	}
	if err := s.commitShards(st, lay, w, dataDir, file); err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	v := drive.Version{
		ID: storage.NullVersionID, ModTime: modTime.UnixNano(), Size: info.Size, ETag: info.ETag,
		ContentType: info.ContentType, StorageClass: info.StorageClass, Metadata: info.Metadata,
		Internal: info.Internal, Checksums: info.Checksums, ChecksumType: info.ChecksumType,
		Data: lay.c.data, Parity: lay.c.parity, BlockSize: blockSize, Bitrot: bitrotHighwayHash256,
		Distribution: lay.dist, IsInline: w.inline != nil,
		Parts: []drive.Part{{Number: 1, Size: info.Size, ETag: info.ETag, File: file, ModTime: modTime.UnixNano()}},
	}
	if w.inline == nil {
		v.DataDir = dataDir
	}
	if opts.Versioning == storage.VersioningEnabled {
		v.ID = uuid.NewString()
	}
	info.VersionID = v.ID
	err = s.commitVersion(ctx, st, bucket, key, v, w, opts.IfMatch, opts.IfNoneMatch)
	if err != nil {
		if w.inline == nil {
			s.removeShards(st, w.alive, dataDir, "")
		}
		return storage.ObjectInfo{}, wrap(err)
	}
	return info, nil
}

func storageClassName(c string) string {
	if c == "" {
		return storage.StorageClassStandard
	}
	return c
}

// commitVersion checks the conditions and adds v to key's record on every
// drive that holds its data, under the key lock.
func (s *Store) commitVersion(ctx context.Context, st *set, bucket, key string, v drive.Version, w *dataWrite, ifMatch string, ifNoneMatch bool) error {
	unlock := s.locks.lock(lockName(bucket, key))
	defer unlock()
	if ifMatch != "" || ifNoneMatch {
		view, _, err := s.readView(ctx, st, bucket, key)
		if err != nil {
			return err
		}
		if err := checkConditions(view, ifMatch, ifNoneMatch); err != nil {
			return err
		}
	}
	wq := writeQuorum(v.Data, v.Parity)
	_, err := s.updateSet(ctx, st, bucket, key, wq, func(p int, _ *drive.Tx, r *drive.Record) (*drive.Record, error) {
		if w != nil && !w.alive[p] {
			return nil, fmt.Errorf("drive has no data for this version: %w", storage.ErrDriveFaulty)
		}
		nv := v
		if w != nil && w.inline != nil {
			nv.Inline = w.inline[p]
		}
		return insertVersion(r, nv), nil
	})
	return err
}

// checkConditions evaluates IfMatch / IfNoneMatch against the latest version.
func checkConditions(view *objView, ifMatch string, ifNoneMatch bool) error {
	var latest *verView
	if len(view.versions) > 0 && !view.versions[0].v.DeleteMarker {
		latest = view.versions[0]
	}
	if ifNoneMatch && latest != nil {
		return storage.ErrPreconditionFailed
	}
	if ifMatch != "" {
		if latest == nil {
			return storage.ErrPreconditionFailed
		}
		want := strings.Trim(ifMatch, `"`)
		if want != "*" && want != latest.v.ETag {
			return storage.ErrPreconditionFailed
		}
	}
	return nil
}

// insertVersion adds v as the newest version; a null version replaces the
// previous null version.
func insertVersion(r *drive.Record, v drive.Version) *drive.Record {
	if v.ID == storage.NullVersionID {
		if i := r.Find(storage.NullVersionID); i >= 0 {
			r.Versions = append(r.Versions[:i], r.Versions[i+1:]...)
		}
	}
	r.Versions = append([]drive.Version{v}, r.Versions...)
	r.Sort()
	return r
}

// StatObject returns the metadata of a version (see storage.ObjectStore).
func (s *Store) StatObject(ctx context.Context, bucket, key string, opts storage.GetOptions) (storage.ObjectInfo, error) {
	op := "StatObject"
	if err := checkNames(op, bucket, key); err != nil {
		return storage.ObjectInfo{}, err
	}
	st := s.setFor(bucket, key)
	view, _, err := s.readView(ctx, st, bucket, key)
	if err != nil {
		return storage.ObjectInfo{}, &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err}
	}
	_, oi, err := view.resolve(bucket, key, opts.VersionID)
	if err != nil {
		return oi, &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err}
	}
	if opts.PartNumber > 0 {
		if _, _, err := partRange(oi, opts.PartNumber); err != nil {
			return oi, &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err}
		}
	}
	if opts.Precondition != nil {
		if err := opts.Precondition(oi); err != nil {
			return oi, err
		}
	}
	return oi, nil
}

// partRange returns the offset and length of part n of an object.
func partRange(oi storage.ObjectInfo, n int) (int64, int64, error) {
	if len(oi.Parts) == 0 {
		if n == 1 {
			return 0, oi.Size, nil
		}
		return 0, 0, storage.ErrInvalidPartNumber
	}
	var off int64
	for i, p := range oi.Parts {
		if i+1 == n {
			return off, p.Size, nil
		}
		off += p.Size
	}
	return 0, 0, storage.ErrInvalidPartNumber
}

// GetObject streams a version (see storage.ObjectStore).
func (s *Store) GetObject(ctx context.Context, bucket, key string, rng *storage.Range, opts storage.GetOptions) (io.ReadCloser, storage.ObjectInfo, error) {
	op := "GetObject"
	wrap := func(err error) error { return &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err} }
	if err := checkNames(op, bucket, key); err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	st := s.setFor(bucket, key)
	unlock := s.locks.rlock(lockName(bucket, key))
	defer unlock()
	view, _, err := s.readView(ctx, st, bucket, key)
	if err != nil {
		return nil, storage.ObjectInfo{}, wrap(err)
	}
	vv, oi, err := view.resolve(bucket, key, opts.VersionID)
	if err != nil {
		return nil, oi, wrap(err)
	}
	if opts.Precondition != nil {
		if err := opts.Precondition(oi); err != nil {
			return nil, oi, err
		}
	}
	off, length := int64(0), oi.Size
	if opts.PartNumber > 0 {
		off, length, err = partRange(oi, opts.PartNumber)
		if err != nil {
			return nil, oi, wrap(err)
		}
	}
	if rng != nil {
		roff, rlen, err := rng.Resolve(length)
		if err != nil {
			return nil, oi, wrap(err)
		}
		off, length = off+roff, rlen
	}
	rd, err := s.newObjectReader(ctx, st, bucket, key, vv, off, length)
	if err != nil {
		return nil, oi, wrap(err)
	}
	return rd, oi, nil
}

// DeleteObject removes a version or adds a delete marker (see storage.ObjectStore).
func (s *Store) DeleteObject(ctx context.Context, bucket, key string, opts storage.DeleteOptions) (storage.ObjectInfo, error) {
	op := "DeleteObject"
	wrap := func(err error) error { return &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err} }
	if err := checkNames(op, bucket, key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if opts.VersionID != "" {
		if err := checkVersionID(opts.VersionID); err != nil {
			return storage.ObjectInfo{}, wrap(err)
		}
	}
	st := s.setFor(bucket, key)
	unlock := s.locks.lock(lockName(bucket, key))
	defer unlock()
	view, _, err := s.readView(ctx, st, bucket, key)
	if err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	// The version that would be removed or hidden.
	target := opts.VersionID
	if target == "" && opts.Versioning != storage.VersioningEnabled {
		target = storage.NullVersionID
	}
	var victim *verView
	for i, vv := range view.versions {
		if (target != "" && vv.v.ID == target) || (target == "" && i == 0) {
			victim = vv
			break
		}
	}
	if opts.Precondition != nil && victim != nil {
		if err := opts.Precondition(victim.info(bucket, key, victim == view.versions[0])); err != nil {
			return storage.ObjectInfo{}, err
		}
	}
	dq := writeQuorum(s.layout.StandardData, s.layout.StandardParity)
	if opts.VersionID != "" || opts.Versioning == storage.VersioningUnset {
		res := storage.ObjectInfo{Bucket: bucket, Key: key, VersionID: opts.VersionID}
		if victim == nil {
			return res, nil
		}
		res.DeleteMarker = victim.v.DeleteMarker
		res.VersionID = victim.v.ID
		if opts.VersionID == "" {
			res.VersionID = ""
		}
		id := victim.v.ID
		q := writeQuorum(max(victim.v.Data, 1), victim.v.Parity)
		_, err := s.updateSet(ctx, st, bucket, key, min(q, dq), func(_ int, _ *drive.Tx, r *drive.Record) (*drive.Record, error) {
			if i := r.Find(id); i >= 0 {
				r.Versions = append(r.Versions[:i], r.Versions[i+1:]...)
			}
			return r, nil
		})
		if err != nil {
			return storage.ObjectInfo{}, wrap(err)
		}
		return res, nil
	}
	// Versioned or suspended bucket without a version ID: add a delete marker.
	now := time.Now()
	m := drive.Version{ID: storage.NullVersionID, DeleteMarker: true, ModTime: now.UnixNano(),
		Data: s.layout.StandardData, Parity: s.layout.StandardParity}
	if opts.Versioning == storage.VersioningEnabled {
		m.ID = uuid.NewString()
	}
	_, err = s.updateSet(ctx, st, bucket, key, dq, func(_ int, _ *drive.Tx, r *drive.Record) (*drive.Record, error) {
		return insertVersion(r, m), nil
	})
	if err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	return storage.ObjectInfo{Bucket: bucket, Key: key, VersionID: m.ID, DeleteMarker: true, IsLatest: true, ModTime: now.UTC()}, nil
}

// UpdateObjectMetadata edits a version's metadata in place (see storage.ObjectStore).
func (s *Store) UpdateObjectMetadata(ctx context.Context, bucket, key string, opts storage.UpdateMetadataOptions) (storage.ObjectInfo, error) {
	op := "UpdateObjectMetadata"
	wrap := func(err error) error { return &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err} }
	if err := checkNames(op, bucket, key); err != nil {
		return storage.ObjectInfo{}, err
	}
	st := s.setFor(bucket, key)
	unlock := s.locks.lock(lockName(bucket, key))
	defer unlock()
	view, _, err := s.readView(ctx, st, bucket, key)
	if err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	vv, oi, err := view.resolve(bucket, key, opts.VersionID)
	if err != nil {
		return oi, wrap(err)
	}
	if opts.Update != nil {
		if err := opts.Update(&oi); err != nil {
			return storage.ObjectInfo{}, wrap(err)
		}
	}
	ident := versionIdentity(&vv.v)
	q := writeQuorum(vv.v.Data, vv.v.Parity)
	_, err = s.updateSet(ctx, st, bucket, key, q, func(_ int, _ *drive.Tx, r *drive.Record) (*drive.Record, error) {
		for i := range r.Versions {
			v := &r.Versions[i]
			if versionIdentity(v) == ident {
				v.ContentType, v.StorageClass = oi.ContentType, oi.StorageClass
				v.Metadata, v.Internal = cloneMap(oi.Metadata), cloneMap(oi.Internal)
				return r, nil
			}
		}
		return nil, fmt.Errorf("version missing on this drive: %w", storage.ErrVersionNotFound)
	})
	if err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	return oi, nil
}
