package e2e

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
)

// TestVersioningAWSCLI: versioned overwrite and delete, the version listing
// with its delete marker, reads by version ID and the restore of an old
// version by copy, with the AWS CLI.
func TestVersioningAWSCLI(t *testing.T) {
	t.Parallel()
	srv := httpServer(t)
	a := newAWSCLI(t, srv)
	bucket := uniqueBucket(t, "vcli")
	dir := t.TempDir()
	a.must(t, "s3api", "create-bucket", "--bucket", bucket)
	a.wantFail(t, "MalformedXML", "s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Sometimes")
	a.must(t, "s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled")
	if r := a.must(t, "s3api", "get-bucket-versioning", "--bucket", bucket); !strings.Contains(r.stdout, `"Enabled"`) {
		t.Fatalf("get-bucket-versioning:\n%s", r.stdout)
	}
	put := func(body string) string {
		t.Helper()
		f := writeFile(t, dir, "body.txt", body)
		r := a.must(t, "s3api", "put-object", "--bucket", bucket, "--key", "notes.txt", "--body", f)
		var out struct{ VersionId string }
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.VersionId == "" {
			t.Fatalf("put-object output: %v\n%s", err, r.stdout)
		}
		return out.VersionId
	}
	get := func(args ...string) string {
		t.Helper()
		f := filepath.Join(dir, "out.txt")
		a.must(t, append(append([]string{"s3api", "get-object", "--bucket", bucket, "--key", "notes.txt"}, args...), f)...)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	v1, v2 := put("first"), put("second")
	if v1 == v2 {
		t.Fatalf("two puts share version %s", v1)
	}
	if got := get(); got != "second" {
		t.Errorf("latest = %q", got)
	}
	if got := get("--version-id", v1); got != "first" {
		t.Errorf("version %s = %q", v1, got)
	}
	r := a.must(t, "s3api", "delete-object", "--bucket", bucket, "--key", "notes.txt")
	var del struct {
		DeleteMarker bool
		VersionId    string
	}
	if err := json.Unmarshal([]byte(r.stdout), &del); err != nil || !del.DeleteMarker || del.VersionId == "" {
		t.Fatalf("delete-object: %v\n%s", err, r.stdout)
	}
	a.wantFail(t, "404", "s3api", "head-object", "--bucket", bucket, "--key", "notes.txt")
	a.wantFail(t, "405", "s3api", "head-object", "--bucket", bucket, "--key", "notes.txt", "--version-id", del.VersionId)
	r = a.must(t, "s3api", "list-object-versions", "--bucket", bucket)
	var list struct {
		Versions []struct {
			VersionId string
			IsLatest  bool
		}
		DeleteMarkers []struct {
			VersionId string
			IsLatest  bool
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("list-object-versions: %v\n%s", err, r.stdout)
	}
	if len(list.Versions) != 2 || list.Versions[0].VersionId != v2 || list.Versions[1].VersionId != v1 ||
		len(list.DeleteMarkers) != 1 || !list.DeleteMarkers[0].IsLatest || list.DeleteMarkers[0].VersionId != del.VersionId {
		t.Errorf("list-object-versions = %+v", list)
	}
	a.must(t, "s3api", "copy-object", "--bucket", bucket, "--key", "notes.txt", "--copy-source", bucket+"/notes.txt?versionId="+v1)
	if got := get(); got != "first" {
		t.Errorf("after restoring %s: %q", v1, got)
	}
	a.must(t, "s3api", "delete-object", "--bucket", bucket, "--key", "notes.txt", "--version-id", v2)
	a.wantFail(t, "NoSuchVersion", "s3api", "get-object", "--bucket", bucket, "--key", "notes.txt", "--version-id", v2, filepath.Join(dir, "gone"))
	a.must(t, "s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Suspended")
	if r := a.must(t, "s3api", "get-bucket-versioning", "--bucket", bucket); !strings.Contains(r.stdout, `"Suspended"`) {
		t.Errorf("get-bucket-versioning after suspend:\n%s", r.stdout)
	}
}

// TestVersioningMinioGo lists versions and delete markers with minio-go's
// WithVersions listing and removes one version by ID.
func TestVersioningMinioGo(t *testing.T) {
	t.Parallel()
	srv := httpServer(t)
	ctx := context.Background()
	c := newMinioClient(t, srv, false)
	bucket := uniqueBucket(t, "vmgo")
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.EnableVersioning(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	if cfg, err := c.GetBucketVersioning(ctx, bucket); err != nil || !cfg.Enabled() {
		t.Fatalf("GetBucketVersioning = %+v, %v", cfg, err)
	}
	var ids []string
	for _, body := range []string{"a", "bb", "ccc"} {
		info, err := c.PutObject(ctx, bucket, "dir/k", strings.NewReader(body), int64(len(body)), minio.PutObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, info.VersionID)
	}
	if err := c.RemoveObject(ctx, bucket, "dir/k", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	var versions, markers int
	for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		if o.IsDeleteMarker {
			markers++
			if !o.IsLatest {
				t.Errorf("delete marker is not latest")
			}
		} else {
			versions++
		}
	}
	if versions != 3 || markers != 1 {
		t.Errorf("listed %d versions and %d markers, want 3 and 1", versions, markers)
	}
	if err := c.RemoveObject(ctx, bucket, "dir/k", minio.RemoveObjectOptions{VersionID: ids[1]}); err != nil {
		t.Fatal(err)
	}
	obj, err := c.GetObject(ctx, bucket, "dir/k", minio.GetObjectOptions{VersionID: ids[2]})
	if err != nil {
		t.Fatal(err)
	}
	st, err := obj.Stat()
	if err != nil || st.Size != 3 || st.VersionID != ids[2] {
		t.Errorf("version %s: %+v, %v", ids[2], st, err)
	}
	obj.Close()
	gone, err := c.GetObject(ctx, bucket, "dir/k", minio.GetObjectOptions{VersionID: ids[1]})
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(gone) // a GET: its XML error names the code (a HEAD's 404 cannot)
	gone.Close()
	wantMinioCode(t, err, "NoSuchVersion", 404)
}

// TestBucketFeaturesBoto3 runs testdata/bucketfeat_boto3.py: tagging (limits
// and errors, copy directive, bucket tags) and versioning (pagination of the
// version listing, restore by copy, DeleteObjects by version, Suspended) and
// the object lock fields of a browser POST upload.
func TestBucketFeaturesBoto3(t *testing.T) {
	t.Parallel()
	requireTool(t, python3Bin)
	if err := exec.Command(python3Bin, "-c", "import boto3").Run(); err != nil {
		missing(t, "python3 cannot import boto3: "+err.Error())
	}
	script, err := filepath.Abs(filepath.Join("testdata", "bucketfeat_boto3.py"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httpServer(t)
	env := clientEnv(t.TempDir(), "AWS_ACCESS_KEY_ID="+rootUser, "AWS_SECRET_ACCESS_KEY="+rootPassword,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
	r := runCmd(t, env, "", python3Bin, script, srv.endpoint, uniqueBucket(t, "featboto"))
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "FAIL") {
			t.Error(strings.TrimPrefix(line, "FAIL "))
		}
	}
	if r.err != nil || !strings.Contains(r.stdout, "ok scenario finished") {
		t.Errorf("boto3 scenario:\n%s", r)
	}
}
