package storage

import (
	"context"
	"io"
)

// Limits shared by every implementation and by the S3 layer.
const (
	// MaxObjectSize is the largest object a single PUT may create (5 TiB).
	MaxObjectSize = 5 << 40
	// MinPartSize is the smallest part allowed except the last one (5 MiB).
	MinPartSize = 5 << 20
	// MaxPartNumber is the highest multipart part number.
	MaxPartNumber = 10000
	// MaxKeyLength is the longest object key in bytes.
	MaxKeyLength = 1024
	// MaxListKeys is the most entries one listing page returns.
	MaxListKeys = 1000
	// NullVersionID is the version ID of objects written while versioning is
	// off or suspended. It is never generated for a versioned write.
	NullVersionID = "null"
)

// BucketStore creates, inspects and removes buckets.
type BucketStore interface {
	// MakeBucket creates bucket. It returns ErrInvalidBucketName or ErrBucketExists.
	MakeBucket(ctx context.Context, bucket string, opts MakeBucketOptions) error
	// GetBucketInfo returns ErrBucketNotFound when bucket does not exist.
	GetBucketInfo(ctx context.Context, bucket string) (BucketInfo, error)
	// ListBuckets returns every bucket sorted by name.
	ListBuckets(ctx context.Context) ([]BucketInfo, error)
	// DeleteBucket returns ErrBucketNotFound, or ErrBucketNotEmpty unless opts.Force.
	DeleteBucket(ctx context.Context, bucket string, opts DeleteBucketOptions) error
}

// ObjectStore reads and writes whole objects.
type ObjectStore interface {
	// PutObject stores r as the new content of key. size is the exact length
	// or -1 when unknown. The body is consumed to EOF and verified (size,
	// ContentMD5, PreCommit) before anything becomes visible; any read error
	// aborts the write and is returned wrapped. Errors: ErrBucketNotFound,
	// ErrInvalidObjectName, ErrIncompleteBody, ErrEntityTooLarge, ErrBadDigest,
	// ErrPreconditionFailed, ErrInvalidStorageClass, ErrWriteQuorum.
	PutObject(ctx context.Context, bucket, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error)
	// GetObject returns the content of the version asked for (latest when
	// opts.VersionID is empty), limited to rng when it is non-nil. The caller
	// closes the reader; a corrupt shard found while reading is repaired from
	// parity transparently. Errors: ErrBucketNotFound, ErrObjectNotFound,
	// ErrVersionNotFound, ErrMethodNotAllowed, ErrInvalidRange,
	// ErrInvalidPartNumber, ErrReadQuorum, or what opts.Precondition returns.
	GetObject(ctx context.Context, bucket, key string, rng *Range, opts GetOptions) (io.ReadCloser, ObjectInfo, error)
	// StatObject returns the metadata GetObject would, without data. When the
	// version asked for is a delete marker the info is returned together
	// with ErrObjectNotFound (latest) or ErrMethodNotAllowed (by version ID).
	StatObject(ctx context.Context, bucket, key string, opts GetOptions) (ObjectInfo, error)
	// DeleteObject removes a version or, on a versioned bucket without a
	// version ID, adds a delete marker. It returns what was removed or
	// created (DeleteMarker set for a marker). Deleting a missing key is not
	// an error on an unversioned bucket (S3 semantics). Errors:
	// ErrBucketNotFound, ErrInvalidVersionID, ErrWriteQuorum.
	DeleteObject(ctx context.Context, bucket, key string, opts DeleteOptions) (ObjectInfo, error)
	// UpdateObjectMetadata replaces the user metadata of an existing version
	// in place (CopyObject onto itself, tagging). Errors as StatObject plus ErrWriteQuorum.
	UpdateObjectMetadata(ctx context.Context, bucket, key string, opts UpdateMetadataOptions) (ObjectInfo, error)
}

// Lister enumerates keys and versions in key order.
type Lister interface {
	// ListObjects returns one page of latest, non-deleted versions. Its cost
	// grows with the page, not with the bucket. Errors: ErrBucketNotFound.
	ListObjects(ctx context.Context, bucket string, opts ListOptions) (ListResult, error)
	// ListObjectVersions returns one page of all versions and delete markers,
	// newest first within a key. Errors: ErrBucketNotFound, ErrInvalidVersionID.
	ListObjectVersions(ctx context.Context, bucket string, opts ListVersionsOptions) (ListVersionsResult, error)
}

// MultipartStore implements S3 multipart uploads.
type MultipartStore interface {
	// NewMultipartUpload starts an upload; opts carries the final object's metadata.
	NewMultipartUpload(ctx context.Context, bucket, key string, opts PutOptions) (uploadID string, err error)
	// PutObjectPart stores one part (replacing an earlier part of that number).
	// Errors: ErrNoSuchUpload, ErrInvalidPartNumber and PutObject's body errors.
	PutObjectPart(ctx context.Context, bucket, key, uploadID string, partNumber int, r io.Reader, size int64, opts PartOptions) (PartInfo, error)
	// ListObjectParts returns a page of uploaded parts. Errors: ErrNoSuchUpload.
	ListObjectParts(ctx context.Context, bucket, key, uploadID string, opts ListPartsOptions) (ListPartsResult, error)
	// CompleteMultipartUpload assembles parts into the object atomically.
	// Errors: ErrNoSuchUpload, ErrInvalidPart, ErrInvalidPartOrder,
	// ErrEntityTooSmall, ErrPreconditionFailed, ErrWriteQuorum.
	CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []CompletePart, opts CompleteOptions) (ObjectInfo, error)
	// AbortMultipartUpload discards an upload and its parts. Errors: ErrNoSuchUpload.
	AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error
	// ListMultipartUploads returns a page of in-progress uploads in key then initiation order.
	ListMultipartUploads(ctx context.Context, bucket string, opts ListUploadsOptions) (ListUploadsResult, error)
}

// BucketConfigStore keeps per-bucket configuration documents opaquely.
type BucketConfigStore interface {
	// GetBucketConfig returns ErrBucketNotFound, ErrConfigNotFound, or
	// ErrReadQuorum when too few drives answered to tell.
	GetBucketConfig(ctx context.Context, bucket string, kind ConfigKind) ([]byte, error)
	// PutBucketConfig replaces the document of that kind. Errors: ErrBucketNotFound, ErrWriteQuorum.
	PutBucketConfig(ctx context.Context, bucket string, kind ConfigKind, doc []byte) error
	// DeleteBucketConfig removes it; removing a missing document is not an error.
	DeleteBucketConfig(ctx context.Context, bucket string, kind ConfigKind) error
}

// Store is everything the S3 layer needs from a backend.
type Store interface {
	BucketStore
	ObjectStore
	Lister
	MultipartStore
	BucketConfigStore
	// Close flushes and releases the drives.
	Close() error
}
