package s3xml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// PublicAccessBlockConfiguration is the body of PutPublicAccessBlock and
// the result of GetPublicAccessBlock; absent elements are false.
type PublicAccessBlockConfiguration struct {
	XMLName               xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ PublicAccessBlockConfiguration"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets"`
}

// Object ownership settings of OwnershipControls.
const (
	OwnershipBucketOwnerEnforced  = "BucketOwnerEnforced"
	OwnershipBucketOwnerPreferred = "BucketOwnerPreferred"
	OwnershipObjectWriter         = "ObjectWriter"
)

// OwnershipControls is the body of PutBucketOwnershipControls and the
// result of GetBucketOwnershipControls.
type OwnershipControls struct {
	XMLName xml.Name        `xml:"http://s3.amazonaws.com/doc/2006-03-01/ OwnershipControls"`
	Rules   []OwnershipRule `xml:"Rule"`
}

// OwnershipRule is the one rule of OwnershipControls.
type OwnershipRule struct {
	ObjectOwnership string `xml:"ObjectOwnership"`
}

// IsObjectOwnership reports whether v is an ObjectOwnership setting.
func IsObjectOwnership(v string) bool {
	switch v {
	case OwnershipBucketOwnerEnforced, OwnershipBucketOwnerPreferred, OwnershipObjectWriter:
		return true
	}
	return false
}

// publicAccessBlockIn accepts the root element in any namespace.
type publicAccessBlockIn struct {
	XMLName               xml.Name
	BlockPublicAcls       *string `xml:"BlockPublicAcls"`
	IgnorePublicAcls      *string `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     *string `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets *string `xml:"RestrictPublicBuckets"`
}

// DecodePublicAccessBlock reads a PutPublicAccessBlock body; anything but
// a PublicAccessBlockConfiguration with true/false values is MalformedXML.
func DecodePublicAccessBlock(r io.Reader) (PublicAccessBlockConfiguration, error) {
	var in publicAccessBlockIn
	if err := decode(r, MaxConfigBody, &in); err != nil {
		if errors.Is(err, io.EOF) {
			return PublicAccessBlockConfiguration{}, malformed(errors.New("empty body"))
		}
		return PublicAccessBlockConfiguration{}, err
	}
	if in.XMLName.Local != "PublicAccessBlockConfiguration" {
		return PublicAccessBlockConfiguration{}, malformed(fmt.Errorf("root element %q", in.XMLName.Local))
	}
	var out PublicAccessBlockConfiguration
	for _, f := range []struct {
		in  *string
		out *bool
	}{{in.BlockPublicAcls, &out.BlockPublicAcls}, {in.IgnorePublicAcls, &out.IgnorePublicAcls},
		{in.BlockPublicPolicy, &out.BlockPublicPolicy}, {in.RestrictPublicBuckets, &out.RestrictPublicBuckets}} {
		if f.in == nil {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(*f.in)) {
		case "true":
			*f.out = true
		case "false":
		default:
			return PublicAccessBlockConfiguration{}, malformed(fmt.Errorf("boolean %q", *f.in))
		}
	}
	return out, nil
}

// ownershipIn accepts the root element in any namespace.
type ownershipIn struct {
	XMLName xml.Name
	Rules   []OwnershipRule `xml:"Rule"`
}

// DecodeOwnershipControls reads a PutBucketOwnershipControls body: exactly
// one Rule with a known ObjectOwnership, else MalformedXML.
func DecodeOwnershipControls(r io.Reader) (OwnershipControls, error) {
	var in ownershipIn
	if err := decode(r, MaxConfigBody, &in); err != nil {
		if errors.Is(err, io.EOF) {
			return OwnershipControls{}, malformed(errors.New("empty body"))
		}
		return OwnershipControls{}, err
	}
	if in.XMLName.Local != "OwnershipControls" || len(in.Rules) != 1 {
		return OwnershipControls{}, malformed(fmt.Errorf("root %q with %d rules", in.XMLName.Local, len(in.Rules)))
	}
	v := strings.TrimSpace(in.Rules[0].ObjectOwnership)
	if !IsObjectOwnership(v) {
		return OwnershipControls{}, malformed(fmt.Errorf("ObjectOwnership %q", v))
	}
	return OwnershipControls{Rules: []OwnershipRule{{ObjectOwnership: v}}}, nil
}

// RequestPaymentConfiguration is the GetBucketRequestPayment result.
type RequestPaymentConfiguration struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ RequestPaymentConfiguration"`
	Payer   string   `xml:"Payer"`
}
