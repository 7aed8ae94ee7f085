package api

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/storage"
)

// Limits of browser POST forms.
const (
	maxPostField  = 64 << 10 // one form field
	maxPostFields = 1 << 20  // all form fields together
)

// readPostForm reads the form fields of a multipart/form-data body up to
// the file part, which it returns unread with the fields (names lower-cased).
func readPostForm(r *http.Request) (map[string]string, *multipart.Part, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, s3err.Wrap(s3err.MalformedPOSTRequest, "", err)
	}
	form := map[string]string{}
	total := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, nil, s3err.New(s3err.IncorrectNumberOfFilesInPost, "")
		}
		if err != nil {
			return nil, nil, s3err.Wrap(s3err.MalformedPOSTRequest, "", err)
		}
		name := strings.ToLower(part.FormName())
		if name == "file" {
			return form, part, nil
		}
		b, err := io.ReadAll(io.LimitReader(part, maxPostField+1))
		if err != nil {
			return nil, nil, s3err.Wrap(s3err.MalformedPOSTRequest, "", err)
		}
		total += len(b)
		if len(b) > maxPostField || total > maxPostFields {
			return nil, nil, s3err.New(s3err.MaxMessageLengthExceeded, "")
		}
		if name != "" {
			form[name] = string(b)
		}
	}
}

// sizeCheckReader enforces the policy's content-length-range while the
// file streams: past the maximum, or at EOF below the minimum, its Read
// fails so the store aborts the write.
type sizeCheckReader struct {
	r      io.Reader
	policy *sigv4.PostPolicy
	n      int64
}

func (s *sizeCheckReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if cr := s.policy.ContentLengthRange; cr.Set && s.n > cr.Max {
		return n, s.policy.CheckContentLength(s.n)
	}
	if s.n > storage.MaxObjectSize {
		return n, s3err.New(s3err.EntityTooLarge, "")
	}
	if errors.Is(err, io.EOF) {
		if cerr := s.policy.CheckContentLength(s.n); cerr != nil {
			return n, cerr
		}
	}
	return n, err
}

// postObject serves browser POST uploads: the form is authenticated by its
// signed policy (not by headers), then the file part streams into the store.
func (s *server) postObject(c *call) error {
	pv, ok := s.auth.(PostPolicyVerifier)
	if !ok {
		return s3err.New(s3err.NotImplemented, "POST uploads are not supported by this authenticator.")
	}
	form, file, err := readPostForm(c.r)
	if err != nil {
		return err
	}
	key := form["key"]
	if key == "" {
		return s3err.New(s3err.InvalidArgument, "Bucket POST must contain a field named 'key'.")
	}
	if fn := file.FileName(); fn != "" {
		key = strings.ReplaceAll(key, "${filename}", fn)
		form["key"] = key
	}
	if err := storage.CheckObjectName(key); err != nil {
		return err
	}
	policy, err := pv.VerifyPostPolicy(c.ctx, form, c.op.Bucket)
	if err != nil {
		return err
	}
	c.op.Key = key
	req := iamRequest(c, policy.AccessKey, "s3:PutObject", c.op.Bucket, key)
	req.Anonymous = policy.Anonymous
	req.SessionToken = form["x-amz-security-token"]
	req.Conditions["s3:authType"] = []string{"POST"}
	// The signed policy is the credential: the writer owns the object.
	c.auth.AccessKey, c.auth.Anonymous = policy.AccessKey, policy.Anonymous
	if err := s.checkAccess(c, req, s.authz.Authorize(c.ctx, req)); err != nil {
		return err
	}
	h := http.Header{}
	if v := form["acl"]; v != "" {
		h.Set("x-amz-acl", v)
	}
	for k, v := range form {
		if strings.HasPrefix(k, "x-amz-meta-") || strings.HasPrefix(k, hdrSSE) || k == "content-type" || k == "x-amz-storage-class" ||
			k == "cache-control" || k == "content-disposition" || k == "content-encoding" || k == "expires" ||
			strings.HasPrefix(k, "x-amz-object-lock-") {
			h.Set(k, v)
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", file.Header.Get("Content-Type"))
	}
	if err := postTagging(form["tagging"], h); err != nil {
		return err
	}
	opts, err := s.putOptions(c, h)
	if err != nil {
		return err
	}
	sw, err := s.sealWrite(c, h, key)
	if err != nil {
		return err
	}
	data, size := io.Reader(&sizeCheckReader{r: file, policy: policy}), int64(-1)
	if sw != nil {
		if data, size, err = sw.wrap(data, size, 1); err != nil {
			return err
		}
		opts.PreCommit = func(info *storage.ObjectInfo) error { return sw.commit(info, nil) }
		opts.NoMD5 = true
	}
	info, err := s.store.PutObject(c.ctx, c.op.Bucket, key, data, size, opts)
	if err != nil {
		return err
	}
	sw.setHeaders(c.w.Header())
	return s.writePostResult(c, form, info)
}

// writePostResult answers a POST upload as success_action_redirect or
// success_action_status ask (204 by default).
func (s *server) writePostResult(c *call, form map[string]string, info storage.ObjectInfo) error {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	location := fmt.Sprintf("%s://%s/%s/%s", scheme, c.r.Host, c.op.Bucket, s3URLEncode(info.Key))
	c.w.Header().Set("ETag", quoteETag(info.ETag))
	c.w.Header().Set("Location", location)
	redirect := form["success_action_redirect"]
	if redirect == "" {
		redirect = form["redirect"]
	}
	if u, err := url.Parse(redirect); redirect != "" && err == nil && u.Scheme != "" {
		q := u.Query()
		q.Set("bucket", c.op.Bucket)
		q.Set("key", info.Key)
		q.Set("etag", quoteETag(info.ETag))
		u.RawQuery = q.Encode()
		c.w.Header().Set("Location", u.String())
		c.w.WriteHeader(http.StatusSeeOther)
		return nil
	}
	switch form["success_action_status"] {
	case "200":
		c.w.WriteHeader(http.StatusOK)
	case "201":
		return s.writeXML(c.w, http.StatusCreated, s3xml.PostResponse{Location: location, Bucket: c.op.Bucket, Key: info.Key, ETag: quoteETag(info.ETag)})
	default:
		c.w.WriteHeader(http.StatusNoContent)
	}
	return nil
}
