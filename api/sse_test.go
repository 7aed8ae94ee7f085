package api

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/storage/erasure"
)

// flakyKMS is a key service whose availability a test switches.
type flakyKMS struct {
	kms.KMS
	down bool
}

func (f *flakyKMS) GenerateKey(ctx context.Context, name string, c kms.Context) (kms.DEK, error) {
	if f.down {
		return kms.DEK{}, fmt.Errorf("test: %w", kms.ErrUnavailable)
	}
	return f.KMS.GenerateKey(ctx, name, c)
}

func (f *flakyKMS) Decrypt(ctx context.Context, name string, ct []byte, c kms.Context) ([]byte, error) {
	if f.down {
		return nil, fmt.Errorf("test: %w", kms.ErrUnavailable)
	}
	return f.KMS.Decrypt(ctx, name, ct, c)
}

// sseEnv is the S3 handler over a real erasure store behind TLS, with a
// static key service, an SDK client and the raw HTTP client of the server.
type sseEnv struct {
	srv   *httptest.Server
	kms   *flakyKMS
	s3    *s3.Client
	store *erasure.Store
}

func newSSEEnv(t testing.TB, tlsOn bool) *sseEnv {
	return newSSEEnvConfig(t, tlsOn, Config{})
}

// newSSEEnvConfig is newSSEEnv with cfg (region and logger are set here).
func newSSEEnvConfig(t testing.TB, tlsOn bool, cfg Config) *sseEnv {
	t.Helper()
	dir := t.TempDir()
	var drives []string
	for i := range 4 {
		drives = append(drives, filepath.Join(dir, "d"+strconv.Itoa(i)))
	}
	st, err := erasure.New(t.Context(), erasure.Config{Drives: drives, StandardParity: -1, RRSParity: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	sk, err := kms.ParseStaticKey("test-key:" + base64.StdEncoding.EncodeToString(key))
	if err != nil {
		t.Fatal(err)
	}
	fk := &flakyKMS{KMS: sk}
	root := iam.NewRootOnly(iam.Credentials{AccessKey: testAccessKey, SecretKey: testSecretKey})
	cfg.Region, cfg.Logger = testRegion, slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := New(cfg, Deps{
		Store: st, Auth: sigv4.NewVerifier(sigv4.Config{Region: testRegion, Credentials: root}), Authz: root, KMS: fk,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	if tlsOn {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	cli := s3.New(s3.Options{
		Region: testRegion, BaseEndpoint: aws.String(srv.URL), UsePathStyle: true, HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, ""),
	})
	e := &sseEnv{srv: srv, kms: fk, s3: cli, store: st}
	if _, err := cli.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("bkt")}); err != nil {
		t.Fatal(err)
	}
	return e
}

// customer is an SSE-C key in the SDK's form.
type customer struct{ alg, key, md5 *string }

func newCustomer(t testing.TB) customer {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	sum := md5.Sum(k)
	return customer{aws.String("AES256"), aws.String(base64.StdEncoding.EncodeToString(k)), aws.String(base64.StdEncoding.EncodeToString(sum[:]))}
}

func randomData(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func (e *sseEnv) get(t *testing.T, in *s3.GetObjectInput) ([]byte, *s3.GetObjectOutput, error) {
	t.Helper()
	in.Bucket = aws.String("bkt")
	out, err := e.s3.GetObject(t.Context(), in)
	if err != nil {
		return nil, nil, err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return b, out, err
}

func TestSSERoundTrips(t *testing.T) {
	e := newSSEEnv(t, true)
	ck := newCustomer(t)
	data := randomData(3*64<<10 + 1234)
	sum := md5.Sum(data)
	tests := []struct {
		name    string
		put     func(*s3.PutObjectInput)
		get     func(*s3.GetObjectInput)
		header  string
		md5ETag bool
	}{
		{"sse-s3", func(in *s3.PutObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAes256 }, func(*s3.GetObjectInput) {}, "AES256", true},
		{"sse-kms", func(in *s3.PutObjectInput) {
			in.ServerSideEncryption, in.SSEKMSKeyId = types.ServerSideEncryptionAwsKms, aws.String("test-key")
			in.SSEKMSEncryptionContext = aws.String(base64.StdEncoding.EncodeToString([]byte(`{"project":"silo"}`)))
		}, func(*s3.GetObjectInput) {}, "aws:kms", false},
		{"sse-c", func(in *s3.PutObjectInput) {
			in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = ck.alg, ck.key, ck.md5
		}, func(in *s3.GetObjectInput) {
			in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = ck.alg, ck.key, ck.md5
		}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(tt.name), Body: bytes.NewReader(data)}
			tt.put(in)
			out, err := e.s3.PutObject(t.Context(), in)
			if err != nil {
				t.Fatal(err)
			}
			if string(out.ServerSideEncryption) != tt.header {
				t.Fatalf("PUT answered x-amz-server-side-encryption %q", out.ServerSideEncryption)
			}
			if (strings.Trim(aws.ToString(out.ETag), `"`) == hex.EncodeToString(sum[:])) != tt.md5ETag {
				t.Fatalf("ETag %s vs md5 %x", aws.ToString(out.ETag), sum)
			}
			for _, rng := range []string{"", "bytes=0-0", "bytes=65530-65545", "bytes=65536-131072", "bytes=-100", "bytes=131000-"} {
				gin := &s3.GetObjectInput{Key: aws.String(tt.name)}
				if rng != "" {
					gin.Range = aws.String(rng)
				}
				tt.get(gin)
				got, gout, err := e.get(t, gin)
				if err != nil {
					t.Fatalf("GET %s: %v", rng, err)
				}
				want := data
				if r := parseRange(rng); r != nil {
					off, n, _ := r.Resolve(int64(len(data)))
					want = data[off : off+n]
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("GET %s: %d bytes, not the data", rng, len(got))
				}
				if string(gout.ServerSideEncryption) != tt.header {
					t.Fatalf("GET header %q", gout.ServerSideEncryption)
				}
				if aws.ToString(gout.ETag) != aws.ToString(out.ETag) {
					t.Fatalf("GET %s: ETag %s, PUT answered %s", rng, aws.ToString(gout.ETag), aws.ToString(out.ETag))
				}
			}
			if b, err := hex.DecodeString(strings.Trim(aws.ToString(out.ETag), `"`)); err != nil || len(b) != md5.Size {
				t.Fatalf("ETag %s is not 16 hex bytes", aws.ToString(out.ETag))
			}
			list, err := e.s3.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Prefix: aws.String(tt.name)})
			if err != nil || len(list.Contents) != 1 || aws.ToInt64(list.Contents[0].Size) != int64(len(data)) ||
				aws.ToString(list.Contents[0].ETag) != aws.ToString(out.ETag) {
				t.Fatalf("listing: %v %+v", err, list)
			}
			vers, err := e.s3.ListObjectVersions(t.Context(), &s3.ListObjectVersionsInput{Bucket: aws.String("bkt"), Prefix: aws.String(tt.name)})
			if err != nil || len(vers.Versions) != 1 || aws.ToInt64(vers.Versions[0].Size) != int64(len(data)) {
				t.Fatalf("version listing: %v %+v", err, vers)
			}
		})
	}
	t.Run("sse-kms headers", func(t *testing.T) {
		out, err := e.s3.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("sse-kms")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.SSEKMSKeyId) != "test-key" || aws.ToInt64(out.ContentLength) != int64(len(data)) {
			t.Fatalf("HEAD: key %q length %d", aws.ToString(out.SSEKMSKeyId), aws.ToInt64(out.ContentLength))
		}
	})
	t.Run("sse-c wrong and missing key", func(t *testing.T) {
		other := newCustomer(t)
		_, _, err := e.get(t, &s3.GetObjectInput{Key: aws.String("sse-c"), SSECustomerAlgorithm: other.alg, SSECustomerKey: other.key, SSECustomerKeyMD5: other.md5})
		wantCode(t, err, "AccessDenied")
		_, _, err = e.get(t, &s3.GetObjectInput{Key: aws.String("sse-c")})
		wantCode(t, err, "InvalidRequest")
		_, err = e.s3.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("sse-c"), SSECustomerAlgorithm: other.alg, SSECustomerKey: other.key, SSECustomerKeyMD5: other.md5})
		if err == nil {
			t.Fatal("HEAD with the wrong key succeeded")
		}
		_, _, err = e.get(t, &s3.GetObjectInput{Key: aws.String("sse-s3"), SSECustomerAlgorithm: ck.alg, SSECustomerKey: ck.key, SSECustomerKeyMD5: ck.md5})
		wantCode(t, err, "InvalidRequest")
	})
	t.Run("unknown kms key", func(t *testing.T) {
		_, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("nokey"), Body: strings.NewReader("x"),
			ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("no-such-key")})
		wantCode(t, err, "KMS.NotFoundException")
		e.wantMissing(t, "nokey")
	})
	t.Run("kms unavailable", func(t *testing.T) {
		e.kms.down = true
		defer func() { e.kms.down = false }()
		_, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("down"), Body: strings.NewReader("x"),
			ServerSideEncryption: types.ServerSideEncryptionAes256})
		wantCode(t, err, "ServiceUnavailable")
		e.wantMissing(t, "down")
		_, _, err = e.get(t, &s3.GetObjectInput{Key: aws.String("sse-s3")})
		wantCode(t, err, "ServiceUnavailable")
		e.kms.down = false // back: everything works again
		if _, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("down"), Body: strings.NewReader("x"),
			ServerSideEncryption: types.ServerSideEncryptionAes256}); err != nil {
			t.Fatal(err)
		}
		if got, _, err := e.get(t, &s3.GetObjectInput{Key: aws.String("sse-s3")}); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("GET after the KMS came back: %v", err)
		}
	})
}

func (e *sseEnv) wantMissing(t *testing.T, key string) {
	t.Helper()
	_, err := e.s3.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
	if err == nil {
		t.Fatalf("%s was written", key)
	}
}

// rawPut sends a signed PUT with the given headers through the server's client.
func (e *sseEnv) rawPut(t *testing.T, key string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req := signedRequest(t, "PUT", e.srv.URL+"/bkt/"+key, testSecretKey, []byte("data"), header)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestSSEBadHeaders(t *testing.T) {
	e := newSSEEnv(t, true)
	key := randomData(32)
	b64 := base64.StdEncoding.EncodeToString
	sum := md5.Sum(key)
	short := randomData(16)
	shortSum := md5.Sum(short)
	tests := []struct {
		name   string
		header map[string]string
		status int
		code   string
	}{
		{"unknown method", map[string]string{hdrSSE: "DES"}, 400, "InvalidArgument"},
		{"kms key without aws:kms", map[string]string{hdrSSE: "AES256", hdrSSEKMSKeyID: "test-key"}, 400, "InvalidArgument"},
		{"bad context", map[string]string{hdrSSE: "aws:kms", hdrSSEContext: "not-json"}, 400, "InvalidArgument"},
		{"bad algorithm", map[string]string{sseCPrefix + "algorithm": "AES128", sseCPrefix + "key": b64(key), sseCPrefix + "key-MD5": b64(sum[:])}, 400, "InvalidEncryptionAlgorithmError"},
		{"missing key", map[string]string{sseCPrefix + "algorithm": "AES256", sseCPrefix + "key-MD5": b64(sum[:])}, 400, "InvalidArgument"},
		{"missing md5", map[string]string{sseCPrefix + "algorithm": "AES256", sseCPrefix + "key": b64(key)}, 400, "InvalidArgument"},
		{"short key", map[string]string{sseCPrefix + "algorithm": "AES256", sseCPrefix + "key": b64(short), sseCPrefix + "key-MD5": b64(shortSum[:])}, 400, "InvalidArgument"},
		{"md5 mismatch", map[string]string{sseCPrefix + "algorithm": "AES256", sseCPrefix + "key": b64(key), sseCPrefix + "key-MD5": b64(shortSum[:])}, 400, "InvalidArgument"},
		{"sse-c and sse-s3", map[string]string{hdrSSE: "AES256", sseCPrefix + "algorithm": "AES256", sseCPrefix + "key": b64(key), sseCPrefix + "key-MD5": b64(sum[:])}, 400, "InvalidArgument"},
		{"bad bucket key flag", map[string]string{hdrSSE: "AES256", hdrSSEBucketKey: "maybe"}, 400, "InvalidArgument"},
		{"content-md5 of other data", map[string]string{hdrSSE: "AES256", "Content-MD5": md5b64([]byte("other"))}, 400, "BadDigest"},
		{"content-md5 of other data, sse-c", map[string]string{"Content-MD5": md5b64([]byte("other")), sseCPrefix + "algorithm": "AES256", sseCPrefix + "key": b64(key), sseCPrefix + "key-MD5": b64(sum[:])}, 400, "BadDigest"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := "bad" + strconv.Itoa(i)
			resp, body := e.rawPut(t, k, tt.header)
			if resp.StatusCode != tt.status || errorCode(body) != tt.code {
				t.Fatalf("got %d %s (%s), want %d %s", resp.StatusCode, errorCode(body), body, tt.status, tt.code)
			}
			e.wantMissing(t, k)
		})
	}
	t.Run("content-md5 of the data", func(t *testing.T) {
		h := map[string]string{"Content-MD5": md5b64([]byte("data")), sseCPrefix + "algorithm": "AES256", sseCPrefix + "key": b64(key), sseCPrefix + "key-MD5": b64(sum[:])}
		if resp, body := e.rawPut(t, "good", h); resp.StatusCode != 200 {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
}

func TestSSEPlainHTTP(t *testing.T) {
	e := newSSEEnv(t, false)
	key := randomData(32)
	sum := md5.Sum(key)
	b64 := base64.StdEncoding.EncodeToString
	for name, h := range map[string]map[string]string{
		"sse-c":   {sseCPrefix + "algorithm": "AES256", sseCPrefix + "key": b64(key), sseCPrefix + "key-MD5": b64(sum[:])},
		"sse-kms": {hdrSSE: "aws:kms"},
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := e.rawPut(t, name, h)
			if resp.StatusCode != 400 || errorCode(body) != "InvalidRequest" || !strings.Contains(string(body), "secure connection") {
				t.Fatalf("got %d %s", resp.StatusCode, body)
			}
			e.wantMissing(t, name)
		})
	}
	t.Run("sse-s3 allowed", func(t *testing.T) {
		if resp, body := e.rawPut(t, "s3", map[string]string{hdrSSE: "AES256"}); resp.StatusCode != 200 {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
}

func TestSSEMultipartAndCopy(t *testing.T) {
	e := newSSEEnv(t, true)
	ck := newCustomer(t)
	ctx := t.Context()
	parts := [][]byte{randomData(5<<20 + 7), randomData(100<<10 + 3)}
	up, err := e.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"),
		SSECustomerAlgorithm: ck.alg, SSECustomerKey: ck.key, SSECustomerKeyMD5: ck.md5})
	if err != nil {
		t.Fatal(err)
	}
	var done []types.CompletedPart
	for i, p := range parts {
		n := int32(i + 1)
		out, err := e.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: up.UploadId, PartNumber: aws.Int32(n),
			Body: bytes.NewReader(p), SSECustomerAlgorithm: ck.alg, SSECustomerKey: ck.key, SSECustomerKeyMD5: ck.md5})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag})
	}
	_, err = e.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: up.UploadId, PartNumber: aws.Int32(3), Body: strings.NewReader("x")})
	wantCode(t, err, "InvalidRequest")
	other := newCustomer(t)
	_, err = e.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: up.UploadId, PartNumber: aws.Int32(3),
		Body: strings.NewReader("x"), SSECustomerAlgorithm: other.alg, SSECustomerKey: other.key, SSECustomerKeyMD5: other.md5})
	wantCode(t, err, "AccessDenied")
	lp, err := e.s3.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: up.UploadId})
	if err != nil || len(lp.Parts) != 2 || aws.ToInt64(lp.Parts[0].Size) != int64(len(parts[0])) {
		t.Fatalf("ListParts: %v %+v", err, lp)
	}
	if _, err := e.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done}}); err != nil {
		t.Fatal(err)
	}
	whole := append(append([]byte{}, parts[0]...), parts[1]...)
	b0 := len(parts[0])
	for _, rng := range [][2]int{{0, len(whole) - 1}, {b0 - 10, b0 + 10}, {b0 - 1, b0 - 1}, {b0, b0}, {65536*80 - 5, len(whole) - 1}} {
		got, _, err := e.get(t, &s3.GetObjectInput{Key: aws.String("mp"), Range: aws.String(fmt.Sprintf("bytes=%d-%d", rng[0], rng[1])),
			SSECustomerAlgorithm: ck.alg, SSECustomerKey: ck.key, SSECustomerKeyMD5: ck.md5})
		if err != nil || !bytes.Equal(got, whole[rng[0]:rng[1]+1]) {
			t.Fatalf("range %v: %v", rng, err)
		}
	}
	got, out, err := e.get(t, &s3.GetObjectInput{Key: aws.String("mp"), PartNumber: aws.Int32(2), SSECustomerAlgorithm: ck.alg, SSECustomerKey: ck.key, SSECustomerKeyMD5: ck.md5})
	if err != nil || !bytes.Equal(got, parts[1]) || aws.ToInt32(out.PartsCount) != 2 {
		t.Fatalf("part 2: %v", err)
	}

	// Copies that change the method: SSE-C -> SSE-S3 -> plain -> SSE-KMS.
	steps := []struct {
		src, dst string
		in       func(*s3.CopyObjectInput)
		want     types.ServerSideEncryption
	}{
		{"mp", "c-s3", func(in *s3.CopyObjectInput) {
			in.CopySourceSSECustomerAlgorithm, in.CopySourceSSECustomerKey, in.CopySourceSSECustomerKeyMD5 = ck.alg, ck.key, ck.md5
			in.ServerSideEncryption = types.ServerSideEncryptionAes256
		}, types.ServerSideEncryptionAes256},
		{"c-s3", "c-plain", func(*s3.CopyObjectInput) {}, ""},
		{"c-plain", "c-kms", func(in *s3.CopyObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAwsKms }, types.ServerSideEncryptionAwsKms},
		{"c-kms", "c-kms", func(in *s3.CopyObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAes256 }, types.ServerSideEncryptionAes256},
	}
	for _, st := range steps {
		in := &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String(st.dst), CopySource: aws.String("bkt/" + st.src)}
		st.in(in)
		out, err := e.s3.CopyObject(ctx, in)
		if err != nil {
			t.Fatalf("copy %s -> %s: %v", st.src, st.dst, err)
		}
		if out.ServerSideEncryption != st.want {
			t.Fatalf("copy %s -> %s: encryption %q", st.src, st.dst, out.ServerSideEncryption)
		}
		got, gout, err := e.get(t, &s3.GetObjectInput{Key: aws.String(st.dst)})
		if err != nil || !bytes.Equal(got, whole) || gout.ServerSideEncryption != st.want {
			t.Fatalf("read %s: %v", st.dst, err)
		}
	}
	_, err = e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("c-nokey"), CopySource: aws.String("bkt/mp")})
	wantCode(t, err, "InvalidRequest")

	// UploadPartCopy from the SSE-C object into an SSE-S3 upload.
	up2, err := e.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp2"), ServerSideEncryption: types.ServerSideEncryptionAes256})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := e.s3.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("bkt"), Key: aws.String("mp2"), UploadId: up2.UploadId, PartNumber: aws.Int32(1),
		CopySource: aws.String("bkt/mp"), CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", b0-100, b0+99)),
		CopySourceSSECustomerAlgorithm: ck.alg, CopySourceSSECustomerKey: ck.key, CopySourceSSECustomerKeyMD5: ck.md5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp2"), UploadId: up2.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: pc.CopyPartResult.ETag}}}}); err != nil {
		t.Fatal(err)
	}
	got, _, err = e.get(t, &s3.GetObjectInput{Key: aws.String("mp2")})
	if err != nil || !bytes.Equal(got, whole[b0-100:b0+100]) {
		t.Fatalf("part copy: %v", err)
	}
}

func TestBucketEncryption(t *testing.T) {
	e := newSSEEnv(t, true)
	ctx := t.Context()
	_, err := e.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("bkt")})
	wantCode(t, err, "ServerSideEncryptionConfigurationNotFoundError")
	bad := types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{
		SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("no-such-key")}}
	_, err = e.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("bkt"),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{bad}}})
	wantCode(t, err, "KMS.NotFoundException")
	rule := types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{
		SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("test-key")}}
	if _, err := e.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("bkt"),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{rule}}}); err != nil {
		t.Fatal(err)
	}
	got, err := e.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("bkt")})
	if err != nil || aws.ToString(got.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != "test-key" {
		t.Fatalf("GetBucketEncryption: %v %+v", err, got)
	}
	out, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: strings.NewReader("hello")})
	if err != nil || out.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(out.SSEKMSKeyId) != "test-key" {
		t.Fatalf("PUT under default encryption: %v %+v", err, out)
	}
	if _, err := e.s3.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String("bkt")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("bkt")})
	wantCode(t, err, "ServerSideEncryptionConfigurationNotFoundError")
	data, gout, err := e.get(t, &s3.GetObjectInput{Key: aws.String("k")})
	if err != nil || string(data) != "hello" || gout.ServerSideEncryption != types.ServerSideEncryptionAwsKms {
		t.Fatalf("GET after clearing: %v", err)
	}
}

func TestSSEInsecureLoopback(t *testing.T) {
	for _, on := range []bool{false, true} {
		t.Run(strconv.FormatBool(on), func(t *testing.T) {
			s := &server{cfg: Config{SSEInsecureLoopback: on}}
			for addr, want := range map[string]bool{"127.0.0.1:5000": on, "[::1]:5000": on, "10.0.0.1:5000": false} {
				r := httptest.NewRequest("PUT", "/b/k", nil)
				r.RemoteAddr = addr
				if got := s.secure(&call{r: r}); got != want {
					t.Fatalf("%s: secure = %v, want %v", addr, got, want)
				}
			}
		})
	}
}

func TestSSEPostAndEmpty(t *testing.T) {
	e := newSSEEnv(t, true)
	ctx := t.Context()
	t.Run("post sse-c", func(t *testing.T) {
		ck := newCustomer(t)
		mc, err := minio.New(strings.TrimPrefix(e.srv.URL, "https://"), &minio.Options{Secure: true, Transport: e.srv.Client().Transport,
			Creds: miniocreds.NewStaticV4(testAccessKey, testSecretKey, ""), Region: testRegion})
		if err != nil {
			t.Fatal(err)
		}
		key, _ := base64.StdEncoding.DecodeString(*ck.key)
		sse, err := encrypt.NewSSEC(key)
		if err != nil {
			t.Fatal(err)
		}
		p := minio.NewPostPolicy()
		_ = p.SetBucket("bkt")
		_ = p.SetKey("posted")
		_ = p.SetExpires(time.Now().Add(time.Hour))
		p.SetEncryption(sse)
		u, form, err := mc.PresignedPostPolicy(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		data := randomData(70000)
		body, ct := postForm(t, form, "f.bin", data)
		resp, err := e.srv.Client().Post(u.String(), ct, body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get(sseCPrefix+"algorithm") != "AES256" {
			t.Fatalf("POST: %d %s %v", resp.StatusCode, b, resp.Header)
		}
		got, _, err := e.get(t, &s3.GetObjectInput{Key: aws.String("posted"), SSECustomerAlgorithm: ck.alg, SSECustomerKey: ck.key, SSECustomerKeyMD5: ck.md5})
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("GET of the posted object: %v", err)
		}
		_, _, err = e.get(t, &s3.GetObjectInput{Key: aws.String("posted")})
		wantCode(t, err, "InvalidRequest")
	})
	t.Run("empty objects", func(t *testing.T) {
		for _, m := range []types.ServerSideEncryption{types.ServerSideEncryptionAes256, types.ServerSideEncryptionAwsKms} {
			k := "empty-" + string(m)
			if _, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k), Body: bytes.NewReader(nil), ServerSideEncryption: m}); err != nil {
				t.Fatal(err)
			}
			got, out, err := e.get(t, &s3.GetObjectInput{Key: aws.String(k)})
			if err != nil || len(got) != 0 || out.ServerSideEncryption != m || aws.ToInt64(out.ContentLength) != 0 {
				t.Fatalf("GET empty %s: %v", m, err)
			}
			_, _, err = e.get(t, &s3.GetObjectInput{Key: aws.String(k), Range: aws.String("bytes=0-0")})
			wantCode(t, err, "InvalidRange")
		}
	})
}

func TestSSEKMSKeyARN(t *testing.T) {
	e := newSSEEnv(t, true)
	const arn = "arn:aws:kms:us-east-1:123456789012:key/test-key"
	out, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("arn"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(arn), BucketKeyEnabled: aws.Bool(true)})
	if err != nil || aws.ToString(out.SSEKMSKeyId) != arn || !aws.ToBool(out.BucketKeyEnabled) {
		t.Fatalf("PUT: %v %+v", err, out)
	}
	head, err := e.s3.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("arn")})
	if err != nil || aws.ToString(head.SSEKMSKeyId) != arn || !aws.ToBool(head.BucketKeyEnabled) || aws.ToInt64(head.ContentLength) != 1 {
		t.Fatalf("HEAD: %v %+v", err, head)
	}
}

func TestSSEConditionalAndPartReads(t *testing.T) {
	e := newSSEEnv(t, true)
	ctx := t.Context()
	data := randomData(200_000)
	out, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader(data), ServerSideEncryption: types.ServerSideEncryptionAes256})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = e.get(t, &s3.GetObjectInput{Key: aws.String("k"), IfNoneMatch: out.ETag})
	if err == nil || !strings.Contains(err.Error(), "304") {
		t.Fatalf("If-None-Match of the ETag: %v, want 304", err)
	}
	_, _, err = e.get(t, &s3.GetObjectInput{Key: aws.String("k"), IfMatch: aws.String(`"0123"`)})
	wantCode(t, err, "PreconditionFailed")
	_, _, err = e.get(t, &s3.GetObjectInput{Key: aws.String("k"), Range: aws.String("bytes=200000-")})
	wantCode(t, err, "InvalidRange")
	got, gout, err := e.get(t, &s3.GetObjectInput{Key: aws.String("k"), PartNumber: aws.Int32(1)})
	if err != nil || !bytes.Equal(got, data) || aws.ToInt64(gout.ContentLength) != int64(len(data)) {
		t.Fatalf("partNumber=1 of a single-part encrypted object: %v", err)
	}
}

// TestSSECSelfCopyNeedsKey: a metadata-only copy of an SSE-C object onto
// itself reads the source, so it needs the source's key like any copy; with
// the key it rewrites the object and the data still reads back.
func TestSSECSelfCopyNeedsKey(t *testing.T) {
	e := newSSEEnv(t, true)
	ck := newCustomer(t)
	ctx := t.Context()
	data := randomData(1000)
	if _, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("c"), Body: bytes.NewReader(data),
		SSECustomerAlgorithm: ck.alg, SSECustomerKey: ck.key, SSECustomerKeyMD5: ck.md5}); err != nil {
		t.Fatal(err)
	}
	self := &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("c"), CopySource: aws.String("bkt/c"),
		MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"owner": "mallory"}}
	_, err := e.s3.CopyObject(ctx, self)
	wantCode(t, err, "InvalidRequest")
	head, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("c"),
		SSECustomerAlgorithm: ck.alg, SSECustomerKey: ck.key, SSECustomerKeyMD5: ck.md5})
	if err != nil || head.Metadata["owner"] != "" {
		t.Fatalf("after a refused self-copy: metadata %v, %v", head.Metadata, err)
	}
	self.CopySourceSSECustomerAlgorithm, self.CopySourceSSECustomerKey, self.CopySourceSSECustomerKeyMD5 = ck.alg, ck.key, ck.md5
	self.SSECustomerAlgorithm, self.SSECustomerKey, self.SSECustomerKeyMD5 = ck.alg, ck.key, ck.md5
	if _, err := e.s3.CopyObject(ctx, self); err != nil {
		t.Fatalf("self-copy with the key: %v", err)
	}
	got, out, err := e.get(t, &s3.GetObjectInput{Key: aws.String("c"), SSECustomerAlgorithm: ck.alg, SSECustomerKey: ck.key, SSECustomerKeyMD5: ck.md5})
	if err != nil || !bytes.Equal(got, data) || out.Metadata["owner"] != "mallory" {
		t.Fatalf("after the keyed self-copy: %v, metadata %v, equal %v", err, out.Metadata, bytes.Equal(got, data))
	}
}
