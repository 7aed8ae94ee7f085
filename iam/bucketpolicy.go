package iam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/silo-project/silo/iam/policy"
	"github.com/silo-project/silo/storage"
)

// ErrNoSuchBucketPolicy is returned by BucketPolicy when the bucket has none.
var ErrNoSuchBucketPolicy = errors.New("the bucket policy does not exist")

// BucketPolicyStore keeps bucket policy documents (storage.ConfigPolicy);
// every storage.Store implements it.
type BucketPolicyStore interface {
	GetBucketConfig(ctx context.Context, bucket string, kind storage.ConfigKind) ([]byte, error)
	PutBucketConfig(ctx context.Context, bucket string, kind storage.ConfigKind, doc []byte) error
	DeleteBucketConfig(ctx context.Context, bucket string, kind storage.ConfigKind) error
}

// bucketPolicies caches parsed bucket policies in front of the store.
type bucketPolicies struct {
	store BucketPolicyStore
	mu    sync.RWMutex
	cache map[string]*policy.Policy // nil value: the bucket has no policy
	// gen counts invalidations, so that a read racing with a change never
	// caches the old document.
	gen uint64
}

func newBucketPolicies(store BucketPolicyStore) *bucketPolicies {
	return &bucketPolicies{store: store, cache: map[string]*policy.Policy{}}
}

// get returns bucket's parsed policy, nil when it has none (or the bucket
// does not exist).
func (b *bucketPolicies) get(ctx context.Context, bucket string) (*policy.Policy, error) {
	if b.store == nil || bucket == "" {
		return nil, nil
	}
	b.mu.RLock()
	p, ok := b.cache[bucket]
	gen := b.gen
	b.mu.RUnlock()
	if ok {
		return p, nil
	}
	doc, err := b.store.GetBucketConfig(ctx, bucket, storage.ConfigPolicy)
	switch {
	case errors.Is(err, storage.ErrBucketNotFound), errors.Is(err, storage.ErrConfigNotFound):
		// Cached too: creating the bucket calls ForgetBucket.
		p = nil
	case err != nil:
		return nil, fmt.Errorf("iam: bucket policy of %q: %w", bucket, err)
	default:
		if p, err = policy.ParseBucketPolicy(doc, bucket); err != nil {
			return nil, fmt.Errorf("iam: stored bucket policy of %q: %w", bucket, err)
		}
	}
	b.mu.Lock()
	if b.gen == gen {
		b.cache[bucket] = p
	}
	b.mu.Unlock()
	return p, nil
}

func (b *bucketPolicies) forget(bucket string) {
	b.mu.Lock()
	delete(b.cache, bucket)
	b.gen++
	b.mu.Unlock()
}

// SetBucketPolicy validates and stores bucket's policy. Errors wrap
// policy.ErrMalformedPolicy or the store's errors (storage.ErrBucketNotFound).
func (s *System) SetBucketPolicy(ctx context.Context, bucket string, doc []byte) error {
	if s.bucket.store == nil {
		return fmt.Errorf("iam: no bucket policy store: %w", ErrInvalidArgument)
	}
	if _, err := policy.ParseBucketPolicy(doc, bucket); err != nil {
		return err
	}
	defer s.bucket.forget(bucket)
	return s.bucket.store.PutBucketConfig(ctx, bucket, storage.ConfigPolicy, slices.Clone(doc))
}

// BucketPolicy returns bucket's policy document. Errors:
// ErrNoSuchBucketPolicy, storage.ErrBucketNotFound.
func (s *System) BucketPolicy(ctx context.Context, bucket string) ([]byte, error) {
	if s.bucket.store == nil {
		return nil, ErrNoSuchBucketPolicy
	}
	doc, err := s.bucket.store.GetBucketConfig(ctx, bucket, storage.ConfigPolicy)
	if errors.Is(err, storage.ErrConfigNotFound) {
		return nil, fmt.Errorf("bucket %q: %w", bucket, ErrNoSuchBucketPolicy)
	}
	return doc, err
}

// DeleteBucketPolicy removes bucket's policy; removing none is not an error.
func (s *System) DeleteBucketPolicy(ctx context.Context, bucket string) error {
	if s.bucket.store == nil {
		return nil
	}
	defer s.bucket.forget(bucket)
	return s.bucket.store.DeleteBucketConfig(ctx, bucket, storage.ConfigPolicy)
}

// ForgetBucket drops what is cached about bucket; the S3 layer calls it
// when a bucket is created or deleted.
func (s *System) ForgetBucket(bucket string) { s.bucket.forget(bucket) }

// BucketPolicyIsPublic reports whether bucket's policy is public as S3
// Block Public Access judges it (policy.Policy.IsPublic): for
// GetBucketPolicyStatus, BlockPublicPolicy and RestrictPublicBuckets.
func (s *System) BucketPolicyIsPublic(ctx context.Context, bucket string) (bool, error) {
	p, err := s.bucket.get(ctx, bucket)
	if err != nil || p == nil {
		return false, err
	}
	return p.IsPublic(), nil
}
