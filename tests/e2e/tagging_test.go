package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestTaggingClients sets and reads object and bucket tags with the AWS CLI
// (including the multipart copy that reads the source's tags) and mc.
func TestTaggingClients(t *testing.T) {
	t.Parallel()
	srv := httpServer(t)
	a := newAWSCLI(t, srv)
	mc := newMCTool(t, srv)
	bucket := uniqueBucket(t, "tags")
	dir := t.TempDir()
	small := filepath.Join(dir, "small.bin")
	writeRandomFile(t, small, 1000, 81)
	a.must(t, "s3", "mb", "s3://"+bucket)

	tagsOf := func(key string) string {
		t.Helper()
		r := a.must(t, "s3api", "get-object-tagging", "--bucket", bucket, "--key", key)
		var out struct {
			TagSet []struct{ Key, Value string }
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("get-object-tagging: %v\n%s", err, r.stdout)
		}
		var parts []string
		for _, tg := range out.TagSet {
			parts = append(parts, tg.Key+"="+tg.Value)
		}
		return strings.Join(parts, "&")
	}

	t.Run("awscli", func(t *testing.T) {
		a.must(t, "s3api", "put-object", "--bucket", bucket, "--key", "a.bin", "--body", small, "--tagging", "project=silo&tier=gold")
		if got := tagsOf("a.bin"); got != "project=silo&tier=gold" {
			t.Errorf("tags after put-object --tagging: %q", got)
		}
		r := a.must(t, "s3api", "get-object", "--bucket", bucket, "--key", "a.bin", filepath.Join(dir, "a.out"))
		if !strings.Contains(r.stdout, `"TagCount": 2`) {
			t.Errorf("get-object TagCount:\n%s", r.stdout)
		}
		a.must(t, "s3api", "put-object-tagging", "--bucket", bucket, "--key", "a.bin", "--tagging", `{"TagSet":[{"Key":"owner","Value":"ops team"}]}`)
		// aws s3 cp between buckets copies the tags (GetObjectTagging first).
		a.must(t, "s3", "cp", "s3://"+bucket+"/a.bin", "s3://"+bucket+"/copy.bin")
		if got := tagsOf("copy.bin"); got != "owner=ops team" {
			t.Errorf("tags of the copy: %q", got)
		}
		var eleven []string
		for i := range 11 {
			eleven = append(eleven, fmt.Sprintf(`{"Key":"k%d","Value":"v"}`, i))
		}
		many := `{"TagSet":[` + strings.Join(eleven, ",") + `]}`
		a.wantFail(t, "BadRequest", "s3api", "put-object-tagging", "--bucket", bucket, "--key", "a.bin", "--tagging", many)
		a.wantFail(t, "InvalidTag", "s3api", "put-object-tagging", "--bucket", bucket, "--key", "a.bin", "--tagging", `{"TagSet":[{"Key":"`+strings.Repeat("x", 129)+`","Value":"v"}]}`)
		if got := tagsOf("a.bin"); got != "owner=ops team" {
			t.Errorf("tags changed by refused requests: %q", got)
		}
		a.must(t, "s3api", "delete-object-tagging", "--bucket", bucket, "--key", "a.bin")
		if got := tagsOf("a.bin"); got != "" {
			t.Errorf("tags after delete-object-tagging: %q", got)
		}
		a.wantFail(t, "NoSuchTagSet", "s3api", "get-bucket-tagging", "--bucket", bucket)
		a.must(t, "s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging", `{"TagSet":[{"Key":"cost-center","Value":"42"}]}`)
		if r := a.must(t, "s3api", "get-bucket-tagging", "--bucket", bucket); !strings.Contains(r.stdout, "cost-center") {
			t.Errorf("get-bucket-tagging:\n%s", r.stdout)
		}
		a.must(t, "s3api", "delete-bucket-tagging", "--bucket", bucket)
		a.wantFail(t, "NoSuchTagSet", "s3api", "get-bucket-tagging", "--bucket", bucket)
	})

	t.Run("mc", func(t *testing.T) {
		target := "silo/" + bucket + "/m.bin"
		mc.must(t, "cp", small, target)
		mc.must(t, "tag", "set", target, "color=blue&size=large")
		r := mc.must(t, "tag", "list", "--json", target)
		if !strings.Contains(r.stdout, `"color":"blue"`) || !strings.Contains(r.stdout, `"size":"large"`) {
			t.Errorf("mc tag list:\n%s", r.stdout)
		}
		if got := tagsOf("m.bin"); got != "color=blue&size=large" && got != "size=large&color=blue" {
			t.Errorf("tags set by mc, read by the AWS CLI: %q", got)
		}
		mc.must(t, "tag", "remove", target)
		if got := tagsOf("m.bin"); got != "" {
			t.Errorf("tags after mc tag remove: %q", got)
		}
		bt := "silo/" + bucket
		mc.must(t, "tag", "set", bt, "env=test")
		if r := mc.must(t, "tag", "list", bt); !strings.Contains(r.stdout, "env") {
			t.Errorf("mc tag list of the bucket:\n%s", r.stdout)
		}
	})
}
