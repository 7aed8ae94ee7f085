package api

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
)

// putBucketVersioning serves PutBucketVersioning: Status Enabled or
// Suspended (a bucket never goes back to unversioned), MFA delete refused,
// and no suspension of a bucket with object lock.
func (s *server) putBucketVersioning(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	body, err := s.readConfigBody(c, false)
	if err != nil {
		return err
	}
	v, err := s3xml.DecodeVersioning(bytes.NewReader(body))
	if err != nil {
		return err
	}
	if v.Status == "" {
		return s3err.Wrap(s3err.MalformedXML, "", errors.New("versioning status missing"))
	}
	switch v.MfaDelete {
	case "", "Disabled":
	case "Enabled":
		return s3err.New(s3err.NotImplemented, "MFA delete is not supported.")
	default:
		return s3err.Wrap(s3err.MalformedXML, "", errors.New("MfaDelete "+v.MfaDelete))
	}
	if v.Status != "Enabled" {
		if _, locked, err := s.bucketLock(c, c.op.Bucket); err != nil {
			return err
		} else if locked {
			return s3err.New(s3err.InvalidBucketState, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
		}
	}
	doc, err := s3xml.Marshal(s3xml.VersioningConfiguration{Status: v.Status})
	if err != nil {
		return err
	}
	if err := s.store.PutBucketConfig(c.ctx, c.op.Bucket, storage.ConfigVersioning, doc); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// copySourceError answers a copy source that names a delete marker by
// version ID as S3 does (400 InvalidRequest rather than 405).
func copySourceError(err error) error {
	if errors.Is(err, storage.ErrMethodNotAllowed) {
		return s3err.Wrap(s3err.InvalidRequest, "The source of a copy request may not specifically refer to a delete marker by version id.", err)
	}
	return err
}

// copySourceAction is the IAM action that reading a copy source needs.
func copySourceAction(src copySource) string {
	if src.versionID != "" {
		return "s3:GetObjectVersion"
	}
	return "s3:GetObject"
}
