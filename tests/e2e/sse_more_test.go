package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
)

// sseS3cmd: s3cmd --server-side-encryption (SSE-S3) on a single and a
// multipart upload; s3cmd checks the MD5 ETag of what it uploaded.
func sseS3cmd(t *testing.T, srv *server) {
	requireTool(t, s3cmdBin)
	cfg := s3cmdConfig(t, srv, false)
	env := clientEnv(t.TempDir())
	must := func(args ...string) result {
		t.Helper()
		r := runCmd(t, env, "", s3cmdBin, append([]string{"-c", cfg, "--no-progress"}, args...)...)
		if r.err != nil {
			t.Fatalf("s3cmd %s failed:\n%s", strings.Join(args, " "), r)
		}
		return r
	}
	dir := t.TempDir()
	b := "s3://" + uniqueBucket(t, "sses3cmd")
	must("mb", b)
	for name, size := range map[string]int64{"small": 70001, "big": 11*mib + 3} {
		in := filepath.Join(dir, name)
		sum := writeRandomFile(t, in, size, uint64(7100+size))
		must("put", "--server-side-encryption", "--multipart-chunk-size-mb=5", in, b+"/"+name)
		out := filepath.Join(dir, name+".back")
		must("get", b+"/"+name, out)
		if got := fileSHA256(t, out); got != sum {
			t.Errorf("s3cmd %s: sha %s, want %s", name, got, sum)
		}
		if r := must("info", b+"/"+name); !strings.Contains(r.stdout, "AES256") {
			t.Errorf("s3cmd info %s does not show SSE:\n%s", name, r.stdout)
		}
	}
	must("rb", "--recursive", "--force", b)
}

// sseRclone: rclone with SSE-S3 and SSE-C, single and multipart uploads,
// copied back and checked.
func sseRclone(t *testing.T, srv *server) {
	requireTool(t, rcloneBin)
	home := t.TempDir()
	conf := filepath.Join(home, "rclone.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf("[silo]\ntype = s3\nprovider = Minio\nenv_auth = false\naccess_key_id = %s\nsecret_access_key = %s\nregion = %s\nendpoint = %s\n",
		rootUser, rootPassword, region, srv.endpoint)), 0o600); err != nil {
		t.Fatal(err)
	}
	env := clientEnv(home, "RCLONE_CONFIG="+conf, "SSL_CERT_FILE="+srv.caFile)
	base := []string{"--config", conf, "--retries", "1", "--low-level-retries", "1", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M"}
	must := func(args ...string) result {
		t.Helper()
		r := runCmd(t, env, "", rcloneBin, append(append([]string{}, args...), base...)...)
		if r.err != nil {
			t.Fatalf("rclone %s failed:\n%s", strings.Join(args, " "), r)
		}
		return r
	}
	src := t.TempDir()
	sums := map[string]string{
		"small.bin": writeRandomFile(t, filepath.Join(src, "small.bin"), 90001, 7201),
		"big.bin":   writeRandomFile(t, filepath.Join(src, "big.bin"), 12*mib+9, 7202),
	}
	key := strings.Repeat("k", 32)
	methods := map[string][]string{
		"sse-s3": {"--s3-server-side-encryption", "AES256"},
		"sse-c":  {"--s3-sse-customer-algorithm", "AES256", "--s3-sse-customer-key", key},
	}
	remote := "silo:" + uniqueBucket(t, "sserclone")
	must("mkdir", remote)
	for name, flags := range methods {
		must(append([]string{"copy", src, remote + "/" + name}, flags...)...)
		back := t.TempDir()
		must(append([]string{"copy", remote + "/" + name, back}, flags...)...)
		for f, want := range sums {
			if got := fileSHA256(t, filepath.Join(back, f)); got != want {
				t.Errorf("rclone %s %s: sha %s, want %s", name, f, got, want)
			}
		}
		if r := must("size", remote+"/"+name); !strings.Contains(r.stdout, fmt.Sprint(90001+12*mib+9)) {
			t.Errorf("rclone size of %s does not count plaintext bytes:\n%s", name, r.stdout)
		}
	}
	must("purge", remote)
}

// TestSSEInsecureLoopback: with SILO_SSE_INSECURE_LOOPBACK=on a plain-HTTP
// server accepts SSE-C and SSE-KMS from a loopback client.
func TestSSEInsecureLoopback(t *testing.T) {
	t.Parallel()
	bin, err := suite.binary()
	if err != nil {
		t.Fatalf("silo binary: %v", err)
	}
	secret := base64.StdEncoding.EncodeToString(randomData(32, 7301))
	srv, err := startServerEnv(bin, filepath.Join(suite.root, "sse-loopback"), false,
		append(defaultServerEnv(), "SILO_KMS_SECRET_KEY="+sseKMSKey+":"+secret, "SILO_SSE_INSECURE_LOOPBACK=on"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := srv.stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	ctx := context.Background()
	c := newMinioClient(t, srv, false)
	bucket := uniqueBucket(t, "sseloop")
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	kmsSSE, err := encrypt.NewSSEKMS(sseKMSKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	ssec, err := encrypt.NewSSEC(randomData(32, 7303))
	if err != nil {
		t.Fatal(err)
	}
	data := randomData(100_000, 7302)
	for name, sse := range map[string]encrypt.ServerSide{"kms": kmsSSE, "c": ssec} {
		if _, err := c.PutObject(ctx, bucket, name, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{ServerSideEncryption: sse}); err != nil {
			t.Fatalf("SSE %s over loopback HTTP: %v", name, err)
		}
		get := minio.GetObjectOptions{}
		if name == "c" {
			get.ServerSideEncryption = ssec
		}
		obj, err := c.GetObject(ctx, bucket, name, get)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(obj)
		obj.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("GET %s: %d bytes, %v", name, len(got), err)
		}
	}
}
