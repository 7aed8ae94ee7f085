package api

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/objectlock"
	"github.com/silo-project/silo/storage"
)

// lockDateFormat is how S3 writes retain-until dates in headers and XML.
const lockDateFormat = "2006-01-02T15:04:05.000Z"

// errNoLockConfig is S3's answer to a lock operation on a bucket without object lock.
func errNoLockConfig() error {
	return s3err.New(s3err.InvalidRequest, "Bucket is missing Object Lock Configuration")
}

// governanceBypass reports whether the request may bypass GOVERNANCE
// retention: it says so with x-amz-bypass-governance-retention: true and
// the authorizer grants s3:BypassGovernanceRetention on bucket/key.
func (s *server) governanceBypass(c *call, key string) bool {
	if !strings.EqualFold(strings.TrimSpace(c.r.Header.Get("x-amz-bypass-governance-retention")), "true") {
		return false
	}
	return s.authorize(c, "s3:BypassGovernanceRetention", c.op.Bucket, key) == nil
}

// lockedPrecondition returns the Precondition of a deletion that checks
// object lock (objectlock.Check) on the version about to go (then runs next, when set), or
// just next when the deletion only adds a delete marker over the latest
// version (versioning enabled, no version ID), which removes no data.
func (s *server) lockedPrecondition(c *call, key, versionID string, vs storage.VersioningState, next func(storage.ObjectInfo) error) func(storage.ObjectInfo) error {
	if versionID == "" && vs == storage.VersioningEnabled {
		return next
	}
	bypass := s.governanceBypass(c, key)
	return func(info storage.ObjectInfo) error {
		if err := objectlock.Check(info, bypass, time.Now()); err != nil {
			return err
		}
		if next != nil {
			return next(info)
		}
		return nil
	}
}

// bucketLock returns the object lock configuration of bucket; ok is false
// when object lock is not enabled on it.
func (s *server) bucketLock(c *call, bucket string) (cfg s3xml.ObjectLockConfiguration, ok bool, err error) {
	doc, err := s.store.GetBucketConfig(c.ctx, bucket, storage.ConfigObjectLock)
	if errors.Is(err, storage.ErrConfigNotFound) {
		return cfg, false, nil
	}
	if err != nil {
		return cfg, false, err
	}
	cfg, err = s3xml.DecodeObjectLockConfiguration(bytes.NewReader(doc))
	if err != nil {
		return cfg, false, err
	}
	return cfg, true, nil
}

// putBucketLock stores cfg as bucket's object lock configuration.
func (s *server) putBucketLock(c *call, bucket string, cfg s3xml.ObjectLockConfiguration) error {
	doc, err := s3xml.Marshal(cfg)
	if err != nil {
		return err
	}
	return s.store.PutBucketConfig(c.ctx, bucket, storage.ConfigObjectLock, doc)
}

// lockForWrite sets the object lock state of a new version in internal from
// the x-amz-object-lock-* headers, or from the bucket's default retention
// when they name no mode. Lock headers on a bucket without object lock are
// refused. It returns whether the request carried explicit lock headers.
// vs is the bucket's versioning: object lock needs Enabled (and keeps it
// so), so any other state spares reading the lock configuration.
func (s *server) lockForWrite(c *call, h http.Header, vs storage.VersioningState, internal *map[string]string) (explicit bool, err error) {
	mode, date, hold := h.Get("x-amz-object-lock-mode"), h.Get("x-amz-object-lock-retain-until-date"), h.Get("x-amz-object-lock-legal-hold")
	explicit = mode != "" || date != "" || hold != ""
	var cfg s3xml.ObjectLockConfiguration
	enabled := false
	if vs == storage.VersioningEnabled {
		if cfg, enabled, err = s.bucketLock(c, c.op.Bucket); err != nil {
			return explicit, err
		}
	}
	if !enabled {
		if explicit {
			return explicit, errNoLockConfig()
		}
		return false, nil
	}
	now := time.Now()
	if (mode == "") != (date == "") {
		return explicit, s3err.New(s3err.InvalidArgument, "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
	}
	var until time.Time
	switch {
	case mode != "":
		if mode != objectlock.Governance && mode != objectlock.Compliance {
			return explicit, s3err.New(s3err.InvalidArgument, "Unknown wormMode directive.")
		}
		if until, err = objectlock.ParseDate(date); err != nil {
			return explicit, s3err.Wrap(s3err.InvalidArgument, "The retain until date must be provided in ISO 8601 format.", err)
		}
		if !until.After(now) {
			return explicit, s3err.New(s3err.InvalidArgument, "The retain until date must be in the future!")
		}
	case cfg.Rule != nil:
		d := cfg.Rule.DefaultRetention
		mode, until = d.Mode, now.AddDate(d.Years, 0, d.Days)
	}
	if mode != "" {
		setInternal(internal, objectlock.InternalMode, mode)
		setInternal(internal, objectlock.InternalUntil, until.UTC().Format(time.RFC3339Nano))
	}
	switch hold {
	case "":
	case "ON", "OFF":
		setInternal(internal, objectlock.InternalLegalHold, hold)
	default:
		return explicit, s3err.New(s3err.InvalidArgument, "Legal Hold must be either of 'ON' or 'OFF'")
	}
	return explicit, nil
}

// hasDigest reports whether a request carries Content-MD5 or a checksum
// (header, trailer or SDK algorithm) for its body.
func hasDigest(h http.Header) bool {
	if h.Get("Content-MD5") != "" || h.Get("x-amz-trailer") != "" || h.Get("x-amz-sdk-checksum-algorithm") != "" {
		return true
	}
	for k := range h {
		if strings.HasPrefix(strings.ToLower(k), "x-amz-checksum-") && !strings.EqualFold(k, "x-amz-checksum-algorithm") &&
			!strings.EqualFold(k, "x-amz-checksum-type") && !strings.EqualFold(k, "x-amz-checksum-mode") {
			return true
		}
	}
	return false
}

// errDigestRequired is S3's answer to a lock request without Content-MD5 or checksum.
func errDigestRequired() error {
	return s3err.New(s3err.InvalidRequest, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters")
}

// setLockHeaders writes the x-amz-object-lock-* headers of a GET/HEAD answer.
func setLockHeaders(h http.Header, info storage.ObjectInfo) {
	if r := objectlock.RetentionOf(info); r.Mode != "" {
		h.Set("x-amz-object-lock-mode", r.Mode)
		h.Set("x-amz-object-lock-retain-until-date", r.Until.UTC().Format(lockDateFormat))
	}
	if v := info.Internal[objectlock.InternalLegalHold]; v != "" {
		h.Set("x-amz-object-lock-legal-hold", v)
	}
}

// setFeatureHeaders writes the tagging and object lock headers of a GET/HEAD answer.
func setFeatureHeaders(h http.Header, info storage.ObjectInfo) {
	setTagCount(h, info)
	setLockHeaders(h, info)
}

// hideLockHeaders removes the x-amz-object-lock-* headers of a GET/HEAD
// answer that the caller may not see: as on S3, the retention headers need
// s3:GetObjectRetention and the legal hold header s3:GetObjectLegalHold.
func (s *server) hideLockHeaders(c *call) {
	h := c.w.Header()
	if h.Get("x-amz-object-lock-mode") != "" && s.authorize(c, "s3:GetObjectRetention", c.op.Bucket, c.op.Key) != nil {
		h.Del("x-amz-object-lock-mode")
		h.Del("x-amz-object-lock-retain-until-date")
	}
	if h.Get("x-amz-object-lock-legal-hold") != "" && s.authorize(c, "s3:GetObjectLegalHold", c.op.Bucket, c.op.Key) != nil {
		h.Del("x-amz-object-lock-legal-hold")
	}
}
