package sigv4

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzParseAuthorization feeds arbitrary Authorization headers (V4 and V2)
// through the parsers and Verify; nothing may panic, and nothing may
// authenticate without the secret.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-date,Signature=" + strings.Repeat("a", 64))
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=host, Signature=")
	f.Add("AWS4-HMAC-SHA256 Credential==,,,SignedHeaders=;;")
	f.Add("AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=")
	f.Add("AWS :")
	f.Add("AWS4-ECDSA-P256-SHA256 Credential=x")
	at := mustTime(f, amzDateFormat, "20130524T000000Z")
	v := verifierAt(at)
	f.Fuzz(func(t *testing.T, h string) {
		if a, err := parseAuthorizationV4(h); err == nil {
			if a.cred.accessKey == "" || len(a.signedHeaders) == 0 || !isHexSignature(a.signature) {
				t.Fatalf("accepted incomplete header: %+v", a)
			}
		}
		parseAuthorizationV2(h)
		r := httptest.NewRequest(http.MethodGet, "/bucket/key", nil)
		r.Host = "examplebucket.s3.amazonaws.com"
		r.Header.Set("Authorization", h)
		r.Header.Set("X-Amz-Date", "20130524T000000Z")
		r.Header.Set("X-Amz-Content-Sha256", emptySHA256)
		if res, err := v.Verify(r); err == nil && !res.Anonymous {
			t.Fatalf("forged header authenticated: %q", h)
		}
	})
}

// FuzzParsePresigned feeds arbitrary query strings (V4 and V2 presigned)
// through Verify; nothing may panic or authenticate.
func FuzzParsePresigned(f *testing.F) {
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
	f.Add("AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1369353600&Signature=abc%2B%3D")
	f.Add("X-Amz-Expires=-1&X-Amz-Algorithm=x")
	f.Add("a=%zz&&=&X-Amz-Credential=////")
	at := mustTime(f, amzDateFormat, "20130524T000000Z")
	v := verifierAt(at)
	f.Fuzz(func(t *testing.T, q string) {
		canonicalQuery(parseQuery(q), qSignature)
		r := httptest.NewRequest(http.MethodGet, "/test.txt", nil)
		r.URL.RawQuery = q
		r.Host = "examplebucket.s3.amazonaws.com"
		res, err := v.Verify(r)
		if err == nil && !res.Anonymous && !strings.Contains(q, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404") {
			t.Fatalf("forged query authenticated: %q", q)
		}
	})
}

// FuzzChunkedReader decodes arbitrary aws-chunked bodies, with and without
// chunk signatures and trailers. It must never panic, never return more
// bytes than the declared decoded length, and report errors from the
// package's sentinels only.
func FuzzChunkedReader(f *testing.F) {
	f.Add(signedBody(fuzzSigner(), []string{"hello", "world"}, ""), uint8(0), int64(10))
	f.Add(signedBody(fuzzSigner(), []string{"abc"}, "x-amz-checksum-crc32:NSRBwg=="), uint8(1), int64(3))
	f.Add([]byte("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n"), uint8(2), int64(3))
	f.Add([]byte("3;chunk-signature=zz\r\nabc\r\n0\r\n\r\n"), uint8(2), int64(3))
	f.Add([]byte("ffffffffffffffff\r\n"), uint8(2), int64(-1))
	f.Add([]byte("0\r\n\n\r\nx:y\n\r\nx-amz-trailer-signature:00\r\n\r\n"), uint8(1), int64(0))
	f.Fuzz(func(t *testing.T, body []byte, mode uint8, want int64) {
		var cs *chunkSigner
		trailer := false
		switch mode % 3 {
		case 0:
			cs = fuzzSigner()
		case 1:
			cs = fuzzSigner()
			trailer = true
		case 2:
			trailer = true
		}
		cr := newChunkedReader(bytes.NewReader(body), cs, trailer, want)
		var out bytes.Buffer
		buf := make([]byte, 4096)
		for i := 0; ; i++ {
			n, err := cr.Read(buf[:1+i%len(buf)])
			out.Write(buf[:n])
			if want >= 0 && int64(out.Len()) > want {
				t.Fatalf("decoded %d bytes, declared %d", out.Len(), want)
			}
			if err == io.EOF {
				if want >= 0 && int64(out.Len()) != want {
					t.Fatalf("EOF after %d bytes, declared %d", out.Len(), want)
				}
				break
			}
			if err != nil {
				if !errors.Is(err, ErrMalformedChunk) && !errors.Is(err, ErrIncompleteBody) && !errors.Is(err, ErrSignatureDoesNotMatch) {
					t.Fatalf("unexpected error %v", err)
				}
				if cr.Trailers() != nil {
					t.Fatal("trailers after an error")
				}
				break
			}
			if i > 4*len(body)+64 {
				t.Fatalf("no end after %d reads of a %d-byte body", i, len(body))
			}
		}
	})
}

// fuzzSigner is a chunk signer chained from a fixed seed signature.
func fuzzSigner() *chunkSigner {
	return &chunkSigner{key: signingKey(exampleSecret, "20130524", "us-east-1", "s3"), amzDate: "20130524T000000Z",
		scope: "20130524/us-east-1/s3/aws4_request", prev: chunkedExample.seed}
}

// signedBody frames chunks (and an optional trailer line) as a signed
// aws-chunked body, signing with a copy of cs.
func signedBody(cs *chunkSigner, chunks []string, trailer string) []byte {
	c := *cs
	var b bytes.Buffer
	for _, d := range append(chunks, "") {
		sig := c.chunk(sha256Hex(d))
		c.prev = sig
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n%s", len(d), sig, d)
		if d != "" {
			b.WriteString("\r\n")
		}
	}
	if trailer != "" {
		sig := c.trailer(trailer + "\n")
		b.WriteString(trailer + "\r\nx-amz-trailer-signature:" + sig + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}
