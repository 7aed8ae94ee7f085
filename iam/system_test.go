package iam

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silo-project/silo/iam/policy"
	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/erasure"
)

var testRoot = Credentials{AccessKey: "rootuser", SecretKey: "rootsecret1"}

const photosPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["arn:aws:s3:::photos/*"]},
 {"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::photos"]}]}`

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a System on a real 4-drive erasure store.
type env struct {
	t      *testing.T
	drives []string
	store  *erasure.Store
	sys    *System
	clk    *clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	root := t.TempDir()
	e := &env{t: t, clk: &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	for _, d := range []string{"a", "b", "c", "d"} {
		e.drives = append(e.drives, filepath.Join(root, d))
	}
	e.reopen(testRoot)
	return e
}

// reopen closes the store (if open) and opens store and System again.
func (e *env) reopen(root Credentials) {
	e.t.Helper()
	if e.store != nil {
		if err := e.store.Close(); err != nil {
			e.t.Fatal(err)
		}
	}
	st, err := erasure.New(context.Background(), erasure.Config{Drives: e.drives, StandardParity: -1, RRSParity: -1})
	if err != nil {
		e.t.Fatal(err)
	}
	e.store = st
	e.t.Cleanup(func() { st.Close() })
	e.sys, err = New(context.Background(), Config{Root: root, Store: st, Buckets: st, Now: e.clk.now})
	if err != nil {
		e.t.Fatal(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// allowed reports whether accessKey may perform action on bucket/key.
func (e *env) allowed(accessKey, token, action, bucket, key string) error {
	return e.sys.Authorize(context.Background(), Request{AccessKey: accessKey, SessionToken: token, Action: action, Bucket: bucket, Key: key})
}

func (e *env) expect(t *testing.T, accessKey, token, action, bucket, key string, want error) {
	t.Helper()
	err := e.allowed(accessKey, token, action, bucket, key)
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Fatalf("Authorize(%s, %s %s/%s) = %v, want %v", accessKey, action, bucket, key, err, want)
	}
}

func TestUsers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.sys
	must(t, s.AddUser(ctx, "alice", "alicesecret"))
	bad := []struct{ name, key, secret string }{
		{"root's key", "rootuser", "whatever1"},
		{"short key", "ab", "whatever1"},
		{"short secret", "bob", "short"},
		{"long secret", "bob", strings.Repeat("x", 41)},
		{"reserved char", "bo=b", "whatever1"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.AddUser(ctx, tt.key, tt.secret); !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("AddUser = %v, want ErrInvalidArgument", err)
			}
		})
	}
	if sec, err := s.SecretKey(ctx, "alice"); err != nil || sec != "alicesecret" {
		t.Fatalf("SecretKey(alice) = %q, %v", sec, err)
	}
	must(t, s.AddUser(ctx, "alice", "newsecret1")) // updates the secret
	if sec, _ := s.SecretKey(ctx, "alice"); sec != "newsecret1" {
		t.Fatalf("secret not updated: %q", sec)
	}
	must(t, s.SetUserEnabled(ctx, "alice", false))
	if _, err := s.SecretKey(ctx, "alice"); !errors.Is(err, ErrNoSuchAccessKey) {
		t.Fatalf("SecretKey(disabled) = %v", err)
	}
	e.expect(t, "alice", "", "s3:GetObject", "photos", "a", ErrAccessDenied)
	info, err := s.UserInfo(ctx, "alice")
	if err != nil || info.Enabled {
		t.Fatalf("UserInfo = %+v, %v", info, err)
	}
	must(t, s.AddUser(ctx, "bob", "bobsecret1"))
	list, _ := s.ListUsers(ctx)
	if len(list) != 2 || list[0].AccessKey != "alice" || list[1].AccessKey != "bob" {
		t.Fatalf("ListUsers = %+v", list)
	}
	must(t, s.RemoveUser(ctx, "bob"))
	if _, err := s.UserInfo(ctx, "bob"); !errors.Is(err, ErrNoSuchUser) {
		t.Fatalf("UserInfo(removed) = %v", err)
	}
	if err := s.RemoveUser(ctx, "bob"); !errors.Is(err, ErrNoSuchUser) {
		t.Fatalf("RemoveUser twice = %v", err)
	}
	if err := s.SetUserEnabled(ctx, "rootuser", false); !errors.Is(err, ErrNoSuchUser) {
		t.Fatalf("disabling root = %v", err)
	}
	if err := s.AttachPolicies(ctx, []string{"readonly"}, "rootuser", ""); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("attaching to root = %v", err)
	}
}

func TestGroupsAndPolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.sys
	must(t, s.AddUser(ctx, "alice", "alicesecret"))
	must(t, s.AddUser(ctx, "bob", "bobsecret1"))
	if err := s.SetPolicy(ctx, "bad", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Nope","Resource":"*"}]}`)); !errors.Is(err, policy.ErrMalformedPolicy) {
		t.Fatalf("SetPolicy(unknown action) = %v", err)
	}
	big := `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("x", MaxPolicySize) + `","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	if err := s.SetPolicy(ctx, "big", []byte(big)); !errors.Is(err, policy.ErrMalformedPolicy) {
		t.Fatalf("SetPolicy(oversized) = %v", err)
	}
	if err := s.SetPolicy(ctx, "readonly", []byte(photosPolicy)); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("replacing a built-in = %v", err)
	}
	if err := s.DeletePolicy(ctx, "readwrite"); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("deleting a built-in = %v", err)
	}
	must(t, s.SetPolicy(ctx, "photos", []byte(photosPolicy)))
	all, _ := s.Policies(ctx)
	for _, name := range append(policy.BuiltInNames(), "photos") {
		if len(all[name]) == 0 {
			t.Fatalf("Policies lacks %q", name)
		}
	}
	if err := s.AttachPolicies(ctx, []string{"nope"}, "alice", ""); !errors.Is(err, ErrNoSuchPolicy) {
		t.Fatalf("attaching an unknown policy = %v", err)
	}
	if err := s.AddGroupMembers(ctx, "devs", []string{"alice", "ghost"}); !errors.Is(err, ErrNoSuchUser) {
		t.Fatalf("adding an unknown member = %v", err)
	}
	must(t, s.AddGroupMembers(ctx, "devs", []string{"alice", "bob"}))
	must(t, s.AttachPolicies(ctx, []string{"photos"}, "", "devs"))
	e.expect(t, "bob", "", "s3:GetObject", "photos", "a.jpg", nil)
	e.expect(t, "bob", "", "s3:GetObject", "logs", "a", ErrAccessDenied)
	must(t, s.SetGroupEnabled(ctx, "devs", false))
	e.expect(t, "bob", "", "s3:GetObject", "photos", "a.jpg", ErrAccessDenied)
	must(t, s.SetGroupEnabled(ctx, "devs", true))
	must(t, s.AttachPolicies(ctx, []string{"readonly"}, "alice", ""))

	ents, err := s.PolicyEntities(ctx, []string{"photos"}, []string{"alice"}, nil)
	must(t, err)
	if len(ents.PolicyMappings) != 1 || len(ents.PolicyMappings[0].Groups) != 1 || ents.PolicyMappings[0].Groups[0] != "devs" {
		t.Fatalf("PolicyMappings = %+v", ents.PolicyMappings)
	}
	if len(ents.UserMappings) != 1 || ents.UserMappings[0].Policies[0] != "readonly" || ents.UserMappings[0].MemberOfGroups[0].Group != "devs" {
		t.Fatalf("UserMappings = %+v", ents.UserMappings)
	}
	if err := s.RemoveGroupMembers(ctx, "devs", nil); !errors.Is(err, ErrGroupNotEmpty) {
		t.Fatalf("removing a non-empty group = %v", err)
	}
	must(t, s.RemoveGroupMembers(ctx, "devs", []string{"bob"}))
	if gi, _ := s.GroupInfo(ctx, "devs"); len(gi.Members) != 1 || gi.Members[0] != "alice" {
		t.Fatalf("GroupInfo = %+v", gi)
	}
	if ui, _ := s.UserInfo(ctx, "alice"); len(ui.Groups) != 1 {
		t.Fatalf("UserInfo.Groups = %+v", ui.Groups)
	}
	must(t, s.RemoveUser(ctx, "alice")) // leaves the group
	must(t, s.RemoveGroupMembers(ctx, "devs", nil))
	if _, err := s.GroupInfo(ctx, "devs"); !errors.Is(err, ErrNoSuchGroup) {
		t.Fatalf("GroupInfo(removed) = %v", err)
	}
	must(t, s.DeletePolicy(ctx, "photos"))
	if _, err := s.Policy(ctx, "photos"); !errors.Is(err, ErrNoSuchPolicy) {
		t.Fatalf("Policy(deleted) = %v", err)
	}
}

// TestSeedScenario: alice may read and write photos, nothing else; denied
// everywhere once disabled; root unaffected.
func TestSeedScenario(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.sys
	must(t, s.AddUser(ctx, "alice", "alicesecret"))
	must(t, s.SetPolicy(ctx, "photos-rw", []byte(photosPolicy)))
	must(t, s.AttachPolicies(ctx, []string{"photos-rw"}, "alice", ""))
	tests := []struct {
		action, bucket, key string
		want                error
	}{
		{"s3:PutObject", "photos", "cat.jpg", nil},
		{"s3:GetObject", "photos", "2024/cat.jpg", nil},
		{"s3:ListBucket", "photos", "", nil},
		{"s3:DeleteObject", "photos", "cat.jpg", ErrAccessDenied},
		{"s3:PutObject", "logs", "x", ErrAccessDenied},
		{"s3:ListBucket", "logs", "", ErrAccessDenied},
		{"s3:CreateBucket", "newbucket", "", ErrAccessDenied},
		{"admin:CreateUser", "", "", ErrAccessDenied},
	}
	for _, tt := range tests {
		t.Run(tt.action+" "+tt.bucket, func(t *testing.T) { e.expect(t, "alice", "", tt.action, tt.bucket, tt.key, tt.want) })
	}
	must(t, s.SetUserEnabled(ctx, "alice", false))
	e.expect(t, "alice", "", "s3:GetObject", "photos", "cat.jpg", ErrAccessDenied)
	e.expect(t, "rootuser", "", "s3:DeleteBucket", "photos", "", nil)
	e.expect(t, "nobody", "", "s3:GetObject", "photos", "cat.jpg", ErrNoSuchAccessKey)
}

// TestServiceAccountNeverExceedsParent covers the privilege-escalation class
// of CVE-2025-62506: a service account is its parent's permissions
// intersected with its inline policy, evaluated against the parent's
// current state on every request.
func TestServiceAccountNeverExceedsParent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.sys
	must(t, s.AddUser(ctx, "alice", "alicesecret"))
	must(t, s.SetPolicy(ctx, "photos-rw", []byte(photosPolicy)))
	must(t, s.AttachPolicies(ctx, []string{"photos-rw"}, "alice", ""))

	inherit, err := s.AddServiceAccount(ctx, "alice", ServiceAccountOptions{Name: "inherit"})
	must(t, err)
	if len(inherit.AccessKey) != 20 || len(inherit.SecretKey) != 40 {
		t.Fatalf("generated credentials %+v", inherit)
	}
	wide, err := s.AddServiceAccount(ctx, "alice", ServiceAccountOptions{AccessKey: "alicewide", SecretKey: "widesecret1",
		Policy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","admin:*"],"Resource":["arn:aws:s3:::*"]}]}`)})
	must(t, err)
	narrow, err := s.AddServiceAccount(ctx, "alice", ServiceAccountOptions{
		Policy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::photos/public/*"]}]}`)})
	must(t, err)
	if sec, err := s.SecretKey(ctx, wide.AccessKey); err != nil || sec != "widesecret1" {
		t.Fatalf("SecretKey(svcacct) = %q, %v", sec, err)
	}
	tests := []struct {
		name, key, action, bucket, object string
		want                              error
	}{
		{"inherits parent", inherit.AccessKey, "s3:PutObject", "photos", "a", nil},
		{"inherits parent's limits", inherit.AccessKey, "s3:PutObject", "logs", "a", ErrAccessDenied},
		{"wide inline within parent", wide.AccessKey, "s3:GetObject", "photos", "a", nil},
		{"wide inline beyond parent", wide.AccessKey, "s3:GetObject", "logs", "a", ErrAccessDenied},
		{"wide inline admin", wide.AccessKey, "admin:CreateUser", "", "", ErrAccessDenied},
		{"wide inline bucket create", wide.AccessKey, "s3:CreateBucket", "evil", "", ErrAccessDenied},
		{"narrow inside", narrow.AccessKey, "s3:GetObject", "photos", "public/x", nil},
		{"narrow outside inline", narrow.AccessKey, "s3:GetObject", "photos", "private/x", ErrAccessDenied},
		{"narrow write", narrow.AccessKey, "s3:PutObject", "photos", "public/x", ErrAccessDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { e.expect(t, tt.key, "", tt.action, tt.bucket, tt.object, tt.want) })
	}

	t.Run("parent policy change narrows its service accounts", func(t *testing.T) {
		must(t, s.DetachPolicies(ctx, []string{"photos-rw"}, "alice", ""))
		e.expect(t, inherit.AccessKey, "", "s3:GetObject", "photos", "a", ErrAccessDenied)
		e.expect(t, wide.AccessKey, "", "s3:GetObject", "photos", "a", ErrAccessDenied)
		must(t, s.AttachPolicies(ctx, []string{"photos-rw"}, "alice", ""))
		e.expect(t, wide.AccessKey, "", "s3:GetObject", "photos", "a", nil)
	})
	t.Run("disabled parent disables its service accounts", func(t *testing.T) {
		must(t, s.SetUserEnabled(ctx, "alice", false))
		for _, k := range []string{inherit.AccessKey, wide.AccessKey, narrow.AccessKey} {
			e.expect(t, k, "", "s3:GetObject", "photos", "public/x", ErrAccessDenied)
		}
		must(t, s.SetUserEnabled(ctx, "alice", true))
		e.expect(t, inherit.AccessKey, "", "s3:GetObject", "photos", "a", nil)
	})
	t.Run("disabled and expired service accounts", func(t *testing.T) {
		off := false
		must(t, s.UpdateServiceAccount(ctx, inherit.AccessKey, ServiceAccountUpdate{Enabled: &off}))
		e.expect(t, inherit.AccessKey, "", "s3:GetObject", "photos", "a", ErrAccessDenied)
		if _, err := s.SecretKey(ctx, inherit.AccessKey); !errors.Is(err, ErrNoSuchAccessKey) {
			t.Fatalf("SecretKey(disabled svcacct) = %v", err)
		}
		exp := e.clk.now().Add(time.Hour)
		short, err := s.AddServiceAccount(ctx, "alice", ServiceAccountOptions{Expiration: exp})
		must(t, err)
		e.expect(t, short.AccessKey, "", "s3:GetObject", "photos", "a", nil)
		e.clk.advance(2 * time.Hour)
		e.expect(t, short.AccessKey, "", "s3:GetObject", "photos", "a", ErrAccessDenied)
		if _, err := s.AddServiceAccount(ctx, "alice", ServiceAccountOptions{Expiration: e.clk.now().Add(-time.Minute)}); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("past expiration = %v", err)
		}
	})
	t.Run("invalid service accounts", func(t *testing.T) {
		if _, err := s.AddServiceAccount(ctx, "ghost", ServiceAccountOptions{}); !errors.Is(err, ErrNoSuchUser) {
			t.Fatalf("unknown parent = %v", err)
		}
		if _, err := s.AddServiceAccount(ctx, "alice", ServiceAccountOptions{AccessKey: "alice", SecretKey: "whatever1"}); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("access key of a user = %v", err)
		}
		if _, err := s.AddServiceAccount(ctx, "alice", ServiceAccountOptions{Policy: []byte(`{"Statement":"x"}`)}); !errors.Is(err, policy.ErrMalformedPolicy) {
			t.Fatalf("malformed inline policy = %v", err)
		}
	})
	t.Run("no service account under a service account or a session", func(t *testing.T) {
		if _, err := s.AddServiceAccount(ctx, narrow.AccessKey, ServiceAccountOptions{}); !errors.Is(err, ErrNoSuchUser) {
			t.Fatalf("service account under a service account = %v", err)
		}
		tc, err := s.AssumeRole(ctx, "alice", time.Hour, nil)
		must(t, err)
		if _, err := s.AddServiceAccount(ctx, tc.AccessKey, ServiceAccountOptions{}); !errors.Is(err, ErrNoSuchUser) {
			t.Fatalf("service account under a session = %v", err)
		}
	})
	t.Run("session of a narrowed service account stays narrowed", func(t *testing.T) {
		tc, err := s.AssumeRole(ctx, narrow.AccessKey, time.Hour, nil)
		must(t, err)
		e.expect(t, tc.AccessKey, tc.SessionToken, "s3:GetObject", "photos", "public/x", nil)
		e.expect(t, tc.AccessKey, tc.SessionToken, "s3:GetObject", "photos", "private/x", ErrAccessDenied)
		e.expect(t, tc.AccessKey, tc.SessionToken, "s3:PutObject", "photos", "public/x", ErrAccessDenied)
		off := false
		must(t, s.UpdateServiceAccount(ctx, narrow.AccessKey, ServiceAccountUpdate{Enabled: &off}))
		e.expect(t, tc.AccessKey, tc.SessionToken, "s3:GetObject", "photos", "public/x", ErrAccessDenied)
		on := true
		must(t, s.UpdateServiceAccount(ctx, narrow.AccessKey, ServiceAccountUpdate{Enabled: &on}))
	})
	t.Run("root service account narrowed", func(t *testing.T) {
		rs, err := s.AddServiceAccount(ctx, "rootuser", ServiceAccountOptions{
			Policy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::*"]}]}`)})
		must(t, err)
		e.expect(t, rs.AccessKey, "", "s3:GetObject", "any", "x", nil)
		e.expect(t, rs.AccessKey, "", "s3:DeleteBucket", "any", "", ErrAccessDenied)
	})
	t.Run("removing the parent removes its service accounts", func(t *testing.T) {
		must(t, s.RemoveUser(ctx, "alice"))
		list, _ := s.ListServiceAccounts(ctx, "alice")
		if len(list) != 0 {
			t.Fatalf("service accounts left: %+v", list)
		}
		e.expect(t, wide.AccessKey, "", "s3:GetObject", "photos", "a", ErrNoSuchAccessKey)
		// A new alice does not inherit the old alice's service accounts.
		must(t, s.AddUser(ctx, "alice", "alicesecret"))
		e.expect(t, wide.AccessKey, "", "s3:GetObject", "photos", "a", ErrNoSuchAccessKey)
	})
}

func TestBucketPolicyAndAnonymous(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.sys
	must(t, e.store.MakeBucket(ctx, "public", storage.MakeBucketOptions{}))
	anon := func(action, key string) error {
		return s.Authorize(ctx, Request{Anonymous: true, Action: action, Bucket: "public", Key: key})
	}
	if err := anon("s3:GetObject", "a"); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("anonymous without policy = %v", err)
	}
	if _, err := s.BucketPolicy(ctx, "public"); !errors.Is(err, ErrNoSuchBucketPolicy) {
		t.Fatalf("BucketPolicy(none) = %v", err)
	}
	if err := s.SetBucketPolicy(ctx, "public", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`)); !errors.Is(err, policy.ErrMalformedPolicy) {
		t.Fatalf("policy for another bucket = %v", err)
	}
	doc := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::public/*"]},` +
		`{"Effect":"Allow","Principal":{"AWS":["bob"]},"Action":["s3:PutObject"],"Resource":["arn:aws:s3:::public/*"]},` +
		`{"Effect":"Deny","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::public/secret/*"]}]}`)
	must(t, s.SetBucketPolicy(ctx, "public", doc))
	if got, err := s.BucketPolicy(ctx, "public"); err != nil || !bytes.Equal(got, doc) {
		t.Fatalf("BucketPolicy = %s, %v", got, err)
	}
	if pub, err := s.BucketPolicyIsPublic(ctx, "public"); err != nil || !pub {
		t.Fatalf("BucketPolicyIsPublic = %v, %v", pub, err)
	}
	must(t, anon("s3:GetObject", "a"))
	if err := anon("s3:GetObject", "secret/a"); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("anonymous, explicit deny = %v", err)
	}
	if err := anon("s3:PutObject", "a"); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("anonymous put = %v", err)
	}
	// Bucket policy grants combine with identity policies; Deny wins.
	must(t, s.AddUser(ctx, "bob", "bobsecret1"))
	must(t, s.AttachPolicies(ctx, []string{"readwrite"}, "bob", ""))
	e.expect(t, "bob", "", "s3:PutObject", "public", "x", nil)
	e.expect(t, "bob", "", "s3:GetObject", "public", "secret/x", ErrAccessDenied)
	must(t, s.DetachPolicies(ctx, []string{"readwrite"}, "bob", ""))
	e.expect(t, "bob", "", "s3:PutObject", "public", "x", nil)
	e.expect(t, "bob", "", "s3:DeleteObject", "public", "x", ErrAccessDenied)
	// A session of bob narrowed to nothing on public gets nothing from the bucket policy.
	tc, err := s.AssumeRole(ctx, "bob", time.Hour, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::public/*"]}]}`))
	must(t, err)
	e.expect(t, tc.AccessKey, tc.SessionToken, "s3:PutObject", "public", "x", ErrAccessDenied)

	must(t, s.DeleteBucketPolicy(ctx, "public"))
	if err := anon("s3:GetObject", "a"); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("anonymous after delete = %v", err)
	}
}

// TestRestartKeepsEverything: the store is the source of truth; secrets
// are sealed at rest and tied to the root secret key.
func TestRestartKeepsEverything(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.sys
	must(t, s.AddUser(ctx, "alice", "alicesecret"))
	must(t, s.SetPolicy(ctx, "photos-rw", []byte(photosPolicy)))
	must(t, s.AddGroupMembers(ctx, "devs", []string{"alice"}))
	must(t, s.AttachPolicies(ctx, []string{"photos-rw"}, "", "devs"))
	sa, err := s.AddServiceAccount(ctx, "alice", ServiceAccountOptions{Name: "ci"})
	must(t, err)
	tc, err := s.AssumeRole(ctx, "alice", time.Hour, nil)
	must(t, err)

	docs, err := e.store.SystemDocs(ctx, "iam/")
	must(t, err)
	for name, doc := range docs {
		for _, secret := range []string{"alicesecret", sa.SecretKey, tc.SecretKey, tc.SessionToken} {
			if bytes.Contains(doc, []byte(secret)) {
				t.Fatalf("document %s holds a secret in clear: %s", name, doc)
			}
		}
	}

	e.reopen(testRoot)
	s = e.sys
	if sec, err := s.SecretKey(ctx, "alice"); err != nil || sec != "alicesecret" {
		t.Fatalf("SecretKey(alice) after restart = %q, %v", sec, err)
	}
	if sec, err := s.SecretKey(ctx, sa.AccessKey); err != nil || sec != sa.SecretKey {
		t.Fatalf("SecretKey(svcacct) after restart = %q, %v", sec, err)
	}
	e.expect(t, "alice", "", "s3:GetObject", "photos", "a", nil)
	e.expect(t, sa.AccessKey, "", "s3:GetObject", "photos", "a", nil)
	e.expect(t, tc.AccessKey, tc.SessionToken, "s3:GetObject", "photos", "a", nil)
	if gi, err := s.GroupInfo(ctx, "devs"); err != nil || len(gi.Members) != 1 || gi.Policies[0] != "photos-rw" {
		t.Fatalf("GroupInfo after restart = %+v, %v", gi, err)
	}
	if info, err := s.ServiceAccountInfo(ctx, sa.AccessKey); err != nil || info.Parent != "alice" || info.Name != "ci" {
		t.Fatalf("ServiceAccountInfo after restart = %+v, %v", info, err)
	}

	t.Run("expired sessions are purged on load", func(t *testing.T) {
		e.clk.advance(2*time.Hour + sessionGrace)
		e.reopen(testRoot)
		docs, err := e.store.SystemDocs(ctx, docSessionPrefix)
		must(t, err)
		if len(docs) != 0 {
			t.Fatalf("expired session documents left: %d", len(docs))
		}
	})
	t.Run("changed root secret", func(t *testing.T) {
		e.reopen(Credentials{AccessKey: "rootuser", SecretKey: "anothersecret"})
		if _, err := e.sys.SecretKey(ctx, "alice"); !errors.Is(err, ErrNoSuchAccessKey) {
			t.Fatalf("SecretKey(alice) under another root secret = %v", err)
		}
		if _, err := e.sys.Policy(ctx, "photos-rw"); err != nil {
			t.Fatalf("policies survive a root secret change: %v", err)
		}
		must(t, e.sys.AddUser(ctx, "alice", "resealed1"))
		e.reopen(Credentials{AccessKey: "rootuser", SecretKey: "anothersecret"})
		if sec, err := e.sys.SecretKey(ctx, "alice"); err != nil || sec != "resealed1" {
			t.Fatalf("re-added user = %q, %v", sec, err)
		}
	})
}

// TestChainRefusalsAreExplicit: a refusal because a link of the credential
// chain is disabled or expired is an explicit deny, which the S3 layer's
// ACL grants never lift.
func TestChainRefusalsAreExplicit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	must(t, e.sys.AddUser(ctx, "alice", "alicesecret"))
	sa, err := e.sys.AddServiceAccount(ctx, "alice", ServiceAccountOptions{})
	must(t, err)
	must(t, e.sys.SetUserEnabled(ctx, "alice", false))
	err = e.allowed(sa.AccessKey, "", "s3:GetObject", "photos", "a")
	if !errors.Is(err, ErrAccessDenied) || !errors.Is(err, ErrExplicitDeny) {
		t.Fatalf("service account of a disabled user: %v, want an explicit AccessDenied", err)
	}
	must(t, e.sys.SetUserEnabled(ctx, "alice", true))
	err = e.allowed(sa.AccessKey, "", "s3:GetObject", "photos", "a")
	if !errors.Is(err, ErrAccessDenied) || errors.Is(err, ErrExplicitDeny) {
		t.Fatalf("no policy: %v, want an implicit AccessDenied", err)
	}
}
