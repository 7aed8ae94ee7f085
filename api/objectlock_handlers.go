package api

import (
	"bytes"
	"errors"
	"net/http"
	"time"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/objectlock"
	"github.com/silo-project/silo/storage"
)

// enableObjectLock turns object lock on for a new bucket: versioning
// Enabled (for good) and an ObjectLockConfiguration without default
// retention.
func (s *server) enableObjectLock(c *call, bucket string) error {
	doc, err := s3xml.Marshal(s3xml.VersioningConfiguration{Status: "Enabled"})
	if err != nil {
		return err
	}
	if err := s.store.PutBucketConfig(c.ctx, bucket, storage.ConfigVersioning, doc); err != nil {
		return err
	}
	return s.putBucketLock(c, bucket, s3xml.ObjectLockConfiguration{ObjectLockEnabled: "Enabled"})
}

// getObjectLockConfiguration serves GetObjectLockConfiguration.
func (s *server) getObjectLockConfiguration(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	cfg, ok, err := s.bucketLock(c, c.op.Bucket)
	if err != nil {
		return err
	}
	if !ok {
		return s3err.New(s3err.ObjectLockConfigurationNotFoundError, "")
	}
	return s.writeXML(c.w, http.StatusOK, cfg)
}

// putObjectLockConfiguration serves PutObjectLockConfiguration: it sets the
// default retention, and enables object lock on an existing bucket whose
// versioning is Enabled (InvalidBucketState otherwise).
func (s *server) putObjectLockConfiguration(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	body, err := s.readConfigBody(c, true)
	if err != nil {
		return err
	}
	cfg, err := s3xml.DecodeObjectLockConfiguration(bytes.NewReader(body))
	if err != nil {
		return err
	}
	if _, enabled, err := s.bucketLock(c, c.op.Bucket); err != nil {
		return err
	} else if !enabled {
		vs, err := s.versioning(c, c.op.Bucket)
		if err != nil {
			return err
		}
		if vs != storage.VersioningEnabled {
			return s3err.New(s3err.InvalidBucketState, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
		}
	}
	if err := s.putBucketLock(c, c.op.Bucket, cfg); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// requireLock answers InvalidRequest unless the request's bucket has object lock.
func (s *server) requireLock(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	_, ok, err := s.bucketLock(c, c.op.Bucket)
	if err != nil {
		return err
	}
	if !ok {
		return errNoLockConfig()
	}
	return nil
}

// statVersion returns the version the request names (versionId), with S3's
// delete-marker answers.
func (s *server) statVersion(c *call) (storage.ObjectInfo, error) {
	info, err := s.store.StatObject(c.ctx, c.op.Bucket, c.op.Key, storage.GetOptions{VersionID: c.r.URL.Query().Get("versionId")})
	if err != nil {
		return info, deleteMarkerError(err, info)
	}
	return info, nil
}

// getObjectRetention serves GetObjectRetention.
func (s *server) getObjectRetention(c *call) error {
	if err := s.requireLock(c); err != nil {
		return err
	}
	info, err := s.statVersion(c)
	if err != nil {
		return err
	}
	r := objectlock.RetentionOf(info)
	if r.Mode == "" {
		return s3err.New(s3err.NoSuchObjectLockConfiguration, "")
	}
	writeVersionHeader(c.w, info.VersionID)
	return s.writeXML(c.w, http.StatusOK, s3xml.Retention{Mode: r.Mode, RetainUntilDate: r.Until.UTC().Format(lockDateFormat)})
}

// putObjectRetention serves PutObjectRetention: set, extend, or (GOVERNANCE
// with bypass only) shorten or remove the retention of a version, checked
// under the key's lock by checkRetentionChange.
func (s *server) putObjectRetention(c *call) error {
	if err := s.requireLock(c); err != nil {
		return err
	}
	body, err := s.readConfigBody(c, true)
	if err != nil {
		return err
	}
	ret, until, err := s3xml.DecodeRetention(bytes.NewReader(body))
	if err != nil {
		return err
	}
	now := time.Now()
	if ret.Mode != "" && !until.After(now) {
		return s3err.New(s3err.InvalidArgument, "The retain until date must be in the future!")
	}
	bypass := s.governanceBypass(c, c.op.Key)
	info, err := s.store.UpdateObjectMetadata(c.ctx, c.op.Bucket, c.op.Key, storage.UpdateMetadataOptions{
		VersionID: c.r.URL.Query().Get("versionId"),
		Update: func(info *storage.ObjectInfo) error {
			if err := objectlock.CheckRetentionChange(objectlock.RetentionOf(*info), ret.Mode, until, bypass, time.Now()); err != nil {
				return err
			}
			untilText := ""
			if ret.Mode != "" {
				untilText = until.UTC().Format(time.RFC3339Nano)
			}
			setInternal(&info.Internal, objectlock.InternalMode, ret.Mode)
			setInternal(&info.Internal, objectlock.InternalUntil, untilText)
			return nil
		}})
	if err != nil {
		return deleteMarkerError(err, info)
	}
	writeVersionHeader(c.w, info.VersionID)
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// getObjectLegalHold serves GetObjectLegalHold.
func (s *server) getObjectLegalHold(c *call) error {
	if err := s.requireLock(c); err != nil {
		return err
	}
	info, err := s.statVersion(c)
	if err != nil {
		return err
	}
	v := info.Internal[objectlock.InternalLegalHold]
	if v == "" {
		return s3err.New(s3err.NoSuchObjectLockConfiguration, "")
	}
	writeVersionHeader(c.w, info.VersionID)
	return s.writeXML(c.w, http.StatusOK, s3xml.LegalHold{Status: v})
}

// putObjectLegalHold serves PutObjectLegalHold (ON or OFF).
func (s *server) putObjectLegalHold(c *call) error {
	if err := s.requireLock(c); err != nil {
		return err
	}
	body, err := s.readConfigBody(c, true)
	if err != nil {
		return err
	}
	hold, err := s3xml.DecodeLegalHold(bytes.NewReader(body))
	if err != nil {
		return err
	}
	info, err := s.store.UpdateObjectMetadata(c.ctx, c.op.Bucket, c.op.Key, storage.UpdateMetadataOptions{
		VersionID: c.r.URL.Query().Get("versionId"),
		Update: func(info *storage.ObjectInfo) error {
			setInternal(&info.Internal, objectlock.InternalLegalHold, hold.Status)
			return nil
		}})
	if err != nil {
		return deleteMarkerError(err, info)
	}
	writeVersionHeader(c.w, info.VersionID)
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// emptyLockedBucket prepares the forced deletion of a bucket with object
// lock (locked reports whether it has it; nothing is done otherwise). It
// refuses while any version is locked (objectlock.Check on every version,
// no GOVERNANCE bypass) before deleting anything, then deletes each version
// itself, every one through objectlock.Check again under the key's lock,
// and aborts the multipart uploads. The caller then deletes the bucket
// without Force: a version written meanwhile makes that fail with
// BucketNotEmpty instead of being removed unchecked.
func (s *server) emptyLockedBucket(c *call) (locked bool, err error) {
	if _, locked, err = s.bucketLock(c, c.op.Bucket); err != nil || !locked {
		return locked, err
	}
	now := time.Now()
	err = s.eachVersion(c, func(v storage.ObjectInfo) error {
		if v.DeleteMarker {
			return nil
		}
		// Listings may omit Internal: read the version itself.
		info, err := s.store.StatObject(c.ctx, c.op.Bucket, v.Key, storage.GetOptions{VersionID: v.VersionID})
		if err != nil {
			return err
		}
		return objectlock.Check(info, false, now)
	})
	if err != nil {
		return true, err
	}
	// Delete from the start of the listing until it is empty: every page
	// deleted shortens it, and any failure ends the loop.
	for {
		res, err := s.store.ListObjectVersions(c.ctx, c.op.Bucket, storage.ListVersionsOptions{MaxKeys: storage.MaxListKeys})
		if err != nil {
			return true, err
		}
		if len(res.Versions) == 0 {
			return true, s.abortAllUploads(c)
		}
		for _, v := range res.Versions {
			_, err := s.store.DeleteObject(c.ctx, c.op.Bucket, v.Key, storage.DeleteOptions{VersionID: v.VersionID,
				Precondition: func(info storage.ObjectInfo) error { return objectlock.Check(info, false, time.Now()) }})
			if err != nil {
				return true, err
			}
		}
	}
}

// eachVersion calls fn on every version and delete marker of the bucket,
// a page at a time, stopping at the first error; fn must not delete.
func (s *server) eachVersion(c *call, fn func(storage.ObjectInfo) error) error {
	opts := storage.ListVersionsOptions{MaxKeys: storage.MaxListKeys}
	for {
		res, err := s.store.ListObjectVersions(c.ctx, c.op.Bucket, opts)
		if err != nil {
			return err
		}
		for _, v := range res.Versions {
			if err := fn(v); err != nil {
				return err
			}
		}
		if !res.IsTruncated {
			return nil
		}
		opts.KeyMarker, opts.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
	}
}

// abortAllUploads aborts every multipart upload in the bucket.
func (s *server) abortAllUploads(c *call) error {
	for {
		res, err := s.store.ListMultipartUploads(c.ctx, c.op.Bucket, storage.ListUploadsOptions{MaxUploads: 1000})
		if err != nil {
			return err
		}
		for _, u := range res.Uploads {
			if err := s.store.AbortMultipartUpload(c.ctx, c.op.Bucket, u.Key, u.UploadID); err != nil && !errors.Is(err, storage.ErrNoSuchUpload) {
				return err
			}
		}
		if len(res.Uploads) == 0 || !res.IsTruncated {
			return nil
		}
	}
}
