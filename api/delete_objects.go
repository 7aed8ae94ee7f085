package api

import (
	"bytes"
	"crypto/md5"
	"io"
	"net/http"

	"github.com/silo-project/silo/api/checksum"
	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
)

// deleteObjects serves DeleteObjects (POST ?delete): up to 1000 keys, with
// per-key results and quiet mode. The body must carry Content-MD5 or an
// x-amz-checksum-* value, which is verified.
func (s *server) deleteObjects(c *call) error {
	md5want, err := contentMD5(c.r.Header)
	if err != nil {
		return err
	}
	alg, _, err := checksum.FromHeader(c.r.Header)
	if err != nil {
		return err
	}
	if md5want == nil && alg == "" && c.r.Header.Get("x-amz-trailer") == "" && c.r.Header.Get("x-amz-sdk-checksum-algorithm") == "" {
		return s3err.New(s3err.InvalidRequest, "Missing required header for this request: Content-MD5.")
	}
	cr, err := checksum.NewReader(c.body(), c.r.Header, c.trailers())
	if err != nil {
		return err
	}
	h := md5.New()
	doc, err := s3xml.DecodeDelete(io.TeeReader(cr, h))
	if err != nil {
		return err
	}
	if md5want != nil && !bytes.Equal(md5want, h.Sum(nil)) {
		return s3err.New(s3err.BadDigest, "")
	}
	vs, err := s.versioning(c, c.op.Bucket)
	if err != nil {
		return err
	}
	res := s3xml.DeleteResult{Deleted: []s3xml.DeletedObject{}, Errors: []s3xml.DeleteError{}}
	for _, o := range doc.Objects {
		deleted, err := s.deleteOne(c, o, vs)
		if err != nil {
			e := s3err.Resolve(err)
			if e.Code == s3err.InternalError {
				s.log.ErrorContext(c.ctx, "delete objects: key failed", "request_id", c.reqID, "bucket", c.op.Bucket, "key", o.Key, "err", err)
			}
			res.Errors = append(res.Errors, s3xml.DeleteError{Key: o.Key, VersionID: o.VersionID, Code: string(e.Code), Message: e.Message})
			continue
		}
		if !doc.Quiet {
			res.Deleted = append(res.Deleted, deleted)
		}
	}
	return s.writeXML(c.w, http.StatusOK, res)
}

// deleteOne deletes one key of a DeleteObjects request.
func (s *server) deleteOne(c *call, o s3xml.ObjectIdentifier, vs storage.VersioningState) (s3xml.DeletedObject, error) {
	if err := storage.CheckObjectName(o.Key); err != nil {
		return s3xml.DeletedObject{}, err
	}
	action := "s3:DeleteObject"
	if o.VersionID != "" {
		action = "s3:DeleteObjectVersion"
	}
	if err := s.authorize(c, action, c.op.Bucket, o.Key); err != nil {
		return s3xml.DeletedObject{}, err
	}
	opts := storage.DeleteOptions{VersionID: o.VersionID, Versioning: vs}
	if o.ETag != "" {
		want := trimETag(o.ETag)
		opts.Precondition = func(info storage.ObjectInfo) error {
			if info.ETag != want {
				return storage.ErrPreconditionFailed
			}
			return nil
		}
	}
	opts.Precondition = s.lockedPrecondition(c, o.Key, o.VersionID, vs, opts.Precondition)
	info, err := s.store.DeleteObject(c.ctx, c.op.Bucket, o.Key, opts)
	if err != nil {
		return s3xml.DeletedObject{}, err
	}
	d := s3xml.DeletedObject{Key: o.Key, VersionID: o.VersionID}
	if info.DeleteMarker {
		d.DeleteMarker = true
		d.DeleteMarkerVersionID = info.VersionID
	}
	return d, nil
}
