package api

import (
	"bytes"
	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
	"net/http"
)

// putPublicAccessBlock serves PutPublicAccessBlock.
func (s *server) putPublicAccessBlock(c *call) error {
	body, err := s.readConfigBody(c, false)
	if err != nil {
		return err
	}
	cfg, err := s3xml.DecodePublicAccessBlock(bytes.NewReader(body))
	if err != nil {
		return err
	}
	doc, err := s3xml.Marshal(cfg)
	if err != nil {
		return err
	}
	return s.putBucketConfigDoc(c, storage.ConfigPublicAccessBlock, doc)
}

// getPublicAccessBlock serves GetPublicAccessBlock.
func (s *server) getPublicAccessBlock(c *call) error {
	return s.getBucketConfigDoc(c, storage.ConfigPublicAccessBlock, s3err.NoSuchPublicAccessBlockConfiguration)
}

// deletePublicAccessBlock serves DeletePublicAccessBlock (204).
func (s *server) deletePublicAccessBlock(c *call) error {
	return s.putBucketConfigDoc(c, storage.ConfigPublicAccessBlock, nil)
}

// putBucketOwnershipControls serves PutBucketOwnershipControls. Switching
// to BucketOwnerEnforced is refused while the bucket ACL grants anyone but
// the owner (InvalidBucketAclWithObjectOwnership), as S3 does.
func (s *server) putBucketOwnershipControls(c *call) error {
	body, err := s.readConfigBody(c, false)
	if err != nil {
		return err
	}
	oc, err := s3xml.DecodeOwnershipControls(bytes.NewReader(body))
	if err != nil {
		return err
	}
	if oc.Rules[0].ObjectOwnership == s3xml.OwnershipBucketOwnerEnforced {
		a, err := s.bucketACL(c.ctx, c.op.Bucket)
		if err != nil {
			return err
		}
		if !a.isOwnerOnly() {
			return s3err.New(s3err.InvalidBucketACLWithObjectOwnership, "")
		}
	}
	doc, err := s3xml.Marshal(oc)
	if err != nil {
		return err
	}
	return s.putBucketConfigDoc(c, storage.ConfigOwnership, doc)
}

// getBucketOwnershipControls serves GetBucketOwnershipControls.
func (s *server) getBucketOwnershipControls(c *call) error {
	return s.getBucketConfigDoc(c, storage.ConfigOwnership, s3err.OwnershipControlsNotFound)
}

// deleteBucketOwnershipControls serves DeleteBucketOwnershipControls (204).
func (s *server) deleteBucketOwnershipControls(c *call) error {
	return s.putBucketConfigDoc(c, storage.ConfigOwnership, nil)
}

// getBucketRequestPayment serves GetBucketRequestPayment: Silo has no
// requester-pays buckets, so the bucket owner always pays (s3cmd info asks).
func (s *server) getBucketRequestPayment(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	return s.writeXML(c.w, http.StatusOK, s3xml.RequestPaymentConfiguration{Payer: "BucketOwner"})
}
