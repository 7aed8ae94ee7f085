package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
)

// owner is the single tenant every bucket and object belongs to.
func owner() s3xml.Owner {
	return s3xml.Owner{ID: "02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4", DisplayName: "silo"}
}

// maxBuckets is the largest max-buckets ListBuckets accepts.
const maxBuckets = 10000

// listBuckets serves ListBuckets (prefix, continuation-token, max-buckets).
func (s *server) listBuckets(c *call) error {
	q := c.r.URL.Query()
	limit := maxBuckets
	if v := q.Get("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxBuckets {
			return s3err.New(s3err.InvalidArgument, "max-buckets must be an integer between 1 and 10000.")
		}
		limit = n
	}
	prefix, after := q.Get("prefix"), q.Get("continuation-token")
	buckets, err := s.store.ListBuckets(c.ctx)
	if err != nil {
		return err
	}
	who, err := s.caller(c)
	if err != nil {
		return err
	}
	res := s3xml.ListAllMyBucketsResult{Owner: who.id, Buckets: []s3xml.Bucket{}, Prefix: prefix}
	for _, b := range buckets {
		if !strings.HasPrefix(b.Name, prefix) || (after != "" && b.Name <= after) || (c.visibleOnly && !s.bucketVisible(c, b.Name)) {
			continue
		}
		if len(res.Buckets) == limit {
			res.ContinuationToken = res.Buckets[len(res.Buckets)-1].Name
			break
		}
		res.Buckets = append(res.Buckets, s3xml.Bucket{Name: b.Name, CreationDate: s3xml.Time(b.Created), BucketRegion: s.cfg.Region})
	}
	return s.writeXML(c.w, http.StatusOK, res)
}

// createBucket serves CreateBucket; the LocationConstraint must be empty or
// this deployment's region.
func (s *server) createBucket(c *call) error {
	if reservedBucket(c.op.Bucket) {
		return s3err.New(s3err.InvalidBucketName, "The specified bucket name is reserved by the server.")
	}
	cfg, err := s3xml.DecodeCreateBucketConfiguration(c.body())
	if err != nil {
		return err
	}
	if cfg.LocationConstraint != "" && cfg.LocationConstraint != s.cfg.Region {
		return s3err.New(s3err.IllegalLocationConstraint,
			"The "+cfg.LocationConstraint+" location constraint is incompatible for the region specific endpoint this request was sent to.")
	}
	lock := strings.EqualFold(c.r.Header.Get("x-amz-bucket-object-lock-enabled"), "true")
	access, err := s.bucketAccessOnCreate(c)
	if err != nil {
		return err
	}
	if err := s.store.MakeBucket(c.ctx, c.op.Bucket, storage.MakeBucketOptions{Region: s.cfg.Region, ObjectLock: lock}); err != nil {
		return err
	}
	if lock {
		if err := s.enableObjectLock(c, c.op.Bucket); err != nil {
			_ = s.store.DeleteBucket(c.ctx, c.op.Bucket, storage.DeleteBucketOptions{})
			return err
		}
	}
	if err := s.saveBucketAccess(c, access); err != nil {
		return err
	}
	c.w.Header().Set("Location", "/"+c.op.Bucket)
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// headBucket serves HeadBucket.
func (s *server) headBucket(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	c.w.Header().Set("x-amz-bucket-region", s.cfg.Region)
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// deleteBucket serves DeleteBucket (204); x-minio-force-delete removes a
// non-empty bucket as mc rb --force expects.
func (s *server) deleteBucket(c *call) error {
	force := strings.EqualFold(c.r.Header.Get("x-minio-force-delete"), "true")
	if force {
		locked, err := s.emptyLockedBucket(c)
		if err != nil {
			return err
		}
		force = !locked
	}
	if err := s.store.DeleteBucket(c.ctx, c.op.Bucket, storage.DeleteBucketOptions{Force: force}); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// getBucketLocation serves GetBucketLocation: empty for us-east-1.
func (s *server) getBucketLocation(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	loc := s.cfg.Region
	if loc == "us-east-1" {
		loc = ""
	}
	return s.writeXML(c.w, http.StatusOK, s3xml.LocationConstraintResult{Location: loc})
}

// getBucketVersioning serves GetBucketVersioning from the stored
// configuration; a bucket that never had versioning gets an empty document.
func (s *server) getBucketVersioning(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	res := s3xml.VersioningConfiguration{}
	state, err := s.versioning(c, c.op.Bucket)
	if err != nil {
		return err
	}
	switch state {
	case storage.VersioningEnabled:
		res.Status = "Enabled"
	case storage.VersioningSuspended:
		res.Status = "Suspended"
	}
	return s.writeXML(c.w, http.StatusOK, res)
}

// versioning returns the versioning state of bucket from its stored
// configuration document (a VersioningConfiguration XML).
func (s *server) versioning(c *call, bucket string) (storage.VersioningState, error) {
	doc, err := s.store.GetBucketConfig(c.ctx, bucket, storage.ConfigVersioning)
	if errors.Is(err, storage.ErrConfigNotFound) {
		return storage.VersioningUnset, nil
	}
	if err != nil {
		return storage.VersioningUnset, err
	}
	v, err := s3xml.DecodeVersioning(strings.NewReader(string(doc)))
	if err != nil {
		return storage.VersioningUnset, err
	}
	switch v.Status {
	case "Enabled":
		return storage.VersioningEnabled, nil
	case "Suspended":
		return storage.VersioningSuspended, nil
	}
	return storage.VersioningUnset, nil
}

// reservedBucket reports names that path-style URLs of the server itself use
// (/minio/health, /silo/metrics, ...): a bucket by that name would be shadowed.
func reservedBucket(name string) bool {
	return name == "minio" || name == "silo"
}
