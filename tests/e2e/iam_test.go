package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
)

// iamMC runs mc against srv with a private config dir trusting srv's CA.
type iamMC struct {
	t   *testing.T
	bin string
	cfg string
	env []string
}

func newIAMMC(t *testing.T, srv *server) *iamMC {
	t.Helper()
	m := &iamMC{t: t}
	m.bin, m.cfg, m.env = mcConfig(t, srv)
	m.must("alias", "set", "local", srv.endpoint, rootUser, rootPassword, "--api", "S3v4", "--path", "on")
	return m
}

func (m *iamMC) run(args ...string) result {
	m.t.Helper()
	return runCmd(m.t, m.env, "", m.bin, append([]string{"--config-dir", m.cfg, "--no-color", "--disable-pager"}, args...)...)
}

func (m *iamMC) must(args ...string) result {
	m.t.Helper()
	r := m.run(args...)
	if r.err != nil {
		m.t.Fatalf("mc %s failed:\n%s", strings.Join(args, " "), r)
	}
	return r
}

// refused asserts that an mc command fails with one of the given messages.
func (m *iamMC) refused(why string, args ...string) {
	m.t.Helper()
	r := m.run(args...)
	out := r.stdout + r.stderr
	if r.err == nil {
		m.t.Errorf("%s: mc %s succeeded, want a refusal:\n%s", why, strings.Join(args, " "), r)
		return
	}
	for _, msg := range []string{"Access Denied", "Insufficient permissions", "does not exist in our records", "AccessDenied"} {
		if strings.Contains(out, msg) {
			return
		}
	}
	m.t.Errorf("%s: mc %s failed without an access error:\n%s", why, strings.Join(args, " "), r)
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// bucketRWPolicy allows PutObject/GetObject in bucket and ListBucket on it.
func bucketRWPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["arn:aws:s3:::` + bucket + `/*"]},
 {"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::` + bucket + `"]}]}`
}

// sessionClient is an aws-sdk-go-v2 client with the given credentials.
func sessionClient(srv *server, ak, sk, token string) *s3.Client {
	return s3.NewFromConfig(aws.Config{
		Region: region, HTTPClient: srv.client, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(ak, sk, token),
	}, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.endpoint)
		o.UsePathStyle = true
	})
}

// TestIAMSeedScenario is the seed scenario over TLS: a user created
// with mc admin, limited by a policy to one bucket, checked with mc and
// boto3 (including AssumeRole), service accounts that never exceed their
// parent, groups, and a disabled user refused everywhere while root is not.
func TestIAMSeedScenario(t *testing.T) {
	t.Parallel()
	srv := tlsServer(t)
	mc := newIAMMC(t, srv)
	tmp := t.TempDir()
	photos, logs := uniqueBucket(t, "photos"), uniqueBucket(t, "logs")
	alice := "alice-" + strings.TrimPrefix(photos, "e2e-photos-")
	const aliceSecret = "alice-secret-123"
	mc.must("mb", "local/"+photos, "local/"+logs)
	mc.must("cp", writeFile(t, tmp, "root.txt", "root data"), "local/"+logs+"/root.txt")

	mc.must("admin", "user", "add", "local", alice, aliceSecret)
	pol := "photos-rw-" + alice
	mc.must("admin", "policy", "create", "local", pol, writeFile(t, tmp, "pol.json", bucketRWPolicy(photos)))
	mc.must("admin", "policy", "attach", "local", pol, "--user", alice)
	mc.must("alias", "set", "alice", srv.endpoint, alice, aliceSecret, "--api", "S3v4", "--path", "on")

	img := writeFile(t, tmp, "cat.jpg", "meow")
	mc.must("cp", img, "alice/"+photos+"/cat.jpg")
	if r := mc.must("cat", "alice/"+photos+"/cat.jpg"); r.stdout != "meow" {
		t.Errorf("alice reads %q", r.stdout)
	}
	mc.refused("alice writes logs", "cp", img, "alice/"+logs+"/cat.jpg")
	mc.refused("alice reads logs", "cat", "alice/"+logs+"/root.txt")
	if r := mc.must("ls", "alice"); !strings.Contains(r.stdout, photos) || strings.Contains(r.stdout, logs) {
		t.Errorf("alice's bucket list:\n%s", r.stdout)
	}

	// boto3: AccessDenied with HTTP 403, AssumeRole, session policies.
	var session struct{ AccessKeyID, SecretAccessKey, SessionToken string }
	t.Run("boto3", func(t *testing.T) {
		requireTool(t, python3Bin)
		script, err := filepath.Abs(filepath.Join("testdata", "iam_boto3.py"))
		if err != nil {
			t.Fatal(err)
		}
		env := clientEnv(t.TempDir(), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
		r := runCmd(t, env, "", python3Bin, script, srv.endpoint, srv.caFile, alice, aliceSecret, photos, logs)
		for _, line := range strings.Split(r.stdout, "\n") {
			switch {
			case strings.HasPrefix(line, "FAIL"):
				t.Error(strings.TrimPrefix(line, "FAIL "))
			case strings.HasPrefix(line, "SESSION "):
				var s struct{ AccessKeyId, SecretAccessKey, SessionToken string }
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "SESSION ")), &s); err != nil {
					t.Errorf("SESSION line: %v", err)
				}
				session.AccessKeyID, session.SecretAccessKey, session.SessionToken = s.AccessKeyId, s.SecretAccessKey, s.SessionToken
			}
		}
		if r.err != nil || !strings.Contains(r.stdout, "ok done") {
			t.Errorf("boto3 IAM scenario did not complete:\n%s", r)
		}
		if !strings.Contains(r.stdout, "ok user put in denied bucket: AccessDenied 403") {
			t.Errorf("no AccessDenied 403 for the denied bucket:\n%s", r.stdout)
		}
	})

	// minio-go's STS client against the real server over TLS.
	t.Run("minio-go AssumeRole", func(t *testing.T) {
		p := miniocreds.New(&miniocreds.STSAssumeRole{Client: srv.client, STSEndpoint: srv.endpoint,
			Options: miniocreds.STSAssumeRoleOptions{AccessKey: alice, SecretKey: aliceSecret, Location: region, DurationSeconds: 900}})
		c, err := minio.New(srv.host, &minio.Options{Creds: p, Secure: true, Transport: srv.client.Transport,
			Region: region, BucketLookup: minio.BucketLookupPath, MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		obj, err := c.GetObject(context.Background(), photos, "cat.jpg", minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if b, err := io.ReadAll(obj); err != nil || string(b) != "meow" {
			t.Fatalf("minio-go session read %q, %v", b, err)
		}
		_, err = c.PutObject(context.Background(), logs, "x", strings.NewReader("x"), 1, minio.PutObjectOptions{})
		wantMinioCode(t, err, "AccessDenied", http.StatusForbidden)
	})

	// Service accounts: one inheriting, one whose inline policy tries to
	// exceed alice.
	type svcCreds struct {
		AccessKey string `json:"accessKey"`
		SecretKey string `json:"secretKey"`
	}
	addSvc := func(args ...string) svcCreds {
		t.Helper()
		r := mc.must(append([]string{"admin", "user", "svcacct", "add", "local", alice, "--json"}, args...)...)
		var c svcCreds
		if err := json.Unmarshal([]byte(firstLine(r.stdout)), &c); err != nil || c.AccessKey == "" {
			t.Fatalf("svcacct add output %q: %v", r.stdout, err)
		}
		return c
	}
	inherit := addSvc()
	wide := addSvc("--policy", writeFile(t, tmp, "wide.json",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]}]}`))
	for name, c := range map[string]svcCreds{"svc-inherit": inherit, "svc-wide": wide} {
		mc.must("alias", "set", name, srv.endpoint, c.AccessKey, c.SecretKey, "--api", "S3v4", "--path", "on")
		if r := mc.must("cat", name+"/"+photos+"/cat.jpg"); r.stdout != "meow" {
			t.Errorf("%s reads %q", name, r.stdout)
		}
		mc.refused(name+" reads logs", "cat", name+"/"+logs+"/root.txt")
		mc.refused(name+" creates a bucket", "mb", name+"/"+uniqueBucket(t, "escalate"))
	}
	mc.refused("a service account creates users", "admin", "user", "add", "svc-wide", "mallory-"+alice, "mallory-secret-1")

	// Groups: bob gets the policy through a group; a disabled group grants nothing.
	bob, group := "bob-"+alice, "devs-"+alice
	mc.must("admin", "user", "add", "local", bob, "bob-secret-123")
	mc.must("admin", "group", "add", "local", group, bob)
	mc.must("admin", "policy", "attach", "local", pol, "--group", group)
	mc.must("alias", "set", "bob", srv.endpoint, bob, "bob-secret-123", "--api", "S3v4", "--path", "on")
	mc.must("cat", "bob/"+photos+"/cat.jpg")
	mc.must("admin", "group", "disable", "local", group)
	mc.refused("bob with his group disabled", "cat", "bob/"+photos+"/cat.jpg")

	// Disabling alice takes down her, her service accounts and sessions.
	mc.must("admin", "user", "disable", "local", alice)
	mc.refused("disabled alice", "cat", "alice/"+photos+"/cat.jpg")
	mc.refused("disabled alice writes", "cp", img, "alice/"+photos+"/x.jpg")
	mc.refused("service account of disabled alice", "cat", "svc-inherit/"+photos+"/cat.jpg")
	mc.refused("wide service account of disabled alice", "cat", "svc-wide/"+photos+"/cat.jpg")
	if session.AccessKeyID != "" {
		c := sessionClient(srv, session.AccessKeyID, session.SecretAccessKey, session.SessionToken)
		_, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(photos), Key: aws.String("cat.jpg")})
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden)
	}
	if r := mc.must("cat", "local/"+photos+"/cat.jpg"); r.stdout != "meow" {
		t.Errorf("root reads %q", r.stdout)
	}
	mc.must("admin", "user", "enable", "local", alice)
	mc.must("cat", "alice/"+photos+"/cat.jpg")
	mc.must("admin", "user", "remove", "local", alice)
	mc.refused("service account of a removed user", "cat", "svc-inherit/"+photos+"/cat.jpg")
}

// TestIAMAnonymousBucketPolicy: anonymous requests are denied until
// mc anonymous set download, and again after set none.
func TestIAMAnonymousBucketPolicy(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *server) {
		mc := newIAMMC(t, srv)
		bucket := uniqueBucket(t, "anon")
		mc.must("mb", "local/"+bucket)
		mc.must("cp", writeFile(t, t.TempDir(), "pub.txt", "public data"), "local/"+bucket+"/pub.txt")
		anon := func(method, key string, body []byte) int {
			t.Helper()
			req, err := http.NewRequest(method, srv.endpoint+"/"+bucket+"/"+key, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if method == http.MethodGet && resp.StatusCode == http.StatusOK && string(b) != "public data" {
				t.Errorf("anonymous GET body %q", b)
			}
			return resp.StatusCode
		}
		if code := anon(http.MethodGet, "pub.txt", nil); code != http.StatusForbidden {
			t.Errorf("anonymous GET before policy = %d, want 403", code)
		}
		mc.must("anonymous", "set", "download", "local/"+bucket)
		if r := mc.must("anonymous", "get", "local/"+bucket); !strings.Contains(r.stdout, "download") {
			t.Errorf("mc anonymous get: %s", r.stdout)
		}
		if code := anon(http.MethodGet, "pub.txt", nil); code != http.StatusOK {
			t.Errorf("anonymous GET with download = %d, want 200", code)
		}
		if code := anon(http.MethodPut, "evil.txt", []byte("x")); code != http.StatusForbidden {
			t.Errorf("anonymous PUT with download = %d, want 403", code)
		}
		mc.must("anonymous", "set", "upload", "local/"+bucket)
		if code := anon(http.MethodPut, "up.txt", []byte("x")); code != http.StatusOK {
			t.Errorf("anonymous PUT with upload = %d, want 200", code)
		}
		mc.must("anonymous", "set", "public", "local/"+bucket)
		if r := mc.must("anonymous", "get", "local/"+bucket); !strings.Contains(r.stdout, "public") {
			t.Errorf("mc anonymous get: %s", r.stdout)
		}
		mc.must("anonymous", "set", "none", "local/"+bucket)
		if code := anon(http.MethodGet, "pub.txt", nil); code != http.StatusForbidden {
			t.Errorf("anonymous GET after set none = %d, want 403", code)
		}
		mc.must("rb", "--force", "local/"+bucket)
	})
}

// TestIAMSurvivesRestart: users, groups, policies, attachments and service
// accounts are kept across a restart (sealed secrets included).
func TestIAMSurvivesRestart(t *testing.T) {
	t.Parallel()
	bin, err := suite.binary()
	if err != nil {
		t.Fatalf("silo binary: %v", err)
	}
	srv, err := startServer(bin, filepath.Join(suite.root, "iam-restart"), false)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	defer func() {
		if srv.alive() {
			if err := srv.stop(); err != nil {
				t.Errorf("stop: %v", err)
			}
		}
	}()
	mc := newIAMMC(t, srv)
	tmp := t.TempDir()
	bucket := uniqueBucket(t, "keep")
	mc.must("mb", "local/"+bucket)
	mc.must("cp", writeFile(t, tmp, "a.txt", "kept"), "local/"+bucket+"/a.txt")
	mc.must("admin", "user", "add", "local", "carol", "carol-secret-1")
	mc.must("admin", "policy", "create", "local", "keep-rw", writeFile(t, tmp, "p.json", bucketRWPolicy(bucket)))
	mc.must("admin", "group", "add", "local", "keepers", "carol")
	mc.must("admin", "policy", "attach", "local", "keep-rw", "--group", "keepers")
	r := mc.must("admin", "user", "svcacct", "add", "local", "carol", "--access-key", "carolsvc1", "--secret-key", "carol-svc-secret-1")
	_ = r

	if err := srv.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if err := srv.launch(bin); err != nil {
		t.Fatalf("restart: %v", err)
	}
	if r := mc.must("admin", "user", "list", "local"); !strings.Contains(r.stdout, "carol") {
		t.Errorf("user list after restart:\n%s", r.stdout)
	}
	if r := mc.must("admin", "group", "info", "local", "keepers"); !strings.Contains(r.stdout, "carol") || !strings.Contains(r.stdout, "keep-rw") {
		t.Errorf("group info after restart:\n%s", r.stdout)
	}
	if r := mc.must("admin", "policy", "info", "local", "keep-rw"); !strings.Contains(r.stdout, bucket) {
		t.Errorf("policy info after restart:\n%s", r.stdout)
	}
	for alias, creds := range map[string][2]string{"carol": {"carol", "carol-secret-1"}, "carolsvc": {"carolsvc1", "carol-svc-secret-1"}} {
		mc.must("alias", "set", alias, srv.endpoint, creds[0], creds[1], "--api", "S3v4", "--path", "on")
		if r := mc.must("cat", alias+"/"+bucket+"/a.txt"); r.stdout != "kept" {
			t.Errorf("%s reads %q after restart", alias, r.stdout)
		}
		mc.refused(alias+" after restart is still limited", "mb", alias+"/"+uniqueBucket(t, "nope"))
	}
}

// TestIAMAWSCLI: bucket policies and AssumeRole with the AWS CLI (as root:
// root may open sessions too).
func TestIAMAWSCLI(t *testing.T) {
	t.Parallel()
	srv := tlsServer(t)
	cli := newAWSCLI(t, srv)
	bucket := uniqueBucket(t, "clipol")
	cli.must(t, "s3api", "create-bucket", "--bucket", bucket)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::` + bucket + `/*"]}]}`
	cli.must(t, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy", doc)
	r := cli.must(t, "s3api", "get-bucket-policy", "--bucket", bucket, "--output", "json")
	var got struct{ Policy string }
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Policy != doc {
		t.Errorf("get-bucket-policy = %q (%v), want %q", r.stdout, err, doc)
	}
	r = cli.must(t, "s3api", "get-bucket-policy-status", "--bucket", bucket, "--output", "json")
	if !strings.Contains(r.stdout, `"IsPublic": true`) {
		t.Errorf("get-bucket-policy-status:\n%s", r.stdout)
	}
	r = cli.run(t, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy", `{"Statement":[{"Effect":"Allow"}]}`)
	if r.err == nil || !strings.Contains(r.stderr, "MalformedPolicy") {
		t.Errorf("malformed policy accepted or wrong error:\n%s", r)
	}
	cli.must(t, "s3api", "delete-bucket-policy", "--bucket", bucket)
	r = cli.run(t, "s3api", "get-bucket-policy", "--bucket", bucket)
	if r.err == nil || !strings.Contains(r.stderr, "NoSuchBucketPolicy") {
		t.Errorf("get-bucket-policy after delete:\n%s", r)
	}

	r = cli.must(t, "sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/any", "--role-session-name", "cli",
		"--duration-seconds", "900", "--output", "json")
	var out struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Credentials.SessionToken == "" {
		t.Fatalf("assume-role output %q: %v", r.stdout, err)
	}
	sess := newAWSCLI(t, srv)
	sess.env = append(sess.env, "AWS_ACCESS_KEY_ID="+out.Credentials.AccessKeyId, "AWS_SECRET_ACCESS_KEY="+out.Credentials.SecretAccessKey,
		"AWS_SESSION_TOKEN="+out.Credentials.SessionToken)
	if r := sess.must(t, "s3", "ls"); !strings.Contains(r.stdout, bucket) {
		t.Errorf("aws s3 ls with session credentials:\n%s", r.stdout)
	}
	sess.must(t, "s3", "rb", "s3://"+bucket)
}
