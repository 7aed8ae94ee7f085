package sigv4

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// onlyReader hides Seek so SDKs treat the body as a stream.
type onlyReader struct{ io.Reader }

// TestAWSSDKClientPutObject drives the real aws-sdk-go-v2 S3 client, with
// its default flexible checksums, against a server that verifies with
// Verifier and checksum.Reader.
func TestAWSSDKClientPutObject(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}})
	newClient := func(useTLS bool) (*s3.Client, <-chan outcome) {
		srv, ch := verifyServerTLS(t, v, useTLS)
		return s3.New(s3.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(srv.URL),
			UsePathStyle: true,
			HTTPClient:   srv.Client(),
			Credentials:  awscreds.NewStaticCredentialsProvider(exampleAccessKey, exampleSecret, ""),
		}), ch
	}
	plain, plainCh := newClient(false)
	secure, secureCh := newClient(true)
	data := bytes.Repeat([]byte("sdk payload "), 20000)
	tests := []struct {
		name   string
		key    string
		alg    types.ChecksumAlgorithm
		stream bool // unseekable body: needs TLS, sent as STREAMING-UNSIGNED-PAYLOAD-TRAILER
		tls    bool
	}{
		{name: "default checksum", key: "a/b c+d.txt"},
		{name: "CRC32C", key: "ünï/日本.bin", alg: types.ChecksumAlgorithmCrc32c},
		{name: "CRC64NVME", key: "k~*", alg: types.ChecksumAlgorithmCrc64nvme},
		{name: "SHA1", key: "sha1", alg: types.ChecksumAlgorithmSha1},
		{name: "SHA256", key: "sha256", alg: types.ChecksumAlgorithmSha256},
		{name: "TLS default checksum", key: "tls", tls: true},
		{name: "TLS CRC32", key: "tls32", alg: types.ChecksumAlgorithmCrc32, tls: true},
		{name: "TLS stream default checksum", key: "stream", stream: true, tls: true},
		{name: "TLS stream CRC64NVME", key: "stream64", alg: types.ChecksumAlgorithmCrc64nvme, stream: true, tls: true},
		{name: "TLS stream SHA256", key: "stream256", alg: types.ChecksumAlgorithmSha256, stream: true, tls: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = bytes.NewReader(data)
			if tt.stream {
				body = onlyReader{bytes.NewReader(data)}
			}
			in := &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String(tt.key), Body: body,
				ContentLength: aws.Int64(int64(len(data))), ChecksumAlgorithm: tt.alg}
			client, ch := plain, plainCh
			if tt.tls {
				client, ch = secure, secureCh
			}
			_, perr := client.PutObject(context.Background(), in)
			o := received(t, ch, perr)
			if o.err != nil {
				t.Fatalf("server: %v", o.err)
			}
			if perr != nil {
				t.Fatalf("client: %v", perr)
			}
			if !bytes.Equal(o.body, data) || o.res.AccessKey != exampleAccessKey {
				t.Fatalf("body %d bytes, result %+v", len(o.body), o.res)
			}
			if tt.alg != "" && len(o.sums) == 0 {
				t.Fatalf("no checksum verified (sums empty)")
			}
			t.Logf("scheme %s, sums %v, trailers %v", o.res.Scheme, o.sums, o.trailers)
		})
	}
}

// TestMinioClientPutObject drives the real minio-go client (streaming
// signatures over plain HTTP, optional trailing checksums).
func TestMinioClientPutObject(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}})
	srv, ch := verifyServer(t, v)
	u, _ := url.Parse(srv.URL)
	data := bytes.Repeat([]byte("minio payload "), 20000)
	tests := []struct {
		name string
		v2   bool
		opts minio.PutObjectOptions
	}{
		{name: "streaming signature"},
		{name: "streaming signature + CRC32C trailer", opts: minio.PutObjectOptions{Checksum: minio.ChecksumCRC32C}},
		{name: "streaming signature + CRC64NVME trailer", opts: minio.PutObjectOptions{Checksum: minio.ChecksumCRC64NVME}},
		{name: "unsigned payload", opts: minio.PutObjectOptions{DisableContentSha256: true}},
		{name: "unsigned payload + trailer", opts: minio.PutObjectOptions{DisableContentSha256: true, Checksum: minio.ChecksumSHA256}},
		{name: "signature v2", v2: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			creds := credentials.NewStaticV4(exampleAccessKey, exampleSecret, "")
			if tt.v2 {
				creds = credentials.NewStaticV2(exampleAccessKey, exampleSecret, "")
			}
			c, err := minio.New(u.Host, &minio.Options{Creds: creds, Region: "us-east-1", TrailingHeaders: true})
			if err != nil {
				t.Fatal(err)
			}
			_, perr := c.PutObject(context.Background(), "bucket", "dir/obj name+1.txt", bytes.NewReader(data), int64(len(data)), tt.opts)
			o := received(t, ch, perr)
			if o.err != nil {
				t.Fatalf("server: %v", o.err)
			}
			if perr != nil {
				t.Fatalf("client: %v", perr)
			}
			if !bytes.Equal(o.body, data) || o.res.AccessKey != exampleAccessKey {
				t.Fatalf("body %d bytes, result %+v", len(o.body), o.res)
			}
			if tt.opts.Checksum.IsSet() && len(o.trailers) == 0 {
				t.Fatalf("no trailer received")
			}
			t.Logf("scheme %s, sums %v, trailers %v", o.res.Scheme, o.sums, o.trailers)
		})
	}
}

// received returns the server's outcome of the request a client call made,
// failing the test when the client failed without reaching the server.
func received(t *testing.T, ch <-chan outcome, perr error) outcome {
	t.Helper()
	select {
	case o := <-ch:
		for len(ch) > 0 { // retries: keep the last
			o = <-ch
		}
		return o
	case <-time.After(2 * time.Second):
		t.Fatalf("server saw no request; client: %v", perr)
	}
	return outcome{}
}
