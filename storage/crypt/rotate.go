package crypt

import (
	"context"
	"errors"
	"fmt"

	"github.com/silo-project/silo/storage"
)

// ErrNotRotatable reports an object whose key is not under a master key
// (SSE-C, or stored in the clear): rotation leaves it alone.
var ErrNotRotatable = errors.New("crypt: the object is not sealed under a KMS master key")

// Rekey re-seals the object key of bucket/object under a fresh data key of
// the master key newKey ("" is the default key): the object data, sealed
// under the unchanged object key, stays as it is. SSE-KMS objects then
// report newKey as their key id. Errors: ErrNotRotatable for SSE-C, k's
// errors wrapped (the old key must still decrypt), ErrCorrupt.
func (s Sealed) Rekey(ctx context.Context, k KMS, bucket, object, newKey string) (Sealed, error) {
	if s.Method != MethodS3 && s.Method != MethodKMS {
		return s, ErrNotRotatable
	}
	ok, err := s.ObjectKey(ctx, k, nil, bucket, object)
	if err != nil {
		return s, err
	}
	dek, err := k.GenerateKey(ctx, newKey, kmsContextFor(s.Context, bucket, object))
	if err != nil {
		return s, fmt.Errorf("crypt: generate data key: %w", err)
	}
	if len(dek.Plaintext) != KeySize {
		return s, fmt.Errorf("crypt: data key of %d bytes: %w", len(dek.Plaintext), ErrCorrupt)
	}
	sealed, err := seal(kek(dek.Plaintext, s.Method, bucket, object), ok[:])
	if err != nil {
		return s, err
	}
	out := s
	out.SealedKey, out.DataKey, out.KMSKey = sealed, dek.Ciphertext, dek.KeyID
	if out.KMSKey == "" {
		out.KMSKey = newKey
	}
	if out.KMSKey == "" {
		out.KMSKey = k.DefaultKey()
	}
	if s.Method == MethodKMS {
		out.KeyID = out.KMSKey
	}
	return out, nil
}

// RotateStore is what Rotate needs from the storage layer.
type RotateStore interface {
	ListBuckets(ctx context.Context) ([]storage.BucketInfo, error)
	ListObjectVersions(ctx context.Context, bucket string, opts storage.ListVersionsOptions) (storage.ListVersionsResult, error)
	UpdateObjectMetadata(ctx context.Context, bucket, key string, opts storage.UpdateMetadataOptions) (storage.ObjectInfo, error)
}

// RotateOptions selects the objects Rotate re-seals.
type RotateOptions struct {
	// Bucket limits rotation to one bucket ("" is every bucket).
	Bucket string
	// Prefix limits rotation to keys with this prefix.
	Prefix string
	// OldKey re-seals only objects under this master key ("" is any).
	OldKey string
	// NewKey is the master key to re-seal under ("" is the default key).
	NewKey string
}

// RotateResult counts what Rotate did.
type RotateResult struct {
	Rotated int      `json:"rotated"` // object versions re-sealed
	Skipped int      `json:"skipped"` // versions in the clear, SSE-C, or under another key
	Failed  int      `json:"failed"`
	Errors  []string `json:"errors,omitempty"` // the first failures, "bucket/key: error"
}

// maxRotateErrors bounds RotateResult.Errors.
const maxRotateErrors = 20

// Rotate re-seals the object keys of every version selected by opts under
// the master key opts.NewKey (see Rekey), one version at a time, in place:
// each change is made under the version's lock by UpdateObjectMetadata, so
// a concurrent overwrite is never undone. A version that fails is counted
// and rotation goes on; the error returned is only for a listing failure
// or ctx ending.
func Rotate(ctx context.Context, st RotateStore, k KMS, opts RotateOptions) (RotateResult, error) {
	var res RotateResult
	if k == nil {
		return res, ErrNoKMS
	}
	buckets := []string{opts.Bucket}
	if opts.Bucket == "" {
		bs, err := st.ListBuckets(ctx)
		if err != nil {
			return res, err
		}
		buckets = buckets[:0]
		for _, b := range bs {
			buckets = append(buckets, b.Name)
		}
	}
	for _, bucket := range buckets {
		lo := storage.ListVersionsOptions{Prefix: opts.Prefix}
		for {
			page, err := st.ListObjectVersions(ctx, bucket, lo)
			if err != nil {
				return res, fmt.Errorf("crypt: rotate: list %s: %w", bucket, err)
			}
			for _, v := range page.Versions {
				if err := ctx.Err(); err != nil {
					return res, err
				}
				if v.DeleteMarker {
					continue
				}
				rotateVersion(ctx, st, k, opts, bucket, v, &res)
			}
			if !page.IsTruncated {
				break
			}
			lo.KeyMarker, lo.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
		}
	}
	return res, nil
}

// errSkip leaves a version unchanged without counting a failure.
var errSkip = errors.New("skip")

func rotateVersion(ctx context.Context, st RotateStore, k KMS, opts RotateOptions, bucket string, v storage.ObjectInfo, res *RotateResult) {
	_, err := st.UpdateObjectMetadata(ctx, bucket, v.Key, storage.UpdateMetadataOptions{
		VersionID: v.VersionID,
		Update: func(info *storage.ObjectInfo) error {
			s, sealed, err := Parse(info.Internal)
			if err != nil {
				return err
			}
			if !sealed || (s.Method != MethodS3 && s.Method != MethodKMS) || (opts.OldKey != "" && s.KMSKey != opts.OldKey) {
				return errSkip
			}
			rekeyed, err := s.Rekey(ctx, k, bucket, v.Key, opts.NewKey)
			if err != nil {
				return err
			}
			Clear(info.Internal)
			rekeyed.Store(info.Internal)
			return nil
		},
	})
	switch {
	case err == nil:
		res.Rotated++
	case errors.Is(err, errSkip):
		res.Skipped++
	default:
		res.Failed++
		if len(res.Errors) < maxRotateErrors {
			res.Errors = append(res.Errors, fmt.Sprintf("%s/%s (version %s): %v", bucket, v.Key, v.VersionID, err))
		}
	}
}
