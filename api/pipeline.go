package api

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
)

// call is one S3 request on its way through a handler.
type call struct {
	w     http.ResponseWriter
	r     *http.Request
	ctx   context.Context
	op    *operation
	auth  *sigv4.Result
	reqID string
	// visibleOnly is set on a ListBuckets the caller may not perform on
	// the whole account: only the buckets it may list are shown.
	visibleOnly bool
}

// body returns the verified request payload.
func (c *call) body() io.Reader {
	if c.auth != nil && c.auth.Body != nil {
		return c.auth.Body
	}
	return c.r.Body
}

// contentLength returns the decoded payload length, -1 when unknown.
func (c *call) contentLength() int64 {
	if c.auth != nil && c.auth.Body != nil {
		return c.auth.ContentLength
	}
	return c.r.ContentLength
}

// trailers returns the payload's trailing headers (never nil as a func).
func (c *call) trailers() func() http.Header {
	if c.auth != nil && c.auth.Trailers != nil {
		return c.auth.Trailers
	}
	return func() http.Header { return c.r.Trailer }
}

// signed reports whether the request carried valid credentials.
func (c *call) signed() bool { return c.auth != nil && !c.auth.Anonymous }

// acquire takes a concurrency slot, waiting at most queueWait.
func (s *server) acquire(ctx context.Context) bool {
	if s.slots == nil {
		return true
	}
	select {
	case s.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(queueWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (s *server) release() {
	if s.slots != nil {
		<-s.slots
	}
}

// serveS3 is the pipeline of every S3 request: request ID, concurrency cap,
// routing, authentication, authorization, handler, error rendering.
func (s *server) serveS3(hw http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w := &respWriter{ResponseWriter: hw}
	s.setCommonHeaders(w, reqID)
	if !s.acquire(r.Context()) {
		s.writeError(w, r, reqID, nil, s3err.New(s3err.SlowDown, ""))
		return
	}
	defer s.release()
	op, err := s.parseOperation(r)
	if err != nil {
		s.writeError(w, r, reqID, op, err)
		return
	}
	c := &call{w: w, r: r, ctx: r.Context(), op: op, reqID: reqID}
	s.applyCORS(c)
	if op.selfAuth {
		// Browser POST: the signed policy in the form is the credential.
		c.auth = &sigv4.Result{Anonymous: true, Body: r.Body, ContentLength: r.ContentLength, Scheme: sigv4.SchemeAnonymous}
		s.runHandler(c)
		return
	}
	res, err := s.auth.Verify(r)
	if err != nil {
		s.writeError(w, r, reqID, op, err)
		return
	}
	c.auth = res
	if err := s.authorize(c, op.Action, op.Bucket, op.Key); err != nil && !s.listVisibleOnly(c, err) {
		s.writeError(w, r, reqID, op, err)
		return
	}
	s.runHandler(c)
}

// runHandler runs the operation's handler and writes its error, if any.
func (s *server) runHandler(c *call) {
	defer s.forgetBucket(c)
	defer func() {
		if v := recover(); v != nil {
			s.writeError(c.w, c.r, c.reqID, c.op, fmt.Errorf("handler panic: %v", v))
		}
	}()
	if err := c.op.handler(s, c); err != nil {
		s.writeError(c.w, c.r, c.reqID, c.op, err)
		return
	}
	if rw, ok := c.w.(*respWriter); ok && rw.status == 0 {
		rw.WriteHeader(http.StatusOK)
	}
}

// authorize asks the Authorizer whether the caller may perform action on bucket/key.
func (s *server) authorize(c *call, action, bucket, key string) error {
	req := iamRequest(c, c.auth.AccessKey, action, bucket, key)
	req.Anonymous = c.auth.Anonymous
	req.SessionToken = c.auth.SessionToken
	for k, v := range s.existingTagConditions(c, req) {
		req.Conditions[k] = v
	}
	return s.checkAccess(c, req, s.authz.Authorize(c.ctx, req))
}

// iamRequest builds the authorization question for accessKey.
func iamRequest(c *call, accessKey, action, bucket, key string) iam.Request {
	cond := conditions(c.r)
	if c.auth != nil {
		authConditions(cond, c.auth.Scheme)
	}
	if c.r.Header.Get("x-amz-tagging") != "" {
		for k, v := range tagConditions("s3:RequestObjectTag", requestTags(c.r.Header)) {
			cond[k] = v
		}
	}
	return iam.Request{AccessKey: accessKey, Action: action, Bucket: bucket, Key: key, Conditions: cond}
}

// conditions returns the policy condition keys known from the request.
func conditions(r *http.Request) map[string][]string {
	cond := map[string][]string{}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		cond["aws:SourceIp"] = []string{host}
	}
	secure := "false"
	if r.TLS != nil {
		secure = "true"
	}
	cond["aws:SecureTransport"] = []string{secure}
	if ua := r.UserAgent(); ua != "" {
		cond["aws:UserAgent"] = []string{ua}
	}
	if ref := r.Referer(); ref != "" {
		cond["aws:Referer"] = []string{ref}
	}
	q := r.URL.Query()
	for _, k := range []string{"prefix", "delimiter", "max-keys", "versionId"} {
		if v, ok := q[k]; ok {
			cond["s3:"+k] = v
		}
	}
	for k, v := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-amz-") && !strings.HasPrefix(lk, "x-amz-meta-") {
			cond["s3:"+lk] = v
			if rest, ok := strings.CutPrefix(lk, "x-amz-object-lock-"); ok {
				// s3:object-lock-mode, -retain-until-date, -legal-hold
				cond["s3:object-lock-"+rest] = v
			}
		}
	}
	return cond
}
