package api

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/silo-project/silo/storage/erasure"
)

// engineHealth adapts the erasure engine's health to HealthReporter.
type engineHealth struct{ s *erasure.Store }

func (h engineHealth) Health(ctx context.Context) Health {
	eh := h.s.Health(ctx)
	return Health{DrivesOnline: eh.DrivesOnline, DrivesTotal: eh.DrivesTotal, WriteQuorum: eh.WriteQuorum}
}

// env is a running S3 handler over a real erasure store on four temporary
// drives, with clients for it.
type env struct {
	srv   *httptest.Server
	store *erasure.Store
	s3    *s3.Client
	minio *minio.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st := openTestEngine(t)
	srv := newTestServer(t, st, Config{}, engineHealth{st})
	cli := s3.New(s3.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, ""),
	})
	mc, err := minio.New(strings.TrimPrefix(srv.URL, "http://"), &minio.Options{
		Creds: miniocreds.NewStaticV4(testAccessKey, testSecretKey, ""), Region: testRegion,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, store: st, s3: cli, minio: mc}
}

// openTestEngine opens an erasure store on four temporary drives.
func openTestEngine(t testing.TB) *erasure.Store {
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
	return st
}

// bucket creates a bucket with the given name.
func (e *env) bucket(t *testing.T, name string) string {
	t.Helper()
	if _, err := e.s3.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
	return name
}

// put stores body at bucket/key.
func (e *env) put(t *testing.T, bucket, key, body string) *s3.PutObjectOutput {
	t.Helper()
	out, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
	return out
}

// apiCode returns the S3 error code of an SDK error ("" for nil).
func apiCode(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "non-API error: " + err.Error()
}

// wantCode fails unless err carries the S3 error code want.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := apiCode(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

// minioListOptions returns minio-go list options for prefix.
func minioListOptions(prefix string, recursive bool) minio.ListObjectsOptions {
	return minio.ListObjectsOptions{Prefix: prefix, Recursive: recursive}
}
