package s3xml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// ServerSideEncryptionConfiguration is the body of Put/GetBucketEncryption.
type ServerSideEncryptionConfiguration struct {
	XMLName xml.Name                   `xml:"ServerSideEncryptionConfiguration"`
	XMLNS   string                     `xml:"xmlns,attr,omitempty"`
	Rules   []ServerSideEncryptionRule `xml:"Rule"`
}

// ServerSideEncryptionRule is one rule of a bucket's default encryption.
type ServerSideEncryptionRule struct {
	Default          ServerSideEncryptionByDefault `xml:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled bool                          `xml:"BucketKeyEnabled,omitempty"`
}

// ServerSideEncryptionByDefault names the method (AES256 or aws:kms) and the KMS key.
type ServerSideEncryptionByDefault struct {
	SSEAlgorithm   string `xml:"SSEAlgorithm"`
	KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
}

// DecodeEncryption reads a PutBucketEncryption body: exactly one rule with
// SSEAlgorithm AES256 (no key) or aws:kms (optional key); MalformedXML otherwise.
func DecodeEncryption(r io.Reader) (ServerSideEncryptionConfiguration, error) {
	var c ServerSideEncryptionConfiguration
	if err := decode(r, MaxConfigBody, &c); err != nil {
		if errors.Is(err, io.EOF) {
			return c, malformed(errors.New("empty body"))
		}
		return c, err
	}
	if len(c.Rules) != 1 {
		return c, malformed(fmt.Errorf("%d encryption rules, want 1", len(c.Rules)))
	}
	d := c.Rules[0].Default
	switch d.SSEAlgorithm {
	case "AES256":
		if d.KMSMasterKeyID != "" {
			return c, malformed(errors.New("KMSMasterKeyID with AES256"))
		}
	case "aws:kms":
	default:
		return c, malformed(fmt.Errorf("SSEAlgorithm %q", d.SSEAlgorithm))
	}
	return c, nil
}
