package s3xml

import (
	"bytes"
	"strings"
	"testing"
)

func TestCORSRoundTrip(t *testing.T) {
	in := `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><ID>a</ID>` +
		`<AllowedHeader> * </AllowedHeader><AllowedMethod>GET</AllowedMethod><AllowedOrigin>https://*.x.com</AllowedOrigin>` +
		`<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>30</MaxAgeSeconds></CORSRule></CORSConfiguration>`
	c, err := DecodeCORS(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := EncodeCORS(c)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(in, " * ", "*", 1)
	if !strings.HasSuffix(string(out), want) {
		t.Fatalf("encoded\n%s\nwant\n%s", out, want)
	}
}

func FuzzDecodeCORS(f *testing.F) {
	f.Add([]byte(`<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>3</MaxAgeSeconds></CORSRule></CORSConfiguration>`))
	f.Add([]byte(`<CORSConfiguration><CORSRule><AllowedOrigin>a*b*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeCORS(bytes.NewReader(b))
		checkFuzzErr(t, err)
		if err != nil {
			return
		}
		if len(c.Rules) == 0 || len(c.Rules) > MaxCORSRules {
			t.Fatalf("accepted %d rules", len(c.Rules))
		}
		for _, r := range c.Rules {
			if len(r.AllowedOrigins) == 0 || len(r.AllowedMethods) == 0 {
				t.Fatalf("accepted rule %+v", r)
			}
			for _, m := range r.AllowedMethods {
				if !IsCORSMethod(m) {
					t.Fatalf("accepted method %q", m)
				}
			}
		}
		// What was accepted survives a round trip unchanged.
		doc, err := EncodeCORS(c)
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeCORS(bytes.NewReader(doc))
		if err != nil || len(again.Rules) != len(c.Rules) {
			t.Fatalf("round trip: %v (%d rules, want %d)", err, len(again.Rules), len(c.Rules))
		}
	})
}
