package drive

import (
	"bytes"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/silo-project/silo/storage"
)

// ScanOptions selects a range of object records or uploads.
type ScanOptions struct {
	Prefix string
	// Start is the first key considered (inclusive); keys below Prefix are skipped anyway.
	Start     string
	Delimiter string
	// Limit is the most entries returned (keys and common prefixes together).
	Limit int
	// Uploads scans multipart uploads (keys "objectKey NUL uploadID") instead
	// of object records; the delimiter then applies to the object key part.
	Uploads bool
	// SkipDeleted leaves out object keys whose latest version is a delete
	// marker; a common prefix is then emitted only if one key under it is
	// not deleted. Corrupt records are skipped.
	SkipDeleted bool
}

// Entry is one scanned key or a common prefix. An object entry carries its
// record decoded without inline data; an upload entry a copy of its value.
type Entry struct {
	Key    string
	Prefix bool
	Record *Record
	Value  []byte
}

// PrefixEnd returns the smallest string greater than every string that
// starts with p, or "" when there is none.
func PrefixEnd(p string) string {
	b := []byte(p)
	for len(b) > 0 {
		if b[len(b)-1] < 0xFF {
			b[len(b)-1]++
			return string(b)
		}
		b = b[:len(b)-1]
	}
	return ""
}

// Scan returns up to opts.Limit entries in key order starting at
// max(Prefix, Start), and whether more may follow. With a delimiter, every
// group of keys sharing a common prefix costs one cursor seek, not a walk.
func (t *Tx) Scan(bucket string, opts ScanOptions) (entries []Entry, more bool, err error) {
	name := objBucket(bucket)
	if opts.Uploads {
		name = uploadBucket(bucket)
	}
	b := t.tx.Bucket(name)
	if b == nil {
		return nil, false, storage.ErrBucketNotFound
	}
	var live dirLive
	if !opts.Uploads && opts.SkipDeleted && opts.Delimiter == "/" {
		if ib := t.tx.Bucket(dirBucket(bucket)); ib != nil {
			if es, more, ok := scanDirIndex(ib.Cursor(), ib.Get(dirKey(levelOf(opts.Prefix))), opts); ok {
				return es, more, nil
			}
			live = indexLive(ib)
		}
	}
	return scanCursor(b.Cursor(), opts, live)
}

// cursor is the part of *bolt.Cursor a scan uses (tests count its moves).
type cursor interface {
	Seek(seek []byte) (key, value []byte)
	Next() (key, value []byte)
}

// dirLive answers from the dir index whether a live key lies under a
// "/"-terminated prefix; ok is false when the index cannot tell.
type dirLive func(prefix []byte) (live, ok bool)

// indexLive is the dirLive of a dir index bucket.
func indexLive(ib *bolt.Bucket) dirLive {
	return func(prefix []byte) (bool, bool) {
		if dirDepth(string(prefix)) > maxDirDepth {
			return false, false
		}
		v := ib.Get(dirKey(string(prefix)))
		if v == nil {
			return false, true
		}
		c, ok := decodeDirCounts(v)
		return ok && c.live > 0, ok
	}
}

// scanCursor walks the records with c. With a delimiter, a common prefix
// costs one seek past it; whether a key under it is listed (SkipDeleted)
// is asked of live when given (the dir index, for "/") and the whole
// prefix is in range, else found by walking its keys up to the first
// listed one.
func scanCursor(c cursor, opts ScanOptions, live dirLive) (entries []Entry, more bool, err error) {
	start := opts.Start
	if start < opts.Prefix {
		start = opts.Prefix
	}
	pfx := []byte(opts.Prefix)
	// include decodes an object record (without inline data) unless it is
	// filtered out; uploads are always included.
	include := func(v []byte) (*Record, bool) {
		if opts.Uploads {
			return nil, true
		}
		if opts.SkipDeleted && !latestIsLive(v) {
			return nil, false
		}
		r, err := DecodeRecordMeta(v)
		return r, err == nil
	}
	k, v := c.Seek([]byte(start))
	for k != nil && bytes.HasPrefix(k, pfx) {
		if opts.Limit > 0 && len(entries) >= opts.Limit {
			return entries, true, nil
		}
		objKey := k
		if opts.Uploads {
			if i := bytes.IndexByte(k, 0); i >= 0 {
				objKey = k[:i]
			}
		}
		if opts.Delimiter != "" {
			if i := strings.Index(string(objKey[len(pfx):]), opts.Delimiter); i >= 0 {
				cp := string(objKey[:len(pfx)+i+len(opts.Delimiter)])
				found, known := false, false
				if live != nil && cp >= start { // every key under cp is in range
					found, known = live([]byte(cp))
				}
				// Else a common prefix needs one key under it that is listed:
				// the first usually is, and the check reads only its header.
				for ; !known && k != nil && bytes.HasPrefix(k, []byte(cp)); k, v = c.Next() {
					if opts.Uploads || !opts.SkipDeleted || latestIsLive(v) {
						found = true
						break
					}
				}
				if found {
					entries = append(entries, Entry{Key: cp, Prefix: true})
				}
				end := PrefixEnd(cp)
				if end == "" {
					return entries, false, nil
				}
				k, v = c.Seek([]byte(end))
				continue
			}
		}
		if r, ok := include(v); ok {
			e := Entry{Key: string(k), Record: r}
			if opts.Uploads {
				e.Value = bytes.Clone(v)
			}
			entries = append(entries, e)
		}
		k, v = c.Next()
	}
	return entries, false, nil
}
