package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// as returns a copy of a whose requests are signed with another user's keys.
func (a *awsCLI) as(accessKey, secretKey string) *awsCLI {
	out := *a
	out.env = nil
	for _, kv := range a.env {
		switch {
		case strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID="):
			kv = "AWS_ACCESS_KEY_ID=" + accessKey
		case strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY="):
			kv = "AWS_SECRET_ACCESS_KEY=" + secretKey
		}
		out.env = append(out.env, kv)
	}
	return &out
}

// TestACLPublicAccessBlock: a public-read object (AWS CLI --acl) is
// readable anonymously with curl until a public access block says
// otherwise; ownership controls disable ACLs; s3cmd info reads ACL, CORS
// and policy answers instead of NotImplemented.
func TestACLPublicAccessBlock(t *testing.T) {
	t.Parallel()
	requireTool(t, awsBin)
	requireTool(t, curlBin)
	eachServer(t, func(t *testing.T, srv *server) {
		a := newAWSCLI(t, srv)
		b := uniqueBucket(t, "acl")
		s3b := "s3://" + b
		file := filepath.Join(t.TempDir(), "f.txt")
		if err := os.WriteFile(file, []byte("hello acl"), 0o600); err != nil {
			t.Fatal(err)
		}
		a.must(t, "s3", "mb", s3b)
		a.must(t, "s3", "cp", file, s3b+"/pub.txt", "--acl", "public-read")
		a.must(t, "s3", "cp", file, s3b+"/priv.txt")
		pub, priv := srv.endpoint+"/"+b+"/pub.txt", srv.endpoint+"/"+b+"/priv.txt"
		anon := func(url string) int {
			t.Helper()
			status, _ := curlHead(t, srv, url)
			return status
		}
		if got := anon(pub); got != http.StatusOK {
			t.Fatalf("anonymous GET of public-read object: %d", got)
		}
		if got := anon(priv); got != http.StatusForbidden {
			t.Fatalf("anonymous GET of private object: %d", got)
		}
		r := a.must(t, "s3api", "get-object-acl", "--bucket", b, "--key", "pub.txt")
		if !strings.Contains(r.stdout, "http://acs.amazonaws.com/groups/global/AllUsers") || !strings.Contains(r.stdout, `"READ"`) {
			t.Errorf("get-object-acl lacks the AllUsers READ grant:\n%s", r.stdout)
		}

		t.Run("public access block", func(t *testing.T) {
			a.wantFail(t, "NoSuchPublicAccessBlockConfiguration", "s3api", "get-public-access-block", "--bucket", b)
			a.must(t, "s3api", "put-public-access-block", "--bucket", b, "--public-access-block-configuration",
				"BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true")
			r := a.must(t, "s3api", "get-public-access-block", "--bucket", b)
			var got struct {
				PublicAccessBlockConfiguration map[string]bool
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got.PublicAccessBlockConfiguration) != 4 {
				t.Fatalf("get-public-access-block: %v\n%s", err, r.stdout)
			}
			for k, v := range got.PublicAccessBlockConfiguration {
				if !v {
					t.Errorf("%s = false", k)
				}
			}
			if got := anon(pub); got != http.StatusForbidden {
				t.Errorf("anonymous GET under IgnorePublicAcls: %d", got)
			}
			a.wantFail(t, "AccessDenied", "s3api", "put-object-acl", "--bucket", b, "--key", "priv.txt", "--acl", "public-read")
			a.wantFail(t, "AccessDenied", "s3", "cp", file, s3b+"/pub2.txt", "--acl", "public-read")
			a.wantFail(t, "AccessDenied", "s3api", "put-bucket-policy", "--bucket", b, "--policy",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::`+b+`/*"}]}`)
			a.must(t, "s3api", "delete-public-access-block", "--bucket", b)
			if got := anon(pub); got != http.StatusOK {
				t.Errorf("anonymous GET after delete-public-access-block: %d", got)
			}
		})

		t.Run("ownership controls", func(t *testing.T) {
			a.wantFail(t, "OwnershipControlsNotFoundError", "s3api", "get-bucket-ownership-controls", "--bucket", b)
			a.must(t, "s3api", "put-bucket-ownership-controls", "--bucket", b, "--ownership-controls", "Rules=[{ObjectOwnership=BucketOwnerEnforced}]")
			r := a.must(t, "s3api", "get-bucket-ownership-controls", "--bucket", b)
			if !strings.Contains(r.stdout, "BucketOwnerEnforced") {
				t.Errorf("get-bucket-ownership-controls:\n%s", r.stdout)
			}
			a.wantFail(t, "AccessControlListNotSupported", "s3api", "put-bucket-acl", "--bucket", b, "--acl", "public-read")
			if got := anon(pub); got != http.StatusForbidden {
				t.Errorf("anonymous GET with ACLs disabled: %d", got)
			}
			a.must(t, "s3api", "delete-bucket-ownership-controls", "--bucket", b)
		})

		t.Run("s3cmd info", func(t *testing.T) {
			requireTool(t, s3cmdBin)
			cfg := s3cmdConfig(t, srv, false)
			r := mustRun(t, clientEnv(t.TempDir()), "", s3cmdBin, "-c", cfg, "info", s3b+"/pub.txt")
			if !strings.Contains(r.stdout, "*anon*: READ") {
				t.Errorf("s3cmd info does not show the public grant:\n%s", r.stdout)
			}
			mustRun(t, clientEnv(t.TempDir()), "", s3cmdBin, "-c", cfg, "setacl", "--acl-public", s3b+"/priv.txt")
			if got := anon(priv); got != http.StatusOK {
				t.Errorf("anonymous GET after s3cmd setacl --acl-public: %d", got)
			}
			mustRun(t, clientEnv(t.TempDir()), "", s3cmdBin, "-c", cfg, "setacl", "--acl-private", s3b+"/priv.txt")
			if got := anon(priv); got != http.StatusForbidden {
				t.Errorf("anonymous GET after s3cmd setacl --acl-private: %d", got)
			}
			r = mustRun(t, clientEnv(t.TempDir()), "", s3cmdBin, "-c", cfg, "info", s3b)
			if !strings.Contains(r.stdout, "CORS:") || strings.Contains(r.stdout+r.stderr, "NotImplemented") {
				t.Errorf("s3cmd info of the bucket:\n%s", r)
			}
		})
		a.must(t, "s3", "rb", s3b, "--force")
	})
}

// TestSecondUserRefused: users made with mc admin own the buckets and
// objects they create; another user is refused until the owner grants.
func TestSecondUserRefused(t *testing.T) {
	t.Parallel()
	requireTool(t, awsBin)
	mc := requireTool(t, mcPath(t))
	srv := httpServer(t)
	cfgDir := t.TempDir()
	env := clientEnv(t.TempDir(), "MC_CONFIG_DIR="+cfgDir, "MC_NO_COLOR=1")
	mcMust := func(args ...string) result {
		t.Helper()
		return mustRun(t, env, "", mc, append([]string{"--config-dir", cfgDir, "--no-color", "--disable-pager"}, args...)...)
	}
	mcMust("alias", "set", "silo", srv.endpoint, rootUser, rootPassword, "--api", "S3v4", "--path", "on")
	alice, bob := "alice-"+uniqueBucket(t, "u")[6:], "bob-"+uniqueBucket(t, "u")[6:]
	for _, u := range []string{alice, bob} {
		mcMust("admin", "user", "add", "silo", u, u+"-secret-key")
	}
	b := uniqueBucket(t, "owned")
	policy := filepath.Join(t.TempDir(), "p.json")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:CreateBucket","s3:PutObject"],"Resource":["arn:aws:s3:::` + b + `","arn:aws:s3:::` + b + `/*"]}]}`
	if err := os.WriteFile(policy, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	pname := "create-" + b
	mcMust("admin", "policy", "create", "silo", pname, policy)
	mcMust("admin", "policy", "attach", "silo", pname, "--user", alice)

	root := newAWSCLI(t, srv)
	ac, bc := root.as(alice, alice+"-secret-key"), root.as(bob, bob+"-secret-key")
	file := filepath.Join(t.TempDir(), "f.txt")
	if err := os.WriteFile(file, []byte("alice's data"), 0o600); err != nil {
		t.Fatal(err)
	}
	ac.must(t, "s3api", "create-bucket", "--bucket", b)
	ac.must(t, "s3", "cp", file, "s3://"+b+"/doc.txt")
	r := ac.must(t, "s3api", "get-bucket-acl", "--bucket", b) // the owner needs no IAM grant for it
	if !strings.Contains(r.stdout, `"DisplayName": "`+alice+`"`) {
		t.Errorf("get-bucket-acl by the owner does not name her:\n%s", r.stdout)
	}
	r = root.must(t, "s3api", "list-objects-v2", "--bucket", b, "--fetch-owner")
	if !strings.Contains(r.stdout, alice) {
		t.Errorf("listing does not show alice as the object owner:\n%s", r.stdout)
	}

	bc.wantFail(t, "(403)", "s3", "cp", "s3://"+b+"/doc.txt", "-") // a HEAD: no error body
	bc.wantFail(t, "AccessDenied", "s3api", "list-objects-v2", "--bucket", b)
	bc.wantFail(t, "AccessDenied", "s3", "cp", file, "s3://"+b+"/bob.txt")

	// bob learns his canonical ID from ListBuckets; alice grants him READ.
	r = bc.must(t, "s3api", "list-buckets", "--query", "Owner.ID", "--output", "text")
	bobID := strings.TrimSpace(r.stdout)
	if len(bobID) != 64 {
		t.Fatalf("bob's canonical ID %q", bobID)
	}
	ac.must(t, "s3api", "put-object-acl", "--bucket", b, "--key", "doc.txt", "--grant-read", "id="+bobID)
	r = bc.must(t, "s3", "cp", "s3://"+b+"/doc.txt", "-")
	if r.stdout != "alice's data" {
		t.Errorf("bob read %q", r.stdout)
	}
	bc.wantFail(t, "AccessDenied", "s3api", "list-objects-v2", "--bucket", b)
	root.must(t, "s3", "rb", "s3://"+b, "--force")
}

// TestBoto3Access runs testdata/boto3_access.py (CORS, ACLs, ownership
// controls, public access block with boto3); every "FAIL" line is an error.
func TestBoto3Access(t *testing.T) {
	t.Parallel()
	requireTool(t, python3Bin)
	script, err := filepath.Abs(filepath.Join("testdata", "boto3_access.py"))
	if err != nil {
		t.Fatal(err)
	}
	eachServer(t, func(t *testing.T, srv *server) {
		env := clientEnv(t.TempDir(), "AWS_ACCESS_KEY_ID="+rootUser, "AWS_SECRET_ACCESS_KEY="+rootPassword,
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
		r := runCmd(t, env, "", python3Bin, script, srv.endpoint, srv.caFile, uniqueBucket(t, "boto3acl"))
		for _, line := range strings.Split(r.stdout, "\n") {
			if strings.HasPrefix(line, "FAIL") {
				t.Error(strings.TrimPrefix(line, "FAIL "))
			}
		}
		if r.err != nil || !strings.Contains(r.stdout, "ok done") {
			t.Errorf("boto3 access scenario did not finish cleanly:\n%s", r)
		}
	})
}
