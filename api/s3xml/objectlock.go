package s3xml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/objectlock"
)

// ObjectLockConfiguration is the body of Put/GetObjectLockConfiguration.
type ObjectLockConfiguration struct {
	XMLName           xml.Name        `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ObjectLockConfiguration"`
	ObjectLockEnabled string          `xml:"ObjectLockEnabled,omitempty"`
	Rule              *ObjectLockRule `xml:"Rule,omitempty"`
}

// ObjectLockRule holds the default retention of a bucket.
type ObjectLockRule struct {
	DefaultRetention DefaultRetention `xml:"DefaultRetention"`
}

// DefaultRetention is applied to new versions without explicit retention:
// exactly one of Days and Years is set.
type DefaultRetention struct {
	Mode  string `xml:"Mode"`
	Days  int    `xml:"Days,omitempty"`
	Years int    `xml:"Years,omitempty"`
}

// Retention is the body of Put/GetObjectRetention. An empty Mode and
// RetainUntilDate (PUT only) removes the retention.
type Retention struct {
	XMLName         xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ Retention"`
	Mode            string   `xml:"Mode,omitempty"`
	RetainUntilDate string   `xml:"RetainUntilDate,omitempty"`
}

// LegalHold is the body of Put/GetObjectLegalHold.
type LegalHold struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LegalHold"`
	Status  string   `xml:"Status"`
}

// lockRequest accepts an ObjectLockConfiguration in any namespace, noting
// which elements were present.
type lockRequest struct {
	XMLName           xml.Name `xml:"ObjectLockConfiguration"`
	ObjectLockEnabled string   `xml:"ObjectLockEnabled"`
	Rule              *struct {
		DefaultRetention *struct {
			Mode  string  `xml:"Mode"`
			Days  *string `xml:"Days"`
			Years *string `xml:"Years"`
		} `xml:"DefaultRetention"`
	} `xml:"Rule"`
}

// maxRetentionDays bounds a default retention (100 years), keeping dates representable.
const maxRetentionDays = 36500

// positive parses a Days or Years element: a positive integer of at most
// max, else InvalidArgument as S3 answers.
func positive(v string, max int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 || n > max {
		return 0, s3err.New(s3err.InvalidArgument, "Default retention period must be a positive integer value.")
	}
	return n, nil
}

// DecodeObjectLockConfiguration reads a PutObjectLockConfiguration body:
// ObjectLockEnabled must be "Enabled"; a Rule needs a DefaultRetention with
// Mode GOVERNANCE or COMPLIANCE and exactly one of Days and Years. A Days or
// Years value that is not a positive integer (at most 100 years) is
// InvalidArgument; everything else wrong is MalformedXML.
func DecodeObjectLockConfiguration(r io.Reader) (ObjectLockConfiguration, error) {
	var req lockRequest
	if err := decode(r, MaxConfigBody, &req); err != nil {
		if errors.Is(err, io.EOF) {
			return ObjectLockConfiguration{}, malformed(errors.New("empty body"))
		}
		return ObjectLockConfiguration{}, err
	}
	if req.ObjectLockEnabled != "Enabled" {
		return ObjectLockConfiguration{}, malformed(fmt.Errorf("ObjectLockEnabled %q", req.ObjectLockEnabled))
	}
	out := ObjectLockConfiguration{ObjectLockEnabled: "Enabled"}
	if req.Rule == nil {
		return out, nil
	}
	d := req.Rule.DefaultRetention
	if d == nil {
		return ObjectLockConfiguration{}, malformed(errors.New("Rule without DefaultRetention"))
	}
	if d.Mode != objectlock.Governance && d.Mode != objectlock.Compliance {
		return ObjectLockConfiguration{}, malformed(fmt.Errorf("mode %q", d.Mode))
	}
	if (d.Days == nil) == (d.Years == nil) {
		return ObjectLockConfiguration{}, malformed(errors.New("DefaultRetention needs exactly one of Days and Years"))
	}
	rule := &ObjectLockRule{DefaultRetention: DefaultRetention{Mode: d.Mode}}
	var err error
	if d.Days != nil {
		rule.DefaultRetention.Days, err = positive(*d.Days, maxRetentionDays)
	} else {
		rule.DefaultRetention.Years, err = positive(*d.Years, maxRetentionDays/365)
	}
	if err != nil {
		return ObjectLockConfiguration{}, err
	}
	out.Rule = rule
	return out, nil
}

// retentionRequest accepts a Retention body in any namespace.
type retentionRequest struct {
	XMLName         xml.Name `xml:"Retention"`
	Mode            *string  `xml:"Mode"`
	RetainUntilDate *string  `xml:"RetainUntilDate"`
}

// DecodeRetention reads a PutObjectRetention body. Mode and RetainUntilDate
// come together (or are both absent, which asks to remove the retention);
// Mode must be GOVERNANCE or COMPLIANCE and the date an ISO 8601 time.
// The returned time is zero when both are absent.
func DecodeRetention(r io.Reader) (Retention, time.Time, error) {
	var req retentionRequest
	if err := decode(r, MaxConfigBody, &req); err != nil {
		if errors.Is(err, io.EOF) {
			return Retention{}, time.Time{}, malformed(errors.New("empty body"))
		}
		return Retention{}, time.Time{}, err
	}
	if req.Mode == nil && req.RetainUntilDate == nil {
		return Retention{}, time.Time{}, nil
	}
	if req.Mode == nil || req.RetainUntilDate == nil {
		return Retention{}, time.Time{}, malformed(errors.New("Mode and RetainUntilDate must come together"))
	}
	if *req.Mode != objectlock.Governance && *req.Mode != objectlock.Compliance {
		return Retention{}, time.Time{}, malformed(fmt.Errorf("mode %q", *req.Mode))
	}
	until, err := objectlock.ParseDate(*req.RetainUntilDate)
	if err != nil {
		return Retention{}, time.Time{}, malformed(err)
	}
	return Retention{Mode: *req.Mode, RetainUntilDate: *req.RetainUntilDate}, until, nil
}

// legalHoldRequest accepts a LegalHold body in any namespace.
type legalHoldRequest struct {
	XMLName xml.Name `xml:"LegalHold"`
	Status  string   `xml:"Status"`
}

// DecodeLegalHold reads a PutObjectLegalHold body; Status must be ON or OFF.
func DecodeLegalHold(r io.Reader) (LegalHold, error) {
	var req legalHoldRequest
	if err := decode(r, MaxConfigBody, &req); err != nil {
		if errors.Is(err, io.EOF) {
			return LegalHold{}, malformed(errors.New("empty body"))
		}
		return LegalHold{}, err
	}
	if req.Status != "ON" && req.Status != "OFF" {
		return LegalHold{}, malformed(fmt.Errorf("legal hold status %q", req.Status))
	}
	return LegalHold{Status: req.Status}, nil
}
