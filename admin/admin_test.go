package admin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7/pkg/signer"

	"github.com/silo-project/silo/admin/payload"
	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
)

var rootCreds = iam.Credentials{AccessKey: "rootuser", SecretKey: "rootsecret123"}

// fakeService records service actions.
type fakeService struct{ restarts, stops atomic.Int32 }

func (s *fakeService) Restart() { s.restarts.Add(1) }
func (s *fakeService) Stop()    { s.stops.Add(1) }

// fakeInfo reports a fixed layout.
type fakeInfo struct{}

func (fakeInfo) ServerInfo(context.Context) ServerInfo {
	return ServerInfo{DeploymentID: "dep-1", Sets: 1, DrivesPerSet: 2, StandardParity: 1, Buckets: 3, Objects: 7, Usage: 1234,
		Started: time.Now().Add(-time.Minute), Drives: []DriveInfo{
			{Path: "/d1", UUID: "u1", Online: true, Total: 100, Used: 40, Free: 60},
			{Path: "/d2", UUID: "u2", Position: 1},
		}}
}

type env struct {
	t   *testing.T
	url string
	iam *fakeIAM
	svc *fakeService
	srv *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	f := newFakeIAM(rootCreds)
	svc := &fakeService{}
	h, err := New(Config{RootAccessKey: rootCreds.AccessKey, Version: "test"}, Deps{
		Auth: sigv4.NewVerifier(sigv4.Config{Credentials: f}), IAM: f, Info: fakeInfo{}, Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, url: srv.URL, iam: f, svc: svc, srv: srv}
}

// response is a decoded admin response.
type response struct {
	status int
	body   []byte
	err    errorResponse
}

// do sends a request signed by cred (nil: unsigned) with body.
func (e *env) do(cred *iam.Credentials, method, api string, body []byte) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+"/minio/admin/v3/"+api, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	if cred != nil {
		req = signer.SignV4(*req, cred.AccessKey, cred.SecretKey, "", "")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, body: b}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		if err := json.Unmarshal(b, &r.err); err != nil {
			e.t.Fatalf("%s %s: status %d with a non-JSON error body %q", method, api, resp.StatusCode, b)
		}
	}
	return r
}

// encrypted encrypts v as JSON for cred.
func (e *env) encrypted(cred iam.Credentials, v any) []byte {
	e.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	enc, err := payload.Encrypt(cred.SecretKey, b)
	if err != nil {
		e.t.Fatal(err)
	}
	return enc
}

// decrypt decrypts an encrypted response for cred into v.
func (e *env) decrypt(cred iam.Credentials, r response, v any) {
	e.t.Helper()
	if r.status != http.StatusOK {
		e.t.Fatalf("status %d: %+v", r.status, r.err)
	}
	plain, err := payload.Decrypt(cred.SecretKey, r.body, 0)
	if err != nil {
		e.t.Fatalf("decrypting the response: %v", err)
	}
	if err := json.Unmarshal(plain, v); err != nil {
		e.t.Fatalf("response JSON %q: %v", plain, err)
	}
}

func (e *env) mustOK(r response) {
	e.t.Helper()
	if r.status != http.StatusOK && r.status != http.StatusNoContent {
		e.t.Fatalf("status %d: %+v", r.status, r.err)
	}
}

func TestRoutingAndAuthErrors(t *testing.T) {
	e := newEnv(t)
	root := &rootCreds
	wrong := &iam.Credentials{AccessKey: "rootuser", SecretKey: "not-the-secret"}
	tests := []struct {
		name, method, api string
		cred              *iam.Credentials
		status            int
		code              string
	}{
		{"unknown API", http.MethodGet, "heal/bucket", root, http.StatusNotImplemented, "NotImplemented"},
		{"unknown API unsigned", http.MethodGet, "trace", nil, http.StatusNotImplemented, "NotImplemented"},
		{"wrong method", http.MethodGet, "add-user?accessKey=x", root, http.StatusMethodNotAllowed, "MethodNotAllowed"},
		{"unsigned", http.MethodGet, "list-users", nil, http.StatusForbidden, "AccessDenied"},
		{"wrong secret", http.MethodGet, "list-users", wrong, http.StatusForbidden, "SignatureDoesNotMatch"},
		{"unknown key", http.MethodGet, "list-users", &iam.Credentials{AccessKey: "nobody", SecretKey: "whatever1"}, http.StatusForbidden, "InvalidAccessKeyId"},
		{"missing query", http.MethodGet, "user-info", root, http.StatusBadRequest, "XMinioAdminInvalidArgument"},
		{"no such user", http.MethodGet, "user-info?accessKey=ghost", root, http.StatusNotFound, "XMinioAdminNoSuchUser"},
		{"no such group", http.MethodGet, "group?group=ghost", root, http.StatusNotFound, "XMinioAdminNoSuchGroup"},
		{"no such policy", http.MethodGet, "info-canned-policy?name=ghost&v=2", root, http.StatusNotFound, "XMinioAdminNoSuchPolicy"},
		{"root cannot be disabled", http.MethodPut, "set-user-status?accessKey=rootuser&status=disabled", root, http.StatusBadRequest, "XMinioAdminCannotChangeRoot"},
		{"bad status", http.MethodPut, "set-user-status?accessKey=a&status=maybe", root, http.StatusBadRequest, "XMinioAdminInvalidArgument"},
		{"bad service action", http.MethodPost, "service?action=freeze", root, http.StatusNotImplemented, "NotImplemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(tt.cred, tt.method, tt.api, nil)
			if r.status != tt.status || r.err.Code != tt.code || r.err.Message == "" {
				t.Fatalf("got %d %+v, want %d %s with a message", r.status, r.err, tt.status, tt.code)
			}
		})
	}
	t.Run("body does not match its signed digest", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPut, e.url+"/minio/admin/v3/add-canned-policy?name=p", strings.NewReader(`{"Version":"2012-10-17","Statement":[]}`))
		req.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64))
		req = signer.SignV4(*req, rootCreds.AccessKey, rootCreds.SecretKey, "", "")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var er errorResponse
		if err := json.NewDecoder(resp.Body).Decode(&er); err != nil || resp.StatusCode != http.StatusBadRequest || er.Code != "XAmzContentSHA256Mismatch" {
			t.Fatalf("got %d %+v (%v)", resp.StatusCode, er, err)
		}
		if _, err := e.iam.Policy(t.Context(), "p"); err == nil {
			t.Fatal("the policy was stored")
		}
	})
	t.Run("old API version", func(t *testing.T) {
		resp, err := http.Get(e.url + "/minio/admin/v2/info")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotImplemented || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
}

func TestUsersAndBadPayloads(t *testing.T) {
	e := newEnv(t)
	root := rootCreds
	add := func(v any) []byte { return e.encrypted(root, v) }
	e.mustOK(e.do(&root, http.MethodPut, "add-user?accessKey=alice", add(map[string]string{"secretKey": "alicesecret1", "status": "enabled"})))
	if s, err := e.iam.SecretKey(t.Context(), "alice"); err != nil || s != "alicesecret1" {
		t.Fatalf("alice's secret = %q, %v", s, err)
	}

	bad := []struct {
		name string
		body []byte
		code string
		msg  string
	}{
		{"plain JSON", []byte(`{"secretKey":"bobsecret123","status":"enabled"}`), "XMinioAdminConfigDecryptionError", "plain JSON"},
		{"wrong key", e.encrypted(iam.Credentials{SecretKey: "someone-else"}, map[string]string{"secretKey": "bobsecret123"}), "XMinioAdminConfigDecryptionError", "decrypted"},
		{"malformed JSON", func() []byte { b, _ := payload.Encrypt(root.SecretKey, []byte(`{"secretKey":`)); return b }(), "XMinioAdminConfigBadJSON", "not valid JSON"},
		{"garbage", []byte("xx"), "XMinioAdminConfigDecryptionError", "decrypted"},
		{"secret too short", add(map[string]string{"secretKey": "short"}), "XMinioAdminInvalidArgument", "Invalid argument"},
		{"bad status", add(map[string]string{"secretKey": "bobsecret123", "status": "on-ish"}), "XMinioAdminInvalidArgument", "status"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(&root, http.MethodPut, "add-user?accessKey=bob", tt.body)
			if r.status != http.StatusBadRequest || r.err.Code != tt.code || !strings.Contains(r.err.Message, tt.msg) {
				t.Fatalf("got %d %+v, want 400 %s mentioning %q", r.status, r.err, tt.code, tt.msg)
			}
			if _, err := e.iam.UserInfo(t.Context(), "bob"); err == nil {
				t.Fatal("a refused request created the user")
			}
		})
	}

	e.mustOK(e.do(&root, http.MethodPut, "set-user-status?accessKey=alice&status=disabled", nil))
	var users map[string]userInfoJSON
	e.decrypt(root, e.do(&root, http.MethodGet, "list-users", nil), &users)
	if len(users) != 1 || users["alice"].Status != "disabled" {
		t.Fatalf("list-users = %+v", users)
	}
	e.mustOK(e.do(&root, http.MethodPut, "set-user-status?accessKey=alice&status=enabled", nil))
	r := e.do(&root, http.MethodGet, "user-info?accessKey=alice", nil)
	e.mustOK(r)
	var info userInfoJSON
	if err := json.Unmarshal(r.body, &info); err != nil || info.Status != "enabled" {
		t.Fatalf("user-info = %s, %v", r.body, err)
	}

	alice := iam.Credentials{AccessKey: "alice", SecretKey: "alicesecret1"}
	t.Run("non-admin user", func(t *testing.T) {
		for _, api := range []string{"list-users", "groups", "list-canned-policies", "info", "user-info?accessKey=rootuser"} {
			if r := e.do(&alice, http.MethodGet, api, nil); r.status != http.StatusForbidden || r.err.Code != "AccessDenied" {
				t.Fatalf("%s: %d %+v", api, r.status, r.err)
			}
		}
		if r := e.do(&alice, http.MethodPut, "add-user?accessKey=mallory", e.encrypted(alice, map[string]string{"secretKey": "mallorysecret"})); r.status != http.StatusForbidden {
			t.Fatalf("alice created a user: %d", r.status)
		}
		if r := e.do(&alice, http.MethodGet, "user-info?accessKey=alice", nil); r.status != http.StatusOK {
			t.Fatalf("alice cannot read her own info: %d %+v", r.status, r.err)
		}
	})
	e.mustOK(e.do(&root, http.MethodDelete, "remove-user?accessKey=alice", nil))
	if r := e.do(&root, http.MethodDelete, "remove-user?accessKey=alice", nil); r.status != http.StatusNotFound {
		t.Fatalf("second removal: %d", r.status)
	}
}

func TestGroupsAndPolicies(t *testing.T) {
	e := newEnv(t)
	root := rootCreds
	e.mustOK(e.do(&root, http.MethodPut, "add-user?accessKey=alice", e.encrypted(root, map[string]string{"secretKey": "alicesecret1"})))
	e.mustOK(e.do(&root, http.MethodPut, "update-group-members", []byte(`{"group":"devs","members":["alice"],"isRemove":false}`)))
	if r := e.do(&root, http.MethodPut, "update-group-members", []byte(`{"group":"devs","members":[],"isRemove":true}`)); r.status != http.StatusBadRequest || r.err.Code != "XMinioAdminGroupNotEmpty" {
		t.Fatalf("removing a non-empty group: %d %+v", r.status, r.err)
	}
	if r := e.do(&root, http.MethodPut, "update-group-members", []byte(`{"group":`)); r.err.Code != "XMinioAdminConfigBadJSON" {
		t.Fatalf("malformed JSON: %d %+v", r.status, r.err)
	}
	e.mustOK(e.do(&root, http.MethodPut, "set-group-status?group=devs&status=disabled", nil))
	r := e.do(&root, http.MethodGet, "group?group=devs", nil)
	e.mustOK(r)
	var g groupJSON
	if err := json.Unmarshal(r.body, &g); err != nil || g.Name != "devs" || g.Status != "disabled" || len(g.Members) != 1 {
		t.Fatalf("group = %s", r.body)
	}
	r = e.do(&root, http.MethodGet, "groups", nil)
	if e.mustOK(r); string(r.body) != `["devs"]` {
		t.Fatalf("groups = %s", r.body)
	}

	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::photos/*"]}]}`
	e.mustOK(e.do(&root, http.MethodPut, "add-canned-policy?name=photos", []byte(doc)))
	r = e.do(&root, http.MethodGet, "info-canned-policy?name=photos&v=2", nil)
	e.mustOK(r)
	var pi struct {
		PolicyName string
		Policy     json.RawMessage
	}
	if err := json.Unmarshal(r.body, &pi); err != nil || pi.PolicyName != "photos" || string(pi.Policy) != doc {
		t.Fatalf("info-canned-policy = %s", r.body)
	}
	attach := e.encrypted(root, policyAssociation{Policies: []string{"photos"}, User: "alice"})
	var res struct {
		PoliciesAttached []string `json:"policiesAttached"`
	}
	e.decrypt(root, e.do(&root, http.MethodPost, "idp/builtin/policy/attach", attach), &res)
	if len(res.PoliciesAttached) != 1 || res.PoliciesAttached[0] != "photos" {
		t.Fatalf("attached = %v", res.PoliciesAttached)
	}
	if r := e.do(&root, http.MethodPost, "idp/builtin/policy/attach", attach); r.err.Code != "XMinioAdminPolicyChangeAlreadyApplied" {
		t.Fatalf("second attach: %d %+v", r.status, r.err)
	}
	if r := e.do(&root, http.MethodPost, "idp/builtin/policy/attach", e.encrypted(root, policyAssociation{Policies: []string{"photos"}, User: "alice", Group: "devs"})); r.err.Code != "XMinioAdminInvalidArgument" {
		t.Fatalf("user and group: %d %+v", r.status, r.err)
	}
	var ents entitiesJSON
	e.decrypt(root, e.do(&root, http.MethodGet, "idp/builtin/policy-entities?policy=photos&user=alice", nil), &ents)
	if len(ents.PolicyMappings) != 1 || ents.PolicyMappings[0].Users[0] != "alice" ||
		len(ents.UserMappings) != 1 || ents.UserMappings[0].Policies[0] != "photos" {
		t.Fatalf("policy-entities = %+v", ents)
	}
	var det struct {
		PoliciesDetached []string `json:"policiesDetached"`
	}
	e.decrypt(root, e.do(&root, http.MethodPost, "idp/builtin/policy/detach", attach), &det)
	if len(det.PoliciesDetached) != 1 {
		t.Fatalf("detached = %v", det.PoliciesDetached)
	}
	e.mustOK(e.do(&root, http.MethodDelete, "remove-canned-policy?name=photos", nil))
	r = e.do(&root, http.MethodGet, "list-canned-policies", nil)
	e.mustOK(r)
	var pols map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &pols); err != nil || pols["photos"] != nil || pols["readonly"] == nil {
		t.Fatalf("list-canned-policies = %s", r.body)
	}
}

func TestServiceAccounts(t *testing.T) {
	e := newEnv(t)
	root := rootCreds
	for _, u := range []string{"alice", "bob"} {
		e.mustOK(e.do(&root, http.MethodPut, "add-user?accessKey="+u, e.encrypted(root, map[string]string{"secretKey": u + "secret12"})))
	}
	alice := iam.Credentials{AccessKey: "alice", SecretKey: "alicesecret12"}
	bob := iam.Credentials{AccessKey: "bob", SecretKey: "bobsecret12"}
	narrow := json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::photos/*"]}]}`)
	var created struct {
		Credentials struct{ AccessKey, SecretKey string }
	}
	e.decrypt(alice, e.do(&alice, http.MethodPut, "add-service-account",
		e.encrypted(alice, map[string]any{"policy": narrow, "name": "backup", "accessKey": "ALICEKEY1", "secretKey": "alicekeysecret1"})), &created)
	if created.Credentials.AccessKey != "ALICEKEY1" || created.Credentials.SecretKey != "alicekeysecret1" {
		t.Fatalf("created = %+v", created)
	}
	sa, err := e.iam.ServiceAccountInfo(t.Context(), "ALICEKEY1")
	if err != nil || sa.Parent != "alice" || string(sa.Policy) != string(narrow) || sa.Name != "backup" {
		t.Fatalf("stored account = %+v, %v", sa, err)
	}
	t.Run("not for others without permission", func(t *testing.T) {
		r := e.do(&alice, http.MethodPut, "add-service-account", e.encrypted(alice, map[string]any{"targetUser": "bob"}))
		if r.status != http.StatusForbidden {
			t.Fatalf("alice created an account for bob: %d %+v", r.status, r.err)
		}
		for _, req := range []struct{ method, api string }{
			{http.MethodGet, "info-service-account?accessKey=ALICEKEY1"},
			{http.MethodDelete, "delete-service-account?accessKey=ALICEKEY1"},
			{http.MethodGet, "list-service-accounts?user=alice"},
			{http.MethodGet, "info-service-account?accessKey=NOSUCHKEY"},
		} {
			if r := e.do(&bob, req.method, req.api, nil); r.status != http.StatusForbidden {
				t.Fatalf("bob %s %s: %d", req.method, req.api, r.status)
			}
		}
	})
	t.Run("only root manages root's keys", func(t *testing.T) {
		e.iam.users["bob"].info.Policies = []string{"consoleAdmin"} // bob may do every admin action
		defer func() { e.iam.users["bob"].info.Policies = nil }()
		r := e.do(&bob, http.MethodPut, "add-service-account", e.encrypted(bob, map[string]any{"targetUser": rootCreds.AccessKey}))
		if r.status != http.StatusForbidden {
			t.Fatalf("bob created a key for root: %d %+v", r.status, r.err)
		}
		var rootKey struct{ Credentials struct{ AccessKey string } }
		e.decrypt(root, e.do(&root, http.MethodPut, "add-service-account", e.encrypted(root, map[string]any{})), &rootKey)
		r = e.do(&bob, http.MethodPost, "update-service-account?accessKey="+rootKey.Credentials.AccessKey,
			e.encrypted(bob, map[string]any{"newSecretKey": "bob-knows-it-now"}))
		if r.status != http.StatusForbidden {
			t.Fatalf("bob changed the secret of root's key: %d %+v", r.status, r.err)
		}
		if s, _ := e.iam.SecretKey(t.Context(), rootKey.Credentials.AccessKey); s == "bob-knows-it-now" {
			t.Fatal("the secret changed")
		}
	})
	t.Run("PBKDF2 request gets a PBKDF2 response", func(t *testing.T) {
		body, err := payload.EncryptWith(payload.PBKDF2AESGCM, alice.SecretKey, []byte(`{"name":"fips"}`))
		if err != nil {
			t.Fatal(err)
		}
		r := e.do(&alice, http.MethodPut, "add-service-account", body)
		e.mustOK(r)
		if payload.Algorithm(r.body) != payload.PBKDF2AESGCM {
			t.Fatalf("response algorithm %#x", payload.Algorithm(r.body))
		}
		var out struct{ Credentials struct{ AccessKey string } }
		e.decrypt(alice, r, &out)
		e.mustOK(e.do(&alice, http.MethodDelete, "delete-service-account?accessKey="+out.Credentials.AccessKey, nil))
	})
	t.Run("a service account cannot create one", func(t *testing.T) {
		sacred := iam.Credentials{AccessKey: "ALICEKEY1", SecretKey: "alicekeysecret1"}
		r := e.do(&sacred, http.MethodPut, "add-service-account", e.encrypted(sacred, map[string]any{}))
		if r.status != http.StatusBadRequest || r.err.Code != "XMinioAdminAccountNotEligible" {
			t.Fatalf("got %d %+v", r.status, r.err)
		}
	})
	var info struct {
		ParentUser, AccountStatus, Policy string
		ImpliedPolicy                     bool
	}
	e.decrypt(alice, e.do(&alice, http.MethodGet, "info-service-account?accessKey=ALICEKEY1", nil), &info)
	if info.ParentUser != "alice" || info.AccountStatus != "on" || info.ImpliedPolicy || info.Policy != string(narrow) {
		t.Fatalf("info = %+v", info)
	}
	e.mustOK(e.do(&alice, http.MethodPost, "update-service-account?accessKey=ALICEKEY1",
		e.encrypted(alice, map[string]any{"newStatus": "off", "newPolicy": json.RawMessage(`{}`), "newDescription": "d"})))
	sa, _ = e.iam.ServiceAccountInfo(t.Context(), "ALICEKEY1")
	if sa.Enabled || sa.Policy != nil || sa.Description != "d" {
		t.Fatalf("after update: %+v", sa)
	}
	e.decrypt(alice, e.do(&alice, http.MethodGet, "info-service-account?accessKey=ALICEKEY1", nil), &info)
	if !info.ImpliedPolicy || info.AccountStatus != "off" || !strings.Contains(info.Policy, `"Statement":[]`) {
		t.Fatalf("info after update = %+v", info)
	}
	var list struct{ Accounts []serviceAccountJSON }
	e.decrypt(root, e.do(&root, http.MethodGet, "list-service-accounts?user=alice", nil), &list)
	if len(list.Accounts) != 1 || list.Accounts[0].AccessKey != "ALICEKEY1" {
		t.Fatalf("list = %+v", list)
	}
	var keys map[string]accessKeysJSON
	e.decrypt(root, e.do(&root, http.MethodGet, "list-access-keys-bulk?all=true&listType=all", nil), &keys)
	if len(keys) != 2 || len(keys["alice"].ServiceAccounts) != 1 || len(keys[rootCreds.AccessKey].ServiceAccounts) != 1 {
		t.Fatalf("access keys = %+v", keys)
	}
	e.decrypt(alice, e.do(&alice, http.MethodGet, "list-access-keys-bulk?users=alice&listType=svcacc-only", nil), &keys)
	if len(keys["alice"].ServiceAccounts) != 1 {
		t.Fatalf("own access keys = %+v", keys)
	}
	if r := e.do(&alice, http.MethodGet, "list-access-keys-bulk?users=bob", nil); r.status != http.StatusForbidden {
		t.Fatalf("alice listed bob's keys: %d", r.status)
	}
	e.mustOK(e.do(&alice, http.MethodDelete, "delete-service-account?accessKey=ALICEKEY1", nil))
	if r := e.do(&root, http.MethodGet, "info-service-account?accessKey=ALICEKEY1", nil); r.status != http.StatusNotFound {
		t.Fatalf("after delete: %d", r.status)
	}
}

func TestInfoAndService(t *testing.T) {
	e := newEnv(t)
	root := rootCreds
	r := e.do(&root, http.MethodGet, "info?metrics=false", nil)
	e.mustOK(r)
	var info infoMessage
	if err := json.Unmarshal(r.body, &info); err != nil {
		t.Fatal(err)
	}
	if info.DeploymentID != "dep-1" || info.Buckets.Count != 3 || info.Objects.Count != 7 || info.Usage == nil || info.Usage.Size != 1234 || info.Backend.OnlineDisks != 1 || info.Backend.OfflineDisks != 1 ||
		len(info.Servers) != 1 || len(info.Servers[0].Drives) != 2 || info.Servers[0].Drives[1].State != "offline" || info.Servers[0].Uptime < 59 {
		t.Fatalf("info = %s", r.body)
	}
	e.mustOK(e.do(&root, http.MethodPost, "service?action=restart&dry-run=true&type=2", nil))
	if e.svc.restarts.Load() != 0 {
		t.Fatal("dry run restarted")
	}
	e.mustOK(e.do(&root, http.MethodPost, "service?action=restart&type=2", nil))
	e.mustOK(e.do(&root, http.MethodPost, "service?action=stop&type=2", nil))
	if e.svc.restarts.Load() != 1 || e.svc.stops.Load() != 1 {
		t.Fatalf("restarts %d stops %d", e.svc.restarts.Load(), e.svc.stops.Load())
	}
	alice := iam.Credentials{AccessKey: "alice", SecretKey: "alicesecret1"}
	e.mustOK(e.do(&root, http.MethodPut, "add-user?accessKey=alice", e.encrypted(root, map[string]string{"secretKey": alice.SecretKey})))
	if r := e.do(&alice, http.MethodPost, "service?action=stop", nil); r.status != http.StatusForbidden || e.svc.stops.Load() != 1 {
		t.Fatalf("alice stopped the server: %d", r.status)
	}
}

func TestTemporaryAccounts(t *testing.T) {
	e := newEnv(t)
	root := rootCreds
	for _, u := range []string{"alice", "bob"} {
		e.mustOK(e.do(&root, http.MethodPut, "add-user?accessKey="+u, e.encrypted(root, map[string]string{"secretKey": u + "secret12"})))
	}
	alice := iam.Credentials{AccessKey: "alice", SecretKey: "alicesecret12"}
	bob := iam.Credentials{AccessKey: "bob", SecretKey: "bobsecret12"}
	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	e.iam.sessions["STSKEY1"] = iam.SessionInfo{AccessKey: "STSKEY1", Parent: "alice", Expiration: exp}

	var keys map[string]accessKeysJSON
	e.decrypt(root, e.do(&root, http.MethodGet, "list-access-keys-bulk?users=alice&listType=sts-only", nil), &keys)
	if sts := keys["alice"].STSKeys; len(sts) != 1 || sts[0].AccessKey != "STSKEY1" || !sts[0].Expiration.Equal(exp) || len(keys["alice"].ServiceAccounts) != 0 {
		t.Fatalf("sts keys = %+v", keys)
	}
	e.decrypt(alice, e.do(&alice, http.MethodGet, "list-access-keys-bulk?users=alice&listType=all", nil), &keys)
	if len(keys["alice"].STSKeys) != 1 {
		t.Fatalf("own sts keys = %+v", keys)
	}
	if r := e.do(&bob, http.MethodGet, "list-access-keys-bulk?users=alice&listType=sts-only", nil); r.status != http.StatusForbidden {
		t.Fatalf("bob listed alice's sessions: %d", r.status)
	}
	var info struct {
		ParentUser    string     `json:"parentUser"`
		ImpliedPolicy bool       `json:"impliedPolicy"`
		Expiration    *time.Time `json:"expiration"`
	}
	e.decrypt(alice, e.do(&alice, http.MethodGet, "temporary-account-info?accessKey=STSKEY1", nil), &info)
	if info.ParentUser != "alice" || !info.ImpliedPolicy || info.Expiration == nil || !info.Expiration.Equal(exp) {
		t.Fatalf("temporary-account-info = %+v", info)
	}
	tests := []struct {
		name   string
		cred   iam.Credentials
		key    string
		status int
	}{
		{"another user's session", bob, "STSKEY1", http.StatusForbidden},
		{"unknown key, no permission", bob, "NOPE", http.StatusForbidden},
		{"unknown key, root", root, "NOPE", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := e.do(&tt.cred, http.MethodGet, "temporary-account-info?accessKey="+tt.key, nil); r.status != tt.status {
				t.Fatalf("got %d %+v, want %d", r.status, r.err, tt.status)
			}
		})
	}
}
