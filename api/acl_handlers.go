package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
)

// writeACL answers a Get*Acl request with a.
func (s *server) writeACL(c *call, a acl) error {
	body, err := s3xml.EncodeAccessControlPolicy(a.policy())
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(body)
	return nil
}

// newACL reads the ACL a Put*Acl request sets on a resource owned by o:
// from x-amz-acl / x-amz-grant-* or from an AccessControlPolicy body, not
// both, and not neither.
func (s *server) newACL(c *call, o, bucketOwner s3xml.Owner) (acl, error) {
	a, explicit, err := requestedACL(c.r.Header, o, bucketOwner)
	if err != nil {
		return acl{}, err
	}
	body, err := s.readConfigBody(c, false)
	if err != nil {
		return acl{}, err
	}
	p, berr := s3xml.DecodeAccessControlPolicy(bytes.NewReader(body))
	var se *s3err.Error
	switch {
	case errors.As(berr, &se): // a malformed body, not an empty one
		return acl{}, berr
	case berr == nil && explicit:
		return acl{}, s3err.New(s3err.UnexpectedContent, "This request does not support content")
	case berr == nil:
		return fromPolicy(p, o)
	case !errors.Is(berr, io.EOF):
		return acl{}, berr
	case !explicit:
		return acl{}, s3err.New(s3err.MissingSecurityHeader, "Your request was missing a required header: x-amz-acl or an AccessControlPolicy body.")
	}
	return a, nil
}

// getBucketAcl serves GetBucketAcl.
func (s *server) getBucketAcl(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	a, err := s.bucketACL(c.ctx, c.op.Bucket)
	if err != nil {
		return err
	}
	return s.writeACL(c, a)
}

// putBucketAcl serves PutBucketAcl. Under BucketOwnerEnforced only an
// owner-only ACL is accepted (AccessControlListNotSupported otherwise);
// BlockPublicAcls refuses public ones.
func (s *server) putBucketAcl(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	cur, err := s.bucketACL(c.ctx, c.op.Bucket)
	if err != nil {
		return err
	}
	a, err := s.newACL(c, cur.Owner, cur.Owner)
	if err != nil {
		return err
	}
	doc, err := s.acceptACL(c, a)
	if err != nil {
		return err
	}
	if err := s.store.PutBucketConfig(c.ctx, c.op.Bucket, storage.ConfigACL, []byte(doc)); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// getObjectAcl serves GetObjectAcl (with versionId).
func (s *server) getObjectAcl(c *call) error {
	vid := c.r.URL.Query().Get("versionId")
	info, bucketACL, a, err := s.versionACL(c, vid)
	if err != nil {
		return err
	}
	ownership, err := s.objectOwnership(c.ctx, c.op.Bucket)
	if err != nil {
		return err
	}
	if ownership == s3xml.OwnershipBucketOwnerEnforced {
		a = privateACL(bucketACL.Owner) // the bucket owner owns everything, ACLs are off
	}
	if vid != "" {
		c.w.Header().Set("x-amz-version-id", info.VersionID)
	}
	return s.writeACL(c, a)
}

// putObjectAcl serves PutObjectAcl (with versionId): the new ACL replaces
// the version's grants in place; its owner stays.
func (s *server) putObjectAcl(c *call) error {
	vid := c.r.URL.Query().Get("versionId")
	_, bucketACL, cur, err := s.versionACL(c, vid)
	if err != nil {
		return err
	}
	a, err := s.newACL(c, cur.Owner, bucketACL.Owner)
	if err != nil {
		return err
	}
	doc, err := s.acceptACL(c, a)
	if err != nil {
		return err
	}
	out, err := s.store.UpdateObjectMetadata(c.ctx, c.op.Bucket, c.op.Key, storage.UpdateMetadataOptions{
		VersionID: vid,
		Update: func(info *storage.ObjectInfo) error {
			if info.Internal == nil {
				info.Internal = map[string]string{}
			}
			info.Internal[internalACL] = doc
			return nil
		},
	})
	if err != nil {
		return err
	}
	if vid != "" {
		c.w.Header().Set("x-amz-version-id", out.VersionID)
	}
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// acceptACL checks a new ACL against the bucket's ownership controls
// (BucketOwnerEnforced accepts only owner-only ACLs) and public access block,
// and returns its stored form.
func (s *server) acceptACL(c *call, a acl) (string, error) {
	ownership, err := s.objectOwnership(c.ctx, c.op.Bucket)
	if err != nil {
		return "", err
	}
	if ownership == s3xml.OwnershipBucketOwnerEnforced && !a.isOwnerOnly() {
		return "", s3err.New(s3err.AccessControlListNotSupported, "")
	}
	if err := s.blockPublicACL(c.ctx, c.op.Bucket, a); err != nil {
		return "", err
	}
	return a.encode()
}

// versionACL returns an object version, its bucket's ACL and the version's
// own ACL (the bucket owner's private ACL when it records none).
func (s *server) versionACL(c *call, vid string) (storage.ObjectInfo, acl, acl, error) {
	bucketACL, err := s.bucketACL(c.ctx, c.op.Bucket)
	if err != nil {
		return storage.ObjectInfo{}, acl{}, acl{}, err
	}
	info, err := s.store.StatObject(c.ctx, c.op.Bucket, c.op.Key, storage.GetOptions{VersionID: vid})
	if err != nil {
		return info, bucketACL, acl{}, err
	}
	a, err := objectACL(info, bucketACL)
	return info, bucketACL, a, err
}
