package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/storage"
)

// putBucketConfigDoc stores doc as the bucket's kind document and answers
// 200 with an empty body (204 when doc is nil: the document is removed).
func (s *server) putBucketConfigDoc(c *call, kind storage.ConfigKind, doc []byte) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	if doc == nil {
		if err := s.store.DeleteBucketConfig(c.ctx, c.op.Bucket, kind); err != nil {
			return err
		}
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if err := s.store.PutBucketConfig(c.ctx, c.op.Bucket, kind, doc); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// getBucketConfigDoc answers with the bucket's kind document, or with
// missing (naming the bucket) when it has none.
func (s *server) getBucketConfigDoc(c *call, kind storage.ConfigKind, missing s3err.Code) error {
	doc, err := s.store.GetBucketConfig(c.ctx, c.op.Bucket, kind)
	if errors.Is(err, storage.ErrConfigNotFound) {
		return &s3err.Error{Code: missing, BucketName: c.op.Bucket, Err: err}
	}
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(doc)
	return nil
}
