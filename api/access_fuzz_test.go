package api

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
)

// FuzzRequestedACL feeds x-amz-acl and x-amz-grant-* values from the
// network: no panics, only S3 errors, and accepted grants are well formed.
func FuzzRequestedACL(f *testing.F) {
	f.Add("", `id="abc", uri="http://acs.amazonaws.com/groups/global/AllUsers"`)
	f.Add("public-read", "")
	f.Add("", `emailAddress="a@b.c"`)
	f.Fuzz(func(t *testing.T, canned, grant string) {
		h := http.Header{}
		if canned != "" {
			h.Set("x-amz-acl", canned)
		}
		if grant != "" {
			h.Set("x-amz-grant-read", grant)
		}
		a, _, err := requestedACL(h, owner(), owner())
		if err != nil {
			var se *s3err.Error
			if !errors.As(err, &se) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, g := range a.Grants {
			if !s3xml.IsPermission(g.Permission) || (g.Grantee.ID == "" && !knownGroup(g.Grantee.URI)) {
				t.Fatalf("bad grant %+v", g)
			}
		}
	})
}

// FuzzMatchCORS feeds the Origin and Access-Control-Request-* headers of a
// preflight to the rule matcher: no panics, and a match really allows the
// method.
func FuzzMatchCORS(f *testing.F) {
	f.Add("https://app.example.com", "PUT", "content-type, x-amz-date")
	f.Add("", "", ",,,")
	f.Fuzz(func(t *testing.T, origin, method, headers string) {
		age := 5
		rules := []s3xml.CORSRule{
			{AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"GET", "PUT"}, AllowedHeaders: []string{"x-amz-*", "content-type"}, MaxAgeSeconds: &age},
			{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
		}
		r := matchCORS(rules, origin, method, splitHeaderList(headers))
		if r != nil && !slices.Contains(r.AllowedMethods, method) {
			t.Fatalf("rule %+v matched method %q", r, method)
		}
		h := http.Header{}
		if r != nil {
			setCORSHeaders(h, r, origin)
			if h.Get("Access-Control-Allow-Origin") == "" {
				t.Fatal("matched without Allow-Origin")
			}
		}
	})
}
