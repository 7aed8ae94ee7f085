package api

import (
	"net/http"
	"testing"

	"github.com/silo-project/silo/api/s3err"
)

// FuzzSSEHeaders feeds arbitrary SSE headers to the parsers: they answer
// an S3 error or a consistent result, never panic.
func FuzzSSEHeaders(f *testing.F) {
	f.Add("AES256", "", "", "", "", "", "")
	f.Add("aws:kms", "arn:aws:kms:us-east-1:1:key/k", "eyJhIjoiYiJ9", "true", "", "", "")
	f.Add("", "", "", "", "AES256", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=", "xxx")
	f.Fuzz(func(t *testing.T, sse, keyID, ctx, bk, alg, key, sum string) {
		h := http.Header{}
		for name, v := range map[string]string{hdrSSE: sse, hdrSSEKMSKeyID: keyID, hdrSSEContext: ctx, hdrSSEBucketKey: bk,
			sseCPrefix + "algorithm": alg, sseCPrefix + "key": key, sseCPrefix + "key-MD5": sum} {
			if v != "" {
				h.Set(name, v)
			}
		}
		s := &server{cfg: Config{SSEInsecureLoopback: true}}
		r, _ := http.NewRequest("PUT", "/b/k", nil)
		r.RemoteAddr = "127.0.0.1:1"
		p, ck, err := s.writeSSE(&call{r: r, op: &operation{Bucket: "b", Key: "k"}}, h)
		if err != nil {
			if s3err.From(err) == s3err.InternalError {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if ck != nil && (len(ck.key) != 32 || p == nil || len(p.CustomerKey) != 32) {
			t.Fatalf("customer key of %d bytes accepted", len(ck.key))
		}
	})
}
