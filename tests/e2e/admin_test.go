package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/silo-project/silo/admin/payload"
)

const photosPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["arn:aws:s3:::photos/*"]},
 {"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::photos"]}]}`

// TestAdminSeedScenario is the scenario over TLS with mc: a user,
// a policy on photos attached to her, allowed in photos, 403 in logs,
// service accounts never broader than her, refused once disabled, root
// unaffected.
func TestAdminSeedScenario(t *testing.T) {
	t.Parallel()
	srv := startAdminServer(t, "admin-seed", true)
	mc := newAdminMC(t, srv)
	mc.must("mb", "silo/photos")
	mc.must("mb", "silo/logs")

	if out := mc.must("admin", "user", "add", "silo", "alice", "alicesecret123"); !strings.Contains(out, "Added user `alice` successfully") {
		t.Fatalf("user add: %q", out)
	}
	if out := mc.must("admin", "policy", "create", "silo", "photos-rw", mc.writeFile("p.json", photosPolicy)); !strings.Contains(out, "Created policy `photos-rw`") {
		t.Fatalf("policy create: %q", out)
	}
	mc.must("admin", "policy", "attach", "silo", "photos-rw", "--user", "alice")

	alice := minioAs(t, srv, "alice", "alicesecret123")
	if !canPut(t, alice, "photos", "a.txt") {
		t.Fatal("alice cannot upload to photos")
	}
	if canPut(t, alice, "logs", "a.txt") {
		t.Fatal("alice uploaded to logs")
	}
	mc.must("alias", "set", "alice", srv.endpoint, "alice", "alicesecret123", "--api", "S3v4", "--path", "on")
	if out := mc.must("cat", "alice/photos/a.txt"); out != "data" {
		t.Fatalf("alice reads %q", out)
	}
	mc.must("ls", "alice/photos")
	mc.fails("Access Denied", "ls", "alice/logs")
	mc.fails("Access Denied", "admin", "user", "list", "alice")
	mc.fails("Access Denied", "admin", "user", "add", "alice", "mallory", "mallorysecret1")

	// Service accounts: one narrowed below alice (read only), one whose
	// policy tries to exceed her (everything): the effective rights are
	// never more than hers.
	readOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::photos/*"]}]}`
	broad := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]}]}`
	mc.must("admin", "user", "svcacct", "add", "silo", "alice", "--access-key", "ALICENARROW1", "--secret-key", "narrowsecret123",
		"--policy", mc.writeFile("ro.json", readOnly), "--name", "reader")
	// alice creates her own (no admin permission needed for her own keys).
	mc.must("admin", "user", "svcacct", "add", "alice", "alice", "--access-key", "ALICEBROAD1", "--secret-key", "broadsecret123",
		"--policy", mc.writeFile("broad.json", broad))
	mc.fails("Access Denied", "admin", "user", "svcacct", "add", "alice", rootUser)
	narrow := minioAs(t, srv, "ALICENARROW1", "narrowsecret123")
	if _, err := narrow.StatObject(context.Background(), "photos", "a.txt", minio.StatObjectOptions{}); err != nil {
		t.Fatalf("narrow account cannot read photos: %v", err)
	}
	if canPut(t, narrow, "photos", "n.txt") {
		t.Fatal("the read-only service account uploaded")
	}
	wide := minioAs(t, srv, "ALICEBROAD1", "broadsecret123")
	if !canPut(t, wide, "photos", "w.txt") {
		t.Fatal("the broad service account cannot do what alice can")
	}
	if canPut(t, wide, "logs", "w.txt") {
		t.Fatal("the broad service account exceeded alice's rights")
	}
	// alice narrows her own key: it takes effect at once.
	mc.must("admin", "user", "svcacct", "edit", "alice", "ALICEBROAD1", "--policy", mc.writeFile("ro2.json", readOnly))
	if canPut(t, wide, "photos", "w2.txt") {
		t.Fatal("the edited service account can still upload")
	}

	mc.must("admin", "user", "disable", "silo", "alice")
	for name, c := range map[string]*minio.Client{"alice": alice, "narrow": narrow, "broad": wide} {
		if _, err := c.StatObject(context.Background(), "photos", "a.txt", minio.StatObjectOptions{}); err == nil {
			t.Fatalf("%s can still read after alice was disabled", name)
		}
		if canPut(t, c, "photos", "after-disable.txt") {
			t.Fatalf("%s can still write after alice was disabled", name)
		}
	}
	if out := mc.must("cat", "silo/photos/a.txt"); out != "data" {
		t.Fatalf("root reads %q", out)
	}
	if !canPut(t, minioAs(t, srv, rootUser, rootPassword), "logs", "root.txt") {
		t.Fatal("root was affected")
	}
	mc.must("admin", "user", "enable", "silo", "alice")
	if !canPut(t, alice, "photos", "again.txt") {
		t.Fatal("alice cannot upload after being enabled again")
	}
}

// TestAdminCommands drives every mc admin command of the issue against a
// TLS server and checks what mc prints, then restarts the server with `mc
// admin service restart` and finds everything again.
func TestAdminCommands(t *testing.T) {
	t.Parallel()
	srv := startAdminServer(t, "admin-cmds", true)
	mc := newAdminMC(t, srv)

	mc.must("mb", "silo/infobucket")
	mc.must("cp", mc.writeFile("obj.txt", "0123456789"), "silo/infobucket/obj.txt")
	var info struct {
		Info struct {
			Mode    string
			Buckets struct{ Count int }
			Objects struct{ Count int }
			Usage   struct{ Size int }
			Backend struct {
				OnlineDisks int `json:"onlineDisks"`
			} `json:"backend"`
			Servers []struct {
				State  string
				Drives []struct{ State string }
			}
		}
	}
	mc.json(&info, "admin", "info", "silo")
	if info.Info.Mode != "online" || info.Info.Backend.OnlineDisks != 4 || info.Info.Buckets.Count != 1 || info.Info.Objects.Count != 1 || info.Info.Usage.Size != 10 || len(info.Info.Servers) != 1 ||
		info.Info.Servers[0].State != "online" || len(info.Info.Servers[0].Drives) != 4 || info.Info.Servers[0].Drives[0].State != "ok" {
		t.Fatalf("admin info: %+v", info)
	}
	if out := mc.must("admin", "info", "silo"); !strings.Contains(out, "4 drives online, 0 drives offline") || !strings.Contains(out, "10 B Used, 1 Bucket, 1 Object") {
		t.Fatalf("admin info text: %q", out)
	}

	// Users.
	mc.must("admin", "user", "add", "silo", "bob", "bobsecret1234")
	mc.must("admin", "user", "add", "silo", "carol", "carolsecret123")
	mc.must("admin", "user", "disable", "silo", "carol")
	users := map[string]string{}
	for _, u := range mc.jsonLines("admin", "user", "list", "silo") {
		users[u["accessKey"].(string)] = u["userStatus"].(string)
	}
	if len(users) != 2 || users["bob"] != "enabled" || users["carol"] != "disabled" {
		t.Fatalf("user list: %v", users)
	}
	mc.must("admin", "user", "enable", "silo", "carol")
	mc.must("admin", "user", "remove", "silo", "carol")
	mc.fails("The specified user does not exist", "admin", "user", "info", "silo", "carol")
	mc.fails("cannot be changed", "admin", "user", "disable", "silo", rootUser)

	// Groups.
	mc.must("admin", "group", "add", "silo", "devs", "bob")
	if out := mc.must("admin", "group", "list", "silo"); strings.TrimSpace(out) != "devs" {
		t.Fatalf("group list: %q", out)
	}
	mc.must("admin", "group", "disable", "silo", "devs")
	var g struct {
		GroupName   string   `json:"groupName"`
		Members     []string `json:"members"`
		GroupStatus string   `json:"groupStatus"`
	}
	mc.json(&g, "admin", "group", "info", "silo", "devs")
	if g.GroupName != "devs" || len(g.Members) != 1 || g.Members[0] != "bob" || g.GroupStatus != "disabled" {
		t.Fatalf("group info: %+v", g)
	}
	mc.must("admin", "group", "enable", "silo", "devs")
	mc.fails("not empty", "admin", "group", "remove", "silo", "devs")

	// Policies.
	mc.must("admin", "policy", "create", "silo", "photos-rw", mc.writeFile("p.json", photosPolicy))
	mc.fails("alformed", "admin", "policy", "create", "silo", "bad", mc.writeFile("bad.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:GetObject","Resource":"*"}]}`))
	list := mc.must("admin", "policy", "list", "silo")
	for _, p := range []string{"photos-rw", "readonly", "readwrite", "writeonly", "consoleAdmin", "diagnostics"} {
		if !strings.Contains(list, p+"\n") {
			t.Fatalf("policy list lacks %s: %q", p, list)
		}
	}
	var pinfo struct {
		PolicyInfo struct {
			PolicyName string
			Policy     struct{ Statement []any }
		} `json:"policyInfo"`
	}
	mc.json(&pinfo, "admin", "policy", "info", "silo", "photos-rw")
	if pinfo.PolicyInfo.PolicyName != "photos-rw" || len(pinfo.PolicyInfo.Policy.Statement) != 2 {
		t.Fatalf("policy info: %+v", pinfo)
	}
	mc.must("admin", "policy", "attach", "silo", "photos-rw", "--user", "bob")
	mc.must("admin", "policy", "attach", "silo", "readonly", "--group", "devs")
	var ents struct {
		Result struct {
			UserMappings []struct {
				User     string
				Policies []string
			} `json:"userMappings"`
			PolicyMappings []struct {
				Policy string
				Users  []string
				Groups []string
			} `json:"policyMappings"`
		}
	}
	mc.json(&ents, "admin", "policy", "entities", "silo", "--user", "bob", "--policy", "readonly")
	if len(ents.Result.UserMappings) != 1 || ents.Result.UserMappings[0].Policies[0] != "photos-rw" ||
		len(ents.Result.PolicyMappings) != 1 || len(ents.Result.PolicyMappings[0].Groups) != 1 || ents.Result.PolicyMappings[0].Groups[0] != "devs" {
		t.Fatalf("policy entities: %+v", ents)
	}
	var uinfo struct {
		PolicyName string `json:"policyName"`
		MemberOf   []struct{ Name string }
	}
	mc.json(&uinfo, "admin", "user", "info", "silo", "bob")
	if uinfo.PolicyName != "photos-rw" || len(uinfo.MemberOf) != 1 || uinfo.MemberOf[0].Name != "devs" {
		t.Fatalf("user info: %+v", uinfo)
	}
	mc.must("admin", "policy", "detach", "silo", "readonly", "--group", "devs")
	mc.must("admin", "policy", "create", "silo", "scratch", mc.writeFile("s.json", photosPolicy))
	mc.must("admin", "policy", "remove", "silo", "scratch")
	mc.fails("does not exist", "admin", "policy", "info", "silo", "scratch")

	// Service accounts and access keys.
	var created struct{ AccessKey, SecretKey string }
	mc.json(&created, "admin", "user", "svcacct", "add", "silo", "bob", "--name", "nightly", "--description", "backups")
	if len(created.AccessKey) < 3 || len(created.SecretKey) < 8 {
		t.Fatalf("svcacct add: %+v", created)
	}
	mc.must("admin", "user", "svcacct", "add", "silo", "bob", "--access-key", "BOBEXPIRING1", "--secret-key", "expiringsecret1", "--expiry", time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339))
	if out := mc.must("admin", "user", "svcacct", "list", "silo", "bob"); !strings.Contains(out, created.AccessKey) || !strings.Contains(out, "BOBEXPIRING1") || !strings.Contains(out, "no-expiry") {
		t.Fatalf("svcacct list: %q", out)
	}
	var sinfo struct {
		ParentUser    string `json:"parentUser"`
		AccountStatus string `json:"accountStatus"`
		Name          string `json:"name"`
		Description   string `json:"description"`
	}
	mc.json(&sinfo, "admin", "user", "svcacct", "info", "silo", created.AccessKey)
	if sinfo.ParentUser != "bob" || sinfo.AccountStatus != "on" || sinfo.Name != "nightly" || sinfo.Description != "backups" {
		t.Fatalf("svcacct info: %+v", sinfo)
	}
	mc.must("admin", "user", "svcacct", "disable", "silo", created.AccessKey)
	mc.json(&sinfo, "admin", "user", "svcacct", "info", "silo", created.AccessKey)
	if sinfo.AccountStatus != "off" {
		t.Fatalf("disabled svcacct: %+v", sinfo)
	}
	mc.must("admin", "user", "svcacct", "enable", "silo", created.AccessKey)
	mc.must("admin", "user", "svcacct", "edit", "silo", created.AccessKey, "--secret-key", "brandnewsecret1", "--description", "changed")
	mc.json(&sinfo, "admin", "user", "svcacct", "info", "silo", created.AccessKey)
	if sinfo.AccountStatus != "on" || sinfo.Description != "changed" {
		t.Fatalf("edited svcacct: %+v", sinfo)
	}
	if _, err := minioAs(t, srv, created.AccessKey, "brandnewsecret1").BucketExists(context.Background(), "photos"); err != nil {
		t.Fatalf("the new secret does not work: %v", err)
	}
	keys := mc.jsonLines("admin", "accesskey", "list", "silo", "bob")
	if len(keys) != 1 || keys[0]["user"] != "bob" || len(keys[0]["svcaccs"].([]any)) != 2 {
		t.Fatalf("accesskey list: %v", keys)
	}
	if out := mc.must("admin", "accesskey", "list", "silo"); !strings.Contains(out, "BOBEXPIRING1") {
		t.Fatalf("accesskey list (all): %q", out)
	}
	if out := mc.must("admin", "accesskey", "info", "silo", "BOBEXPIRING1"); !strings.Contains(out, "Parent User: bob") {
		t.Fatalf("accesskey info: %q", out)
	}
	mc.must("admin", "user", "svcacct", "rm", "silo", "BOBEXPIRING1")
	mc.fails("does not exist", "admin", "user", "svcacct", "info", "silo", "BOBEXPIRING1")

	// Restart: the process comes back on its own and keeps everything.
	var restart struct {
		Result struct{ Action string }
	}
	mc.json(&restart, "admin", "service", "restart", "silo")
	if restart.Result.Action != "restart" {
		t.Fatalf("service restart: %+v", restart)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !srv.healthy("live") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if !srv.alive() {
		t.Fatal("the server exited instead of restarting")
	}
	mc.json(&uinfo, "admin", "user", "info", "silo", "bob")
	if uinfo.PolicyName != "photos-rw" || len(uinfo.MemberOf) != 1 {
		t.Fatalf("user info after restart: %+v", uinfo)
	}
	mc.json(&sinfo, "admin", "user", "svcacct", "info", "silo", created.AccessKey)
	if sinfo.ParentUser != "bob" || sinfo.Description != "changed" {
		t.Fatalf("svcacct after restart: %+v", sinfo)
	}
}

// TestAdminServiceStop: `mc admin service stop` ends the process cleanly.
func TestAdminServiceStop(t *testing.T) {
	t.Parallel()
	srv := startAdminServer(t, "admin-stop", false)
	mc := newAdminMC(t, srv)
	mc.must("admin", "user", "add", "silo", "dave", "davesecret123")
	mc.must("alias", "set", "dave", srv.endpoint, "dave", "davesecret123", "--api", "S3v4", "--path", "on")
	mc.fails("Access Denied", "admin", "service", "stop", "dave")
	if !srv.alive() {
		t.Fatal("a non-admin user stopped the server")
	}
	mc.run("admin", "service", "stop", "silo", "--json")
	select {
	case <-srv.exited:
		if srv.exitErr != nil {
			t.Fatalf("silo exited with %v after service stop", srv.exitErr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("silo still running 30s after service stop")
	}
}

// TestAdminBadInput: bodies that are not encrypted, encrypted with the
// wrong key or not JSON, unknown APIs and non-admin callers get clear JSON
// errors and change nothing.
func TestAdminBadInput(t *testing.T) {
	t.Parallel()
	srv := tlsServer(t)
	enc := func(secret, plain string) []byte {
		b, err := payload.Encrypt(secret, []byte(plain))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	user := "badinput-" + strings.ToLower(uniqueBucket(t, "u"))
	tests := []struct {
		name, method, api string
		body              []byte
		status            int
		code, msg         string
	}{
		{"plain JSON where encryption is expected", http.MethodPut, "add-user?accessKey=" + user, []byte(`{"secretKey":"secret12345","status":"enabled"}`),
			400, "XMinioAdminConfigDecryptionError", "plain JSON"},
		{"encrypted with the wrong key", http.MethodPut, "add-user?accessKey=" + user, enc("not-the-root-secret", `{"secretKey":"secret12345"}`),
			400, "XMinioAdminConfigDecryptionError", "could not be decrypted"},
		{"truncated ciphertext", http.MethodPut, "add-user?accessKey=" + user, enc(rootPassword, `{"secretKey":"secret12345"}`)[:50],
			400, "XMinioAdminConfigDecryptionError", "could not be decrypted"},
		{"malformed JSON inside", http.MethodPut, "add-user?accessKey=" + user, enc(rootPassword, `{"secretKey":`),
			400, "XMinioAdminConfigBadJSON", "not valid JSON"},
		{"malformed plain JSON", http.MethodPut, "update-group-members", []byte(`{"group":"g","members":[`),
			400, "XMinioAdminConfigBadJSON", "not valid JSON"},
		{"unknown admin API", http.MethodGet, "heal/photos", nil, 501, "NotImplemented", "not implemented"},
		{"wrong method", http.MethodGet, "add-user?accessKey=" + user, nil, 405, "MethodNotAllowed", "expects PUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, e := adminCall(t, srv, rootUser, rootPassword, tt.method, tt.api, tt.body)
			if status != tt.status || e["Code"] != tt.code || !strings.Contains(e["Message"], tt.msg) {
				t.Fatalf("got %d %v, want %d %s mentioning %q", status, e, tt.status, tt.code, tt.msg)
			}
			if status, _ := adminCall(t, srv, rootUser, rootPassword, http.MethodGet, "user-info?accessKey="+user, nil); status != http.StatusNotFound {
				t.Fatalf("the refused request created the user (user-info: %d)", status)
			}
		})
	}
	t.Run("wrong signature", func(t *testing.T) {
		status, e := adminCall(t, srv, rootUser, "wrong-secret-key", http.MethodGet, "list-users", nil)
		if status != http.StatusForbidden || e["Code"] != "SignatureDoesNotMatch" {
			t.Fatalf("got %d %v", status, e)
		}
	})
}

// TestAdminTemporaryCredentials: an STS session (AssumeRole with
// minio-go) is listed and described by `mc admin accesskey`, may ask about
// itself with its session token, and is refused with a forged or missing
// token.
func TestAdminTemporaryCredentials(t *testing.T) {
	t.Parallel()
	srv := tlsServer(t)
	mc := newAdminMC(t, srv)
	user := strings.ToLower(uniqueBucket(t, "sts"))
	mc.must("admin", "user", "add", "silo", user, "stsusersecret1")
	creds, err := credentials.NewSTSAssumeRole(srv.endpoint, credentials.STSAssumeRoleOptions{
		AccessKey: user, SecretKey: "stsusersecret1", DurationSeconds: 900, Location: region})
	if err != nil {
		t.Fatal(err)
	}
	v, err := creds.GetWithContext(&credentials.CredContext{Client: srv.client})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	if out := mc.must("admin", "accesskey", "list", "silo", user); !strings.Contains(out, v.AccessKeyID+", expires:") || !strings.Contains(out, "sts: true") {
		t.Fatalf("accesskey list: %q", out)
	}
	var info struct {
		ParentUser    string `json:"parentUser"`
		ImpliedPolicy bool   `json:"impliedPolicy"`
	}
	mc.json(&info, "admin", "accesskey", "info", "silo", v.AccessKeyID)
	if info.ParentUser != user || !info.ImpliedPolicy {
		t.Fatalf("accesskey info: %+v", info)
	}
	tests := []struct {
		name   string
		token  string
		status int
		code   string
	}{
		{"own session token", v.SessionToken, http.StatusOK, ""},
		{"forged token", v.SessionToken + "x", http.StatusForbidden, "InvalidTokenId"},
		{"no token", "", http.StatusForbidden, "InvalidTokenId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, e := adminCallToken(t, srv, v.AccessKeyID, v.SecretAccessKey, tt.token, http.MethodGet, "temporary-account-info?accessKey="+v.AccessKeyID, nil)
			if status != tt.status || e["Code"] != tt.code {
				t.Fatalf("got %d %v, want %d %s", status, e, tt.status, tt.code)
			}
		})
	}
	if status, e := adminCallToken(t, srv, v.AccessKeyID, v.SecretAccessKey, v.SessionToken, http.MethodGet, "list-users", nil); status != http.StatusForbidden || e["Code"] != "AccessDenied" {
		t.Fatalf("session of a user without admin rights listed users: %d %v", status, e)
	}
}

// TestAdminAuthorizedByPolicy: admin calls of non-root users are decided by
// their policies' admin:* actions, exactly as granted.
func TestAdminAuthorizedByPolicy(t *testing.T) {
	t.Parallel()
	srv := tlsServer(t)
	mc := newAdminMC(t, srv)
	suffix := strings.ToLower(uniqueBucket(t, "x"))
	ops, lister, pol := "ops-"+suffix, "lister-"+suffix, "list-users-"+suffix
	mc.must("admin", "user", "add", "silo", ops, "opssecret1234")
	mc.must("admin", "user", "add", "silo", lister, "listersecret1")
	mc.must("admin", "policy", "attach", "silo", "consoleAdmin", "--user", ops)
	mc.must("admin", "policy", "create", "silo", pol, mc.writeFile("l.json",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["admin:ListUsers","admin:GetUser","admin:GetGroup"]}]}`))
	mc.must("admin", "policy", "attach", "silo", pol, "--user", lister)
	mc.must("alias", "set", "ops", srv.endpoint, ops, "opssecret1234", "--api", "S3v4", "--path", "on")
	mc.must("alias", "set", "lister", srv.endpoint, lister, "listersecret1", "--api", "S3v4", "--path", "on")

	// consoleAdmin allows everything.
	created := "made-by-ops-" + suffix
	mc.must("admin", "user", "add", "ops", created, "createdsecret1")
	listed := func(alias string) bool {
		for _, u := range mc.jsonLines("admin", "user", "list", alias) {
			if u["accessKey"] == created {
				return true
			}
		}
		return false
	}
	if !listed("ops") {
		t.Fatal("ops cannot see the user it created")
	}
	mc.must("admin", "user", "svcacct", "add", "ops", lister)
	mc.must("admin", "info", "ops")
	// ... except minting keys with root's unlimited rights.
	mc.fails("only the root user", "admin", "user", "svcacct", "add", "ops", rootUser)

	// The lister may list and read users (and the groups mc shows with
	// them: other tests put users of this shared server in groups),
	// nothing else.
	if !listed("lister") {
		t.Fatal("the lister cannot list users")
	}
	mc.must("admin", "user", "info", "lister", created)
	mc.fails("Access Denied", "admin", "user", "disable", "lister", created)
	mc.fails("Access Denied", "admin", "user", "remove", "lister", created)
	mc.fails("Access Denied", "admin", "policy", "attach", "lister", "consoleAdmin", "--user", lister)
	mc.fails("Access Denied", "admin", "group", "list", "lister")
	mc.fails("Access Denied", "admin", "info", "lister")
	mc.fails("Access Denied", "admin", "service", "restart", "lister", "--json")
	var u struct {
		UserStatus string `json:"userStatus"`
		PolicyName string `json:"policyName"`
	}
	mc.json(&u, "admin", "user", "info", "silo", created)
	if u.UserStatus != "enabled" {
		t.Fatalf("a refused disable changed the user: %+v", u)
	}
	mc.json(&u, "admin", "user", "info", "silo", lister)
	if u.PolicyName != pol {
		t.Fatalf("a refused attach changed the policies: %+v", u)
	}
}
