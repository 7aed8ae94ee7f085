package api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/crypt"
)

// s3Namespace is the XML namespace of S3 documents.
const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// putBucketEncryption serves PutBucketEncryption: the document is
// validated and stored as sent (ConfigEncryption).
func (s *server) putBucketEncryption(c *call) error {
	cfg, err := s3xml.DecodeEncryption(c.body())
	if err != nil {
		return err
	}
	if s.kms == nil {
		return crypt.ErrNoKMS
	}
	if id := cfg.Rules[0].Default.KMSMasterKeyID; id != "" {
		// The key must exist: a data key is asked for and dropped.
		if _, err := s.kms.GenerateKey(c.ctx, crypt.KMSKeyName(id), nil); err != nil {
			return err
		}
	}
	cfg.XMLNS = s3Namespace
	doc, err := xml.Marshal(cfg)
	if err != nil {
		return err
	}
	if err := s.store.PutBucketConfig(c.ctx, c.op.Bucket, storage.ConfigEncryption, doc); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// bucketEncryption returns the bucket's default encryption, or
// ServerSideEncryptionConfigurationNotFoundError.
func (s *server) bucketEncryption(c *call, bucket string) (s3xml.ServerSideEncryptionConfiguration, error) {
	doc, err := s.store.GetBucketConfig(c.ctx, bucket, storage.ConfigEncryption)
	if errors.Is(err, storage.ErrConfigNotFound) {
		return s3xml.ServerSideEncryptionConfiguration{}, s3err.Wrap(s3err.ServerSideEncryptionConfigurationNotFound, "", err)
	}
	if err != nil {
		return s3xml.ServerSideEncryptionConfiguration{}, err
	}
	return s3xml.DecodeEncryption(bytes.NewReader(doc))
}

// getBucketEncryption serves GetBucketEncryption.
func (s *server) getBucketEncryption(c *call) error {
	cfg, err := s.bucketEncryption(c, c.op.Bucket)
	if err != nil {
		return err
	}
	cfg.XMLNS = s3Namespace
	return s.writeXML(c.w, http.StatusOK, cfg)
}

// deleteBucketEncryption serves DeleteBucketEncryption (204, also when none is set).
func (s *server) deleteBucketEncryption(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	if err := s.store.DeleteBucketConfig(c.ctx, c.op.Bucket, storage.ConfigEncryption); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// bucketDefaultSSE returns the encryption the bucket applies to writes
// that ask for none (nil when the bucket has no default encryption).
func (s *server) bucketDefaultSSE(c *call, bucketKey bool) (*crypt.Params, *customerKey, error) {
	cfg, err := s.bucketEncryption(c, c.op.Bucket)
	if s3err.From(err) == s3err.ServerSideEncryptionConfigurationNotFound {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	rule := cfg.Rules[0]
	p := &crypt.Params{Method: crypt.MethodS3, BucketKey: bucketKey || rule.BucketKeyEnabled}
	if rule.Default.SSEAlgorithm == sseKMS {
		p.Method, p.KeyID = crypt.MethodKMS, rule.Default.KMSMasterKeyID
	}
	if s.kms == nil {
		return nil, nil, crypt.ErrNoKMS
	}
	return p, nil, nil
}
