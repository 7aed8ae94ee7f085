package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/storage/erasure"
)

// iamClock is the IAM system's settable clock (signatures use real time).
type iamClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *iamClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }
func (c *iamClock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// iamEnv is the S3 handler with a real iam.System on a real erasure store.
type iamEnv struct {
	srv   *httptest.Server
	sys   *iam.System
	store *erasure.Store
	clock *iamClock
	root  *s3.Client
}

func newIAMEnv(t testing.TB) *iamEnv {
	t.Helper()
	st := openTestEngine(t)
	clk := &iamClock{}
	sys, err := iam.New(t.Context(), iam.Config{
		Root: iam.Credentials{AccessKey: testAccessKey, SecretKey: testSecretKey}, Store: st, Buckets: st, Now: clk.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Region: testRegion, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, Deps{
		Store: st, Auth: sigv4.NewVerifier(sigv4.Config{Region: testRegion, Credentials: sys}), Authz: sys, Health: engineHealth{st},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &iamEnv{srv: srv, sys: sys, store: st, clock: clk}
	e.root = e.client(testAccessKey, testSecretKey, "")
	return e
}

func (e *iamEnv) client(ak, sk, token string) *s3.Client {
	return s3.New(s3.Options{
		Region: testRegion, BaseEndpoint: aws.String(e.srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(ak, sk, token),
	})
}

func (e *iamEnv) stsClient(ak, sk string) *sts.Client {
	return sts.New(sts.Options{
		Region: testRegion, BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(ak, sk, ""),
	})
}

func putObj(ctx context.Context, c *s3.Client, bucket, key string) error {
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("data:" + key)})
	return err
}

func getObj(ctx context.Context, c *s3.Client, bucket, key string) error {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err == nil {
		_, err = io.Copy(io.Discard, out.Body)
		out.Body.Close()
	}
	return err
}

const photosRW = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["arn:aws:s3:::photos/*"]},
 {"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::photos"]}]}`

func (e *iamEnv) seedAlice(t *testing.T) *s3.Client {
	t.Helper()
	ctx := t.Context()
	for _, b := range []string{"photos", "logs"} {
		if _, err := e.root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.sys.AddUser(ctx, "alice", "alicesecret"))
	must(e.sys.SetPolicy(ctx, "photos-rw", []byte(photosRW)))
	must(e.sys.AttachPolicies(ctx, []string{"photos-rw"}, "alice", ""))
	return e.client("alice", "alicesecret", "")
}

func TestIAMEnforcement(t *testing.T) {
	e := newIAMEnv(t)
	ctx := t.Context()
	alice := e.seedAlice(t)
	if err := putObj(ctx, alice, "photos", "cat.jpg"); err != nil {
		t.Fatalf("alice put photos: %v", err)
	}
	if err := getObj(ctx, alice, "photos", "cat.jpg"); err != nil {
		t.Fatalf("alice get photos: %v", err)
	}
	wantCode(t, putObj(ctx, alice, "logs", "x"), "AccessDenied")
	wantCode(t, getObj(ctx, alice, "logs", "x"), "AccessDenied")
	_, err := alice.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("photos"), Key: aws.String("cat.jpg")})
	wantCode(t, err, "AccessDenied")
	_, err = alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("alices")})
	wantCode(t, err, "AccessDenied")

	t.Run("ListBuckets shows only visible buckets", func(t *testing.T) {
		out, err := alice.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Buckets) != 1 || aws.ToString(out.Buckets[0].Name) != "photos" {
			t.Fatalf("alice sees %d buckets, want photos only", len(out.Buckets))
		}
		out, err = e.root.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil || len(out.Buckets) != 2 {
			t.Fatalf("root ListBuckets = %v, %v", out, err)
		}
	})
	t.Run("copy needs read on the source", func(t *testing.T) {
		if err := putObj(ctx, e.root, "logs", "secret"); err != nil {
			t.Fatal(err)
		}
		_, err := alice.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("photos"), Key: aws.String("stolen"), CopySource: aws.String("logs/secret")})
		wantCode(t, err, "AccessDenied")
	})
	t.Run("condition keys reach the policy", func(t *testing.T) {
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(e.sys.AddUser(ctx, "tlsonly", "tlsonlysecret"))
		must(e.sys.SetPolicy(ctx, "photos-tls", []byte(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::photos/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}},
			{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::photos"],"Condition":{"StringEquals":{"s3:prefix":"${aws:username}/"}}}]}`)))
		must(e.sys.AttachPolicies(ctx, []string{"photos-tls"}, "tlsonly", ""))
		c := e.client("tlsonly", "tlsonlysecret", "")
		wantCode(t, getObj(ctx, c, "photos", "cat.jpg"), "AccessDenied") // plain HTTP
		_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("photos"), Prefix: aws.String("tlsonly/")})
		if err != nil {
			t.Fatalf("list own prefix: %v", err)
		}
		_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("photos"), Prefix: aws.String("alice/")})
		wantCode(t, err, "AccessDenied")
	})
	t.Run("disabled user is refused everywhere, root unaffected", func(t *testing.T) {
		if err := e.sys.SetUserEnabled(ctx, "alice", false); err != nil {
			t.Fatal(err)
		}
		wantCode(t, getObj(ctx, alice, "photos", "cat.jpg"), "InvalidAccessKeyId")
		if err := getObj(ctx, e.root, "photos", "cat.jpg"); err != nil {
			t.Fatalf("root: %v", err)
		}
	})
}

func TestServiceAccountOverS3(t *testing.T) {
	e := newIAMEnv(t)
	ctx := t.Context()
	e.seedAlice(t)
	sa, err := e.sys.AddServiceAccount(ctx, "alice", iam.ServiceAccountOptions{
		Policy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client(sa.AccessKey, sa.SecretKey, "")
	if err := putObj(ctx, c, "photos", "a"); err != nil {
		t.Fatalf("within parent: %v", err)
	}
	wantCode(t, putObj(ctx, c, "logs", "a"), "AccessDenied")
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("escalate")})
	wantCode(t, err, "AccessDenied")
	if err := e.sys.SetUserEnabled(ctx, "alice", false); err != nil {
		t.Fatal(err)
	}
	wantCode(t, putObj(ctx, c, "photos", "a"), "AccessDenied")
	_, err = c.ListBuckets(ctx, &s3.ListBucketsInput{})
	wantCode(t, err, "AccessDenied")
}

func TestBucketPolicyOverS3(t *testing.T) {
	e := newIAMEnv(t)
	ctx := t.Context()
	if _, err := e.root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("pub")}); err != nil {
		t.Fatal(err)
	}
	if err := putObj(ctx, e.root, "pub", "hello.txt"); err != nil {
		t.Fatal(err)
	}
	anonGet := func() int {
		resp, err := http.Get(e.srv.URL + "/pub/hello.txt")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := anonGet(); code != http.StatusForbidden {
		t.Fatalf("anonymous GET without policy = %d", code)
	}
	_, err := e.root.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("pub")})
	wantCode(t, err, "NoSuchBucketPolicy")
	bad := []string{
		`not json`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"}]}`,                                                             // no Principal
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`,                                           // other bucket
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:Fly","Resource":"arn:aws:s3:::pub/*"}]}`,                                                   // unknown action
		`{"Version":"2012-10-17","Id":"` + strings.Repeat("x", 21*1024) + `","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"}]}`, // over 20 KiB
	}
	for i, doc := range bad {
		t.Run("malformed "+strconv.Itoa(i), func(t *testing.T) {
			_, err := e.root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("pub"), Policy: aws.String(doc)})
			wantCode(t, err, "MalformedPolicy")
		})
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::pub/*"]}]}`
	if _, err := e.root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("pub"), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	got, err := e.root.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("pub")})
	if err != nil || aws.ToString(got.Policy) != doc {
		t.Fatalf("GetBucketPolicy = %v, %v", got, err)
	}
	st, err := e.root.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("pub")})
	if err != nil || !aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatalf("GetBucketPolicyStatus = %+v, %v", st, err)
	}
	if code := anonGet(); code != http.StatusOK {
		t.Fatalf("anonymous GET with policy = %d", code)
	}
	req, _ := http.NewRequest(http.MethodPut, e.srv.URL+"/pub/evil", strings.NewReader("x"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("anonymous PUT = %d", resp.StatusCode)
	}
	// minio-go anonymous client reads through the policy too.
	anon, err := minio.New(strings.TrimPrefix(e.srv.URL, "http://"), &minio.Options{Creds: miniocreds.NewStaticV4("", "", ""), Region: testRegion})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := anon.GetObject(ctx, "pub", "hello.txt", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(obj); err != nil || string(b) != "data:hello.txt" {
		t.Fatalf("minio-go anonymous read = %q, %v", b, err)
	}

	if _, err := e.root.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("pub")}); err != nil {
		t.Fatal(err)
	}
	if code := anonGet(); code != http.StatusForbidden {
		t.Fatalf("anonymous GET after DeleteBucketPolicy = %d", code)
	}
	t.Run("deleting the bucket removes its policy", func(t *testing.T) {
		if _, err := e.root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("pub"), Policy: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
		if code := anonGet(); code != http.StatusOK {
			t.Fatalf("anonymous GET = %d", code)
		}
		if _, err := e.root.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("pub")}); err == nil {
			t.Fatal("deleting a non-empty bucket succeeded")
		}
		if _, err := e.root.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("pub"), Key: aws.String("hello.txt")}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.root.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("pub")}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("pub")}); err != nil {
			t.Fatal(err)
		}
		if err := putObj(ctx, e.root, "pub", "hello.txt"); err != nil {
			t.Fatal(err)
		}
		if code := anonGet(); code != http.StatusForbidden {
			t.Fatalf("anonymous GET on the re-created bucket = %d", code)
		}
		_, err := e.root.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("pub")})
		wantCode(t, err, "NoSuchBucketPolicy")
	})
}

func TestAssumeRoleOverHTTP(t *testing.T) {
	e := newIAMEnv(t)
	ctx := t.Context()
	e.seedAlice(t)
	out, err := e.stsClient("alice", "alicesecret").AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:xxx:xxx:xxx:xxxx"), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(900),
	})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	cr := out.Credentials
	if exp := time.Until(aws.ToTime(cr.Expiration)); exp < 14*time.Minute || exp > 16*time.Minute {
		t.Fatalf("expiration in %v, want 15m", exp)
	}
	tmp := e.client(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	if err := putObj(ctx, tmp, "photos", "from-session"); err != nil {
		t.Fatalf("session put: %v", err)
	}
	wantCode(t, putObj(ctx, tmp, "logs", "x"), "AccessDenied")
	forged := e.client(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken)+"x")
	wantCode(t, getObj(ctx, forged, "photos", "from-session"), "InvalidToken")
	noToken := e.client(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), "")
	wantCode(t, getObj(ctx, noToken, "photos", "from-session"), "InvalidToken")

	t.Run("presigned URL with session credentials", func(t *testing.T) {
		ps := s3.NewPresignClient(tmp)
		req, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("from-session")})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(req.URL, "X-Amz-Security-Token=") {
			t.Fatalf("presigned URL without session token: %s", req.URL)
		}
		resp, err := http.Get(req.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != "data:from-session" {
			t.Fatalf("presigned GET = %d %q", resp.StatusCode, body)
		}
		forged := strings.Replace(req.URL, "X-Amz-Security-Token=", "X-Amz-Security-Token=x", 1)
		resp, err = http.Get(forged)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("presigned GET with a forged token succeeded")
		}
	})
	t.Run("session policy narrows", func(t *testing.T) {
		out, err := e.stsClient("alice", "alicesecret").AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:x"), RoleSessionName: aws.String("s2"),
			Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::*"]}]}`),
		})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
		if err := getObj(ctx, c, "photos", "from-session"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, putObj(ctx, c, "photos", "y"), "AccessDenied")
		wantCode(t, getObj(ctx, c, "logs", "y"), "AccessDenied")
	})
	t.Run("aws-sdk-go-v2 stscreds provider", func(t *testing.T) {
		prov := stscreds.NewAssumeRoleProvider(e.stsClient("alice", "alicesecret"), "arn:aws:iam::000000000000:role/any")
		c := s3.New(s3.Options{
			Region: testRegion, BaseEndpoint: aws.String(e.srv.URL), UsePathStyle: true,
			Credentials: aws.NewCredentialsCache(prov),
		})
		if err := getObj(ctx, c, "photos", "from-session"); err != nil {
			t.Fatalf("stscreds credentials: %v", err)
		}
		wantCode(t, getObj(ctx, c, "logs", "x"), "AccessDenied")
	})
	t.Run("minio-go STS client", func(t *testing.T) {
		p, err := miniocreds.NewSTSAssumeRole(e.srv.URL, miniocreds.STSAssumeRoleOptions{AccessKey: "alice", SecretKey: "alicesecret", Location: testRegion, DurationSeconds: 3600})
		if err != nil {
			t.Fatal(err)
		}
		mc, err := minio.New(strings.TrimPrefix(e.srv.URL, "http://"), &minio.Options{Creds: p, Region: testRegion})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mc.StatObject(ctx, "photos", "from-session", minio.StatObjectOptions{}); err != nil {
			t.Fatalf("minio-go with STS credentials: %v", err)
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		tests := []struct {
			name string
			in   *sts.AssumeRoleInput
			ak   string
			sk   string
			code string
		}{
			{"too short", &sts.AssumeRoleInput{RoleArn: aws.String("a"), RoleSessionName: aws.String("s"), DurationSeconds: aws.Int32(899)}, "alice", "alicesecret", "ValidationError"},
			{"too long", &sts.AssumeRoleInput{RoleArn: aws.String("a"), RoleSessionName: aws.String("s"), DurationSeconds: aws.Int32(43201)}, "alice", "alicesecret", "ValidationError"},
			{"bad policy", &sts.AssumeRoleInput{RoleArn: aws.String("a"), RoleSessionName: aws.String("s"), Policy: aws.String(`{"Statement":"nope"}`)}, "alice", "alicesecret", "MalformedPolicyDocument"},
			{"unknown key", &sts.AssumeRoleInput{RoleArn: aws.String("a"), RoleSessionName: aws.String("s")}, "mallory", "mallorysecret", "InvalidClientTokenId"},
			{"wrong secret", &sts.AssumeRoleInput{RoleArn: aws.String("a"), RoleSessionName: aws.String("s")}, "alice", "wrongsecret", "SignatureDoesNotMatch"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.stsClient(tt.ak, tt.sk).AssumeRole(ctx, tt.in)
				wantCode(t, err, tt.code)
			})
		}
	})
	t.Run("expired session", func(t *testing.T) {
		e.clock.advance(16 * time.Minute)
		wantCode(t, getObj(ctx, tmp, "photos", "from-session"), "ExpiredToken")
	})
	t.Run("disabled parent", func(t *testing.T) {
		out, err := e.stsClient("alice", "alicesecret").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("a"), RoleSessionName: aws.String("s")})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
		if err := e.sys.SetUserEnabled(ctx, "alice", false); err != nil {
			t.Fatal(err)
		}
		wantCode(t, getObj(ctx, c, "photos", "from-session"), "AccessDenied")
	})
}

func TestRequestObjectTagCondition(t *testing.T) {
	e := newIAMEnv(t)
	ctx := t.Context()
	e.seedAlice(t)
	if err := e.sys.AddUser(ctx, "tagger", "taggersecret"); err != nil {
		t.Fatal(err)
	}
	if err := e.sys.SetPolicy(ctx, "tagged-only", []byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::photos/*"],"Condition":{"StringEquals":{"s3:RequestObjectTag/team":"blue"}}}]}`)); err != nil {
		t.Fatal(err)
	}
	if err := e.sys.AttachPolicies(ctx, []string{"tagged-only"}, "tagger", ""); err != nil {
		t.Fatal(err)
	}
	c := e.client("tagger", "taggersecret", "")
	put := func(tagging string) error {
		in := &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("t"), Body: strings.NewReader("x")}
		if tagging != "" {
			in.Tagging = aws.String(tagging)
		}
		_, err := c.PutObject(ctx, in)
		return err
	}
	if err := put("team=blue"); err != nil {
		t.Fatalf("put with team=blue: %v", err)
	}
	wantCode(t, put("team=red"), "AccessDenied")
	wantCode(t, put(""), "AccessDenied")
}

func TestExistingObjectTagCondition(t *testing.T) {
	e := newIAMEnv(t)
	ctx := t.Context()
	e.seedAlice(t)
	for key, tagging := range map[string]string{"open": "public=yes", "closed": "public=no", "untagged": ""} {
		in := &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String(key), Body: strings.NewReader("x")}
		if tagging != "" {
			in.Tagging = aws.String(tagging)
		}
		if _, err := e.root.PutObject(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.sys.AddUser(ctx, "reader", "readersecret"); err != nil {
		t.Fatal(err)
	}
	if err := e.sys.SetPolicy(ctx, "public-only", []byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::photos/*"],"Condition":{"StringEquals":{"s3:ExistingObjectTag/public":"yes"}}}]}`)); err != nil {
		t.Fatal(err)
	}
	if err := e.sys.AttachPolicies(ctx, []string{"public-only"}, "reader", ""); err != nil {
		t.Fatal(err)
	}
	c := e.client("reader", "readersecret", "")
	if err := getObj(ctx, c, "photos", "open"); err != nil {
		t.Fatalf("reading a public=yes object: %v", err)
	}
	wantCode(t, getObj(ctx, c, "photos", "closed"), "AccessDenied")
	wantCode(t, getObj(ctx, c, "photos", "untagged"), "AccessDenied")
	wantCode(t, getObj(ctx, c, "photos", "missing"), "AccessDenied")
}
