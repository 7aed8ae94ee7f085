package storage

import (
	"time"
)

// ConfigKind names a per-bucket configuration document.
type ConfigKind string

// The configuration documents a bucket can carry.
const (
	ConfigVersioning   ConfigKind = "versioning"
	ConfigPolicy       ConfigKind = "policy"
	ConfigTagging      ConfigKind = "tagging"
	ConfigLifecycle    ConfigKind = "lifecycle"
	ConfigEncryption   ConfigKind = "encryption"
	ConfigObjectLock   ConfigKind = "object-lock"
	ConfigNotification ConfigKind = "notification"
	ConfigReplication  ConfigKind = "replication"
	ConfigCORS         ConfigKind = "cors"
	ConfigACL          ConfigKind = "acl"
	// ConfigOwnership holds the bucket's object ownership controls.
	ConfigOwnership ConfigKind = "ownership-controls"
	// ConfigPublicAccessBlock holds the bucket's public access block.
	ConfigPublicAccessBlock ConfigKind = "public-access-block"
)

// ConfigKinds lists every ConfigKind, for validation and tests.
func ConfigKinds() []ConfigKind {
	return []ConfigKind{ConfigVersioning, ConfigPolicy, ConfigTagging, ConfigLifecycle,
		ConfigEncryption, ConfigObjectLock, ConfigNotification, ConfigReplication, ConfigCORS, ConfigACL,
		ConfigOwnership, ConfigPublicAccessBlock}
}

// Storage classes accepted in PutOptions.StorageClass.
const (
	StorageClassStandard = "STANDARD"
	StorageClassRRS      = "REDUCED_REDUNDANCY"
)

// VersioningState tells a write how to assign version IDs.
type VersioningState int

// Versioning states of a bucket, as the S3 layer reads them from its configuration.
const (
	// VersioningUnset: writes replace the null version.
	VersioningUnset VersioningState = iota
	// VersioningEnabled: every write creates a new, generated version ID.
	VersioningEnabled
	// VersioningSuspended: writes replace the null version, older versions stay.
	VersioningSuspended
)

// BucketInfo describes a bucket.
type BucketInfo struct {
	Name       string
	Created    time.Time
	ObjectLock bool
}

// MakeBucketOptions tunes MakeBucket.
type MakeBucketOptions struct {
	Region     string
	ObjectLock bool
}

// DeleteBucketOptions tunes DeleteBucket.
type DeleteBucketOptions struct {
	// Force removes a non-empty bucket with everything in it.
	Force bool
}

// ObjectInfo is the metadata of one object version.
type ObjectInfo struct {
	Bucket       string
	Key          string
	VersionID    string // NullVersionID for unversioned writes
	IsLatest     bool
	DeleteMarker bool
	Size         int64
	ETag         string // hex, without quotes; "<md5>-<parts>" for multipart
	ModTime      time.Time
	ContentType  string
	StorageClass string
	// Metadata holds user metadata (x-amz-meta-*, lower-case) and the stored
	// standard headers (content-encoding, cache-control, ...), keyed lower-case.
	Metadata map[string]string
	// Internal holds server-side state never shown to clients as is
	// (sealed SSE keys, tags, retention); keys are owned by the layer writing them.
	Internal map[string]string
	// Checksums maps an algorithm (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) to its base64 value.
	Checksums map[string]string
	// ChecksumType is FULL_OBJECT or COMPOSITE when Checksums is set.
	ChecksumType string
	// Parts lists the parts of a multipart object, in order.
	Parts []ObjectPart
}

// ObjectPart is one part of a completed multipart object.
type ObjectPart struct {
	Number    int
	Size      int64
	ETag      string
	Checksums map[string]string
}

// Range is an HTTP byte range before it is resolved against the object size.
// Exactly one form is used: Start..End (End -1 for open), or SuffixLength > 0.
type Range struct {
	Start        int64
	End          int64
	SuffixLength int64
}

// Resolve returns the offset and length of r within an object of size bytes,
// or ErrInvalidRange when it cannot be satisfied.
func (r Range) Resolve(size int64) (offset, length int64, err error) {
	switch {
	case r.SuffixLength > 0:
		if size == 0 {
			return 0, 0, ErrInvalidRange
		}
		if r.SuffixLength > size {
			return 0, size, nil
		}
		return size - r.SuffixLength, r.SuffixLength, nil
	case r.Start < 0 || r.Start >= size:
		return 0, 0, ErrInvalidRange
	case r.End < 0 || r.End >= size:
		return r.Start, size - r.Start, nil
	case r.End < r.Start:
		return 0, 0, ErrInvalidRange
	}
	return r.Start, r.End - r.Start + 1, nil
}

// PutOptions tunes PutObject and NewMultipartUpload.
type PutOptions struct {
	ContentType  string
	Metadata     map[string]string
	Internal     map[string]string
	StorageClass string // "" means STANDARD
	Versioning   VersioningState
	// ContentMD5, when set, must equal the MD5 of the body (ErrBadDigest).
	ContentMD5 []byte
	// NoMD5 spares the store hashing the body: the ETag is left empty for
	// PreCommit to set (an encrypting caller hashes the plaintext itself, or
	// gives the object an ETag that is no digest). ContentMD5 is then ignored.
	NoMD5 bool
	// IfMatch requires the current latest version to have this ETag.
	IfMatch string
	// IfNoneMatch ("*") requires that no current latest version exists.
	IfNoneMatch bool
	// PreCommit runs after the whole body was read and stored but before it
	// becomes visible, with Size and ETag filled in. It may fill Checksums,
	// ChecksumType, Metadata or Internal; an error aborts the write and is returned.
	PreCommit func(info *ObjectInfo) error
	// ModTime overrides the modification time (replication, tests); zero means now.
	ModTime time.Time
}

// GetOptions tunes GetObject and StatObject.
type GetOptions struct {
	VersionID string
	// PartNumber selects one part of a multipart object (or 1 for a plain one).
	PartNumber int
	// Precondition runs on the resolved version before any data is read; its
	// error is returned as is (ErrPreconditionFailed, ErrNotModified, ...).
	Precondition func(ObjectInfo) error
}

// DeleteOptions tunes DeleteObject.
type DeleteOptions struct {
	VersionID  string
	Versioning VersioningState
	// Precondition runs on the version about to be removed, if one exists.
	Precondition func(ObjectInfo) error
}

// UpdateMetadataOptions tunes UpdateObjectMetadata.
type UpdateMetadataOptions struct {
	VersionID string
	// Update receives a copy of the current info and edits ContentType,
	// Metadata, Internal and StorageClass in place; other fields are ignored.
	Update func(info *ObjectInfo) error
}

// ListOptions selects a page of ListObjects.
type ListOptions struct {
	Prefix    string
	Delimiter string
	// Marker is exclusive: the page starts after it (ListObjects V1 marker,
	// V2 start-after or the decoded continuation token).
	Marker  string
	MaxKeys int // 0 means MaxListKeys; larger values are capped
}

// ListResult is one page of ListObjects.
type ListResult struct {
	Objects        []ObjectInfo
	CommonPrefixes []string
	IsTruncated    bool
	// NextMarker is the last key or common prefix returned, set when truncated.
	NextMarker string
}

// ListVersionsOptions selects a page of ListObjectVersions.
type ListVersionsOptions struct {
	Prefix          string
	Delimiter       string
	KeyMarker       string
	VersionIDMarker string
	MaxKeys         int
}

// ListVersionsResult is one page of ListObjectVersions.
type ListVersionsResult struct {
	Versions            []ObjectInfo // delete markers have DeleteMarker set
	CommonPrefixes      []string
	IsTruncated         bool
	NextKeyMarker       string
	NextVersionIDMarker string
}

// PartOptions tunes PutObjectPart.
type PartOptions struct {
	ContentMD5 []byte
	// NoMD5 is PutOptions.NoMD5 for a part.
	NoMD5     bool
	PreCommit func(info *PartInfo) error
}

// PartInfo describes an uploaded part.
type PartInfo struct {
	Number    int
	Size      int64
	ETag      string
	ModTime   time.Time
	Checksums map[string]string
}

// CompletePart names a part in CompleteMultipartUpload.
type CompletePart struct {
	Number    int
	ETag      string // quotes are ignored
	Checksums map[string]string
}

// CompleteOptions tunes CompleteMultipartUpload.
type CompleteOptions struct {
	Versioning  VersioningState
	IfMatch     string
	IfNoneMatch bool
	// PreCommit runs before the object becomes visible, as in PutOptions.
	PreCommit func(info *ObjectInfo) error
}

// ListPartsOptions selects a page of ListObjectParts.
type ListPartsOptions struct {
	PartNumberMarker int
	MaxParts         int // 0 means 1000
}

// ListPartsResult is one page of ListObjectParts.
type ListPartsResult struct {
	Parts                []PartInfo
	IsTruncated          bool
	NextPartNumberMarker int
	// Upload carries the metadata given at NewMultipartUpload.
	Upload UploadInfo
}

// UploadInfo describes an in-progress multipart upload.
type UploadInfo struct {
	Key          string
	UploadID     string
	Initiated    time.Time
	StorageClass string
	ContentType  string
	Metadata     map[string]string
	Internal     map[string]string
}

// ListUploadsOptions selects a page of ListMultipartUploads.
type ListUploadsOptions struct {
	Prefix         string
	Delimiter      string
	KeyMarker      string
	UploadIDMarker string
	MaxUploads     int
}

// ListUploadsResult is one page of ListMultipartUploads.
type ListUploadsResult struct {
	Uploads            []UploadInfo
	CommonPrefixes     []string
	IsTruncated        bool
	NextKeyMarker      string
	NextUploadIDMarker string
}
