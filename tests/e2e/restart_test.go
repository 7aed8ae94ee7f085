package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestRestartKeepsData runs its own server: whatever was acknowledged before
// a clean stop (SIGTERM) or a crash (SIGKILL) is there, byte-exact, after a
// restart on the same drives.
func TestRestartKeepsData(t *testing.T) {
	t.Parallel()
	bin, err := suite.binary()
	if err != nil {
		t.Fatalf("silo binary: %v", err)
	}
	srv, err := startServer(bin, filepath.Join(suite.root, "restart"), false)
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
	bucket := uniqueBucket(t, "restart")
	c := newAWSClient(srv, aws.RequestChecksumCalculationWhenSupported)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	want := map[string][]byte{}
	put := func(key string, data []byte) {
		t.Helper()
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
			t.Fatalf("PutObject %s: %v", key, err)
		}
		want[key] = data
	}
	for i := range 40 {
		put(fmt.Sprintf("small/%02d", i), randomData(100+i*50, uint64(i)))
	}
	put("large", randomData(3*mib+1, 99))
	parts := [][]byte{randomData(5*mib, 1), randomData(1000, 2)}
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: aws.String("multipart")})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	var done []types.CompletedPart
	for i, p := range parts {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: aws.String("multipart"), UploadId: up.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatalf("UploadPart: %v", err)
		}
		done = append(done, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1)), ChecksumCRC32: out.ChecksumCRC32})
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket, Key: aws.String("multipart"), UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}}); err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	want["multipart"] = bytes.Join(parts, nil)

	verify := func(t *testing.T) {
		t.Helper()
		c := newAWSClient(srv, aws.RequestChecksumCalculationWhenSupported)
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
		if err != nil {
			t.Fatalf("ListObjectsV2 after restart: %v", err)
		}
		if len(out.Contents) != len(want) {
			t.Errorf("%d objects listed after restart, want %d", len(out.Contents), len(want))
		}
		for k, data := range want {
			assertObject(t, c, bucket, k, data)
		}
	}

	t.Run("sigterm", func(t *testing.T) {
		if err := srv.stop(); err != nil {
			t.Fatalf("SIGTERM: %v", err)
		}
		if err := srv.launch(bin); err != nil {
			t.Fatalf("restart: %v", err)
		}
		verify(t)
	})
	t.Run("sigkill", func(t *testing.T) {
		put("after-restart", randomData(777, 7)) // acknowledged just before the crash
		if err := syscall.Kill(srv.cmd.Process.Pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		select {
		case <-srv.exited:
		case <-time.After(10 * time.Second):
			t.Fatal("silo did not die on SIGKILL")
		}
		if err := srv.launch(bin); err != nil {
			t.Fatalf("restart after SIGKILL: %v", err)
		}
		verify(t)
	})
}

// TestTLSVersions: the TLS listener refuses TLS 1.1 and speaks 1.2 and 1.3.
func TestTLSVersions(t *testing.T) {
	t.Parallel()
	srv := tlsServer(t)
	for _, tc := range []struct {
		name    string
		version uint16
		ok      bool
	}{
		{"tls1.1", tls.VersionTLS11, false},
		{"tls1.2", tls.VersionTLS12, true},
		{"tls1.3", tls.VersionTLS13, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := tls.Dial("tcp", srv.host, &tls.Config{RootCAs: srv.caPool, ServerName: "127.0.0.1", MinVersion: tc.version, MaxVersion: tc.version})
			if err == nil {
				conn.Close()
			}
			if (err == nil) != tc.ok {
				t.Errorf("handshake with %s: err=%v, want ok=%v", tc.name, err, tc.ok)
			}
		})
	}
}

// TestMinioEnvAliases: MINIO_ROOT_USER / MINIO_ROOT_PASSWORD work as aliases
// of the SILO_* variables, as operators replacing MinIO expect.
func TestMinioEnvAliases(t *testing.T) {
	t.Parallel()
	bin, err := suite.binary()
	if err != nil {
		t.Fatalf("silo binary: %v", err)
	}
	const user, pass = "minio-alias-user", "minio-alias-password-42"
	srv, err := startServerEnv(bin, filepath.Join(suite.root, "alias"), false,
		[]string{"MINIO_ROOT_USER=" + user, "MINIO_ROOT_PASSWORD=" + pass})
	if err != nil {
		t.Fatalf("start with MINIO_* credentials: %v", err)
	}
	defer func() {
		if err := srv.stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	ctx := context.Background()
	cfg := aws.Config{Region: region, Credentials: credentials.NewStaticCredentialsProvider(user, pass, ""), HTTPClient: srv.client, RetryMaxAttempts: 1}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(srv.endpoint); o.UsePathStyle = true })
	bucket := uniqueBucket(t, "alias")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("CreateBucket with the MINIO_ROOT_* credentials: %v", err)
	}
	_, err = newAWSClient(srv, aws.RequestChecksumCalculationWhenRequired).ListBuckets(ctx, &s3.ListBucketsInput{})
	wantAPIError(t, err, "InvalidAccessKeyId", http.StatusForbidden)
}
