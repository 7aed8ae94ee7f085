package s3xml

import (
	"bytes"
	"testing"

	"github.com/silo-project/silo/objectlock"
)

func FuzzDecodeTagging(f *testing.F) {
	f.Add([]byte(`<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>`))
	f.Add([]byte(`<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet/></Tagging>`))
	f.Add([]byte(`<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tg, err := DecodeTagging(bytes.NewReader(b))
		checkFuzzErr(t, err)
		if err == nil && tg.TagSet.Tags == nil {
			t.Fatal("accepted a document without a tag list")
		}
	})
}

func FuzzDecodeObjectLockConfiguration(f *testing.F) {
	f.Add([]byte(`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>`))
	f.Add([]byte(`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>-1</Years></DefaultRetention></Rule></ObjectLockConfiguration>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeObjectLockConfiguration(bytes.NewReader(b))
		checkFuzzErr(t, err)
		if err != nil {
			return
		}
		if c.ObjectLockEnabled != "Enabled" {
			t.Fatalf("accepted ObjectLockEnabled %q", c.ObjectLockEnabled)
		}
		if r := c.Rule; r != nil {
			d := r.DefaultRetention
			if (d.Mode != objectlock.Governance && d.Mode != objectlock.Compliance) || (d.Days > 0) == (d.Years > 0) || d.Days < 0 || d.Years < 0 {
				t.Fatalf("accepted rule %+v", d)
			}
		}
	})
}

func FuzzDecodeRetention(f *testing.F) {
	f.Add([]byte(`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-01T00:00:00.000Z</RetainUntilDate></Retention>`))
	f.Add([]byte(`<Retention/>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, until, err := DecodeRetention(bytes.NewReader(b))
		checkFuzzErr(t, err)
		if err == nil && (r.Mode == "") != until.IsZero() {
			t.Fatalf("accepted %+v until %v", r, until)
		}
	})
}

func FuzzDecodeLegalHold(f *testing.F) {
	f.Add([]byte(`<LegalHold><Status>ON</Status></LegalHold>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeLegalHold(bytes.NewReader(b))
		checkFuzzErr(t, err)
		if err == nil && h.Status != "ON" && h.Status != "OFF" {
			t.Fatalf("accepted status %q", h.Status)
		}
	})
}
