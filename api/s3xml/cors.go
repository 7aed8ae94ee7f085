package s3xml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/silo-project/silo/api/s3err"
)

// MaxCORSRules is the most rules one CORS configuration may hold.
const MaxCORSRules = 100

// CORSConfiguration is the PutBucketCors body and the GetBucketCors result.
// Decoding accepts the root element in any namespace; Encode writes the S3
// namespace.
type CORSConfiguration struct {
	XMLName xml.Name
	Rules   []CORSRule `xml:"CORSRule"`
}

// CORSRule is one rule of a CORS configuration.
type CORSRule struct {
	ID             string   `xml:"ID,omitempty"`
	AllowedHeaders []string `xml:"AllowedHeader"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedOrigins []string `xml:"AllowedOrigin"`
	ExposeHeaders  []string `xml:"ExposeHeader"`
	MaxAgeSeconds  *int     `xml:"MaxAgeSeconds,omitempty"`
}

// IsCORSMethod reports whether m is a method a CORS rule may allow:
// GET, PUT, POST, DELETE or HEAD, exactly (upper case).
func IsCORSMethod(m string) bool {
	switch m {
	case "GET", "PUT", "POST", "DELETE", "HEAD":
		return true
	}
	return false
}

// DecodeCORS reads and validates a PutBucketCors body as S3 does: 1 to
// MaxCORSRules rules, each with at least one AllowedOrigin and AllowedMethod
// (else MalformedXML); methods GET, PUT, POST, DELETE or HEAD, at most one
// '*' per origin and per header (else InvalidRequest).
func DecodeCORS(r io.Reader) (CORSConfiguration, error) {
	var c CORSConfiguration
	if err := decode(r, MaxConfigBody, &c); err != nil {
		if errors.Is(err, io.EOF) {
			return CORSConfiguration{}, malformed(errors.New("empty body"))
		}
		return CORSConfiguration{}, err
	}
	if c.XMLName.Local != "CORSConfiguration" {
		return CORSConfiguration{}, malformed(fmt.Errorf("root element %q", c.XMLName.Local))
	}
	if len(c.Rules) == 0 {
		return CORSConfiguration{}, malformed(errors.New("no CORSRule"))
	}
	if len(c.Rules) > MaxCORSRules {
		return CORSConfiguration{}, s3err.New(s3err.InvalidRequest,
			fmt.Sprintf("The number of CORS rules should not exceed allowed limit of %d rules.", MaxCORSRules))
	}
	for i := range c.Rules {
		if err := c.Rules[i].validate(); err != nil {
			return CORSConfiguration{}, err
		}
	}
	return c, nil
}

// validate checks one rule and trims the whitespace around its values.
func (rule *CORSRule) validate() error {
	for _, list := range [][]string{rule.AllowedHeaders, rule.AllowedMethods, rule.AllowedOrigins, rule.ExposeHeaders} {
		for i := range list {
			list[i] = strings.TrimSpace(list[i])
		}
	}
	if len(rule.AllowedOrigins) == 0 || len(rule.AllowedMethods) == 0 {
		return malformed(errors.New("CORSRule without AllowedOrigin or AllowedMethod"))
	}
	if len(rule.ID) > 255 {
		return s3err.New(s3err.InvalidArgument, "The ID of a CORS rule must be at most 255 characters.")
	}
	for _, m := range rule.AllowedMethods {
		if !IsCORSMethod(m) {
			return s3err.New(s3err.InvalidRequest, "Found unsupported HTTP method in CORS config. Unsupported method is "+m)
		}
	}
	for _, o := range rule.AllowedOrigins {
		if strings.Count(o, "*") > 1 {
			return s3err.New(s3err.InvalidRequest, `AllowedOrigin "`+o+`" can not have more than one wildcard.`)
		}
	}
	for _, h := range rule.AllowedHeaders {
		if strings.Count(h, "*") > 1 {
			return s3err.New(s3err.InvalidRequest, `AllowedHeader "`+h+`" can not have more than one wildcard.`)
		}
	}
	if rule.MaxAgeSeconds != nil && *rule.MaxAgeSeconds < 0 {
		return malformed(errors.New("negative MaxAgeSeconds"))
	}
	return nil
}

// EncodeCORS returns c as a document in the S3 namespace.
func EncodeCORS(c CORSConfiguration) ([]byte, error) {
	c.XMLName = xml.Name{Space: Namespace, Local: "CORSConfiguration"}
	return Marshal(c)
}
