package s3xml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/silo-project/silo/api/s3err"
)

// Size limits of request documents.
const (
	// MaxDeleteBody bounds a DeleteObjects body (1000 keys of 1024 bytes, escaped).
	MaxDeleteBody = 8 << 20
	// MaxCompleteBody bounds a CompleteMultipartUpload body (10000 parts with checksums).
	MaxCompleteBody = 8 << 20
	// MaxConfigBody bounds small configuration bodies (CreateBucketConfiguration, versioning).
	MaxConfigBody = 1 << 20
	// MaxDeleteObjects is the most keys one DeleteObjects request may name.
	MaxDeleteObjects = 1000
)

// CreateBucketConfiguration is the optional CreateBucket body.
type CreateBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint"`
}

// Delete is the DeleteObjects request body.
type Delete struct {
	XMLName xml.Name           `xml:"Delete"`
	Quiet   bool               `xml:"Quiet"`
	Objects []ObjectIdentifier `xml:"Object"`
}

// ObjectIdentifier names one object of a Delete request.
type ObjectIdentifier struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId"`
	ETag      string `xml:"ETag"`
}

// CompleteMultipartUpload is the CompleteMultipartUpload request body.
type CompleteMultipartUpload struct {
	XMLName xml.Name        `xml:"CompleteMultipartUpload"`
	Parts   []CompletedPart `xml:"Part"`
}

// CompletedPart is one Part of a CompleteMultipartUpload body.
type CompletedPart struct {
	PartNumber int    `xml:"PartNumber"`
	ETag       string `xml:"ETag"`
	Checksums
}

// VersioningRequest is the PutBucketVersioning body.
type VersioningRequest struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Status    string   `xml:"Status"`
	MfaDelete string   `xml:"MfaDelete"`
}

// malformed returns the MalformedXML error with cause err.
func malformed(err error) error {
	return s3err.Wrap(s3err.MalformedXML, "", err)
}

// decode reads at most limit bytes of r and unmarshals exactly one root
// element into v, rejecting anything after it but whitespace, comments and
// processing instructions. An empty body is reported as io.EOF so that the
// callers can decide whether it is allowed.
func decode(r io.Reader, limit int64, v any) error {
	buf, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if int64(len(buf)) > limit {
		return s3err.New(s3err.MaxMessageLengthExceeded, "")
	}
	if len(bytes.TrimSpace(buf)) == 0 {
		return io.EOF
	}
	dec := xml.NewDecoder(bytes.NewReader(buf))
	dec.Strict = true
	if err := dec.Decode(v); err != nil {
		return malformed(err)
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return malformed(err)
		}
		switch t := tok.(type) {
		case xml.Comment, xml.ProcInst, xml.Directive:
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return malformed(errors.New("text after the root element"))
			}
		default:
			return malformed(errors.New("content after the root element"))
		}
	}
}

// DecodeCreateBucketConfiguration reads an optional CreateBucket body; an
// empty body yields the zero value.
func DecodeCreateBucketConfiguration(r io.Reader) (CreateBucketConfiguration, error) {
	var c CreateBucketConfiguration
	if err := decode(r, MaxConfigBody, &c); err != nil && !errors.Is(err, io.EOF) {
		return CreateBucketConfiguration{}, err
	}
	c.LocationConstraint = strings.TrimSpace(c.LocationConstraint)
	return c, nil
}

// DecodeDelete reads a DeleteObjects body: 1 to MaxDeleteObjects objects,
// each with a key; anything else is MalformedXML.
func DecodeDelete(r io.Reader) (Delete, error) {
	var d Delete
	if err := decode(r, MaxDeleteBody, &d); err != nil {
		if errors.Is(err, io.EOF) {
			return Delete{}, malformed(errors.New("empty body"))
		}
		return Delete{}, err
	}
	if len(d.Objects) == 0 || len(d.Objects) > MaxDeleteObjects {
		return Delete{}, malformed(fmt.Errorf("%d objects, want 1..%d", len(d.Objects), MaxDeleteObjects))
	}
	return d, nil
}

// DecodeCompleteMultipartUpload reads a CompleteMultipartUpload body with at
// least one part; part order and numbers are checked by the caller.
func DecodeCompleteMultipartUpload(r io.Reader) (CompleteMultipartUpload, error) {
	var c CompleteMultipartUpload
	if err := decode(r, MaxCompleteBody, &c); err != nil {
		if errors.Is(err, io.EOF) {
			return CompleteMultipartUpload{}, malformed(errors.New("empty body"))
		}
		return CompleteMultipartUpload{}, err
	}
	if len(c.Parts) == 0 {
		return CompleteMultipartUpload{}, malformed(errors.New("no parts"))
	}
	return c, nil
}

// DecodeVersioning reads a PutBucketVersioning body; Status must be
// Enabled or Suspended (or absent).
func DecodeVersioning(r io.Reader) (VersioningRequest, error) {
	var v VersioningRequest
	if err := decode(r, MaxConfigBody, &v); err != nil {
		if errors.Is(err, io.EOF) {
			return VersioningRequest{}, malformed(errors.New("empty body"))
		}
		return VersioningRequest{}, err
	}
	switch v.Status {
	case "", "Enabled", "Suspended":
	default:
		return VersioningRequest{}, malformed(fmt.Errorf("versioning status %q", v.Status))
	}
	return v, nil
}
