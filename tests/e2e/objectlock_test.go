package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// mcTool runs MinIO's mc (as an external program) against one server with a
// private config dir.
type mcTool struct {
	bin, cfgDir string
	env         []string
}

func newMCTool(t *testing.T, srv *server) *mcTool {
	t.Helper()
	bin := requireTool(t, mcPath(t))
	cfgDir := t.TempDir()
	if srv.tls {
		t.Fatal("newMC: plain HTTP servers only")
	}
	m := &mcTool{bin: bin, cfgDir: cfgDir, env: clientEnv(t.TempDir(), "MC_CONFIG_DIR="+cfgDir, "MC_NO_COLOR=1")}
	m.must(t, "alias", "set", "silo", srv.endpoint, rootUser, rootPassword, "--api", "S3v4", "--path", "on")
	return m
}

func (m *mcTool) run(t testing.TB, args ...string) result {
	t.Helper()
	return runCmd(t, m.env, "", m.bin, append([]string{"--config-dir", m.cfgDir, "--no-color", "--disable-pager"}, args...)...)
}

func (m *mcTool) must(t testing.TB, args ...string) result {
	t.Helper()
	r := m.run(t, args...)
	if r.err != nil {
		t.Fatalf("mc %s failed:\n%s", strings.Join(args, " "), r)
	}
	return r
}

// refused asserts that an mc command failed naming an object lock refusal.
func (m *mcTool) refused(t testing.TB, args ...string) {
	t.Helper()
	r := m.run(t, args...)
	if r.err == nil {
		t.Errorf("mc %s succeeded on locked data", strings.Join(args, " "))
		return
	}
	if out := r.stdout + r.stderr; !strings.Contains(out, "Access Denied") && !strings.Contains(out, "AccessDenied") {
		t.Errorf("mc %s: want an Access Denied refusal, got:\n%s", strings.Join(args, " "), r)
	}
}

// sdkCode returns the S3 error code of an SDK error ("" for nil).
func sdkCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "non-API error: " + err.Error()
	}
	return ""
}

// rawCode is the <Code> of an S3 XML error body.
func rawCode(body []byte) string {
	var e struct {
		Code string `xml:"Code"`
	}
	_ = xml.Unmarshal(body, &e)
	return e.Code
}

// sendSigned sends a SigV4-signed request with Content-MD5 of body.
func sendSigned(t *testing.T, srv *server, method, path string, query [][2]string, body []byte, hdrs ...header) rawResponse {
	t.Helper()
	r := &rawRequest{method: method, path: path, query: query, body: body}
	if body != nil {
		r.set("Content-MD5", contentMD5(body))
	}
	for _, h := range hdrs {
		r.set(h.name, h.value)
	}
	signer := v4{access: rootUser, secret: rootPassword, region: region, now: time.Now()}
	signer.sign(r, srv.host, sha256Hex(body))
	resp, err := sendRaw(srv, r, 30*time.Second)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// readVersion reads bucket/key at versionID.
func readVersion(ctx context.Context, c *s3.Client, bucket, key, versionID string) ([]byte, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	out, err := c.GetObject(ctx, in)
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// TestObjectLock drives object lock with mc, the AWS CLI and aws-sdk-go-v2
// on a server of its own: COMPLIANCE data survives every deletion path,
// even for root with the bypass header; GOVERNANCE yields only to the
// bypass header; legal holds block until released; retention expires; bad
// input changes nothing; and all of it survives a restart.
func TestObjectLock(t *testing.T) {
	t.Parallel()
	bin, err := suite.binary()
	if err != nil {
		t.Fatalf("silo binary: %v", err)
	}
	srv, err := startServer(bin, filepath.Join(suite.root, "objectlock"), false)
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
	ctx := context.Background()
	mc := newMCTool(t, srv)
	cli := newAWSCLI(t, srv)
	c := newAWSClient(srv, aws.RequestChecksumCalculationWhenSupported)
	bucket := uniqueBucket(t, "lock")
	mb := "silo/" + bucket
	data := t.TempDir()
	file := filepath.Join(data, "payload.bin")
	payloadSHA := writeRandomFile(t, file, 300*1024, 71)

	mc.must(t, "mb", "--with-lock", mb)
	versionOf := func(key string) string {
		t.Helper()
		r := mc.must(t, "stat", "--json", mb+"/"+key)
		var st struct {
			VersionID string `json:"versionID"`
		}
		if err := json.Unmarshal([]byte(firstLine(r.stdout)), &st); err != nil || st.VersionID == "" {
			t.Fatalf("mc stat --json %s: %v\n%s", key, err, r.stdout)
		}
		return st.VersionID
	}
	intact := func(t *testing.T, key, vid string) {
		t.Helper()
		got, err := readVersion(ctx, c, bucket, key, vid)
		if err != nil {
			t.Fatalf("read %s@%s: %v", key, vid, err)
		}
		if sha256Hex(got) != payloadSHA {
			t.Fatalf("%s@%s changed", key, vid)
		}
	}
	upload := func(key string) string {
		t.Helper()
		mc.must(t, "cp", file, mb+"/"+key)
		return versionOf(key)
	}

	compVID := upload("compliance.bin")
	mc.must(t, "retention", "set", "compliance", "1d", mb+"/compliance.bin")
	checkCompliance := func(t *testing.T) {
		t.Helper()
		r := mc.must(t, "retention", "info", "--json", "--version-id", compVID, mb+"/compliance.bin")
		if !strings.Contains(r.stdout, "COMPLIANCE") {
			t.Errorf("mc retention info:\n%s", r.stdout)
		}
		mc.refused(t, "rm", "--version-id", compVID, "--bypass", mb+"/compliance.bin")
		mc.refused(t, "rm", "--versions", "--recursive", "--force", "--bypass", mb)
		mc.refused(t, "rb", "--force", mb)
		cli.wantFail(t, "AccessDenied", "s3api", "delete-object", "--bucket", bucket, "--key", "compliance.bin", "--version-id", compVID, "--bypass-governance-retention")
		r = cli.must(t, "s3api", "delete-objects", "--bucket", bucket, "--bypass-governance-retention",
			"--delete", `{"Objects":[{"Key":"compliance.bin","VersionId":"`+compVID+`"}]}`)
		if !strings.Contains(r.stdout, "AccessDenied") {
			t.Errorf("delete-objects of a COMPLIANCE version:\n%s", r.stdout)
		}
		_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(bucket), Key: aws.String("compliance.bin"), VersionId: aws.String(compVID),
			BypassGovernanceRetention: aws.Bool(true), Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeCompliance, RetainUntilDate: aws.Time(time.Now().Add(time.Hour))}})
		if sdkCode(err) != "AccessDenied" {
			t.Errorf("shortening COMPLIANCE: %v", err)
		}
		_, err = c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(bucket), Key: aws.String("compliance.bin"), VersionId: aws.String(compVID),
			BypassGovernanceRetention: aws.Bool(true), Retention: &types.ObjectLockRetention{}})
		if sdkCode(err) != "AccessDenied" {
			t.Errorf("removing COMPLIANCE: %v", err)
		}
		mc.refused(t, "retention", "clear", "--version-id", compVID, mb+"/compliance.bin")
		intact(t, "compliance.bin", compVID)
	}
	t.Run("compliance-every-deletion-path", checkCompliance)

	govVID := upload("governance.bin")
	mc.must(t, "retention", "set", "governance", "1d", mb+"/governance.bin")
	t.Run("governance-bypass-with-header-only", func(t *testing.T) {
		mc.refused(t, "rm", "--version-id", govVID, mb+"/governance.bin")
		cli.wantFail(t, "AccessDenied", "s3api", "delete-object", "--bucket", bucket, "--key", "governance.bin", "--version-id", govVID)
		intact(t, "governance.bin", govVID)
		cli.must(t, "s3api", "delete-object", "--bucket", bucket, "--key", "governance.bin", "--version-id", govVID, "--bypass-governance-retention")
		if _, err := readVersion(ctx, c, bucket, "governance.bin", govVID); sdkCode(err) != "NoSuchVersion" {
			t.Errorf("GOVERNANCE version after bypass delete: %v", err)
		}
	})

	heldVID := upload("held.bin")
	mc.must(t, "legalhold", "set", mb+"/held.bin")
	t.Run("legal-hold-until-release", func(t *testing.T) {
		r := mc.must(t, "legalhold", "info", mb+"/held.bin")
		if !strings.Contains(r.stdout, "ON") {
			t.Errorf("mc legalhold info:\n%s", r.stdout)
		}
		mc.refused(t, "rm", "--version-id", heldVID, "--bypass", mb+"/held.bin")
		intact(t, "held.bin", heldVID)
	})

	t.Run("retention-expiry", func(t *testing.T) {
		until := time.Now().Add(3 * time.Second)
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("short.bin"), Body: strings.NewReader("short"),
			ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(until)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("short.bin"), VersionId: out.VersionId})
		if sdkCode(err) != "AccessDenied" {
			t.Fatalf("delete before expiry: %v", err)
		}
		time.Sleep(time.Until(until) + time.Second)
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("short.bin"), VersionId: out.VersionId}); err != nil {
			t.Fatalf("delete after expiry: %v", err)
		}
	})

	t.Run("bad-input-changes-nothing", func(t *testing.T) {
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		cli.wantFail(t, "InvalidArgument", "s3api", "put-object-retention", "--bucket", bucket, "--key", "held.bin",
			"--retention", `{"Mode":"GOVERNANCE","RetainUntilDate":"`+past+`"}`)
		cli.wantFail(t, "MalformedXML", "s3api", "put-object-retention", "--bucket", bucket, "--key", "held.bin",
			"--retention", `{"Mode":"FOREVER","RetainUntilDate":"2099-01-01T00:00:00Z"}`)
		cli.wantFail(t, "MalformedXML", "s3api", "put-object-legal-hold", "--bucket", bucket, "--key", "held.bin", "--legal-hold", `{"Status":"MAYBE"}`)
		cli.wantFail(t, "NoSuchObjectLockConfiguration", "s3api", "get-object-retention", "--bucket", bucket, "--key", "held.bin")
		for _, tc := range []struct{ name, body, code string }{
			{"malformed", `<ObjectLockConfiguration><ObjectLockEnabled>Enabled`, "MalformedXML"},
			{"bad-mode", `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>SOMETIMES</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>`, "MalformedXML"},
			{"negative-days", `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>-3</Days></DefaultRetention></Rule></ObjectLockConfiguration>`, "InvalidArgument"},
		} {
			resp := sendSigned(t, srv, http.MethodPut, "/"+bucket, [][2]string{{"object-lock", ""}}, []byte(tc.body))
			if resp.status != http.StatusBadRequest || rawCode(resp.body) != tc.code {
				t.Errorf("%s: %d %s, want 400 %s", tc.name, resp.status, resp.body, tc.code)
			}
		}
		r := cli.must(t, "s3api", "get-object-lock-configuration", "--bucket", bucket)
		if !strings.Contains(r.stdout, `"ObjectLockEnabled": "Enabled"`) || strings.Contains(r.stdout, "DefaultRetention") {
			t.Errorf("lock configuration changed:\n%s", r.stdout)
		}
		cli.wantFail(t, "InvalidBucketState", "s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Suspended")
		r = cli.must(t, "s3api", "get-bucket-versioning", "--bucket", bucket)
		if !strings.Contains(r.stdout, "Enabled") {
			t.Errorf("versioning of a lock bucket:\n%s", r.stdout)
		}
		plain := uniqueBucket(t, "nolock")
		cli.must(t, "s3api", "create-bucket", "--bucket", plain)
		cli.wantFail(t, "InvalidRequest", "s3api", "put-object", "--bucket", plain, "--key", "k", "--body", file,
			"--object-lock-mode", "GOVERNANCE", "--object-lock-retain-until-date", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		cli.wantFail(t, "ObjectLockConfigurationNotFoundError", "s3api", "get-object-lock-configuration", "--bucket", plain)
	})

	t.Run("default-retention", func(t *testing.T) {
		cli.must(t, "s3api", "put-object-lock-configuration", "--bucket", bucket, "--object-lock-configuration",
			`{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":1}}}`)
		vid := upload("defaulted.bin")
		r := cli.must(t, "s3api", "get-object-retention", "--bucket", bucket, "--key", "defaulted.bin", "--version-id", vid)
		if !strings.Contains(r.stdout, "GOVERNANCE") {
			t.Errorf("default retention:\n%s", r.stdout)
		}
		mc.refused(t, "rm", "--version-id", vid, mb+"/defaulted.bin")
	})

	t.Run("survives-restart", func(t *testing.T) {
		mc.must(t, "tag", "set", "--version-id", compVID, mb+"/compliance.bin", "keep=forever")
		cli.must(t, "s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging", `{"TagSet":[{"Key":"archive","Value":"yes"}]}`)
		cli.must(t, "s3api", "delete-object", "--bucket", bucket, "--key", "compliance.bin") // a delete marker on top
		before := cli.must(t, "s3api", "list-object-versions", "--bucket", bucket).stdout
		if err := srv.stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		if err := srv.launch(bin); err != nil {
			t.Fatalf("restart: %v", err)
		}
		c = newAWSClient(srv, aws.RequestChecksumCalculationWhenSupported)
		if after := cli.must(t, "s3api", "list-object-versions", "--bucket", bucket).stdout; after != before {
			t.Errorf("version listing changed across the restart:\n%s\nvs\n%s", before, after)
		}
		if r := cli.must(t, "s3api", "get-object-tagging", "--bucket", bucket, "--key", "compliance.bin", "--version-id", compVID); !strings.Contains(r.stdout, "forever") {
			t.Errorf("object tags after restart:\n%s", r.stdout)
		}
		if r := cli.must(t, "s3api", "get-bucket-tagging", "--bucket", bucket); !strings.Contains(r.stdout, "archive") {
			t.Errorf("bucket tags after restart:\n%s", r.stdout)
		}
		checkCompliance(t)
		mc.refused(t, "rm", "--version-id", heldVID, "--bypass", mb+"/held.bin")
		r := cli.must(t, "s3api", "get-object-lock-configuration", "--bucket", bucket)
		if !strings.Contains(r.stdout, "GOVERNANCE") {
			t.Errorf("default retention lost in restart:\n%s", r.stdout)
		}
		mc.must(t, "legalhold", "clear", mb+"/held.bin")
		mc.must(t, "rm", "--version-id", heldVID, mb+"/held.bin")
		if _, err := readVersion(ctx, c, bucket, "held.bin", heldVID); sdkCode(err) != "NoSuchVersion" {
			t.Errorf("held version after release and delete: %v", err)
		}
	})
	// The COMPLIANCE version stays: the bucket is left behind with the
	// server's data directory, as it would be on AWS.
	if t.Failed() {
		if b, err := os.ReadFile(srv.logPath); err == nil {
			t.Logf("server log tail:\n%s", clipBytes(b))
		}
	}
}

// clipBytes keeps the last 4 KiB of b.
func clipBytes(b []byte) string {
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	return string(bytes.TrimSpace(b))
}
