package drive

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// The dir index of S3 bucket B lives in the top-level bbolt bucket "p/B".
// For the root ("") and every "/"-terminated prefix D of a key whose latest
// version is live, it holds two counts: the live keys under D, and those
// directly in D (no further "/"). PutRecord keeps it in the same
// transaction as the records, so the two never disagree.
//
// Why: a "/"-delimited page of a level that holds only sub-prefixes (the
// usual shape: "logs/2026/", "users/123/") would otherwise cost one seek
// into the records tree per common prefix, and in a bucket of millions of
// keys each seek lands on a leaf nobody has touched lately. The index has
// one small entry per prefix, so such a page is a short walk over a tree
// that stays in the CPU caches, whatever the number of keys below.
//
// Keys are "d" + D (bbolt refuses the empty key the root would need).
// Values are two uvarints, live then direct. An entry exists while live > 0.

const dirKeyTag = 'd'

func dirBucket(b string) []byte { return []byte("p/" + b) }

func dirKey(d string) []byte {
	k := make([]byte, 1+len(d))
	k[0] = dirKeyTag
	copy(k[1:], d)
	return k
}

type dirCounts struct{ live, direct uint64 }

func (c dirCounts) encode() []byte {
	b := make([]byte, 0, 2*binary.MaxVarintLen64)
	b = binary.AppendUvarint(b, c.live)
	return binary.AppendUvarint(b, c.direct)
}

func decodeDirCounts(v []byte) (dirCounts, bool) {
	live, i := binary.Uvarint(v)
	if i <= 0 {
		return dirCounts{}, false
	}
	direct, j := binary.Uvarint(v[i:])
	if j <= 0 || i+j != len(v) || direct > live {
		return dirCounts{}, false
	}
	return dirCounts{live, direct}, true
}

// maxDirDepth is the deepest prefix the index holds (the root is depth 0,
// "a/" 1, "a/b/" 2). Without a bound, one new key of 1024 bytes made of
// 512 levels would cost 512 index updates and leave hundreds of KB of
// entries; with it, a new key costs at most maxDirDepth+1 small updates.
// Listings below that depth walk the records.
const maxDirDepth = 8

// levelOf returns the "/"-terminated prefix a listing of prefix lists the
// children of: prefix up to and including its last "/" ("" for none).
func levelOf(prefix string) string { return prefix[:strings.LastIndexByte(prefix, '/')+1] }

// dirDepth is the depth of a "/"-terminated prefix (its number of "/").
func dirDepth(dir string) int { return strings.Count(dir, "/") }

// dirsOf calls fn for the root and each "/"-terminated prefix of key down
// to maxDirDepth, shortest first; direct is true for the key's own dir
// (when it is within that depth).
func dirsOf(key string, fn func(dir string, direct bool) error) error {
	parent := strings.LastIndexByte(key, '/') + 1
	for i, depth := 0, 0; depth <= maxDirDepth; depth++ {
		if err := fn(key[:i], i == parent); err != nil {
			return err
		}
		if i == parent {
			return nil
		}
		i += strings.IndexByte(key[i:], '/') + 1
	}
	return nil
}

// indexLiveChange counts key in (delta 1) or out of (delta -1) the dir
// index of its bucket when its latest version turns live or stops being
// live. An entry it cannot read means the index can no longer be trusted:
// it is dropped (listings then scan the records, and the next Open
// rebuilds it) rather than guessed at.
func (t *Tx) indexLiveChange(bucket, key string, delta int) error {
	name := dirBucket(bucket)
	ib := t.tx.Bucket(name)
	if ib == nil {
		return nil
	}
	err := dirsOf(key, func(dir string, direct bool) error {
		k := dirKey(dir)
		var c dirCounts
		if v := ib.Get(k); v != nil {
			var ok bool
			if c, ok = decodeDirCounts(v); !ok {
				return errDirIndexCorrupt
			}
		}
		if delta < 0 && (c.live == 0 || (direct && c.direct == 0)) {
			return errDirIndexCorrupt
		}
		c.live = uint64(int64(c.live) + int64(delta))
		if direct {
			c.direct = uint64(int64(c.direct) + int64(delta))
		}
		if c.live == 0 {
			return ib.Delete(k)
		}
		return ib.Put(k, c.encode())
	})
	if errors.Is(err, errDirIndexCorrupt) {
		t.d.log.Warn("dir index inconsistent, dropped until the next open", "drive", t.d.root, "bucket", bucket)
		return t.tx.DeleteBucket(name)
	}
	return err
}

// errDirIndexCorrupt stops an index update that met an unreadable entry
// or a count that would go below zero.
var errDirIndexCorrupt = errors.New("dir index inconsistent")

// buildDirIndex creates the dir index of a bucket from its records (drives
// written before the index existed, or whose index was dropped).
func (t *Tx) buildDirIndex(bucket string) error {
	counts := map[string]*dirCounts{}
	if ob := t.tx.Bucket(objBucket(bucket)); ob != nil {
		err := ob.ForEach(func(k, v []byte) error {
			if !latestIsLive(v) {
				return nil
			}
			return dirsOf(string(k), func(dir string, direct bool) error {
				c := counts[dir]
				if c == nil {
					c = &dirCounts{}
					counts[dir] = c
				}
				c.live++
				if direct {
					c.direct++
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
	}
	_ = t.tx.DeleteBucket(dirBucket(bucket))
	ib, err := t.tx.CreateBucket(dirBucket(bucket))
	if err != nil {
		return err
	}
	for dir, c := range counts {
		if err := ib.Put(dirKey(dir), c.encode()); err != nil {
			return err
		}
	}
	return nil
}

// Every transaction this package commits stamps its ID into the
// "dirindex" bucket (one small inline bucket, so no extra page is written).
// At Open, a stamp that is not the last committed transaction means that
// someone else wrote the database since (a build from before the index,
// or a tool), who may have changed records without their index: every
// index is then rebuilt.
const (
	bktDirIndex = "dirindex"
	// The stamp's key changes with the format, so that a build of an
	// older format, which checks only its own stamp, finds it stale.
	dirIndexStamp = "tx" + dirIndexFormat
	// dirIndexFormat names what the entries mean; a database whose indexes
	// were built under another meaning (before the depth bound: 1) has them
	// rebuilt at Open.
	dirIndexFormatKey = "format"
	dirIndexFormat    = "2"
)

func stampDirIndex(tx *bolt.Tx) error {
	b, err := tx.CreateBucketIfNotExists([]byte(bktDirIndex))
	if err != nil {
		return err
	}
	return b.Put([]byte(dirIndexStamp), binary.BigEndian.AppendUint64(nil, uint64(tx.ID())))
}

// openDirIndexes runs in Open's transaction: it rebuilds every bucket's
// index when the stamp shows a foreign write since our last commit, builds
// the ones that are missing (dropped as inconsistent) otherwise, and stamps.
func openDirIndexes(tx *bolt.Tx, d *Drive) error {
	t := &Tx{tx: tx, d: d}
	trusted := false
	if sb := tx.Bucket([]byte(bktDirIndex)); sb != nil {
		v := sb.Get([]byte(dirIndexStamp))
		trusted = len(v) == 8 && binary.BigEndian.Uint64(v) == uint64(tx.ID()-1) &&
			string(sb.Get([]byte(dirIndexFormatKey))) == dirIndexFormat
	}
	var build []string
	err := tx.Bucket([]byte(bktBuckets)).ForEach(func(k, _ []byte) error {
		if !trusted || tx.Bucket(dirBucket(string(k))) == nil {
			build = append(build, string(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !trusted { // indexes of buckets deleted by whoever wrote since
		var orphans [][]byte
		err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if b, ok := bytes.CutPrefix(name, []byte("p/")); ok && tx.Bucket([]byte(bktBuckets)).Get(b) == nil {
				orphans = append(orphans, bytes.Clone(name))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, name := range orphans {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
	}
	for _, b := range build {
		if err := t.buildDirIndex(b); err != nil {
			return err
		}
		d.log.Info("built dir index", "drive", d.root, "bucket", b)
	}
	if err := stampDirIndex(tx); err != nil {
		return err
	}
	return tx.Bucket([]byte(bktDirIndex)).Put([]byte(dirIndexFormatKey), []byte(dirIndexFormat))
}

// scanDirIndex answers a "/"-delimited scan of live keys from the dir index
// when it can: when the level being listed (the dir holding opts.Prefix)
// has no live key of its own, every entry of the page is a common prefix
// found in the index. ok is false when the records must be scanned instead:
// the level has live keys of its own, the scan starts inside a sub-prefix,
// or an entry cannot be read. dir is the index entry of that level (nil
// when there is none, that is when nothing under it is live).
func scanDirIndex(c cursor, dir []byte, opts ScanOptions) (entries []Entry, more, ok bool) {
	p0 := levelOf(opts.Prefix)
	if dirDepth(p0) >= maxDirDepth { // its sub-prefixes are not indexed
		return nil, false, false
	}
	start := max(opts.Start, opts.Prefix)
	if !strings.HasPrefix(start, opts.Prefix) {
		return nil, false, true // past every key under the prefix
	}
	if strings.IndexByte(start[len(p0):], '/') >= 0 {
		return nil, false, false
	}
	if dir == nil {
		return nil, false, true
	}
	if lvl, good := decodeDirCounts(dir); !good || lvl.direct > 0 {
		return nil, false, false
	}
	pfx := dirKey(opts.Prefix)
	k, v := c.Seek(dirKey(start))
	for k != nil && bytes.HasPrefix(k, pfx) {
		d := k[1:]
		if len(d) == len(p0) { // the level's own entry
			k, v = c.Next()
			continue
		}
		if opts.Limit > 0 && len(entries) >= opts.Limit {
			return entries, true, true
		}
		cnt, good := decodeDirCounts(v)
		if !good {
			return nil, false, false
		}
		child := d[:len(p0)+bytes.IndexByte(d[len(p0):], '/')+1]
		if cnt.live > 0 {
			entries = append(entries, Entry{Key: string(child), Prefix: true})
		}
		childKey := dirKey(string(child))
		if k, v = c.Next(); k != nil && bytes.HasPrefix(k, childKey) {
			end := PrefixEnd(string(child))
			if end == "" {
				return entries, false, true
			}
			k, v = c.Seek(dirKey(end))
		}
	}
	return entries, false, true
}
