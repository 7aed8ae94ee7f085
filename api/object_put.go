package api

import (
	"encoding/base64"
	"errors"
	"io"
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

// body is a request payload on its way into the store: the verified
// (sigv4) bytes, hashed by a checksum reader, watched for the error or EOF
// that ends them.
type body struct {
	sums *checksum.Reader
	r    io.Reader
	size int64
	err  error // the first read error other than io.EOF
	eof  bool
}

// Read implements io.Reader, remembering how the payload ended.
func (b *body) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	switch {
	case errors.Is(err, io.EOF):
		b.eof = true
	case err != nil && b.err == nil:
		b.err = err
	}
	return n, err
}

// finish makes sure the payload was read to its verified end: a store that
// stopped at the declared size without a final Read would otherwise miss a
// signature or checksum mismatch reported at EOF. It returns that error,
// or EntityTooLarge when more data follows.
func (b *body) finish() error {
	var buf [64]byte
	for i := 0; !b.eof && b.err == nil && i < 16; i++ {
		if n, _ := b.Read(buf[:]); n > 0 {
			return s3err.New(s3err.EntityTooLarge, "")
		}
	}
	if b.err != nil {
		return b.err
	}
	if !b.eof {
		return s3err.New(s3err.IncompleteBody, "")
	}
	return nil
}

// payload returns the verified request body wrapped in a checksum reader,
// with its decoded size (-1 when streamed without a length). It answers
// MissingContentLength when the size is unknown and the body is not
// chunked, and EntityTooLarge beyond limit.
func (s *server) payload(c *call, limit int64) (*body, error) {
	size := c.contentLength()
	if size < 0 && !isChunked(c.r) {
		return nil, s3err.New(s3err.MissingContentLength, "")
	}
	if size > limit {
		return nil, s3err.New(s3err.EntityTooLarge, "")
	}
	cr, err := checksum.NewReader(c.body(), c.r.Header, c.trailers())
	if err != nil {
		return nil, err
	}
	return &body{sums: cr, r: cr, size: size}, nil
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
	tags, err := parseTaggingHeader(h.Get("x-amz-tagging"))
	if err != nil {
		return storage.PutOptions{}, err
	}
	setInternal(&opts.Internal, internalTagging, tags)
	explicitLock, err := s.lockForWrite(c, h, vs, &opts.Internal)
	if err != nil {
		return storage.PutOptions{}, err
	}
	if explicitLock && c.op.Name == "PutObject" && !hasDigest(c.r.Header) {
		return storage.PutOptions{}, errDigestRequired()
	}
	if err := s.objectWriteACL(c, h, &opts); err != nil {
		return storage.PutOptions{}, err
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
	b, err := s.payload(c, storage.MaxObjectSize)
	if err != nil {
		return err
	}
	sse, ck, err := s.writeSSE(c, c.r.Header)
	if err != nil {
		return err
	}
	opts, err := s.putOptions(c, c.r.Header)
	if err != nil {
		return err
	}
	sw, err := s.newSealedWrite(c, sse, ck, c.op.Key)
	if err != nil {
		return err
	}
	opts.ContentMD5, opts.IfMatch, opts.IfNoneMatch = md5sum, ifMatch, ifNoneMatch
	data, size := io.Reader(b), b.size
	if sw != nil {
		opts.ContentMD5, opts.NoMD5 = nil, true // checked on the plaintext in commit, which sets the ETag
		if data, size, err = sw.wrap(b, b.size, 1); err != nil {
			return err
		}
	}
	opts.PreCommit = func(info *storage.ObjectInfo) error {
		if err := b.finish(); err != nil {
			return err
		}
		if sums := b.sums.Sums(); len(sums) > 0 {
			info.Checksums, info.ChecksumType = sums, "FULL_OBJECT"
		}
		if sw != nil {
			return sw.commit(info, md5sum)
		}
		return nil
	}
	info, err := s.store.PutObject(c.ctx, c.op.Bucket, c.op.Key, data, size, opts)
	if err != nil {
		return err
	}
	h := c.w.Header()
	sw.setHeaders(h)
	h.Set("ETag", quoteETag(info.ETag))
	if opts.Versioning != storage.VersioningUnset && info.VersionID != "" {
		h.Set("x-amz-version-id", info.VersionID)
	}
	setChecksumHeaders(h, info.Checksums, info.ChecksumType)
	h.Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}
