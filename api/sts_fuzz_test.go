package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// FuzzSTS posts arbitrary forms to the STS endpoint, signed (correctly, for
// the sts service) by a real user: the answer is always a well-formed STS
// document, never a server error, and credentials only for AssumeRole.
func FuzzSTS(f *testing.F) {
	e := newIAMEnv(f)
	if err := e.sys.AddUser(f.Context(), "alice", "alicesecret"); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"Action=AssumeRole&Version=2011-06-15",
		"Action=AssumeRole&Version=2011-06-15&DurationSeconds=900",
		"Action=AssumeRole&Version=2011-06-15&DurationSeconds=-1",
		"Action=AssumeRole&Version=2011-06-15&Policy=%7B%22Statement%22%3A1%7D",
		"Action=GetCallerIdentity&Version=2011-06-15",
		"Action=AssumeRole&Version=2011-06-15&DurationSeconds=99999999999999999999",
		"%zz",
	} {
		f.Add(seed)
	}
	signer := v4.NewSigner()
	f.Fuzz(func(t *testing.T, form string) {
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(form))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		sum := sha256.Sum256([]byte(form))
		err = signer.SignHTTP(t.Context(), aws.Credentials{AccessKeyID: "alice", SecretAccessKey: "alicesecret"}, req,
			hex.EncodeToString(sum[:]), "sts", testRegion, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		resp, body := do(t, req)
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d for %q: %s", resp.StatusCode, form, body)
		}
		var doc struct{ XMLName xml.Name }
		if err := xml.NewDecoder(bytes.NewReader(body)).Decode(&doc); err != nil {
			t.Fatalf("answer to %q is not XML: %v: %s", form, err, body)
		}
		want := "ErrorResponse"
		if resp.StatusCode == http.StatusOK {
			want = "AssumeRoleResponse"
		}
		if doc.XMLName.Local != want {
			t.Fatalf("status %d answered with <%s> for %q", resp.StatusCode, doc.XMLName.Local, form)
		}
	})
}
