package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silo-project/silo/api/checksum"
	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/storage"
)

// maxUserMetadata is the S3 limit on the size of x-amz-meta-* headers.
const maxUserMetadata = 2 << 10

// defaultContentType is what S3 reports for objects stored without one.
const defaultContentType = "binary/octet-stream"

// storedHeaders are the standard headers kept with an object and returned
// on GET and HEAD, keyed lower-case in ObjectInfo.Metadata.
func storedHeaders() []string {
	return []string{"content-encoding", "content-disposition", "content-language", "cache-control", "expires", "x-amz-website-redirect-location"}
}

// objectMetadata collects the metadata of a new object from request headers:
// x-amz-meta-* (lower-cased) and the stored standard headers. The
// aws-chunked content coding is transport framing and is not kept.
func objectMetadata(h http.Header) (map[string]string, error) {
	meta := map[string]string{}
	userSize := 0
	for k, vs := range h {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, "x-amz-meta-") {
			continue
		}
		v := strings.Join(vs, ",")
		userSize += len(lk) - len("x-amz-meta-") + len(v)
		meta[lk] = v
	}
	if userSize > maxUserMetadata {
		return nil, s3err.New(s3err.MetadataTooLarge, "")
	}
	for _, name := range storedHeaders() {
		v := h.Get(name)
		if name == "content-encoding" {
			v = stripAWSChunked(v)
		}
		if v != "" {
			meta[name] = v
		}
	}
	return meta, nil
}

// stripAWSChunked removes "aws-chunked" from a Content-Encoding list.
func stripAWSChunked(v string) string {
	var keep []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p != "" && !strings.EqualFold(p, "aws-chunked") {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, ",")
}

// storageClass validates x-amz-storage-class.
func storageClass(h http.Header) (string, error) {
	switch sc := h.Get("x-amz-storage-class"); sc {
	case "", storage.StorageClassStandard, storage.StorageClassRRS:
		return sc, nil
	default:
		return "", s3err.New(s3err.InvalidStorageClass, "")
	}
}

// quoteETag returns the ETag as S3 sends it, in double quotes.
func quoteETag(etag string) string { return `"` + etag + `"` }

// trimETag strips quotes and a weak prefix from a client-supplied ETag.
func trimETag(etag string) string {
	etag = strings.TrimSpace(etag)
	etag = strings.TrimPrefix(etag, "W/")
	return strings.Trim(etag, `"`)
}

// etagMatches reports whether a comma-separated If-Match / If-None-Match
// list names etag ("*" matches any).
func etagMatches(list, etag string) bool {
	for _, e := range strings.Split(list, ",") {
		e = trimETag(e)
		if e == "*" || e == etag {
			return true
		}
	}
	return false
}

// conditional holds the four read preconditions of a request.
type conditional struct {
	ifMatch, ifNoneMatch               string
	ifModifiedSince, ifUnmodifiedSince time.Time
}

// readConditional parses If-Match, If-None-Match, If-Modified-Since and
// If-Unmodified-Since (or their x-amz-copy-source-if-* forms when prefix is
// "x-amz-copy-source-"). Unparseable dates are ignored, as HTTP requires.
func readConditional(h http.Header, prefix string) conditional {
	c := conditional{ifMatch: h.Get(prefix + "if-match"), ifNoneMatch: h.Get(prefix + "if-none-match")}
	if t, err := http.ParseTime(h.Get(prefix + "if-modified-since")); err == nil {
		c.ifModifiedSince = t
	}
	if t, err := http.ParseTime(h.Get(prefix + "if-unmodified-since")); err == nil {
		c.ifUnmodifiedSince = t
	}
	return c
}

// empty reports whether no precondition was given.
func (c conditional) empty() bool {
	return c.ifMatch == "" && c.ifNoneMatch == "" && c.ifModifiedSince.IsZero() && c.ifUnmodifiedSince.IsZero()
}

// check evaluates the preconditions against info with S3's precedence
// (RFC 9110 order): If-Match, else If-Unmodified-Since, decide 412; then
// If-None-Match, else If-Modified-Since, decide 304 (412 when notModified
// is false, as for copy sources and writes).
func (c conditional) check(info storage.ObjectInfo, notModified bool) error {
	mod := info.ModTime.Truncate(time.Second)
	switch {
	case c.ifMatch != "":
		if !etagMatches(c.ifMatch, info.ETag) {
			return storage.ErrPreconditionFailed
		}
	case !c.ifUnmodifiedSince.IsZero():
		if mod.After(c.ifUnmodifiedSince) {
			return storage.ErrPreconditionFailed
		}
	}
	fail := storage.ErrNotModified
	if !notModified {
		fail = storage.ErrPreconditionFailed
	}
	switch {
	case c.ifNoneMatch != "":
		if etagMatches(c.ifNoneMatch, info.ETag) {
			return fail
		}
	case !c.ifModifiedSince.IsZero():
		if !mod.After(c.ifModifiedSince) {
			return fail
		}
	}
	return nil
}

// parseRange parses a single byte range ("bytes=a-b", "bytes=a-",
// "bytes=-n"). Anything else (multiple ranges, other units, bad syntax)
// yields nil: the whole object is served, as S3 does.
func parseRange(v string) *storage.Range {
	spec, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return nil
	}
	if first == "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n <= 0 {
			return nil
		}
		return &storage.Range{SuffixLength: n}
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return nil
	}
	if last == "" {
		return &storage.Range{Start: start, End: -1}
	}
	end, err := strconv.ParseInt(last, 10, 64)
	if err != nil || end < start {
		return nil
	}
	return &storage.Range{Start: start, End: end}
}

// setObjectHeaders writes the metadata headers of info (not Content-Length).
func setObjectHeaders(w http.ResponseWriter, info storage.ObjectInfo, showChecksums bool) {
	h := w.Header()
	ct := info.ContentType
	if ct == "" {
		ct = defaultContentType
	}
	h.Set("Content-Type", ct)
	h.Set("ETag", quoteETag(info.ETag))
	h.Set("Last-Modified", info.ModTime.UTC().Format(http.TimeFormat))
	if info.VersionID != "" && info.VersionID != storage.NullVersionID {
		h.Set("x-amz-version-id", info.VersionID)
	}
	if info.StorageClass != "" && info.StorageClass != storage.StorageClassStandard {
		h.Set("x-amz-storage-class", info.StorageClass)
	}
	for k, v := range info.Metadata {
		if strings.HasPrefix(k, "x-amz-meta-") {
			// Lower-case on the wire, as S3 sends them: some SDKs
			// (botocore) keep the case they receive in Metadata keys.
			h[strings.ToLower(k)] = []string{v}
		}
	}
	for _, name := range storedHeaders() {
		if v, ok := info.Metadata[name]; ok {
			h.Set(name, v)
		}
	}
	if showChecksums {
		setChecksumHeaders(h, info.Checksums, info.ChecksumType)
	}
	setFeatureHeaders(h, info)
}

// setChecksumHeaders writes x-amz-checksum-<alg> and x-amz-checksum-type.
func setChecksumHeaders(h http.Header, sums map[string]string, typ string) {
	for alg, v := range sums {
		if a, err := checksum.Parse(alg); err == nil {
			h.Set(a.Header(), v)
		}
	}
	if len(sums) > 0 && typ != "" {
		h.Set("x-amz-checksum-type", typ)
	}
}

// contentMD5 decodes Content-MD5: nil when absent, InvalidDigest when malformed.
func contentMD5(h http.Header) ([]byte, error) {
	v := h.Get("Content-MD5")
	if v == "" {
		return nil, nil
	}
	b, err := decodeBase64(v)
	if err != nil || len(b) != 16 {
		return nil, s3err.New(s3err.InvalidDigest, "")
	}
	return b, nil
}
