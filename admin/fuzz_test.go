package admin

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/silo-project/silo/admin/payload"
	"github.com/silo-project/silo/api/sigv4"
)

// rootAuth authenticates every request as root (the fuzz target exercises
// what comes after the signature check).
type rootAuth struct{}

func (rootAuth) Verify(r *http.Request) (*sigv4.Result, error) {
	return &sigv4.Result{AccessKey: rootCreds.AccessKey, Scheme: sigv4.SchemeV4Header, Body: r.Body, ContentLength: r.ContentLength}, nil
}

// FuzzAdminRequest sends arbitrary paths, query strings and bodies to the
// admin handler: it must never fail internally (500) or panic, and every
// error must be the JSON shape mc reads.
func FuzzAdminRequest(f *testing.F) {
	enc, err := payload.EncryptWith(payload.PBKDF2AESGCM, rootCreds.SecretKey, []byte(`{"secretKey":"alicesecret1","status":"enabled"}`))
	if err != nil {
		f.Fatal(err)
	}
	seeds := []struct {
		method byte
		path   string
		body   []byte
	}{
		{1, "add-user?accessKey=alice", enc},
		{1, "update-group-members", []byte(`{"group":"g","members":["alice"],"isRemove":false}`)},
		{1, "add-canned-policy?name=p", []byte(`{"Version":"2012-10-17","Statement":[]}`)},
		{0, "list-access-keys-bulk?users=alice&listType=all", nil},
		{0, "info-canned-policy?name=readonly&v=2", nil},
		{2, "idp/builtin/policy/attach", enc},
		{2, "service?action=restart&dry-run=true", nil},
		{3, "delete-service-account?accessKey=x", nil},
		{0, "../../../etc/passwd", []byte{0xff}},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body)
	}
	f.Fuzz(func(t *testing.T, method byte, path string, body []byte) {
		methods := []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete}
		fi := newFakeIAM(rootCreds)
		h, err := New(Config{RootAccessKey: rootCreds.AccessKey}, Deps{Auth: rootAuth{}, IAM: fi, Info: fakeInfo{}, Service: &fakeService{}})
		if err != nil {
			t.Fatal(err)
		}
		_ = fi.AddUser(t.Context(), "alice", "alicesecret1")
		req, err := http.NewRequest(methods[int(method)%len(methods)], "http://silo/minio/admin/v3/", bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		p, q, _ := strings.Cut(path, "?")
		req.URL.Path += p
		req.URL.RawQuery = q
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code == http.StatusInternalServerError {
			t.Fatalf("%s %q: internal error %s", req.Method, path, w.Body)
		}
		if w.Code >= 300 && w.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%s %q: error %d without a JSON body", req.Method, path, w.Code)
		}
		_, _ = io.Copy(io.Discard, w.Body)
	})
}
