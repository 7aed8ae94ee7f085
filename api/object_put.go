package api

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/silo-project/silo/api/checksum"
	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/storage"
)

// decodeBase64 decodes standard base64.
func decodeBase64(v string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.TrimSpace(v))
}

// payload returns the verified request body wrapped in a checksum reader and
// its decoded size (-1 when streamed without a length). It answers
// MissingContentLength when the size is unknown and the body is not
// chunked, and EntityTooLarge beyond limit.
func (s *server) payload(c *call, limit int64) (*checksum.Reader, int64, error) {
	size := c.contentLength()
	if size < 0 && !isChunked(c.r) {
		return nil, 0, s3err.New(s3err.MissingContentLength, "")
	}
	if size > limit {
		return nil, 0, s3err.New(s3err.EntityTooLarge, "")
	}
	cr, err := checksum.NewReader(c.body(), c.r.Header, c.trailers())
	if err != nil {
		return nil, 0, err
	}
	return cr, size, nil
}

// isChunked reports whether the request body uses chunked transfer coding.
func isChunked(r *http.Request) bool {
	for _, te := range r.TransferEncoding {
		if strings.EqualFold(te, "chunked") {
			return true
		}
	}
	return false
}

// writeConditions reads If-Match / If-None-Match of a write; S3 supports
// only "*" for If-None-Match.
func writeConditions(h http.Header) (ifMatch string, ifNoneMatch bool, err error) {
	if v := h.Get("If-None-Match"); v != "" {
		if strings.TrimSpace(v) != "*" {
			return "", false, s3err.New(s3err.NotImplemented, "If-None-Match on writes supports only \"*\".")
		}
		ifNoneMatch = true
	}
	if v := h.Get("If-Match"); v != "" {
		ifMatch = trimETag(v)
	}
	return ifMatch, ifNoneMatch, nil
}

// putOptions builds the PutOptions shared by PutObject, CreateMultipartUpload
// and POST uploads from the request headers.
func (s *server) putOptions(c *call, h http.Header) (storage.PutOptions, error) {
	if err := checkUnsupportedHeaders(h); err != nil {
		return storage.PutOptions{}, err
	}
	meta, err := objectMetadata(h)
	if err != nil {
		return storage.PutOptions{}, err
	}
	sc, err := storageClass(h)
	if err != nil {
		return storage.PutOptions{}, err
	}
	vs, err := s.versioning(c, c.op.Bucket)
	if err != nil {
		return storage.PutOptions{}, err
	}
	opts := storage.PutOptions{ContentType: h.Get("Content-Type"), Metadata: meta, StorageClass: sc, Versioning: vs}
	if t := h.Get("x-amz-tagging"); t != "" {
		opts.Internal = map[string]string{"x-amz-tagging": t}
	}
	return opts, nil
}

// putObject serves PutObject, streaming the body into the store.
func (s *server) putObject(c *call) error {
	md5sum, err := contentMD5(c.r.Header)
	if err != nil {
		return err
	}
	ifMatch, ifNoneMatch, err := writeConditions(c.r.Header)
	if err != nil {
		return err
	}
	cr, size, err := s.payload(c, storage.MaxObjectSize)
	if err != nil {
		return err
	}
	opts, err := s.putOptions(c, c.r.Header)
	if err != nil {
		return err
	}
	opts.ContentMD5, opts.IfMatch, opts.IfNoneMatch = md5sum, ifMatch, ifNoneMatch
	opts.PreCommit = func(info *storage.ObjectInfo) error {
		if sums := cr.Sums(); len(sums) > 0 {
			info.Checksums, info.ChecksumType = sums, "FULL_OBJECT"
		}
		return nil
	}
	info, err := s.store.PutObject(c.ctx, c.op.Bucket, c.op.Key, cr, size, opts)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("ETag", quoteETag(info.ETag))
	if opts.Versioning != storage.VersioningUnset && info.VersionID != "" {
		h.Set("x-amz-version-id", info.VersionID)
	}
	setChecksumHeaders(h, info.Checksums, info.ChecksumType)
	h.Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}
