package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkSSE measures PUT and GET of 64 MiB objects through the handler
// and a real erasure store (plain HTTP on loopback, unsigned payload), in
// the clear and with SSE-S3 and SSE-C. Compare the MB/s of each method with
// "plain" for the cost of encryption.
func BenchmarkSSE(b *testing.B) {
	const size = 64 << 20
	e := newSSEEnvConfig(b, false, Config{SSEInsecureLoopback: true})
	data := bytes.Repeat([]byte("silo-sse-benchmark-data!"), size/24+1)[:size]
	ck := newCustomer(b)
	methods := []struct {
		name   string
		header map[string]string
	}{
		{"plain", nil},
		{"sse-s3", map[string]string{hdrSSE: sseAES256}},
		{"sse-c", map[string]string{sseCPrefix + "algorithm": *ck.alg, sseCPrefix + "key": *ck.key, sseCPrefix + "key-MD5": *ck.md5}},
	}
	for _, m := range methods {
		b.Run(m.name+"/put", func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				e.benchRequest(b, http.MethodPut, "/bkt/"+m.name, data, m.header)
			}
		})
		b.Run(m.name+"/get", func(b *testing.B) {
			e.benchRequest(b, http.MethodPut, "/bkt/"+m.name, data, m.header)
			h := map[string]string{}
			if m.name == "sse-c" {
				h = m.header
			}
			b.SetBytes(size)
			b.ResetTimer()
			for b.Loop() {
				e.benchRequest(b, http.MethodGet, "/bkt/"+m.name, nil, h)
			}
		})
	}
}

// benchRequest sends one request with an unsigned payload and drains the answer.
func (e *sseEnv) benchRequest(b *testing.B, method, path string, body []byte, header map[string]string) {
	b.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	req.Header.Set("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
	creds := aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", testRegion, time.Now()); err != nil {
		b.Fatal(err)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || method == http.MethodGet && n != 64<<20 {
		b.Fatalf("%s %s: %d, %d bytes, %v", method, path, resp.StatusCode, n, err)
	}
}
