package sigv4

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/iam"
)

// iam.RootOnly is the CredentialLookup the server wires in.
var _ CredentialLookup = (*iam.RootOnly)(nil)

// The AWS documentation's example credentials.
const (
	exampleAccessKey = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var errUnknownKey = errors.New("unknown key")

// staticCreds is a CredentialLookup over a fixed map.
type staticCreds map[string]string

func (s staticCreds) SecretKey(_ context.Context, ak string) (string, error) {
	if sk, ok := s[ak]; ok {
		return sk, nil
	}
	return "", errUnknownKey
}

// verifierAt returns a Verifier for the example credentials whose clock
// reads at.
func verifierAt(at time.Time) *Verifier {
	return NewVerifier(Config{
		Region:      "us-east-1",
		Credentials: staticCreds{exampleAccessKey: exampleSecret},
		Now:         func() time.Time { return at },
	})
}

func mustTime(t testing.TB, layout, v string) time.Time {
	t.Helper()
	at, err := time.Parse(layout, v)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// newReq builds a server-side request for target (path + query) on host.
func newReq(method, host, target string, body string, hdr map[string]string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	r.Host = host
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	return r
}

// verifyAndRead runs Verify and drains Result.Body, returning the payload
// and the first error.
func verifyAndRead(v *Verifier, r *http.Request) (*Result, []byte, error) {
	res, err := v.Verify(r)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res, b, err
}
