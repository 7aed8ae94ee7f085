package erasure

import (
	"sync"

	"github.com/silo-project/silo/storage"
)

// bucketCache remembers facts about buckets that only this process
// changes, so that a request does not read every drive to learn them
// again. Entries are keyed by bucket and a sub-key; forget(bucket) drops
// all of a bucket's entries and is called before and after every change
// to them (under the bucket's lock). A read that raced with a change must
// not insert a stale entry afterwards: inserts carry the generation
// read before the read and are dropped when a forget happened since.
type bucketCache[S comparable, V any] struct {
	mu  sync.Mutex
	gen uint64
	m   map[bucketCacheKey[S]]V
}

type bucketCacheKey[S comparable] struct {
	bucket string
	sub    S
}

// lookup returns the cached value, whether there is one, and the
// generation to pass to add after a read.
func (c *bucketCache[S, V]) lookup(bucket string, sub S) (v V, ok bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok = c.m[bucketCacheKey[S]{bucket, sub}]
	return v, ok, c.gen
}

// add caches v, unless forget ran since gen.
func (c *bucketCache[S, V]) add(bucket string, sub S, v V, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.m == nil {
		c.m = map[bucketCacheKey[S]]V{}
	}
	c.m[bucketCacheKey[S]{bucket, sub}] = v
}

// forget drops every entry of bucket and invalidates reads in flight.
func (c *bucketCache[S, V]) forget(bucket string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k := range c.m {
		if k.bucket == bucket {
			delete(c.m, k)
		}
	}
}

// knownBuckets remembers which (bucket, set) pairs a checkBucket found, so
// that a PUT does not read four drives to learn again that its bucket
// exists (a read transaction per drive was about 5% of a 4 KiB PUT's CPU).
// Only "exists" is cached; DeleteBucket forgets the bucket before and
// after it deletes.
//
// The cache only saves the early check: the commit itself still refuses a
// record in a bucket missing on the drive (PutRecord), exactly as when a
// delete lands between check and commit without the cache.
type knownBuckets = bucketCache[int, struct{}]

// bucketConfigs remembers the quorum answer of GetBucketConfig per bucket
// and kind: a document, or that there is none (storage.ErrConfigNotFound).
// A PUT asks for the versioning and encryption documents, other requests
// for policy, ownership or object lock; each answer read two transactions
// on every drive (bucket and document), about 11% of the CPU of a 4 KiB
// PUT through HTTP. writeConfig, DeleteBucket and an undone MakeBucket
// forget the bucket. Errors other than "no document" are never cached.
type bucketConfigs = bucketCache[storage.ConfigKind, []byte]
