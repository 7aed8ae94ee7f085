package api

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
)

// listParams are the query parameters shared by the listings.
type listParams struct {
	prefix, delimiter string
	maxKeys           int
	encodeURL         bool
	bucketOwner       s3xml.Owner // owner of objects that record none
}

// parseMaxKeys parses an optional limit parameter in 0..max (larger values
// are capped as S3 does); anything else is InvalidArgument.
func parseMaxKeys(q url.Values, name string, max int) (int, error) {
	v, ok := q[name]
	if !ok || v[0] == "" {
		return max, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 0 {
		return 0, s3err.New(s3err.InvalidArgument, "Argument "+name+" must be an integer between 0 and 2147483647.")
	}
	return min(n, max), nil
}

// parseListParams reads prefix, delimiter, the limit and encoding-type.
func parseListParams(q url.Values, limitName string) (listParams, error) {
	p := listParams{prefix: q.Get("prefix"), delimiter: q.Get("delimiter")}
	var err error
	if p.maxKeys, err = parseMaxKeys(q, limitName, storage.MaxListKeys); err != nil {
		return p, err
	}
	switch et := q.Get("encoding-type"); et {
	case "":
	case "url":
		p.encodeURL = true
	default:
		return p, s3err.New(s3err.InvalidArgument, "Invalid Encoding Method specified in Request.")
	}
	return p, nil
}

// s3URLEncode encodes s as S3 does for encoding-type=url: every byte but
// unreserved characters and '/' as %XX.
func s3URLEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// enc applies encoding-type=url when asked.
func (p listParams) enc(s string) string {
	if p.encodeURL {
		return s3URLEncode(s)
	}
	return s
}

func (p listParams) encodingType() string {
	if p.encodeURL {
		return "url"
	}
	return ""
}

// listEntry converts an object to a Contents entry.
func (p listParams) listEntry(o storage.ObjectInfo, withOwner bool) s3xml.Object {
	sc := o.StorageClass
	if sc == "" {
		sc = storage.StorageClassStandard
	}
	e := s3xml.Object{Key: p.enc(o.Key), LastModified: s3xml.Time(o.ModTime), ETag: quoteETag(o.ETag), Size: listedSize(o), StorageClass: sc}
	for alg := range o.Checksums {
		e.ChecksumAlgorithm = append(e.ChecksumAlgorithm, alg)
	}
	sort.Strings(e.ChecksumAlgorithm)
	if len(e.ChecksumAlgorithm) > 0 {
		e.ChecksumType = o.ChecksumType
	}
	if withOwner {
		own := objectOwner(o, p.bucketOwner)
		e.Owner = &own
	}
	return e
}

func (p listParams) prefixes(cps []string) []s3xml.CommonPrefix {
	out := make([]s3xml.CommonPrefix, 0, len(cps))
	for _, cp := range cps {
		out = append(out, s3xml.CommonPrefix{Prefix: p.enc(cp)})
	}
	return out
}

// list runs one ListObjects page; max-keys=0 answers an empty page after
// checking that the bucket exists.
func (s *server) list(c *call, p listParams, marker string) (storage.ListResult, error) {
	if p.maxKeys == 0 {
		_, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket)
		return storage.ListResult{}, err
	}
	return s.store.ListObjects(c.ctx, c.op.Bucket, storage.ListOptions{Prefix: p.prefix, Delimiter: p.delimiter, Marker: marker, MaxKeys: p.maxKeys})
}

// objectListParams parses the parameters of an object listing and, when its
// answer shows owners, looks up the bucket's owner (the owner of objects
// that record none); listings without owners spare that read.
func (s *server) objectListParams(c *call, q url.Values, withOwner bool) (listParams, error) {
	p, err := parseListParams(q, "max-keys")
	if err != nil || !withOwner {
		return p, err
	}
	p.bucketOwner, err = s.bucketOwner(c.ctx, c.op.Bucket)
	return p, err
}

// listObjectsV1 serves ListObjects (V1).
func (s *server) listObjectsV1(c *call) error {
	q := c.r.URL.Query()
	p, err := s.objectListParams(c, q, true)
	if err != nil {
		return err
	}
	marker := q.Get("marker")
	res, err := s.list(c, p, marker)
	if err != nil {
		return err
	}
	out := s3xml.ListBucketResult{Name: c.op.Bucket, Prefix: p.enc(p.prefix), Marker: p.enc(marker), MaxKeys: p.maxKeys,
		Delimiter: p.enc(p.delimiter), IsTruncated: res.IsTruncated, EncodingType: p.encodingType(),
		Contents: []s3xml.Object{}, CommonPrefixes: p.prefixes(res.CommonPrefixes)}
	for _, o := range res.Objects {
		out.Contents = append(out.Contents, p.listEntry(o, true))
	}
	if res.IsTruncated && p.delimiter != "" {
		out.NextMarker = p.enc(res.NextMarker)
	}
	return s.writeXML(c.w, http.StatusOK, out)
}

// listObjectsV2 serves ListObjectsV2; the continuation token is the
// base64 of the marker.
func (s *server) listObjectsV2(c *call) error {
	q := c.r.URL.Query()
	fetchOwner := q.Get("fetch-owner") == "true"
	p, err := s.objectListParams(c, q, fetchOwner)
	if err != nil {
		return err
	}
	token, startAfter := q.Get("continuation-token"), q.Get("start-after")
	marker := startAfter
	if _, ok := q["continuation-token"]; ok {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || token == "" {
			return s3err.New(s3err.InvalidArgument, "The continuation token provided is incorrect.")
		}
		marker = string(b)
	}
	res, err := s.list(c, p, marker)
	if err != nil {
		return err
	}
	out := s3xml.ListBucketResultV2{Name: c.op.Bucket, Prefix: p.enc(p.prefix), MaxKeys: p.maxKeys, Delimiter: p.enc(p.delimiter),
		IsTruncated: res.IsTruncated, EncodingType: p.encodingType(), ContinuationToken: token, StartAfter: p.enc(startAfter),
		Contents: []s3xml.Object{}, CommonPrefixes: p.prefixes(res.CommonPrefixes)}
	for _, o := range res.Objects {
		out.Contents = append(out.Contents, p.listEntry(o, fetchOwner))
	}
	out.KeyCount = len(out.Contents) + len(out.CommonPrefixes)
	if res.IsTruncated {
		out.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(res.NextMarker))
	}
	return s.writeXML(c.w, http.StatusOK, out)
}

// listObjectVersions serves ListObjectVersions.
func (s *server) listObjectVersions(c *call) error {
	q := c.r.URL.Query()
	p, err := s.objectListParams(c, q, true)
	if err != nil {
		return err
	}
	keyMarker, vidMarker := q.Get("key-marker"), q.Get("version-id-marker")
	if vidMarker != "" && keyMarker == "" {
		return s3err.New(s3err.InvalidArgument, "A version-id marker cannot be specified without a key marker.")
	}
	out := s3xml.ListVersionsResult{Name: c.op.Bucket, Prefix: p.enc(p.prefix), KeyMarker: p.enc(keyMarker), VersionIDMarker: vidMarker,
		MaxKeys: p.maxKeys, Delimiter: p.enc(p.delimiter), EncodingType: p.encodingType(), CommonPrefixes: []s3xml.CommonPrefix{}}
	if p.maxKeys == 0 {
		if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
			return err
		}
		return s.writeXML(c.w, http.StatusOK, out)
	}
	res, err := s.store.ListObjectVersions(c.ctx, c.op.Bucket, storage.ListVersionsOptions{
		Prefix: p.prefix, Delimiter: p.delimiter, KeyMarker: keyMarker, VersionIDMarker: vidMarker, MaxKeys: p.maxKeys})
	if err != nil {
		return err
	}
	for _, v := range res.Versions {
		vid := v.VersionID
		if vid == "" {
			vid = storage.NullVersionID
		}
		e := s3xml.VersionEntry{Key: p.enc(v.Key), VersionID: vid, IsLatest: v.IsLatest, LastModified: s3xml.Time(v.ModTime), Owner: objectOwner(v, p.bucketOwner)}
		if v.DeleteMarker {
			out.Entries = append(out.Entries, s3xml.NewDeleteMarker(e))
			continue
		}
		size := listedSize(v)
		e.ETag, e.Size, e.StorageClass = quoteETag(v.ETag), &size, v.StorageClass
		if e.StorageClass == "" {
			e.StorageClass = storage.StorageClassStandard
		}
		out.Entries = append(out.Entries, s3xml.NewVersion(e))
	}
	out.CommonPrefixes = p.prefixes(res.CommonPrefixes)
	out.IsTruncated = res.IsTruncated
	if res.IsTruncated {
		out.NextKeyMarker, out.NextVersionIDMarker = p.enc(res.NextKeyMarker), res.NextVersionIDMarker
	}
	return s.writeXML(c.w, http.StatusOK, out)
}
