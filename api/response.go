package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
)

// respWriter remembers whether the response has started, so that an error
// after the first byte is logged instead of written.
type respWriter struct {
	http.ResponseWriter
	status int
}

func (w *respWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *respWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *respWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush forwards to the underlying writer when it can flush.
func (w *respWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		f.Flush()
	}
}

// setCommonHeaders sets the headers every response carries.
func (s *server) setCommonHeaders(w http.ResponseWriter, reqID string) {
	h := w.Header()
	h.Set("x-amz-request-id", reqID)
	h.Set("x-amz-id-2", s.hostID)
	h.Set("Server", "Silo")
	h.Set("Accept-Ranges", "bytes")
}

// writeXML writes v as an XML document with the given status.
func (s *server) writeXML(w http.ResponseWriter, status int, v any) error {
	body, err := s3xml.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}

// bucketCodes and keyCodes are the errors S3 names the bucket or key in.
func namesBucket(c s3err.Code) bool {
	switch c {
	case s3err.NoSuchBucket, s3err.BucketAlreadyExists, s3err.BucketAlreadyOwnedByYou,
		s3err.BucketNotEmpty, s3err.InvalidBucketName, s3err.NoSuchBucketPolicy, s3err.NoSuchTagSet:
		return true
	}
	return false
}

func namesKey(c s3err.Code) bool {
	return c == s3err.NoSuchKey || c == s3err.NoSuchVersion
}

// writeError is the one place that writes an error response. Unknown errors
// are logged with their detail and answered as InternalError.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, reqID string, op *operation, err error) {
	e := s3err.Resolve(err)
	lvl := slog.LevelDebug
	switch {
	case e.Code == s3err.InternalError:
		lvl = slog.LevelError
	case e.Code.Status() >= 500:
		lvl = slog.LevelWarn
	}
	opName := ""
	if op != nil {
		opName = op.Name
	}
	s.log.Log(r.Context(), lvl, "s3 request failed", "request_id", reqID, "op", opName,
		"method", r.Method, "path", r.URL.Path, "code", string(e.Code), "err", err)
	if rw, ok := w.(*respWriter); ok && rw.status != 0 {
		return // the response has started; the client sees a truncated body
	}
	doc := s3xml.Error{Code: string(e.Code), Message: e.Message, Resource: r.URL.Path, RequestID: reqID, HostID: s.hostID}
	if op != nil {
		if namesBucket(e.Code) {
			doc.BucketName = op.Bucket
		}
		if namesKey(e.Code) {
			doc.Key = op.Key
		}
	}
	if e.BucketName != "" {
		doc.BucketName = e.BucketName
	}
	if e.Key != "" {
		doc.Key = e.Key
	}
	status := e.Code.Status()
	h := w.Header()
	for _, name := range []string{"Content-Length", "Content-Range", "ETag", "Last-Modified", "Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control", "Expires"} {
		h.Del(name)
	}
	for k, vs := range e.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	if r.Method == http.MethodHead || status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}
	body, merr := s3xml.Marshal(doc)
	if merr != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// isS3Error reports whether err resolves to code.
func isS3Error(err error, code s3err.Code) bool {
	var se *s3err.Error
	if errors.As(err, &se) {
		return se.Code == code
	}
	return s3err.From(err) == code
}
