package api

import (
	"bytes"
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

// checkBucketDeletable refuses a forced deletion of a bucket with object
// lock while any version in it is locked (objectlock.Check on every version, no
// GOVERNANCE bypass).
func (s *server) checkBucketDeletable(c *call) error {
	_, enabled, err := s.bucketLock(c, c.op.Bucket)
	if err != nil || !enabled {
		return err
	}
	opts := storage.ListVersionsOptions{MaxKeys: storage.MaxListKeys}
	now := time.Now()
	for {
		res, err := s.store.ListObjectVersions(c.ctx, c.op.Bucket, opts)
		if err != nil {
			return err
		}
		for _, v := range res.Versions {
			if v.DeleteMarker {
				continue
			}
			// Listings may omit Internal: read the version itself.
			info, err := s.store.StatObject(c.ctx, c.op.Bucket, v.Key, storage.GetOptions{VersionID: v.VersionID})
			if err != nil {
				return err
			}
			if err := objectlock.Check(info, false, now); err != nil {
				return err
			}
		}
		if !res.IsTruncated {
			return nil
		}
		opts.KeyMarker, opts.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
	}
}
