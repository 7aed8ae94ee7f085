package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/storage"
)

// responseOverrides maps the response-* query parameters to the headers they set.
func responseOverrides() map[string]string {
	return map[string]string{
		"response-content-type":        "Content-Type",
		"response-content-language":    "Content-Language",
		"response-expires":             "Expires",
		"response-cache-control":       "Cache-Control",
		"response-content-disposition": "Content-Disposition",
		"response-content-encoding":    "Content-Encoding",
	}
}

// readRequest is what GetObject and HeadObject parse from the request.
type readRequest struct {
	opts       storage.GetOptions
	rng        *storage.Range
	cond       conditional
	overrides  map[string]string
	checksums  bool
	partNumber int
}

// parseReadRequest parses versionId, partNumber, Range, the conditionals,
// response-* overrides and x-amz-checksum-mode.
func parseReadRequest(c *call) (readRequest, error) {
	q := c.r.URL.Query()
	rr := readRequest{cond: readConditional(c.r.Header, "")}
	rr.opts.VersionID = q.Get("versionId")
	if v := q.Get("partNumber"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > storage.MaxPartNumber {
			return rr, s3err.New(s3err.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive.")
		}
		rr.partNumber, rr.opts.PartNumber = n, n
	}
	if v := c.r.Header.Get("Range"); v != "" {
		if rr.partNumber != 0 {
			return rr, s3err.New(s3err.InvalidRequest, "Cannot specify both Range header and partNumber query parameter.")
		}
		rr.rng = parseRange(v)
	}
	for param, header := range responseOverrides() {
		if v, ok := q[param]; ok {
			if !c.signed() {
				return rr, s3err.New(s3err.InvalidRequest, "Request specific response headers cannot be used for anonymous GET requests.")
			}
			if rr.overrides == nil {
				rr.overrides = map[string]string{}
			}
			rr.overrides[header] = v[0]
		}
	}
	rr.checksums = strings.EqualFold(c.r.Header.Get("x-amz-checksum-mode"), "ENABLED")
	return rr, nil
}

// deleteMarkerError adds the x-amz-delete-marker header S3 sends when the
// version asked for is a delete marker.
func deleteMarkerError(err error, info storage.ObjectInfo) error {
	if !info.DeleteMarker {
		return err
	}
	h := http.Header{}
	h.Set("x-amz-delete-marker", "true")
	if info.VersionID != "" && info.VersionID != storage.NullVersionID {
		h.Set("x-amz-version-id", info.VersionID)
	}
	if !info.ModTime.IsZero() {
		h.Set("Last-Modified", info.ModTime.UTC().Format(http.TimeFormat))
	}
	e := s3err.Resolve(err)
	e.Header = h
	return e
}

// notModifiedError carries the ETag and Last-Modified a 304 answer repeats.
func notModifiedError(err error, info storage.ObjectInfo) error {
	if !errors.Is(err, storage.ErrNotModified) {
		return err
	}
	h := http.Header{}
	h.Set("ETag", quoteETag(info.ETag))
	h.Set("Last-Modified", info.ModTime.UTC().Format(http.TimeFormat))
	e := s3err.Resolve(err)
	e.Header = h
	return e
}

// rangeError carries Content-Range: bytes */size for a 416 answer.
func rangeError(err error, size int64) error {
	if !errors.Is(err, storage.ErrInvalidRange) {
		return err
	}
	e := s3err.Resolve(err)
	e.Header = http.Header{"Content-Range": {fmt.Sprintf("bytes */%d", size)}}
	return e
}

// partRange returns the offset and length of part n of info (1-based).
func partRange(info storage.ObjectInfo, n int) (off, length int64, ok bool) {
	if len(info.Parts) == 0 {
		return 0, info.Size, n == 1
	}
	for _, p := range info.Parts {
		if p.Number == n {
			return off, p.Size, true
		}
		off += p.Size
	}
	return 0, 0, false
}

// writeReadHeaders writes the headers of a GET/HEAD answer and returns the
// status (206 with Content-Range for a range or a part of a multipart
// object) and the length of the body.
func writeReadHeaders(w http.ResponseWriter, rr readRequest, info storage.ObjectInfo) (int, int64, error) {
	off, length, status := int64(0), info.Size, http.StatusOK
	switch {
	case rr.rng != nil:
		o, n, err := rr.rng.Resolve(info.Size)
		if err != nil {
			return 0, 0, rangeError(fmt.Errorf("%w", storage.ErrInvalidRange), info.Size)
		}
		off, length, status = o, n, http.StatusPartialContent
	case rr.partNumber != 0:
		o, n, ok := partRange(info, rr.partNumber)
		if !ok {
			return 0, 0, storage.ErrInvalidPartNumber
		}
		off, length = o, n
		if len(info.Parts) > 0 {
			status = http.StatusPartialContent
			w.Header().Set("x-amz-mp-parts-count", strconv.Itoa(len(info.Parts)))
		}
	}
	showSums := rr.checksums && rr.rng == nil
	setObjectHeaders(w, info, showSums && rr.partNumber == 0)
	if showSums && rr.partNumber != 0 && len(info.Parts) >= rr.partNumber {
		setChecksumHeaders(w.Header(), info.Parts[rr.partNumber-1].Checksums, "")
	}
	for header, v := range rr.overrides {
		w.Header().Set(header, v)
	}
	if status == http.StatusPartialContent && info.Size > 0 {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, off+length-1, info.Size))
	}
	w.Header().Set("Content-Length", strconv.FormatInt(length, 10))
	return status, length, nil
}

// maxCopyBuffer is the buffer a GET streams its body through when neither
// side can do without one (io.Copy's default size).
const maxCopyBuffer = 32 << 10

// copyBody streams a body of length bytes from r to w through a buffer no
// larger than the body: io.Copy's 32 KiB for every GET was 28% of the
// bytes a 4 KiB GET allocated.
func copyBody(w io.Writer, r io.Reader, length int64) (int64, error) {
	if wt, ok := r.(io.WriterTo); ok { // the store's reader and SSE's: no buffer
		return wt.WriteTo(w)
	}
	return io.CopyBuffer(w, r, make([]byte, max(1, min(length, maxCopyBuffer))))
}

// getObject serves GetObject, streaming the data (copyBody).
func (s *server) getObject(c *call) error {
	rr, err := parseReadRequest(c)
	if err != nil {
		return err
	}
	ck, err := parseCustomerKey(c.r.Header, sseCPrefix)
	if err != nil {
		return err
	}
	var seen storage.ObjectInfo
	opts := rr.opts
	opts.Precondition = func(info storage.ObjectInfo) error {
		seen = info
		if err := rr.cond.check(info, true); err != nil {
			return err
		}
		if rr.rng != nil {
			if _, _, err := rr.rng.Resolve(info.Size); err != nil {
				return storage.ErrInvalidRange
			}
		}
		return nil
	}
	rc, info, sealed, err := s.openObject(c, objectRead{bucket: c.op.Bucket, key: c.op.Key, versionID: opts.VersionID,
		partNumber: opts.PartNumber, rng: rr.rng, precondition: opts.Precondition, ck: ck})
	if err != nil {
		if seen.Key == "" {
			seen = info
		}
		return rangeError(notModifiedError(deleteMarkerError(err, info), seen), seen.Size)
	}
	defer rc.Close()
	status, length, err := writeReadHeaders(c.w, rr, info)
	if err != nil {
		return err
	}
	s.hideLockHeaders(c)
	if sealed != nil {
		setSSEHeaders(c.w.Header(), *sealed, ck)
	}
	c.w.WriteHeader(status)
	if _, err := copyBody(c.w, rc, length); err != nil {
		return fmt.Errorf("stream %s/%s: %w", c.op.Bucket, c.op.Key, err)
	}
	return nil
}

// headObject serves HeadObject: GetObject's headers without a body.
func (s *server) headObject(c *call) error {
	rr, err := parseReadRequest(c)
	if err != nil {
		return err
	}
	ck, err := parseCustomerKey(c.r.Header, sseCPrefix)
	if err != nil {
		return err
	}
	info, sealed, err := s.statObject(c, storage.GetOptions{VersionID: rr.opts.VersionID}, ck)
	if err != nil {
		return deleteMarkerError(err, info)
	}
	if err := rr.cond.check(info, true); err != nil {
		return notModifiedError(err, info)
	}
	status, _, err := writeReadHeaders(c.w, rr, info)
	if err != nil {
		return err
	}
	s.hideLockHeaders(c)
	if sealed != nil {
		setSSEHeaders(c.w.Header(), *sealed, ck)
	}
	c.w.WriteHeader(status)
	return nil
}
