package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
)

// Tag limits of S3.
const (
	maxObjectTags   = 10
	maxBucketTags   = 50
	maxTagKeyLen    = 128
	maxTagValueLen  = 256
	internalTagging = "x-amz-tagging" // ObjectInfo.Internal: the tag set, URL-query encoded, in order
)

// taggingHeaderError is S3's answer to an x-amz-tagging value that is not a
// URL query of unique keys.
func taggingHeaderError() error {
	return s3err.New(s3err.InvalidArgument, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
}

// validTagText reports whether s uses only the characters AWS allows in
// tags: letters, digits, white space and + - = . _ : / @.
func validTagText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) || strings.ContainsRune("+-=._:/@", r) {
			continue
		}
		return false
	}
	return true
}

// checkTags validates a tag set as S3 does: each tag in order (key and value
// length and characters, no reserved aws: prefix, no duplicate key), then
// the count against limit.
func checkTags(tags []s3xml.Tag, limit int) error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		switch {
		case utf8.RuneCountInString(t.Key) > maxTagKeyLen:
			return s3err.New(s3err.InvalidTag, "The TagKey you have provided is too long, max "+strconv.Itoa(maxTagKeyLen))
		case utf8.RuneCountInString(t.Value) > maxTagValueLen:
			return s3err.New(s3err.InvalidTag, "The TagValue you have provided is too long, max "+strconv.Itoa(maxTagValueLen))
		case t.Key == "" || !validTagText(t.Key):
			return s3err.New(s3err.InvalidTag, "The TagKey you have provided is invalid")
		case !validTagText(t.Value):
			return s3err.New(s3err.InvalidTag, "The TagValue you have provided is invalid")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return s3err.New(s3err.InvalidTag, "Your TagKey cannot be prefixed with aws:")
		case seen[t.Key]:
			return s3err.New(s3err.InvalidTag, "Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
	}
	if len(tags) > limit {
		if limit == maxBucketTags {
			return s3err.New(s3err.BadRequest, "Bucket tag count cannot be greater than 50")
		}
		return s3err.New(s3err.BadRequest, "Object tags cannot be greater than 10")
	}
	return nil
}

// encodeTags is the stored form of a tag set: a URL query in tag order.
func encodeTags(tags []s3xml.Tag) string {
	var b strings.Builder
	for i, t := range tags {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(t.Key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(t.Value))
	}
	return b.String()
}

// decodeTags parses a URL-query tag set (stored form or x-amz-tagging),
// keeping the order; ok is false when it is not a valid encoding or repeats
// a key.
func decodeTags(v string) (tags []s3xml.Tag, ok bool) {
	if v == "" {
		return nil, true
	}
	seen := map[string]bool{}
	for _, pair := range strings.Split(v, "&") {
		if pair == "" {
			continue
		}
		k, val, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(val)
		if err1 != nil || err2 != nil || seen[key] {
			return nil, false
		}
		seen[key] = true
		tags = append(tags, s3xml.Tag{Key: key, Value: value})
	}
	return tags, true
}

// parseTaggingHeader validates an x-amz-tagging header and returns its
// stored form ("" when absent or empty).
func parseTaggingHeader(v string) (string, error) {
	tags, ok := decodeTags(v)
	if !ok {
		return "", taggingHeaderError()
	}
	if err := checkTags(tags, maxObjectTags); err != nil {
		return "", err
	}
	return encodeTags(tags), nil
}

// objectTags returns the tag set of an object version, in order.
func objectTags(info storage.ObjectInfo) []s3xml.Tag {
	tags, _ := decodeTags(info.Internal[internalTagging])
	return tags
}

// tagConditions returns the IAM condition keys of a tag set under prefix:
// "<prefix>/<key>" with the tag's value for each tag. With prefix
// "s3:ExistingObjectTag" it feeds conditions on the stored object's tags
// (objectTags); with "s3:RequestObjectTag" on the tags of the request
// (requestTags), which also yields s3:RequestObjectTagKeys.
func tagConditions(prefix string, tags []s3xml.Tag) map[string][]string {
	out := make(map[string][]string, len(tags)+1)
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		out[prefix+"/"+t.Key] = []string{t.Value}
		keys = append(keys, t.Key)
	}
	if prefix == "s3:RequestObjectTag" && len(keys) > 0 {
		out["s3:RequestObjectTagKeys"] = keys
	}
	return out
}

// requestTags returns the tags a request sets: the x-amz-tagging header of
// PUT, copy and CreateMultipartUpload. Invalid headers yield nil (the
// handler refuses them).
func requestTags(h http.Header) []s3xml.Tag {
	tags, _ := decodeTags(h.Get("x-amz-tagging"))
	return tags
}

// setTagCount writes x-amz-tagging-count for an object with tags.
func setTagCount(h http.Header, info storage.ObjectInfo) {
	if n := len(objectTags(info)); n > 0 {
		h.Set("x-amz-tagging-count", strconv.Itoa(n))
	}
}

// taggingDirective reads x-amz-tagging-directive of CopyObject: COPY (default) or REPLACE.
func taggingDirective(h http.Header) (replace bool, err error) {
	switch strings.ToUpper(h.Get("x-amz-tagging-directive")) {
	case "", "COPY":
		return false, nil
	case "REPLACE":
		return true, nil
	}
	return false, s3err.New(s3err.InvalidArgument, "Unknown tagging directive.")
}

// setInternal sets (v != "") or removes Internal[k] of info, allocating the map.
func setInternal(m *map[string]string, k, v string) {
	if v == "" {
		delete(*m, k)
		return
	}
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[k] = v
}

// writeVersionHeader sets x-amz-version-id for a real (non-null) version.
func writeVersionHeader(w http.ResponseWriter, versionID string) {
	if versionID != "" && versionID != storage.NullVersionID {
		w.Header().Set("x-amz-version-id", versionID)
	}
}

// getObjectTagging serves GetObjectTagging (with versionId).
func (s *server) getObjectTagging(c *call) error {
	info, err := s.store.StatObject(c.ctx, c.op.Bucket, c.op.Key, storage.GetOptions{VersionID: c.r.URL.Query().Get("versionId")})
	if err != nil {
		return deleteMarkerError(err, info)
	}
	writeVersionHeader(c.w, info.VersionID)
	tags := objectTags(info)
	if tags == nil {
		tags = []s3xml.Tag{}
	}
	return s.writeXML(c.w, http.StatusOK, s3xml.Tagging{TagSet: s3xml.TagSet{Tags: tags}})
}

// setObjectTags replaces the tag set of the version the request names.
func (s *server) setObjectTags(c *call, encoded string) (storage.ObjectInfo, error) {
	info, err := s.store.UpdateObjectMetadata(c.ctx, c.op.Bucket, c.op.Key, storage.UpdateMetadataOptions{
		VersionID: c.r.URL.Query().Get("versionId"),
		Update: func(info *storage.ObjectInfo) error {
			setInternal(&info.Internal, internalTagging, encoded)
			return nil
		}})
	if err != nil {
		return info, deleteMarkerError(err, info)
	}
	return info, nil
}

// putObjectTagging serves PutObjectTagging (with versionId).
func (s *server) putObjectTagging(c *call) error {
	body, err := s.readConfigBody(c, false)
	if err != nil {
		return err
	}
	doc, err := s3xml.DecodeTagging(strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	if err := checkTags(doc.TagSet.Tags, maxObjectTags); err != nil {
		return err
	}
	info, err := s.setObjectTags(c, encodeTags(doc.TagSet.Tags))
	if err != nil {
		return err
	}
	writeVersionHeader(c.w, info.VersionID)
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// deleteObjectTagging serves DeleteObjectTagging (204, with versionId).
func (s *server) deleteObjectTagging(c *call) error {
	info, err := s.setObjectTags(c, "")
	if err != nil {
		return err
	}
	writeVersionHeader(c.w, info.VersionID)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// getBucketTagging serves GetBucketTagging; NoSuchTagSet when none is set.
func (s *server) getBucketTagging(c *call) error {
	doc, err := s.store.GetBucketConfig(c.ctx, c.op.Bucket, storage.ConfigTagging)
	if err != nil {
		return configNotFound(err, s3err.NoSuchTagSet)
	}
	tags, _ := decodeTags(string(doc))
	if tags == nil {
		tags = []s3xml.Tag{}
	}
	return s.writeXML(c.w, http.StatusOK, s3xml.Tagging{TagSet: s3xml.TagSet{Tags: tags}})
}

// putBucketTagging serves PutBucketTagging (204).
func (s *server) putBucketTagging(c *call) error {
	body, err := s.readConfigBody(c, false)
	if err != nil {
		return err
	}
	doc, err := s3xml.DecodeTagging(strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	if err := checkTags(doc.TagSet.Tags, maxBucketTags); err != nil {
		return err
	}
	if err := s.store.PutBucketConfig(c.ctx, c.op.Bucket, storage.ConfigTagging, []byte(encodeTags(doc.TagSet.Tags))); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteBucketTagging serves DeleteBucketTagging (204).
func (s *server) deleteBucketTagging(c *call) error {
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	if err := s.store.DeleteBucketConfig(c.ctx, c.op.Bucket, storage.ConfigTagging); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// postTagging turns the "tagging" field of a browser POST upload (a Tagging
// XML document) into the x-amz-tagging header the upload is stored with.
func postTagging(field string, h http.Header) error {
	if field == "" {
		return nil
	}
	doc, err := s3xml.DecodeTagging(strings.NewReader(field))
	if err != nil {
		return err
	}
	if err := checkTags(doc.TagSet.Tags, maxObjectTags); err != nil {
		return err
	}
	h.Set("x-amz-tagging", encodeTags(doc.TagSet.Tags))
	return nil
}
