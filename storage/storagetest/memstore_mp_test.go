package storagetest_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/storagetest"
)

// TestSuiteAgainstReference proves the suite against the in-memory model.
func TestSuiteAgainstReference(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return newMemStore() })
}

func (m *memStore) upload(bucket, key, id string) (*memUpload, error) {
	b, err := m.bucket(bucket)
	if err != nil {
		return nil, err
	}
	u, ok := b.uploads[id]
	if !ok || u.info.Key != key {
		return nil, storage.ErrNoSuchUpload
	}
	return u, nil
}

func (m *memStore) NewMultipartUpload(_ context.Context, bucket, key string, opts storage.PutOptions) (string, error) {
	if err := storage.CheckObjectName(key); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return "", err
	}
	id := m.nextID("u")
	b.uploads[id] = &memUpload{seq: m.seq, parts: map[int]memPart{}, info: storage.UploadInfo{
		Key: key, UploadID: id, Initiated: time.Now(), StorageClass: opts.StorageClass,
		ContentType: opts.ContentType, Metadata: maps.Clone(opts.Metadata), Internal: maps.Clone(opts.Internal)}}
	return id, nil
}

func (m *memStore) PutObjectPart(_ context.Context, bucket, key, uploadID string, n int, r io.Reader, size int64, opts storage.PartOptions) (storage.PartInfo, error) {
	if n < 1 || n > storage.MaxPartNumber {
		return storage.PartInfo{}, storage.ErrInvalidPartNumber
	}
	m.mu.Lock()
	_, err := m.upload(bucket, key, uploadID)
	m.mu.Unlock()
	if err != nil {
		return storage.PartInfo{}, err
	}
	data, err := readBody(r, size, opts.ContentMD5)
	if err != nil {
		return storage.PartInfo{}, err
	}
	info := storage.PartInfo{Number: n, Size: int64(len(data)), ETag: md5hex(data), ModTime: time.Now()}
	if opts.PreCommit != nil {
		if err := opts.PreCommit(&info); err != nil {
			return storage.PartInfo{}, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	u, err := m.upload(bucket, key, uploadID)
	if err != nil {
		return storage.PartInfo{}, err
	}
	u.parts[n] = memPart{info: info, data: data}
	return info, nil
}

func (m *memStore) ListObjectParts(_ context.Context, bucket, key, uploadID string, opts storage.ListPartsOptions) (storage.ListPartsResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, err := m.upload(bucket, key, uploadID)
	if err != nil {
		return storage.ListPartsResult{}, err
	}
	res := storage.ListPartsResult{Upload: u.info}
	limit := opts.MaxParts
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	for _, n := range slices.Sorted(maps.Keys(u.parts)) {
		if n <= opts.PartNumberMarker {
			continue
		}
		if len(res.Parts) == limit {
			res.IsTruncated = true
			res.NextPartNumberMarker = res.Parts[len(res.Parts)-1].Number
			break
		}
		res.Parts = append(res.Parts, u.parts[n].info)
	}
	return res, nil
}

func (m *memStore) CompleteMultipartUpload(_ context.Context, bucket, key, uploadID string, parts []storage.CompletePart, opts storage.CompleteOptions) (storage.ObjectInfo, error) {
	m.mu.Lock()
	u, err := m.upload(bucket, key, uploadID)
	if err != nil {
		m.mu.Unlock()
		return storage.ObjectInfo{}, err
	}
	var data []byte
	var objParts []storage.ObjectPart
	h := md5.New()
	for i, cp := range parts {
		if i > 0 && cp.Number <= parts[i-1].Number {
			m.mu.Unlock()
			return storage.ObjectInfo{}, storage.ErrInvalidPartOrder
		}
		p, ok := u.parts[cp.Number]
		if !ok || p.info.ETag != strings.Trim(cp.ETag, `"`) {
			m.mu.Unlock()
			return storage.ObjectInfo{}, fmt.Errorf("part %d: %w", cp.Number, storage.ErrInvalidPart)
		}
		if i < len(parts)-1 && p.info.Size < storage.MinPartSize {
			m.mu.Unlock()
			return storage.ObjectInfo{}, storage.ErrEntityTooSmall
		}
		data = append(data, p.data...)
		sum, _ := hex.DecodeString(p.info.ETag)
		h.Write(sum)
		objParts = append(objParts, storage.ObjectPart{Number: i + 1, Size: p.info.Size, ETag: p.info.ETag})
	}
	if len(parts) == 0 {
		m.mu.Unlock()
		return storage.ObjectInfo{}, storage.ErrInvalidPart
	}
	m.mu.Unlock()
	info := storage.ObjectInfo{Bucket: bucket, Key: key, Size: int64(len(data)),
		ETag:        fmt.Sprintf("%s-%d", hex.EncodeToString(h.Sum(nil)), len(parts)),
		ContentType: u.info.ContentType, StorageClass: u.info.StorageClass,
		Metadata: maps.Clone(u.info.Metadata), Internal: maps.Clone(u.info.Internal), Parts: objParts}
	out, err := m.commit(bucket, key, info, data, opts.Versioning, opts.IfMatch, opts.IfNoneMatch, opts.PreCommit)
	if err != nil {
		return out, err
	}
	m.mu.Lock()
	delete(m.buckets[bucket].uploads, uploadID)
	m.mu.Unlock()
	return out, nil
}

func (m *memStore) AbortMultipartUpload(_ context.Context, bucket, key, uploadID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.upload(bucket, key, uploadID); err != nil {
		return err
	}
	delete(m.buckets[bucket].uploads, uploadID)
	return nil
}

func (m *memStore) ListMultipartUploads(_ context.Context, bucket string, opts storage.ListUploadsOptions) (storage.ListUploadsResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return storage.ListUploadsResult{}, err
	}
	all := slices.Collect(maps.Values(b.uploads))
	slices.SortFunc(all, func(x, y *memUpload) int {
		if c := strings.Compare(x.info.Key, y.info.Key); c != 0 {
			return c
		}
		return x.seq - y.seq
	})
	var res storage.ListUploadsResult
	limit, n := capKeys(opts.MaxUploads), 0
	passedMarker := false
	for _, u := range all {
		key := u.info.Key
		if !strings.HasPrefix(key, opts.Prefix) || key < opts.KeyMarker {
			continue
		}
		if key == opts.KeyMarker && (opts.UploadIDMarker == "" || !passedMarker) {
			passedMarker = passedMarker || u.info.UploadID == opts.UploadIDMarker
			continue
		}
		cp := rollUp(key, opts.Prefix, opts.Delimiter)
		if cp != "" && (strings.HasPrefix(opts.KeyMarker, cp) || slices.Contains(res.CommonPrefixes, cp)) {
			continue
		}
		if n == limit {
			res.IsTruncated = true
			break
		}
		n++
		if cp != "" {
			res.CommonPrefixes = append(res.CommonPrefixes, cp)
			res.NextKeyMarker, res.NextUploadIDMarker = cp, ""
			continue
		}
		res.Uploads = append(res.Uploads, u.info)
		res.NextKeyMarker, res.NextUploadIDMarker = key, u.info.UploadID
	}
	if !res.IsTruncated {
		res.NextKeyMarker, res.NextUploadIDMarker = "", ""
	}
	return res, nil
}

func (m *memStore) GetBucketConfig(_ context.Context, bucket string, kind storage.ConfigKind) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return nil, err
	}
	doc, ok := b.configs[kind]
	if !ok {
		return nil, storage.ErrConfigNotFound
	}
	return slices.Clone(doc), nil
}

func (m *memStore) PutBucketConfig(_ context.Context, bucket string, kind storage.ConfigKind, doc []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return err
	}
	b.configs[kind] = slices.Clone(doc)
	return nil
}

func (m *memStore) DeleteBucketConfig(_ context.Context, bucket string, kind storage.ConfigKind) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return err
	}
	delete(b.configs, kind)
	return nil
}
