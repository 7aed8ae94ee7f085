package s3xml

import (
	"encoding/xml"
	"errors"
	"io"
)

// Tagging is the body of Put/GetObjectTagging and Put/GetBucketTagging.
type Tagging struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ Tagging"`
	TagSet  TagSet   `xml:"TagSet"`
}

// TagSet is the list of tags of a Tagging document.
type TagSet struct {
	Tags []Tag `xml:"Tag"`
}

// Tag is one key/value pair.
type Tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// taggingRequest accepts a Tagging body in any (or no) namespace and
// records whether each element was present, which the response type cannot.
type taggingRequest struct {
	XMLName xml.Name `xml:"Tagging"`
	TagSet  *struct {
		Tags []struct {
			Key   *string `xml:"Key"`
			Value *string `xml:"Value"`
		} `xml:"Tag"`
	} `xml:"TagSet"`
}

// DecodeTagging reads a Tagging body: a TagSet element is required and every
// Tag needs a Key and a Value element (either may be empty here; the limits
// on tags are the caller's). Anything else is MalformedXML.
func DecodeTagging(r io.Reader) (Tagging, error) {
	var req taggingRequest
	if err := decode(r, MaxConfigBody, &req); err != nil {
		if errors.Is(err, io.EOF) {
			return Tagging{}, malformed(errors.New("empty body"))
		}
		return Tagging{}, err
	}
	if req.TagSet == nil {
		return Tagging{}, malformed(errors.New("no TagSet"))
	}
	out := Tagging{TagSet: TagSet{Tags: make([]Tag, 0, len(req.TagSet.Tags))}}
	for _, t := range req.TagSet.Tags {
		if t.Key == nil || t.Value == nil {
			return Tagging{}, malformed(errors.New("Tag without Key or Value"))
		}
		out.TagSet.Tags = append(out.TagSet.Tags, Tag{Key: *t.Key, Value: *t.Value})
	}
	return out, nil
}
