package api

import (
	"bytes"
	"crypto/md5"
	"errors"
	"io"

	"github.com/silo-project/silo/api/checksum"
	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
)

// readConfigBody reads a small configuration body (at most
// s3xml.MaxConfigBody) and verifies its Content-MD5 and x-amz-checksum-*
// values. With requireDigest, a request carrying neither is refused as S3
// refuses it (object lock configuration, retention, legal hold).
func (s *server) readConfigBody(c *call, requireDigest bool) ([]byte, error) {
	md5want, err := contentMD5(c.r.Header)
	if err != nil {
		return nil, err
	}
	alg, _, err := checksum.FromHeader(c.r.Header)
	if err != nil {
		return nil, err
	}
	if requireDigest && md5want == nil && alg == "" && c.r.Header.Get("x-amz-trailer") == "" && c.r.Header.Get("x-amz-sdk-checksum-algorithm") == "" {
		return nil, s3err.New(s3err.InvalidRequest, "Missing required header for this request: Content-MD5.")
	}
	cr, err := checksum.NewReader(c.body(), c.r.Header, c.trailers())
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(cr, s3xml.MaxConfigBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > s3xml.MaxConfigBody {
		return nil, s3err.New(s3err.MaxMessageLengthExceeded, "")
	}
	if md5want != nil {
		if sum := md5.Sum(b); !bytes.Equal(md5want, sum[:]) {
			return nil, s3err.New(s3err.BadDigest, "")
		}
	}
	return b, nil
}

// configNotFound turns the store's "no such document" into the S3 code of
// that configuration (NoSuchTagSet, ObjectLockConfigurationNotFoundError, ...).
func configNotFound(err error, code s3err.Code) error {
	if errors.Is(err, storage.ErrConfigNotFound) {
		return s3err.Wrap(code, "", err)
	}
	return err
}
