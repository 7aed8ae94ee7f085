package drive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/silo-project/silo/storage"
)

// Top-level bbolt buckets. Objects and uploads of S3 bucket B live in the
// top-level buckets "o/B" and "u/B", its dir index in "p/B" (dirindex.go).
const (
	bktBuckets  = "buckets"  // bucket name -> BucketMeta (JSON)
	bktConfig   = "config"   // bucket NUL kind -> document
	bktDataDirs = "datadirs" // data dir ID -> owner ("o" NUL bucket NUL key | "u" NUL bucket NUL key NUL upload)
)

func objBucket(b string) []byte    { return []byte("o/" + b) }
func uploadBucket(b string) []byte { return []byte("u/" + b) }

// BucketMeta is what a drive stores about an S3 bucket.
type BucketMeta struct {
	Name       string `json:"name"`
	Created    int64  `json:"created"`
	ObjectLock bool   `json:"objectLock,omitempty"`
}

// CreatedTime returns Created as a time.Time.
func (m BucketMeta) CreatedTime() time.Time { return time.Unix(0, m.Created).UTC() }

// Upload is a multipart upload in progress as stored on one drive.
type Upload struct {
	Key          string            `json:"key"`
	ID           string            `json:"id"`
	Initiated    int64             `json:"initiated"`
	ContentType  string            `json:"contentType,omitempty"`
	StorageClass string            `json:"storageClass,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
	Internal     map[string]string `json:"internal,omitempty"`
	Data         int               `json:"data"`
	Parity       int               `json:"parity"`
	BlockSize    int64             `json:"blockSize"`
	Bitrot       uint8             `json:"bitrot"`
	Distribution []uint8           `json:"distribution"`
	DataDir      string            `json:"dataDir"`
	Parts        []Part            `json:"parts,omitempty"` // ascending by number
}

// Tx is a metadata transaction on one drive.
type Tx struct {
	tx     *bolt.Tx
	d      *Drive
	remove []string
}

// Bucket returns the bucket's metadata or storage.ErrBucketNotFound.
func (t *Tx) Bucket(name string) (BucketMeta, error) {
	var m BucketMeta
	v := t.tx.Bucket([]byte(bktBuckets)).Get([]byte(name))
	if v == nil {
		return m, storage.ErrBucketNotFound
	}
	if err := json.Unmarshal(v, &m); err != nil {
		return m, fmt.Errorf("bucket %s: %w: %w", name, ErrCorruptRecord, err)
	}
	return m, nil
}

// HasBucket reports whether the bucket exists (without decoding its metadata).
func (t *Tx) HasBucket(name string) bool {
	return t.tx.Bucket([]byte(bktBuckets)).Get([]byte(name)) != nil
}

// Buckets returns every bucket in name order.
func (t *Tx) Buckets() ([]BucketMeta, error) {
	var out []BucketMeta
	err := t.tx.Bucket([]byte(bktBuckets)).ForEach(func(k, v []byte) error {
		var m BucketMeta
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("bucket %s: %w: %w", k, ErrCorruptRecord, err)
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// CreateBucket creates a bucket or returns storage.ErrBucketExists.
func (t *Tx) CreateBucket(m BucketMeta) error {
	bb := t.tx.Bucket([]byte(bktBuckets))
	if bb.Get([]byte(m.Name)) != nil {
		return storage.ErrBucketExists
	}
	v, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := bb.Put([]byte(m.Name), v); err != nil {
		return err
	}
	if _, err := t.tx.CreateBucketIfNotExists(objBucket(m.Name)); err != nil {
		return err
	}
	// A new bucket has no keys: an index left by a deletion that did not
	// know about it (an older build, a tool) must not survive into it.
	if t.tx.Bucket(dirBucket(m.Name)) != nil {
		if err := t.tx.DeleteBucket(dirBucket(m.Name)); err != nil {
			return err
		}
	}
	if _, err := t.tx.CreateBucket(dirBucket(m.Name)); err != nil {
		return err
	}
	_, err = t.tx.CreateBucketIfNotExists(uploadBucket(m.Name))
	return err
}

// BucketEmpty reports whether a bucket holds no object record and no upload.
func (t *Tx) BucketEmpty(name string) (bool, error) {
	if _, err := t.Bucket(name); err != nil {
		return false, err
	}
	for _, n := range [][]byte{objBucket(name), uploadBucket(name)} {
		if b := t.tx.Bucket(n); b != nil {
			if k, _ := b.Cursor().First(); k != nil {
				return false, nil
			}
		}
	}
	return true, nil
}

// DeleteBucket removes a bucket with all its records, uploads and
// configuration; their data dirs are removed after the commit.
func (t *Tx) DeleteBucket(name string) error {
	if _, err := t.Bucket(name); err != nil {
		return err
	}
	idx := t.tx.Bucket([]byte(bktDataDirs))
	if b := t.tx.Bucket(objBucket(name)); b != nil {
		err := b.ForEach(func(_, v []byte) error {
			r, err := DecodeRecord(v)
			if err != nil {
				return nil // a corrupt record has nothing we can clean up
			}
			for _, dd := range r.DataDirs() {
				t.freeDataDir(idx, dd)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := t.tx.DeleteBucket(objBucket(name)); err != nil {
			return err
		}
	}
	if b := t.tx.Bucket(uploadBucket(name)); b != nil {
		err := b.ForEach(func(_, v []byte) error {
			var u Upload
			if json.Unmarshal(v, &u) == nil && u.DataDir != "" {
				t.freeDataDir(idx, u.DataDir)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := t.tx.DeleteBucket(uploadBucket(name)); err != nil {
			return err
		}
	}
	if t.tx.Bucket(dirBucket(name)) != nil {
		if err := t.tx.DeleteBucket(dirBucket(name)); err != nil {
			return err
		}
	}
	cb := t.tx.Bucket([]byte(bktConfig))
	pfx := []byte(name + "\x00")
	c := cb.Cursor()
	for k, _ := c.Seek(pfx); k != nil && bytes.HasPrefix(k, pfx); k, _ = c.Seek(pfx) {
		if err := cb.Delete(k); err != nil {
			return err
		}
	}
	return t.tx.Bucket([]byte(bktBuckets)).Delete([]byte(name))
}

func (t *Tx) freeDataDir(idx *bolt.Bucket, dd string) {
	_ = idx.Delete([]byte(dd))
	t.remove = append(t.remove, dd)
}

// Config returns a bucket configuration document, or nil when none is stored.
func (t *Tx) Config(bucket, kind string) ([]byte, error) {
	if _, err := t.Bucket(bucket); err != nil {
		return nil, err
	}
	v := t.tx.Bucket([]byte(bktConfig)).Get([]byte(bucket + "\x00" + kind))
	if v == nil {
		return nil, nil
	}
	return bytes.Clone(v), nil
}

// PutConfig stores (doc != nil) or deletes (doc == nil) a configuration document.
func (t *Tx) PutConfig(bucket, kind string, doc []byte) error {
	if _, err := t.Bucket(bucket); err != nil {
		return err
	}
	k := []byte(bucket + "\x00" + kind)
	if doc == nil {
		return t.tx.Bucket([]byte(bktConfig)).Delete(k)
	}
	return t.tx.Bucket([]byte(bktConfig)).Put(k, doc)
}

// Record returns the record of key, or (nil, nil) when there is none.
// Errors: storage.ErrBucketNotFound, ErrCorruptRecord.
func (t *Tx) Record(bucket, key string) (*Record, error) {
	b := t.tx.Bucket(objBucket(bucket))
	if b == nil {
		return nil, storage.ErrBucketNotFound
	}
	v := b.Get([]byte(key))
	if v == nil {
		return nil, nil
	}
	return DecodeRecord(v)
}

// PutRecord replaces the record of key (deleting it when r has no
// versions). The data-dir index follows: dirs newly referenced are indexed,
// dirs no longer referenced are unindexed and removed after the commit.
func (t *Tx) PutRecord(bucket, key string, r *Record) error {
	b := t.tx.Bucket(objBucket(bucket))
	if b == nil {
		return storage.ErrBucketNotFound
	}
	var oldDirs []string
	wasLive := false
	if v := b.Get([]byte(key)); v != nil {
		wasLive = latestIsLive(v)
		if old, err := DecodeRecord(v); err == nil {
			oldDirs = old.DataDirs()
		}
	}
	var newDirs []string
	if r != nil {
		newDirs = r.DataDirs()
	}
	idx := t.tx.Bucket([]byte(bktDataDirs))
	owner := []byte("o\x00" + bucket + "\x00" + key)
	for _, dd := range newDirs {
		if err := idx.Put([]byte(dd), owner); err != nil {
			return err
		}
	}
	for _, dd := range oldDirs {
		if !contains(newDirs, dd) {
			t.freeDataDir(idx, dd)
		}
	}
	if r == nil || len(r.Versions) == 0 {
		if wasLive {
			if err := t.indexLiveChange(bucket, key, -1); err != nil {
				return err
			}
		}
		return b.Delete([]byte(key))
	}
	v := EncodeRecord(r)
	if isLive := latestIsLive(v); isLive != wasLive {
		delta := 1
		if wasLive {
			delta = -1
		}
		if err := t.indexLiveChange(bucket, key, delta); err != nil {
			return err
		}
	}
	return b.Put([]byte(key), v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func uploadKey(key, id string) []byte { return []byte(key + "\x00" + id) }

// Upload returns an upload, or (nil, nil) when it does not exist.
func (t *Tx) Upload(bucket, key, id string) (*Upload, error) {
	b := t.tx.Bucket(uploadBucket(bucket))
	if b == nil {
		return nil, storage.ErrBucketNotFound
	}
	v := b.Get(uploadKey(key, id))
	if v == nil {
		return nil, nil
	}
	var u Upload
	if err := json.Unmarshal(v, &u); err != nil {
		return nil, fmt.Errorf("upload %s: %w: %w", id, ErrCorruptRecord, err)
	}
	return &u, nil
}

// PutUpload stores an upload and indexes its data dir.
func (t *Tx) PutUpload(bucket string, u *Upload) error {
	b := t.tx.Bucket(uploadBucket(bucket))
	if b == nil {
		return storage.ErrBucketNotFound
	}
	v, err := json.Marshal(u)
	if err != nil {
		return err
	}
	if u.DataDir != "" {
		owner := []byte("u\x00" + bucket + "\x00" + u.Key + "\x00" + u.ID)
		if err := t.tx.Bucket([]byte(bktDataDirs)).Put([]byte(u.DataDir), owner); err != nil {
			return err
		}
	}
	return b.Put(uploadKey(u.Key, u.ID), v)
}

// DeleteUpload removes an upload. Unless keepData (the data dir becomes an
// object's, see CompleteMultipartUpload), its data dir is removed after commit.
func (t *Tx) DeleteUpload(bucket, key, id string, keepData bool) error {
	u, err := t.Upload(bucket, key, id)
	if err != nil || u == nil {
		return err
	}
	if !keepData && u.DataDir != "" {
		t.freeDataDir(t.tx.Bucket([]byte(bktDataDirs)), u.DataDir)
	}
	return t.tx.Bucket(uploadBucket(bucket)).Delete(uploadKey(key, id))
}

// DataDirIndexed reports whether a data dir is referenced by a committed
// record or upload.
func (t *Tx) DataDirIndexed(id string) bool {
	return t.tx.Bucket([]byte(bktDataDirs)).Get([]byte(id)) != nil
}

// ObjectCount returns the number of keys of a bucket (0 when it is missing).
func (t *Tx) ObjectCount(bucket string) int {
	b := t.tx.Bucket(objBucket(bucket))
	if b == nil {
		return 0
	}
	return b.Stats().KeyN
}
