package erasure

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

func uploadInfo(u *drive.Upload) storage.UploadInfo {
	return storage.UploadInfo{Key: u.Key, UploadID: u.ID, Initiated: time.Unix(0, u.Initiated).UTC(),
		StorageClass: storageClassName(u.StorageClass), ContentType: u.ContentType,
		Metadata: cloneMap(u.Metadata), Internal: cloneMap(u.Internal)}
}

// newUploadID returns an ID that sorts by creation time.
func newUploadID() string {
	return fmt.Sprintf("%016x", time.Now().UnixNano()) + drive.NewID()[:16]
}

func uploadLock(bucket, key, id string) string { return "\x00upload/" + bucket + "/" + key + "/" + id }

// NewMultipartUpload starts an upload (see storage.MultipartStore).
func (s *Store) NewMultipartUpload(ctx context.Context, bucket, key string, opts storage.PutOptions) (string, error) {
	op := "NewMultipartUpload"
	wrap := func(err error) error { return &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err} }
	if err := checkNames(op, bucket, key); err != nil {
		return "", err
	}
	parity, err := s.layout.parityFor(opts.StorageClass)
	if err != nil {
		return "", wrap(err)
	}
	st := s.setFor(bucket, key)
	if err := s.checkBucket(ctx, st, bucket); err != nil {
		return "", wrap(err)
	}
	lay, err := s.objectLayout(st, bucket, key, parity)
	if err != nil {
		return "", wrap(err)
	}
	u := &drive.Upload{Key: key, ID: newUploadID(), Initiated: time.Now().UnixNano(), ContentType: opts.ContentType,
		StorageClass: storageClassName(opts.StorageClass), Metadata: cloneMap(opts.Metadata), Internal: cloneMap(opts.Internal),
		Data: lay.c.data, Parity: lay.c.parity, BlockSize: blockSize, Bitrot: bitrotHighwayHash256,
		Distribution: lay.dist, DataDir: drive.NewID()}
	// Held while the record is written, so that the dangling sweep never
	// sees a half-created upload.
	unlock := s.locks.lock(uploadLock(bucket, key, u.ID))
	defer unlock()
	errs := st.forEach(func(_ int, d *drive.Drive) error {
		_, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.PutUpload(bucket, u) })
		return err
	})
	if countNil(errs) < lay.wq {
		st.forEach(func(p int, d *drive.Drive) error {
			if errs[p] == nil {
				freed, _ := d.Update(ctx, func(tx *drive.Tx) error { return tx.DeleteUpload(bucket, key, u.ID, false) })
				d.Release(freed)
			}
			return nil
		})
		return "", wrap(fmt.Errorf("%w: %w", storage.ErrWriteQuorum, firstErr(errs)))
	}
	return u.ID, nil
}

// readUpload returns the quorum view of an upload: the first copy with
// the parts agreed by a quorum of drives. Errors: ErrNoSuchUpload.
func (s *Store) readUpload(ctx context.Context, st *set, bucket, key, id string) (*drive.Upload, error) {
	ups := make([]*drive.Upload, st.n())
	errs := st.forEach(func(p int, d *drive.Drive) error {
		return d.View(ctx, func(tx *drive.Tx) error {
			u, err := tx.Upload(bucket, key, id)
			ups[p] = u
			return err
		})
	})
	if _, err := s.quorumResponses(ctx, errs); err != nil {
		return nil, err
	}
	var base *drive.Upload
	count := 0
	votes := map[string]int{}
	byVote := map[string]drive.Part{}
	for _, u := range ups {
		if u == nil {
			continue
		}
		count++
		if base == nil {
			base = u
		}
		for _, p := range u.Parts {
			k := strconv.Itoa(p.Number) + "\x00" + p.File + "\x00" + p.ETag
			votes[k]++
			byVote[k] = p
		}
	}
	if base == nil || count < max(base.Data, 1) {
		return nil, storage.ErrNoSuchUpload
	}
	out := *base
	out.Parts = nil
	best := map[int]string{}
	for k, n := range votes {
		if n < max(base.Data, 1) {
			continue
		}
		num := byVote[k].Number
		if cur, ok := best[num]; !ok || byVote[k].ModTime > byVote[cur].ModTime {
			best[num] = k
		}
	}
	for _, k := range best {
		out.Parts = append(out.Parts, byVote[k])
	}
	sort.Slice(out.Parts, func(i, j int) bool { return out.Parts[i].Number < out.Parts[j].Number })
	return &out, nil
}

// PutObjectPart stores one part (see storage.MultipartStore).
func (s *Store) PutObjectPart(ctx context.Context, bucket, key, uploadID string, partNumber int, r io.Reader, size int64, opts storage.PartOptions) (storage.PartInfo, error) {
	op := "PutObjectPart"
	wrap := func(err error) error { return &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err} }
	if err := checkNames(op, bucket, key); err != nil {
		return storage.PartInfo{}, err
	}
	if partNumber < 1 || partNumber > storage.MaxPartNumber {
		return storage.PartInfo{}, wrap(storage.ErrInvalidPartNumber)
	}
	if size > storage.MaxObjectSize {
		return storage.PartInfo{}, wrap(storage.ErrEntityTooLarge)
	}
	st := s.setFor(bucket, key)
	u, err := s.readUpload(ctx, st, bucket, key, uploadID)
	if err != nil {
		return storage.PartInfo{}, wrap(err)
	}
	c, err := s.codec(u.Data, u.Parity)
	if err != nil {
		return storage.PartInfo{}, wrap(err)
	}
	lay := objLayout{c: c, dist: u.Distribution, wq: writeQuorum(u.Data, u.Parity)}
	file := fmt.Sprintf("part.%d.%s", partNumber, drive.NewID()[:12])
	w, err := s.writeBody(ctx, st, lay, u.DataDir, file, r, size, false, opts.NoMD5)
	if err != nil {
		return storage.PartInfo{}, wrap(err)
	}
	if !opts.NoMD5 && len(opts.ContentMD5) > 0 && !bytes.Equal(opts.ContentMD5, w.md5) {
		w.abort()
		return storage.PartInfo{}, wrap(storage.ErrBadDigest)
	}
	now := time.Now().UTC()
	info := storage.PartInfo{Number: partNumber, Size: w.size, ETag: hex.EncodeToString(w.md5), ModTime: now}
	if opts.PreCommit != nil {
		if err := opts.PreCommit(&info); err != nil {
			w.abort()
			return storage.PartInfo{}, wrap(err)
		}
	}
	if info.ETag == "" {
		w.abort()
		return storage.PartInfo{}, wrap(errNoETag)
	}
	if err := s.commitShards(st, lay, w, u.DataDir, file); err != nil {
		return storage.PartInfo{}, wrap(err)
	}
	part := drive.Part{Number: partNumber, Size: info.Size, ETag: info.ETag, File: file, ModTime: now.UnixNano(), Checksums: cloneMap(info.Checksums)}
	unlock := s.locks.lock(uploadLock(bucket, key, uploadID))
	defer unlock()
	replaced := make([]string, st.n())
	errs := st.forEach(func(p int, d *drive.Drive) error {
		if !w.alive[p] {
			return errOffline
		}
		_, err := d.Update(ctx, func(tx *drive.Tx) error {
			cur, err := tx.Upload(bucket, key, uploadID)
			if err != nil {
				return err
			}
			if cur == nil {
				return storage.ErrNoSuchUpload
			}
			replaced[p] = ""
			parts := cur.Parts[:0:0]
			for _, x := range cur.Parts {
				if x.Number == partNumber {
					replaced[p] = x.File
					continue
				}
				parts = append(parts, x)
			}
			parts = append(parts, part)
			sort.Slice(parts, func(i, j int) bool { return parts[i].Number < parts[j].Number })
			cur.Parts = parts
			return tx.PutUpload(bucket, cur)
		})
		return err
	})
	if countNil(errs) < lay.wq {
		s.removeShards(st, w.alive, u.DataDir, file)
		return storage.PartInfo{}, wrap(fmt.Errorf("%w: %w", storage.ErrWriteQuorum, firstErr(errs)))
	}
	for p, f := range replaced {
		if f != "" && errs[p] == nil {
			_ = st.drive(p).RemoveShard(u.DataDir, f)
		}
	}
	return info, nil
}

// ListObjectParts returns a page of uploaded parts.
func (s *Store) ListObjectParts(ctx context.Context, bucket, key, uploadID string, opts storage.ListPartsOptions) (storage.ListPartsResult, error) {
	op := "ListObjectParts"
	var res storage.ListPartsResult
	if err := checkNames(op, bucket, key); err != nil {
		return res, err
	}
	st := s.setFor(bucket, key)
	u, err := s.readUpload(ctx, st, bucket, key, uploadID)
	if err != nil {
		return res, &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err}
	}
	res.Upload = uploadInfo(u)
	max := opts.MaxParts
	if max <= 0 || max > 1000 {
		max = 1000
	}
	for _, p := range u.Parts {
		if p.Number <= opts.PartNumberMarker {
			continue
		}
		if len(res.Parts) == max {
			res.IsTruncated = true
			break
		}
		res.Parts = append(res.Parts, storage.PartInfo{Number: p.Number, Size: p.Size, ETag: p.ETag,
			ModTime: time.Unix(0, p.ModTime).UTC(), Checksums: cloneMap(p.Checksums)})
	}
	if res.IsTruncated {
		res.NextPartNumberMarker = res.Parts[len(res.Parts)-1].Number
	}
	return res, nil
}

// CompleteMultipartUpload assembles the parts into the object without
// copying data: the new version references the part files in the upload's
// data dir (see storage.MultipartStore).
func (s *Store) CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []storage.CompletePart, opts storage.CompleteOptions) (storage.ObjectInfo, error) {
	op := "CompleteMultipartUpload"
	wrap := func(err error) error { return &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err} }
	if err := checkNames(op, bucket, key); err != nil {
		return storage.ObjectInfo{}, err
	}
	st := s.setFor(bucket, key)
	unlockU := s.locks.lock(uploadLock(bucket, key, uploadID))
	defer unlockU()
	u, err := s.readUpload(ctx, st, bucket, key, uploadID)
	if err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	if len(parts) == 0 {
		return storage.ObjectInfo{}, wrap(storage.ErrInvalidPart)
	}
	have := map[int]drive.Part{}
	for _, p := range u.Parts {
		have[p.Number] = p
	}
	chosen := make([]drive.Part, 0, len(parts))
	sum := md5.New()
	var size int64
	for i, cp := range parts {
		if i > 0 && cp.Number <= parts[i-1].Number {
			return storage.ObjectInfo{}, wrap(storage.ErrInvalidPartOrder)
		}
		p, ok := have[cp.Number]
		if !ok || strings.Trim(cp.ETag, `"`) != p.ETag {
			return storage.ObjectInfo{}, wrap(storage.ErrInvalidPart)
		}
		chosen = append(chosen, p)
	}
	for i, p := range chosen {
		if i < len(chosen)-1 && p.Size < storage.MinPartSize {
			return storage.ObjectInfo{}, wrap(storage.ErrEntityTooSmall)
		}
		b, err := hex.DecodeString(p.ETag)
		if err != nil {
			return storage.ObjectInfo{}, wrap(storage.ErrInvalidPart)
		}
		sum.Write(b)
		size += p.Size
	}
	now := time.Now()
	info := storage.ObjectInfo{Bucket: bucket, Key: key, Size: size, IsLatest: true,
		ETag: hex.EncodeToString(sum.Sum(nil)) + "-" + strconv.Itoa(len(chosen)), ModTime: now.UTC(),
		ContentType: u.ContentType, StorageClass: storageClassName(u.StorageClass),
		Metadata: cloneMap(u.Metadata), Internal: cloneMap(u.Internal)}
	for _, p := range chosen {
		info.Parts = append(info.Parts, storage.ObjectPart{Number: p.Number, Size: p.Size, ETag: p.ETag, Checksums: cloneMap(p.Checksums)})
	}
	if opts.PreCommit != nil {
		if err := opts.PreCommit(&info); err != nil {
			return storage.ObjectInfo{}, wrap(err)
		}
	}
	v := drive.Version{ID: storage.NullVersionID, ModTime: now.UnixNano(), Size: size, ETag: info.ETag,
		ContentType: info.ContentType, StorageClass: info.StorageClass, Metadata: info.Metadata, Internal: info.Internal,
		Checksums: info.Checksums, ChecksumType: info.ChecksumType, Data: u.Data, Parity: u.Parity,
		BlockSize: blockSize, Bitrot: bitrotHighwayHash256, Distribution: u.Distribution, DataDir: u.DataDir, Parts: chosen}
	if opts.Versioning == storage.VersioningEnabled {
		v.ID = uuid.NewString()
	}
	info.VersionID = v.ID
	unlock := s.locks.lock(lockName(bucket, key))
	defer unlock()
	if opts.IfMatch != "" || opts.IfNoneMatch {
		view, _, err := s.readView(ctx, st, bucket, key)
		if err != nil {
			return storage.ObjectInfo{}, wrap(err)
		}
		if err := checkConditions(view, opts.IfMatch, opts.IfNoneMatch); err != nil {
			return storage.ObjectInfo{}, wrap(err)
		}
	}
	keep := map[string]bool{}
	for _, p := range chosen {
		keep[p.File] = true
	}
	unused := make([][]string, st.n())
	_, err = s.updateSet(ctx, st, bucket, key, writeQuorum(u.Data, u.Parity), func(p int, tx *drive.Tx, r *drive.Record) (*drive.Record, error) {
		cur, err := tx.Upload(bucket, key, uploadID)
		if err != nil {
			return nil, err
		}
		if cur == nil {
			return nil, storage.ErrNoSuchUpload
		}
		unused[p] = nil
		for _, x := range cur.Parts {
			if !keep[x.File] {
				unused[p] = append(unused[p], x.File)
			}
		}
		if err := tx.DeleteUpload(bucket, key, uploadID, true); err != nil {
			return nil, err
		}
		return insertVersion(r, v), nil
	})
	if err != nil {
		return storage.ObjectInfo{}, wrap(err)
	}
	for p, files := range unused {
		for _, f := range files {
			if st.drive(p) != nil {
				_ = st.drive(p).RemoveShard(u.DataDir, f)
			}
		}
	}
	return info, nil
}

// AbortMultipartUpload discards an upload and its parts.
func (s *Store) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	op := "AbortMultipartUpload"
	wrap := func(err error) error { return &storage.Error{Op: op, Bucket: bucket, Key: key, Err: err} }
	if err := checkNames(op, bucket, key); err != nil {
		return err
	}
	st := s.setFor(bucket, key)
	unlock := s.locks.lock(uploadLock(bucket, key, uploadID))
	defer unlock()
	if _, err := s.readUpload(ctx, st, bucket, key, uploadID); err != nil {
		return wrap(err)
	}
	st.forEach(func(_ int, d *drive.Drive) error {
		freed, err := d.Update(ctx, func(tx *drive.Tx) error { return tx.DeleteUpload(bucket, key, uploadID, false) })
		d.Release(freed)
		return err
	})
	return nil
}
