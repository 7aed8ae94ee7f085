package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
)

// sseKMSKey is the static master key of the SSE test server.
const sseKMSKey = "sse-e2e-key"

// sseServer starts a TLS server with a static key service
// (SILO_KMS_SECRET_KEY), stopped when the test ends.
func sseServer(t *testing.T, name string) *server {
	t.Helper()
	bin, err := suite.binary()
	if err != nil {
		t.Fatalf("silo binary: %v", err)
	}
	secret := base64.StdEncoding.EncodeToString(randomData(32, 7001))
	srv, err := startServerEnv(bin, filepath.Join(suite.root, name), true,
		append(defaultServerEnv(), "SILO_KMS_SECRET_KEY="+sseKMSKey+":"+secret))
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := srv.stop(); err != nil {
			t.Errorf("stop %s: %v", name, err)
		}
	})
	return srv
}

// TestSSE drives SSE-S3, SSE-KMS and SSE-C through mc, the AWS CLI, boto3,
// minio-go, s3cmd and rclone against one TLS server, then checks that nothing on the
// drives holds the plaintext or a customer key.
func TestSSE(t *testing.T) {
	t.Parallel()
	srv := sseServer(t, "sse")
	t.Run("mc", func(t *testing.T) { sseMC(t, srv) })
	t.Run("awscli", func(t *testing.T) { sseAWSCLI(t, srv) })
	t.Run("boto3", func(t *testing.T) { sseBoto3(t, srv) })
	t.Run("minio-go", func(t *testing.T) { sseMinioGo(t, srv) })
	t.Run("s3cmd", func(t *testing.T) { sseS3cmd(t, srv) })
	t.Run("rclone", func(t *testing.T) { sseRclone(t, srv) })
	t.Run("on-disk", func(t *testing.T) { sseOnDisk(t, srv) })
}

// mcRunner returns run and must for mc with a private config trusting srv's CA.
func mcRunner(t *testing.T, srv *server) (run, must func(args ...string) result) {
	t.Helper()
	mc, cfgDir, env := mcConfig(t, srv)
	run = func(args ...string) result {
		t.Helper()
		return runCmd(t, env, "", mc, append([]string{"--config-dir", cfgDir, "--no-color", "--disable-pager"}, args...)...)
	}
	must = func(args ...string) result {
		t.Helper()
		r := run(args...)
		if r.err != nil {
			t.Fatalf("mc %s failed:\n%s", strings.Join(args, " "), r)
		}
		return r
	}
	must("alias", "set", "silo", srv.endpoint, rootUser, rootPassword, "--api", "S3v4", "--path", "on")
	return run, must
}

func sseMC(t *testing.T, srv *server) {
	run, must := mcRunner(t, srv)
	dir := t.TempDir()
	file := filepath.Join(dir, "data.bin")
	sum := writeRandomFile(t, file, 3*mib+12345, 7002)
	b := "silo/" + uniqueBucket(t, "ssemc")
	must("mb", b)
	key := base64.RawStdEncoding.EncodeToString(randomData(32, 7003))
	wrong := base64.RawStdEncoding.EncodeToString(randomData(32, 7004))
	must("cp", "--enc-s3", b+"/s3.bin", file, b+"/s3.bin")
	must("cp", "--enc-kms", b+"/kms.bin="+sseKMSKey, file, b+"/kms.bin")
	must("cp", "--enc-c", b+"/c.bin="+key, file, b+"/c.bin")
	for obj, flags := range map[string][]string{"s3.bin": nil, "kms.bin": nil, "c.bin": {"--enc-c", b + "/c.bin=" + key}} {
		out := filepath.Join(dir, "back-"+obj)
		must(append(append([]string{"cp"}, flags...), b+"/"+obj, out)...)
		if got := fileSHA256(t, out); got != sum {
			t.Errorf("mc cp back %s: sha %s, want %s", obj, got, sum)
		}
	}
	r := must("stat", b+"/kms.bin")
	if !strings.Contains(r.stdout, "aws:kms") && !strings.Contains(r.stdout, "SSE-KMS") {
		t.Errorf("mc stat of an SSE-KMS object does not show it:\n%s", r.stdout)
	}
	if r := run("cat", b+"/c.bin"); r.err == nil || strings.Contains(r.stdout, "\x00") {
		t.Errorf("mc cat of an SSE-C object without its key succeeded")
	}
	if r := run("cat", "--enc-c", b+"/c.bin="+wrong, b+"/c.bin"); r.err == nil || r.stdout != "" {
		t.Errorf("mc cat with the wrong key: %v, %d bytes out", r.err, len(r.stdout))
	}

	must("encrypt", "set", "sse-s3", b)
	if r := must("encrypt", "info", b); !strings.Contains(strings.ToLower(r.stdout), "sse-s3") {
		t.Errorf("mc encrypt info after set sse-s3:\n%s", r.stdout)
	}
	must("cp", file, b+"/default.bin")
	if r := must("stat", "--json", b+"/default.bin"); !strings.Contains(r.stdout, "AES256") {
		t.Errorf("object under bucket default encryption:\n%s", r.stdout)
	}
	must("encrypt", "set", "sse-kms", sseKMSKey, b)
	if r := must("encrypt", "info", b); !strings.Contains(r.stdout, sseKMSKey) {
		t.Errorf("mc encrypt info after set sse-kms:\n%s", r.stdout)
	}
	must("encrypt", "clear", b)
	// As with MinIO, info reports the missing configuration as an error.
	if r := run("encrypt", "info", b); strings.Contains(strings.ToLower(r.stdout), "sse-kms") ||
		r.err != nil && !strings.Contains(r.stderr, "configuration was not found") {
		t.Errorf("mc encrypt info after clear:\n%s", r)
	}
	must("rm", "--recursive", "--force", b)
	must("rb", b)
}

func sseAWSCLI(t *testing.T, srv *server) {
	a := newAWSCLI(t, srv)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bin")
	bigSum := writeRandomFile(t, big, 100*mib+77, 7005)
	keyFile, wrongFile := filepath.Join(dir, "key"), filepath.Join(dir, "wrong")
	if err := os.WriteFile(keyFile, randomData(32, 7006), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wrongFile, randomData(32, 7007), 0o600); err != nil {
		t.Fatal(err)
	}
	bucket := uniqueBucket(t, "sseaws")
	s3u := "s3://" + bucket
	a.must(t, "s3", "mb", s3u)
	small := filepath.Join(dir, "small.bin")
	smallSum := writeRandomFile(t, small, 200*1024+1, 7008)
	a.must(t, "s3", "cp", small, s3u+"/s3", "--sse", "AES256")
	a.must(t, "s3", "cp", small, s3u+"/kms", "--sse", "aws:kms", "--sse-kms-key-id", sseKMSKey)
	if r := a.must(t, "s3api", "head-object", "--bucket", bucket, "--key", "s3"); !strings.Contains(r.stdout, `"AES256"`) {
		t.Errorf("head-object of SSE-S3:\n%s", r.stdout)
	}
	if r := a.must(t, "s3api", "head-object", "--bucket", bucket, "--key", "kms"); !strings.Contains(r.stdout, sseKMSKey) || !strings.Contains(r.stdout, "aws:kms") {
		t.Errorf("head-object of SSE-KMS:\n%s", r.stdout)
	}
	for _, k := range []string{"s3", "kms"} {
		out := filepath.Join(dir, "back-"+k)
		a.must(t, "s3", "cp", s3u+"/"+k, out)
		if got := fileSHA256(t, out); got != smallSum {
			t.Errorf("%s: sha %s, want %s", k, got, smallSum)
		}
	}

	// 100 MiB multipart with SSE-C, ranges across parts, the wrong key.
	ssec := []string{"--sse-c", "AES256", "--sse-c-key", "fileb://" + keyFile}
	a.must(t, append([]string{"s3", "cp", big, s3u + "/c"}, ssec...)...)
	out := filepath.Join(dir, "back-c")
	a.must(t, append([]string{"s3", "cp", s3u + "/c", out}, ssec...)...)
	if got := fileSHA256(t, out); got != bigSum {
		t.Errorf("100 MiB SSE-C: sha %s, want %s", got, bigSum)
	}
	want, err := os.ReadFile(big)
	if err != nil {
		t.Fatal(err)
	}
	for _, rng := range [][2]int{{8*mib - 5, 8*mib + 5}, {65536 - 1, 65536*3 + 1}, {100*mib + 70, 100*mib + 76}} {
		part := filepath.Join(dir, "range")
		a.must(t, "s3api", "get-object", "--bucket", bucket, "--key", "c", "--range", "bytes="+strconv.Itoa(rng[0])+"-"+strconv.Itoa(rng[1]),
			"--sse-customer-algorithm", "AES256", "--sse-customer-key", "fileb://"+keyFile, part)
		got, err := os.ReadFile(part)
		if err != nil || !bytes.Equal(got, want[rng[0]:rng[1]+1]) {
			t.Errorf("range %v: %d bytes, not the data (%v)", rng, len(got), err)
		}
	}
	leak := filepath.Join(dir, "leak")
	a.wantFail(t, "AccessDenied", "s3api", "get-object", "--bucket", bucket, "--key", "c",
		"--sse-customer-algorithm", "AES256", "--sse-customer-key", "fileb://"+wrongFile, leak)
	if b, err := os.ReadFile(leak); err == nil && len(b) > 0 {
		t.Errorf("the wrong key got %d bytes", len(b))
	}
	// Rewriting the metadata in place is a read of the source: no key, no copy.
	a.wantFail(t, "InvalidRequest", "s3api", "copy-object", "--bucket", bucket, "--key", "c", "--copy-source", bucket+"/c",
		"--metadata-directive", "REPLACE", "--metadata", "owner=mallory")
	if r := a.must(t, "s3api", "head-object", "--bucket", bucket, "--key", "c",
		"--sse-customer-algorithm", "AES256", "--sse-customer-key", "fileb://"+keyFile); strings.Contains(r.stdout, "mallory") {
		t.Errorf("a refused self-copy changed the metadata:\n%s", r.stdout)
	}

	// A copy that changes the method (multipart copy: UploadPartCopy).
	a.must(t, "s3", "cp", s3u+"/c", s3u+"/c-to-s3", "--sse-c-copy-source", "AES256", "--sse-c-copy-source-key", "fileb://"+keyFile, "--sse", "AES256")
	out2 := filepath.Join(dir, "back-c-to-s3")
	a.must(t, "s3", "cp", s3u+"/c-to-s3", out2)
	if got := fileSHA256(t, out2); got != bigSum {
		t.Errorf("copy SSE-C -> SSE-S3: sha %s, want %s", got, bigSum)
	}
	if r := a.must(t, "s3api", "head-object", "--bucket", bucket, "--key", "c-to-s3"); !strings.Contains(r.stdout, `"AES256"`) {
		t.Errorf("head-object of the copy:\n%s", r.stdout)
	}
	a.must(t, "s3api", "put-bucket-encryption", "--bucket", bucket, "--server-side-encryption-configuration",
		`{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"`+sseKMSKey+`"}}]}`)
	if r := a.must(t, "s3api", "get-bucket-encryption", "--bucket", bucket); !strings.Contains(r.stdout, sseKMSKey) {
		t.Errorf("get-bucket-encryption:\n%s", r.stdout)
	}
	a.must(t, "s3api", "delete-bucket-encryption", "--bucket", bucket)
	a.wantFail(t, "ServerSideEncryptionConfigurationNotFoundError", "s3api", "get-bucket-encryption", "--bucket", bucket)
	a.must(t, "s3", "rb", "--force", s3u)
}

func sseBoto3(t *testing.T, srv *server) {
	requireTool(t, python3Bin)
	script, err := filepath.Abs(filepath.Join("testdata", "sse_boto3.py"))
	if err != nil {
		t.Fatal(err)
	}
	env := clientEnv(t.TempDir(), "AWS_ACCESS_KEY_ID="+rootUser, "AWS_SECRET_ACCESS_KEY="+rootPassword,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true", "TMPDIR="+t.TempDir())
	r := runCmd(t, env, "", python3Bin, script, srv.endpoint, srv.caFile, uniqueBucket(t, "sseboto"), sseKMSKey)
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "FAIL") {
			t.Error(strings.TrimPrefix(line, "FAIL "))
		}
	}
	if r.err != nil || !strings.Contains(r.stdout, "ok done") {
		t.Errorf("boto3 SSE scenario did not complete:\n%s", r)
	}
}

func sseMinioGo(t *testing.T, srv *server) {
	ctx := context.Background()
	c := newMinioClient(t, srv, false)
	bucket := uniqueBucket(t, "ssemgo")
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	kmsSSE, err := encrypt.NewSSEKMS(sseKMSKey, map[string]string{"app": "minio-go"})
	if err != nil {
		t.Fatal(err)
	}
	ssec, err := encrypt.NewSSEC(randomData(32, 7009))
	if err != nil {
		t.Fatal(err)
	}
	data := randomData(17*mib+333, 7010)
	methods := map[string]encrypt.ServerSide{"s3": encrypt.NewSSE(), "kms": kmsSSE, "c": ssec}
	for name, sse := range methods {
		_, err := c.PutObject(ctx, bucket, name, bytes.NewReader(data), int64(len(data)),
			minio.PutObjectOptions{ServerSideEncryption: sse, PartSize: 5 * mib})
		if err != nil {
			t.Fatalf("PutObject %s: %v", name, err)
		}
		get := minio.GetObjectOptions{}
		if name == "c" {
			get.ServerSideEncryption = ssec
		}
		for _, rng := range [][2]int64{{0, int64(len(data)) - 1}, {5*mib - 3, 5*mib + 3}, {65536 - 2, 65536*2 + 2}, {int64(len(data)) - 10, int64(len(data)) - 1}} {
			o := get
			if err := o.SetRange(rng[0], rng[1]); err != nil {
				t.Fatal(err)
			}
			obj, err := c.GetObject(ctx, bucket, name, o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(obj)
			obj.Close()
			if err != nil || !bytes.Equal(got, data[rng[0]:rng[1]+1]) {
				t.Errorf("%s range %v: %d bytes, %v", name, rng, len(got), err)
			}
		}
		st, err := c.StatObject(ctx, bucket, name, minio.StatObjectOptions{ServerSideEncryption: get.ServerSideEncryption})
		if err != nil || st.Size != int64(len(data)) {
			t.Errorf("stat %s: %v size %d", name, err, st.Size)
		}
	}
	// Copy SSE-C -> SSE-KMS and SSE-KMS -> plain.
	if _, err := c.CopyObject(ctx, minio.CopyDestOptions{Bucket: bucket, Object: "c-kms", Encryption: kmsSSE},
		minio.CopySrcOptions{Bucket: bucket, Object: "c", Encryption: ssec}); err != nil {
		t.Fatalf("copy SSE-C -> SSE-KMS: %v", err)
	}
	if _, err := c.CopyObject(ctx, minio.CopyDestOptions{Bucket: bucket, Object: "plain"},
		minio.CopySrcOptions{Bucket: bucket, Object: "c-kms"}); err != nil {
		t.Fatalf("copy SSE-KMS -> plain: %v", err)
	}
	minioAssertObject(t, c, bucket, "plain", data)
	_, err = c.GetObject(ctx, bucket, "c", minio.GetObjectOptions{})
	if err == nil {
		obj, _ := c.GetObject(ctx, bucket, "c", minio.GetObjectOptions{})
		_, err = obj.Stat()
	}
	if err == nil {
		t.Error("GET of an SSE-C object without the key succeeded")
	}
	for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err == nil && o.Size != int64(len(data)) {
			t.Errorf("listing %s: size %d, want %d", o.Key, o.Size, len(data))
		}
		_ = c.RemoveObject(ctx, bucket, o.Key, minio.RemoveObjectOptions{})
	}
	if err := c.RemoveBucket(ctx, bucket); err != nil {
		t.Error(err)
	}
}

// sseOnDisk writes objects made of a known marker, inline-sized and
// shard-sized, with SSE-S3 and SSE-C, then searches every file under the
// drives (shards and bbolt metadata) and the server log for the marker and
// the customer key in raw, base64 and hex form.
func sseOnDisk(t *testing.T, srv *server) {
	ctx := context.Background()
	c := newAWSClient(srv, aws.RequestChecksumCalculationWhenRequired)
	bucket := uniqueBucket(t, "ssedisk")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	marker := []byte("SILO-PLAINTEXT-MARKER-" + hex.EncodeToString(randomData(8, 7011)) + "|")
	key := randomData(32, 7012)
	keySum := md5.Sum(key)
	for _, size := range []int{1 << 10, 3 << 20} {
		body := bytes.Repeat(marker, size/len(marker)+1)
		for _, m := range []string{"s3", "c"} {
			in := &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(m + strconv.Itoa(size)), Body: bytes.NewReader(body)}
			if m == "s3" {
				in.ServerSideEncryption = "AES256"
			} else {
				in.SSECustomerAlgorithm = aws.String("AES256")
				in.SSECustomerKey = aws.String(base64.StdEncoding.EncodeToString(key))
				in.SSECustomerKeyMD5 = aws.String(base64.StdEncoding.EncodeToString(keySum[:]))
			}
			if _, err := c.PutObject(ctx, in); err != nil {
				t.Fatalf("PutObject: %v", err)
			}
		}
	}
	secrets := map[string][]byte{
		"marker": marker[:len(marker)-1], "key": key,
		"base64 key": []byte(base64.StdEncoding.EncodeToString(key)), "hex key": []byte(hex.EncodeToString(key)),
	}
	files := 0
	paths := []string{srv.logPath}
	err := filepath.Walk(srv.dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !fi.IsDir() && strings.Contains(p, string(filepath.Separator)+"drive") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files++
		for name, s := range secrets {
			if bytes.Contains(b, s) {
				t.Errorf("%s holds the %s", p, name)
			}
		}
	}
	if files < 8 {
		t.Fatalf("only %d files searched", files)
	}
	t.Logf("searched %d files", files)
}

// TestSSEPlainHTTP: SSE-C over plain HTTP is refused and nothing is written.
func TestSSEPlainHTTP(t *testing.T) {
	t.Parallel()
	srv := httpServer(t)
	ctx := context.Background()
	c := newAWSClient(srv, aws.RequestChecksumCalculationWhenRequired)
	bucket := uniqueBucket(t, "ssehttp")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	key := randomData(32, 7013)
	sum := md5.Sum(key)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"), Body: strings.NewReader("data"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(base64.StdEncoding.EncodeToString(key)),
		SSECustomerKeyMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:]))})
	wantAPIError(t, err, "InvalidRequest", http.StatusBadRequest)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("k")})
	wantAPIError(t, err, "", http.StatusNotFound)
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket}); err != nil {
		t.Error(err)
	}
}
