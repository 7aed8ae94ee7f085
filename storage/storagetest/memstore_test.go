package storagetest_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/silo-project/silo/storage"
)

// memStore is a deliberately simple, in-memory reference implementation of
// storage.Store. It exists only to prove the conformance suite itself: a
// suite that fails against a straightforward model is a broken suite.
type memStore struct {
	mu      sync.Mutex
	seq     int
	buckets map[string]*memBucket
}

type memBucket struct {
	created time.Time
	objects map[string][]*memVersion // newest first
	configs map[storage.ConfigKind][]byte
	uploads map[string]*memUpload
}

type memVersion struct {
	info storage.ObjectInfo
	data []byte
}

type memUpload struct {
	info  storage.UploadInfo
	seq   int
	parts map[int]memPart
}

type memPart struct {
	info storage.PartInfo
	data []byte
}

var _ storage.Store = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{buckets: map[string]*memBucket{}} }

func (m *memStore) Close() error { return nil }

func (m *memStore) nextID(prefix string) string {
	m.seq++
	return fmt.Sprintf("%s%08d", prefix, m.seq)
}

func (m *memStore) bucket(name string) (*memBucket, error) {
	b, ok := m.buckets[name]
	if !ok {
		return nil, storage.ErrBucketNotFound
	}
	return b, nil
}

func (m *memStore) MakeBucket(_ context.Context, bucket string, _ storage.MakeBucketOptions) error {
	if err := storage.CheckBucketName(bucket); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.buckets[bucket]; ok {
		return storage.ErrBucketExists
	}
	m.buckets[bucket] = &memBucket{created: time.Now(), objects: map[string][]*memVersion{},
		configs: map[storage.ConfigKind][]byte{}, uploads: map[string]*memUpload{}}
	return nil
}

func (m *memStore) GetBucketInfo(_ context.Context, bucket string) (storage.BucketInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return storage.BucketInfo{}, err
	}
	return storage.BucketInfo{Name: bucket, Created: b.created}, nil
}

func (m *memStore) ListBuckets(context.Context) ([]storage.BucketInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []storage.BucketInfo
	for _, name := range slices.Sorted(maps.Keys(m.buckets)) {
		out = append(out, storage.BucketInfo{Name: name, Created: m.buckets[name].created})
	}
	return out, nil
}

func (m *memStore) DeleteBucket(_ context.Context, bucket string, opts storage.DeleteBucketOptions) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return err
	}
	if !opts.Force && (len(b.objects) > 0 || len(b.uploads) > 0) {
		return storage.ErrBucketNotEmpty
	}
	delete(m.buckets, bucket)
	return nil
}

// readBody reads r with the size and digest checks of the contract.
func readBody(r io.Reader, size int64, contentMD5 []byte) ([]byte, error) {
	if size >= 0 {
		r = io.LimitReader(r, size+1)
	}
	data, err := io.ReadAll(r)
	switch {
	case err != nil:
		return nil, fmt.Errorf("read body: %w", err)
	case size >= 0 && int64(len(data)) < size:
		return nil, storage.ErrIncompleteBody
	case size >= 0 && int64(len(data)) > size:
		return nil, storage.ErrEntityTooLarge
	}
	if contentMD5 != nil {
		if sum := md5.Sum(data); !bytes.Equal(sum[:], contentMD5) {
			return nil, storage.ErrBadDigest
		}
	}
	return data, nil
}

func md5hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func (m *memStore) PutObject(_ context.Context, bucket, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := storage.CheckObjectName(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	switch opts.StorageClass {
	case "", storage.StorageClassStandard, storage.StorageClassRRS:
	default:
		return storage.ObjectInfo{}, storage.ErrInvalidStorageClass
	}
	m.mu.Lock()
	_, err := m.bucket(bucket)
	m.mu.Unlock()
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	data, err := readBody(r, size, opts.ContentMD5)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	info := storage.ObjectInfo{Bucket: bucket, Key: key, Size: int64(len(data)), ETag: md5hex(data),
		ModTime: opts.ModTime, ContentType: opts.ContentType, StorageClass: opts.StorageClass,
		Metadata: maps.Clone(opts.Metadata), Internal: maps.Clone(opts.Internal)}
	return m.commit(bucket, key, info, data, opts.Versioning, opts.IfMatch, opts.IfNoneMatch, opts.PreCommit)
}

func (m *memStore) commit(bucket, key string, info storage.ObjectInfo, data []byte, v storage.VersioningState,
	ifMatch string, ifNoneMatch bool, preCommit func(*storage.ObjectInfo) error) (storage.ObjectInfo, error) {
	if info.ModTime.IsZero() {
		info.ModTime = time.Now()
	}
	if preCommit != nil {
		if err := preCommit(&info); err != nil {
			return storage.ObjectInfo{}, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	vers := b.objects[key]
	live := len(vers) > 0 && !vers[0].info.DeleteMarker
	if ifNoneMatch && live {
		return storage.ObjectInfo{}, storage.ErrPreconditionFailed
	}
	if ifMatch != "" && (!live || vers[0].info.ETag != strings.Trim(ifMatch, `"`)) {
		return storage.ObjectInfo{}, storage.ErrPreconditionFailed
	}
	ver := &memVersion{info: info, data: data}
	m.insert(b, key, ver, v)
	out := ver.info
	out.IsLatest = true
	return out, nil
}

func (m *memStore) insert(b *memBucket, key string, ver *memVersion, v storage.VersioningState) {
	vers := b.objects[key]
	if v == storage.VersioningEnabled {
		ver.info.VersionID = m.nextID("v")
	} else {
		ver.info.VersionID = storage.NullVersionID
		vers = slices.DeleteFunc(slices.Clone(vers), func(x *memVersion) bool { return x.info.VersionID == storage.NullVersionID })
	}
	b.objects[key] = append([]*memVersion{ver}, vers...)
}

// find resolves a version; the error follows GetObject's contract.
func (m *memStore) find(bucket, key, versionID string) (*memVersion, bool, error) {
	b, err := m.bucket(bucket)
	if err != nil {
		return nil, false, err
	}
	vers := b.objects[key]
	if versionID == "" {
		if len(vers) == 0 {
			return nil, false, storage.ErrObjectNotFound
		}
		if vers[0].info.DeleteMarker {
			return vers[0], true, storage.ErrObjectNotFound
		}
		return vers[0], true, nil
	}
	for i, v := range vers {
		if v.info.VersionID == versionID {
			if v.info.DeleteMarker {
				return v, i == 0, storage.ErrMethodNotAllowed
			}
			return v, i == 0, nil
		}
	}
	return nil, false, storage.ErrVersionNotFound
}

func (m *memStore) StatObject(_ context.Context, bucket, key string, opts storage.GetOptions) (storage.ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, latest, err := m.find(bucket, key, opts.VersionID)
	if v == nil {
		return storage.ObjectInfo{}, err
	}
	info := v.info
	info.IsLatest = latest
	return info, err
}

func (m *memStore) GetObject(ctx context.Context, bucket, key string, rng *storage.Range, opts storage.GetOptions) (io.ReadCloser, storage.ObjectInfo, error) {
	m.mu.Lock()
	v, latest, err := m.find(bucket, key, opts.VersionID)
	m.mu.Unlock()
	if err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	info := v.info
	info.IsLatest = latest
	if opts.Precondition != nil {
		if err := opts.Precondition(info); err != nil {
			return nil, info, err
		}
	}
	data := v.data
	if opts.PartNumber > 0 {
		parts := info.Parts
		if len(parts) == 0 {
			parts = []storage.ObjectPart{{Number: 1, Size: info.Size}}
		}
		if opts.PartNumber > len(parts) {
			return nil, info, storage.ErrInvalidPartNumber
		}
		var off int64
		for _, p := range parts[:opts.PartNumber-1] {
			off += p.Size
		}
		data = data[off : off+parts[opts.PartNumber-1].Size]
	}
	if rng != nil {
		off, n, err := rng.Resolve(int64(len(data)))
		if err != nil {
			return nil, info, err
		}
		data = data[off : off+n]
	}
	return io.NopCloser(bytes.NewReader(data)), info, nil
}

func (m *memStore) DeleteObject(_ context.Context, bucket, key string, opts storage.DeleteOptions) (storage.ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	vers := b.objects[key]
	target := opts.VersionID
	if target == "" && opts.Versioning != storage.VersioningEnabled {
		target = storage.NullVersionID
	}
	i := slices.IndexFunc(vers, func(v *memVersion) bool { return v.info.VersionID == target })
	if i >= 0 && opts.Precondition != nil {
		if err := opts.Precondition(vers[i].info); err != nil {
			return storage.ObjectInfo{}, err
		}
	}
	if opts.VersionID != "" || opts.Versioning == storage.VersioningUnset {
		if i < 0 {
			return storage.ObjectInfo{Bucket: bucket, Key: key, VersionID: opts.VersionID}, nil
		}
		removed := vers[i].info
		b.objects[key] = slices.Delete(slices.Clone(vers), i, i+1)
		if len(b.objects[key]) == 0 {
			delete(b.objects, key)
		}
		return removed, nil
	}
	marker := &memVersion{info: storage.ObjectInfo{Bucket: bucket, Key: key, DeleteMarker: true, ModTime: time.Now()}}
	m.insert(b, key, marker, opts.Versioning)
	return marker.info, nil
}

func (m *memStore) UpdateObjectMetadata(_ context.Context, bucket, key string, opts storage.UpdateMetadataOptions) (storage.ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, _, err := m.find(bucket, key, opts.VersionID)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	info := v.info
	info.Metadata, info.Internal = maps.Clone(info.Metadata), maps.Clone(info.Internal)
	if err := opts.Update(&info); err != nil {
		return storage.ObjectInfo{}, err
	}
	v.info.ContentType, v.info.Metadata, v.info.Internal, v.info.StorageClass =
		info.ContentType, info.Metadata, info.Internal, info.StorageClass
	return v.info, nil
}

// rollUp returns the common prefix key falls under, or "".
func rollUp(key, prefix, delimiter string) string {
	if delimiter == "" {
		return ""
	}
	if i := strings.Index(key[len(prefix):], delimiter); i >= 0 {
		return key[:len(prefix)+i+len(delimiter)]
	}
	return ""
}

func capKeys(n int) int {
	if n <= 0 || n > storage.MaxListKeys {
		return storage.MaxListKeys
	}
	return n
}

func (m *memStore) ListObjects(_ context.Context, bucket string, opts storage.ListOptions) (storage.ListResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return storage.ListResult{}, err
	}
	var res storage.ListResult
	limit, n := capKeys(opts.MaxKeys), 0
	for _, key := range slices.Sorted(maps.Keys(b.objects)) {
		vers := b.objects[key]
		if !strings.HasPrefix(key, opts.Prefix) || key <= opts.Marker || vers[0].info.DeleteMarker {
			continue
		}
		cp := rollUp(key, opts.Prefix, opts.Delimiter)
		if cp != "" && (strings.HasPrefix(opts.Marker, cp) || slices.Contains(res.CommonPrefixes, cp)) {
			continue
		}
		if n == limit {
			res.IsTruncated = true
			break
		}
		n++
		if cp != "" {
			res.CommonPrefixes = append(res.CommonPrefixes, cp)
			res.NextMarker = cp
			continue
		}
		info := vers[0].info
		info.IsLatest = true
		res.Objects = append(res.Objects, info)
		res.NextMarker = key
	}
	if !res.IsTruncated {
		res.NextMarker = ""
	}
	return res, nil
}

func (m *memStore) ListObjectVersions(_ context.Context, bucket string, opts storage.ListVersionsOptions) (storage.ListVersionsResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return storage.ListVersionsResult{}, err
	}
	var res storage.ListVersionsResult
	limit, n := capKeys(opts.MaxKeys), 0
	for _, key := range slices.Sorted(maps.Keys(b.objects)) {
		if !strings.HasPrefix(key, opts.Prefix) || key < opts.KeyMarker || (key == opts.KeyMarker && opts.VersionIDMarker == "") {
			continue
		}
		cp := rollUp(key, opts.Prefix, opts.Delimiter)
		if cp != "" {
			if strings.HasPrefix(opts.KeyMarker, cp) || slices.Contains(res.CommonPrefixes, cp) {
				continue
			}
			if n == limit {
				res.IsTruncated = true
				break
			}
			n++
			res.CommonPrefixes = append(res.CommonPrefixes, cp)
			res.NextKeyMarker, res.NextVersionIDMarker = cp, ""
			continue
		}
		vers := b.objects[key]
		start := 0
		if key == opts.KeyMarker {
			start = slices.IndexFunc(vers, func(v *memVersion) bool { return v.info.VersionID == opts.VersionIDMarker }) + 1
		}
		for i := start; i < len(vers); i++ {
			if n == limit {
				res.IsTruncated = true
				break
			}
			n++
			info := vers[i].info
			info.IsLatest = i == 0
			res.Versions = append(res.Versions, info)
			res.NextKeyMarker, res.NextVersionIDMarker = key, info.VersionID
		}
		if res.IsTruncated {
			break
		}
	}
	if !res.IsTruncated {
		res.NextKeyMarker, res.NextVersionIDMarker = "", ""
	}
	return res, nil
}
