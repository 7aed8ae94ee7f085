package e2e

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
)

// vhostTransport sends every connection, whatever the host name, to srv: so
// that <bucket>.s3.silo.test reaches the server without DNS.
func vhostTransport(srv *server) *http.Transport {
	tr := srv.client.Transport.(*http.Transport).Clone()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, srv.host)
	}
	tr.Proxy = nil
	return tr
}

// vhostEndpoint is the server's endpoint under the virtual-host domain.
func vhostEndpoint(srv *server) string {
	_, port, _ := net.SplitHostPort(srv.host)
	return strings.SplitN(srv.endpoint, "://", 2)[0] + "://" + vhostDomain + ":" + port
}

// TestVirtualHostStyle: with SILO_DOMAIN set, <bucket>.<domain> requests
// (signed over that Host) work for aws-sdk-go-v2 and minio-go, and see the
// same objects as path-style requests.
func TestVirtualHostStyle(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *server) {
		ctx := context.Background()
		cfg := aws.Config{
			Region:           region,
			Credentials:      credentials.NewStaticCredentialsProvider(rootUser, rootPassword, ""),
			HTTPClient:       &http.Client{Transport: vhostTransport(srv)},
			RetryMaxAttempts: 1,
		}
		vc := s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.BaseEndpoint = aws.String(vhostEndpoint(srv))
			o.UsePathStyle = false
		})
		pc := newAWSClient(srv, aws.RequestChecksumCalculationWhenSupported)
		bucket := uniqueBucket(t, "vhost")
		if _, err := vc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
			t.Fatalf("CreateBucket (virtual-host): %v", err)
		}
		data := randomData(200<<10, 5)
		if _, err := vc.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("a/b c.bin"), Body: bytes.NewReader(data)}); err != nil {
			t.Fatalf("PutObject (virtual-host): %v", err)
		}
		assertObject(t, pc, bucket, "a/b c.bin", data) // path-style sees it
		assertObject(t, vc, bucket, "a/b c.bin", data)
		out, err := vc.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
		if err != nil || len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "a/b c.bin" {
			t.Fatalf("ListObjectsV2 (virtual-host): %v %+v", err, out)
		}

		mc, err := minio.New(vhostDomain+":"+strings.SplitN(srv.host, ":", 2)[1], &minio.Options{
			Creds: miniocreds.NewStaticV4(rootUser, rootPassword, ""), Secure: srv.tls,
			Transport: vhostTransport(srv), Region: region, BucketLookup: minio.BucketLookupDNS,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mc.PutObject(ctx, bucket, "m/obj", bytes.NewReader(data), -1, minio.PutObjectOptions{PartSize: 5 * mib}); err != nil {
			t.Fatalf("minio-go PutObject (virtual-host, streaming): %v", err)
		}
		assertObject(t, pc, bucket, "m/obj", data)

		for _, k := range []string{"a/b c.bin", "m/obj"} {
			if _, err := vc.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: aws.String(k)}); err != nil {
				t.Fatalf("DeleteObject (virtual-host): %v", err)
			}
		}
		if _, err := vc.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket}); err != nil {
			t.Fatalf("DeleteBucket (virtual-host): %v", err)
		}
	})
}
