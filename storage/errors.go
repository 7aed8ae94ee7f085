package storage

import (
	"errors"
	"fmt"
)

// Sentinel errors. Implementations wrap them (usually in *Error) and callers
// test with errors.Is; api/s3err maps each to exactly one S3 error code.
var (
	// ErrBucketNotFound is returned by any call naming a bucket that does not exist.
	ErrBucketNotFound = errors.New("bucket not found")
	// ErrBucketExists is returned by MakeBucket when the bucket already exists.
	ErrBucketExists = errors.New("bucket already exists")
	// ErrBucketNotEmpty is returned by DeleteBucket when the bucket still holds
	// objects, versions, delete markers or multipart uploads and Force is unset.
	ErrBucketNotEmpty = errors.New("bucket not empty")
	// ErrInvalidBucketName is returned when a bucket name breaks the S3 naming rules.
	ErrInvalidBucketName = errors.New("invalid bucket name")
	// ErrInvalidObjectName is returned when a key is empty, longer than 1024
	// bytes, not valid UTF-8, contains NUL or a ".." path segment.
	ErrInvalidObjectName = errors.New("invalid object name")
	// ErrObjectNotFound is returned when no version of a key exists, or the
	// latest version is a delete marker and no version ID was asked for.
	ErrObjectNotFound = errors.New("object not found")
	// ErrVersionNotFound is returned when a requested version ID does not exist.
	ErrVersionNotFound = errors.New("version not found")
	// ErrMethodNotAllowed is returned when a request names a version that is a
	// delete marker in an operation that needs data (GET/HEAD of that version).
	ErrMethodNotAllowed = errors.New("method not allowed on a delete marker")
	// ErrInvalidVersionID is returned when a version ID is malformed.
	ErrInvalidVersionID = errors.New("invalid version id")
	// ErrInvalidRange is returned by GetObject when the range cannot be satisfied.
	ErrInvalidRange = errors.New("requested range not satisfiable")
	// ErrInvalidPartNumber is returned when a part number is outside the object's parts or 1..10000.
	ErrInvalidPartNumber = errors.New("invalid part number")
	// ErrPreconditionFailed is returned when a conditional put (IfMatch,
	// IfNoneMatch) or a caller's Precondition check refuses the operation.
	ErrPreconditionFailed = errors.New("precondition failed")
	// ErrNotModified is returned by a Precondition callback to signal 304.
	ErrNotModified = errors.New("not modified")
	// ErrBadDigest is returned when the body does not match PutOptions.ContentMD5.
	ErrBadDigest = errors.New("content md5 mismatch")
	// ErrIncompleteBody is returned when the body is shorter than the declared size.
	ErrIncompleteBody = errors.New("incomplete body")
	// ErrEntityTooLarge is returned when the body is longer than the declared size or the limit.
	ErrEntityTooLarge = errors.New("entity too large")
	// ErrNoSuchUpload is returned for an unknown or finished multipart upload ID.
	ErrNoSuchUpload = errors.New("no such upload")
	// ErrInvalidPart is returned by CompleteMultipartUpload when a listed part
	// was not uploaded or its ETag does not match.
	ErrInvalidPart = errors.New("invalid part")
	// ErrInvalidPartOrder is returned when completed parts are not in ascending order.
	ErrInvalidPartOrder = errors.New("invalid part order")
	// ErrEntityTooSmall is returned when a part other than the last is below MinPartSize.
	ErrEntityTooSmall = errors.New("part too small")
	// ErrConfigNotFound is returned by GetBucketConfig when no document of that kind is stored.
	ErrConfigNotFound = errors.New("bucket configuration not found")
	// ErrInvalidStorageClass is returned for a storage class the deployment cannot honour.
	ErrInvalidStorageClass = errors.New("invalid storage class")
	// ErrWriteQuorum is returned when fewer drives than the write quorum
	// acknowledged a write; the write has been undone.
	ErrWriteQuorum = errors.New("write quorum not reached")
	// ErrReadQuorum is returned when fewer drives than the read quorum answered
	// consistently, so no trustworthy answer can be given.
	ErrReadQuorum = errors.New("read quorum not reached")
	// ErrDriveFaulty is returned for a drive that is offline, foreign or corrupt.
	ErrDriveFaulty = errors.New("drive faulty")
)

// Error carries the operation and names with a sentinel. Unwrap exposes Err.
type Error struct {
	Op     string
	Bucket string
	Key    string
	Err    error
}

func (e *Error) Error() string {
	switch {
	case e.Key != "":
		return fmt.Sprintf("%s %s/%s: %v", e.Op, e.Bucket, e.Key, e.Err)
	case e.Bucket != "":
		return fmt.Sprintf("%s %s: %v", e.Op, e.Bucket, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Op, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
