package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/minio/minio-go/v7/pkg/signer"

	"github.com/silo-project/silo/api/checksum"
)

// outcome is what the test server saw for one request.
type outcome struct {
	res      *Result
	body     []byte
	trailers http.Header
	sums     map[string]string
	err      error
}

// verifyServer serves requests by verifying them with v, reading the body
// through Result.Body and checksum.Reader, and reporting the outcome.
func verifyServer(t *testing.T, v *Verifier) (*httptest.Server, <-chan outcome) {
	t.Helper()
	return verifyServerTLS(t, v, false)
}

// verifyServerTLS is verifyServer, over TLS when useTLS is set.
func verifyServerTLS(t *testing.T, v *Verifier, useTLS bool) (*httptest.Server, <-chan outcome) {
	t.Helper()
	ch := make(chan outcome, 16)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var o outcome
		o.res, o.err = v.Verify(r)
		if o.err == nil {
			var cr *checksum.Reader
			cr, o.err = checksum.NewReader(o.res.Body, r.Header, o.res.Trailers)
			if o.err == nil {
				o.body, o.err = io.ReadAll(cr)
				o.trailers = o.res.Trailers()
				o.sums = cr.Sums()
			}
			o.res.Body.Close()
		}
		ch <- o
		if o.err != nil {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Header().Set("ETag", `"d41d8cd98f00b204e9800998ecf8427e"`)
		w.WriteHeader(http.StatusOK)
	}))
	if useTLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, ch
}

func do(t *testing.T, r *http.Request, ch <-chan outcome) outcome {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	select {
	case o := <-ch:
		return o
	case <-time.After(10 * time.Second):
		t.Fatal("no outcome")
	}
	return outcome{}
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// testKeys are object keys whose encoding differs between naive and S3
// canonicalisation.
var testKeys = []string{
	"plain.txt",
	"dir/sub dir/file name (1).txt",
	"plus+sign&amp=1",
	"tilde~star*bang!quote'",
	"ünïcödé/日本語.txt",
	"percent%20literal",
	"semi;colon,comma:colon@at$dollar",
}

// objectURL returns a URL to bucket/key on srv with S3's path encoding.
func objectURL(srv *httptest.Server, key string) *url.URL {
	u, _ := url.Parse(srv.URL)
	u.Path = "/bucket/" + key
	u.RawPath = "/bucket/" + uriEncode(key, true)
	return u
}

func TestRoundTripAWSSDKSigner(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}})
	srv, ch := verifyServer(t, v)
	creds := aws.Credentials{AccessKeyID: exampleAccessKey, SecretAccessKey: exampleSecret}
	s3opt := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }
	payload := []byte("hello, signed world\n")

	type tc struct {
		name    string
		key     string
		region  string
		ak      string
		skew    time.Duration
		tamper  func(r *http.Request)
		unsign  bool // UNSIGNED-PAYLOAD
		wantErr error
	}
	var tests []tc
	for _, k := range testKeys {
		tests = append(tests, tc{name: "key " + k, key: k})
	}
	tests = append(tests,
		tc{name: "unsigned payload", key: "u", unsign: true},
		tc{name: "header tampered", key: "k", tamper: func(r *http.Request) { r.Header.Set("X-Amz-Meta-Color", "blue") }, wantErr: ErrSignatureDoesNotMatch},
		tc{name: "query tampered", key: "k", tamper: func(r *http.Request) { r.URL.RawQuery = "versionId=2" }, wantErr: ErrSignatureDoesNotMatch},
		tc{name: "path tampered", key: "k", tamper: func(r *http.Request) { r.URL.Path += "x"; r.URL.RawPath = "" }, wantErr: ErrSignatureDoesNotMatch},
		tc{name: "method tampered", key: "k", tamper: func(r *http.Request) { r.Method = http.MethodPost }, wantErr: ErrSignatureDoesNotMatch},
		tc{name: "payload byte tampered", key: "k", tamper: func(r *http.Request) {
			b := append([]byte(nil), payload...)
			b[3] ^= 1
			r.Body = io.NopCloser(bytes.NewReader(b))
		}, wantErr: ErrContentSHA256Mismatch},
		tc{name: "unknown access key", key: "k", ak: "AKIDUNKNOWN", wantErr: ErrInvalidAccessKeyID},
		tc{name: "wrong region", key: "k", region: "eu-west-1", wantErr: ErrAuthorizationHeaderMalformed},
		tc{name: "legacy region US is us-east-1", key: "k", region: "US"},
		tc{name: "clock skew 20m", key: "k", skew: -20 * time.Minute, wantErr: ErrRequestTimeTooSkewed},
		tc{name: "clock skew 10m", key: "k", skew: -10 * time.Minute},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodPut, "", bytes.NewReader(payload))
			r.URL = objectURL(srv, tt.key)
			r.Header.Set("X-Amz-Meta-Color", "red")
			hash := hexSHA256(payload)
			if tt.unsign {
				hash = unsignedPayload
			}
			r.Header.Set("X-Amz-Content-Sha256", hash)
			c := creds
			if tt.ak != "" {
				c.AccessKeyID = tt.ak
			}
			region := "us-east-1"
			if tt.region != "" {
				region = tt.region
			}
			if err := v4.NewSigner(s3opt).SignHTTP(context.Background(), c, r, hash, "s3", region, time.Now().Add(tt.skew)); err != nil {
				t.Fatal(err)
			}
			if tt.tamper != nil {
				tt.tamper(r)
			}
			o := do(t, r, ch)
			if !errors.Is(o.err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", o.err, tt.wantErr)
			}
			if o.err == nil && (!bytes.Equal(o.body, payload) || o.res.Scheme != SchemeV4Header || o.res.AccessKey != exampleAccessKey) {
				t.Fatalf("outcome %+v body %q", o.res, o.body)
			}
			if tt.region != "" && tt.wantErr != nil {
				var re *RegionError
				if !errors.As(o.err, &re) || re.Got != tt.region || re.Want != "us-east-1" {
					t.Fatalf("want RegionError, got %v", o.err)
				}
			}
		})
	}
}

func TestRoundTripAWSSDKPresign(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}})
	srv, ch := verifyServer(t, v)
	creds := aws.Credentials{AccessKeyID: exampleAccessKey, SecretAccessKey: exampleSecret}
	s3opt := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }
	tests := []struct {
		name    string
		key     string
		expires string
		age     time.Duration
		tamper  func(u *url.URL)
		wantErr error
	}{
		{name: "valid", key: "dir/a b+c.txt", expires: "3600"},
		{name: "unicode key", key: "ünï/日本.txt", expires: "60"},
		{name: "expired", key: "k", expires: "60", age: 2 * time.Minute, wantErr: ErrExpiredPresignRequest},
		{name: "expiry over 7 days", key: "k", expires: "604801", wantErr: ErrInvalidPresign},
		{name: "expiry exactly 7 days", key: "k", expires: "604800"},
		{name: "expiry not a number", key: "k", expires: "soon", wantErr: ErrInvalidPresign},
		{name: "query param added", key: "k", expires: "60", tamper: func(u *url.URL) { u.RawQuery += "&acl=" }, wantErr: ErrSignatureDoesNotMatch},
		{name: "expires changed", key: "k", expires: "60", tamper: func(u *url.URL) {
			u.RawQuery = strings.Replace(u.RawQuery, "X-Amz-Expires=60", "X-Amz-Expires=600", 1)
		}, wantErr: ErrSignatureDoesNotMatch},
		{name: "signature removed", key: "k", expires: "60", tamper: func(u *url.URL) {
			q := u.Query()
			q.Del("X-Amz-Signature")
			u.RawQuery = q.Encode()
		}, wantErr: ErrInvalidPresign},
		{name: "path changed", key: "k", expires: "60", tamper: func(u *url.URL) { u.Path, u.RawPath = "/bucket/other", "" }, wantErr: ErrSignatureDoesNotMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "", nil)
			r.URL = objectURL(srv, tt.key)
			r.URL.RawQuery = "X-Amz-Expires=" + tt.expires
			signed, _, err := v4.NewSigner(s3opt).PresignHTTP(context.Background(), creds, r, unsignedPayload, "s3", "us-east-1", time.Now().Add(-tt.age))
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(signed)
			if err != nil {
				t.Fatal(err)
			}
			if tt.tamper != nil {
				tt.tamper(u)
			}
			req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
			o := do(t, req, ch)
			if !errors.Is(o.err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", o.err, tt.wantErr)
			}
			if o.err == nil && o.res.Scheme != SchemeV4Presigned {
				t.Fatalf("scheme %q", o.res.Scheme)
			}
		})
	}
}

// sha256Hasher adapts sha256 to the md5simd.Hasher interface minio-go's
// streaming signer takes.
type sha256Hasher struct{ hash.Hash }

func (sha256Hasher) Close() {}

// flipByte returns a reader over b with the byte at off flipped.
func flipByte(b []byte, off int) io.ReadCloser {
	c := append([]byte(nil), b...)
	c[off] ^= 0x20
	return io.NopCloser(bytes.NewReader(c))
}

func crc32b64(b []byte) string {
	var out [4]byte
	s := crc32.ChecksumIEEE(b)
	out[0], out[1], out[2], out[3] = byte(s>>24), byte(s>>16), byte(s>>8), byte(s)
	return base64.StdEncoding.EncodeToString(out[:])
}

func TestRoundTripMinioSigner(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}})
	srv, ch := verifyServer(t, v)
	data := bytes.Repeat([]byte("0123456789abcdef"), 150000/16) // 150000 bytes: 3 chunks
	data[100000] = 'X'
	sum := crc32b64(data)

	newPut := func(key string, body []byte) *http.Request {
		r, _ := http.NewRequest(http.MethodPut, "", bytes.NewReader(body))
		r.URL = objectURL(srv, key)
		return r
	}
	// rawBody captures the framed streaming body so tests can alter it.
	rawBody := func(r *http.Request) []byte {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		build   func() *http.Request
		scheme  string
		wantErr error
		trailer bool
	}{
		{name: "SignV4", scheme: SchemeV4Header, build: func() *http.Request {
			r := newPut("dir/a b+c~d*.txt", data)
			r.Header.Set("X-Amz-Content-Sha256", hexSHA256(data))
			return signer.SignV4(*r, exampleAccessKey, exampleSecret, "", "us-east-1")
		}},
		{name: "SignV4 payload changed", wantErr: ErrContentSHA256Mismatch, build: func() *http.Request {
			r := newPut("k", data)
			r.Header.Set("X-Amz-Content-Sha256", hexSHA256(data))
			r = signer.SignV4(*r, exampleAccessKey, exampleSecret, "", "us-east-1")
			r.Body = flipByte(data, 5)
			return r
		}},
		{name: "PreSignV4", scheme: SchemeV4Presigned, build: func() *http.Request {
			r := newPut("ünï code.txt", data)
			return signer.PreSignV4(*r, exampleAccessKey, exampleSecret, "", "us-east-1", 300)
		}},
		{name: "StreamingSignV4", scheme: SchemeV4Header, build: func() *http.Request {
			r := newPut("stream.bin", data)
			return signer.StreamingSignV4(r, exampleAccessKey, exampleSecret, "", "us-east-1", int64(len(data)), time.Now().UTC(), sha256Hasher{sha256.New()})
		}},
		{name: "StreamingSignV4 chunk byte changed", wantErr: ErrSignatureDoesNotMatch, build: func() *http.Request {
			r := newPut("stream.bin", data)
			r = signer.StreamingSignV4(r, exampleAccessKey, exampleSecret, "", "us-east-1", int64(len(data)), time.Now().UTC(), sha256Hasher{sha256.New()})
			b := rawBody(r)
			r.Body = flipByte(b, 70000)
			return r
		}},
		{name: "StreamingSignV4 trailer", scheme: SchemeV4Header, trailer: true, build: func() *http.Request {
			r := newPut("stream.bin", data)
			r.Trailer = http.Header{"x-amz-checksum-crc32": {sum}}
			return signer.StreamingSignV4(r, exampleAccessKey, exampleSecret, "", "us-east-1", int64(len(data)), time.Now().UTC(), sha256Hasher{sha256.New()})
		}},
		{name: "StreamingSignV4 trailer value changed", wantErr: ErrSignatureDoesNotMatch, build: func() *http.Request {
			r := newPut("stream.bin", data)
			r.Trailer = http.Header{"x-amz-checksum-crc32": {sum}}
			r = signer.StreamingSignV4(r, exampleAccessKey, exampleSecret, "", "us-east-1", int64(len(data)), time.Now().UTC(), sha256Hasher{sha256.New()})
			b := rawBody(r)
			b = bytes.Replace(b, []byte(sum), []byte(crc32b64([]byte("x"))), 1)
			r.Body = io.NopCloser(bytes.NewReader(b))
			return r
		}},
		{name: "StreamingSignV4 wrong trailer checksum", wantErr: checksum.ErrBadDigest, build: func() *http.Request {
			r := newPut("stream.bin", data)
			r.Trailer = http.Header{"x-amz-checksum-crc32": {crc32b64([]byte("other"))}}
			return signer.StreamingSignV4(r, exampleAccessKey, exampleSecret, "", "us-east-1", int64(len(data)), time.Now().UTC(), sha256Hasher{sha256.New()})
		}},
		{name: "StreamingUnsignedV4 trailer", scheme: SchemeV4Header, trailer: true, build: func() *http.Request {
			r := newPut("unsigned.bin", data)
			r.Header.Set("X-Amz-Content-Sha256", streamingUnsignedTrail)
			// minio-go's PutObject over TLS: headers signed, chunks unsigned.
			return signer.SignV4Trailer(*r, exampleAccessKey, exampleSecret, "", "us-east-1", http.Header{"x-amz-checksum-crc32": {sum}})
		}},
		{name: "StreamingUnsignedV4 data changed", wantErr: checksum.ErrBadDigest, build: func() *http.Request {
			r := newPut("unsigned.bin", data)
			r.Header.Set("X-Amz-Content-Sha256", streamingUnsignedTrail)
			r = signer.SignV4Trailer(*r, exampleAccessKey, exampleSecret, "", "us-east-1", http.Header{"x-amz-checksum-crc32": {sum}})
			b := rawBody(r)
			r.Body = flipByte(b, 70000)
			return r
		}},
		{name: "SignV4 without x-amz-content-sha256 (signed as UNSIGNED-PAYLOAD)", scheme: SchemeV4Header, build: func() *http.Request {
			r := newPut("k", data)
			return signer.SignV4(*r, exampleAccessKey, exampleSecret, "", "us-east-1")
		}},
		{name: "SignV2 path style", scheme: SchemeV2Header, build: func() *http.Request {
			r := newPut("dir/a b+c.txt", data)
			r.URL.RawQuery = "uploads="
			r.Header.Set("Content-Type", "text/plain")
			r.Header.Set("X-Amz-Meta-A", "1")
			return signer.SignV2(*r, exampleAccessKey, exampleSecret, false)
		}},
		{name: "SignV2 virtual host", scheme: SchemeV2Header, build: func() *http.Request {
			r := newPut("a b.txt", data)
			r.URL.Path, r.URL.RawPath = "/a b.txt", "/a%20b.txt"
			r.Host = "mybucket.s3.example.com"
			return signer.SignV2(*r, exampleAccessKey, exampleSecret, true)
		}},
		{name: "SignV2 header tampered", wantErr: ErrSignatureDoesNotMatch, build: func() *http.Request {
			r := newPut("k", data)
			r.Header.Set("X-Amz-Meta-A", "1")
			r = signer.SignV2(*r, exampleAccessKey, exampleSecret, false)
			r.Header.Set("X-Amz-Meta-A", "2")
			return r
		}},
		{name: "PreSignV2", scheme: SchemeV2Presigned, build: func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, "", nil)
			r.URL = objectURL(srv, "dir/x y.txt")
			return signer.PreSignV2(*r, exampleAccessKey, exampleSecret, 60, false)
		}},
		{name: "PreSignV2 with sub-resources", scheme: SchemeV2Presigned, build: func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, "", nil)
			r.URL = objectURL(srv, "k")
			r.URL.RawQuery = "versionId=v1&response-content-type=text%2Fplain&response-content-disposition=attachment%3B%20filename%3D%22a%20b%22&foo=bar"
			return signer.PreSignV2(*r, exampleAccessKey, exampleSecret, 60, false)
		}},
		{name: "PreSignV2 sub-resource tampered", wantErr: ErrSignatureDoesNotMatch, build: func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, "", nil)
			r.URL = objectURL(srv, "k")
			r.URL.RawQuery = "versionId=v1"
			r = signer.PreSignV2(*r, exampleAccessKey, exampleSecret, 60, false)
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "versionId=v1", "versionId=v2", 1)
			return r
		}},
		{name: "PreSignV2 expired", wantErr: ErrExpiredPresignRequest, build: func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, "", nil)
			r.URL = objectURL(srv, "k")
			r = signer.PreSignV2(*r, exampleAccessKey, exampleSecret, -5, false)
			return r
		}},
		{name: "PreSignV2 unknown key", wantErr: ErrInvalidAccessKeyID, build: func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, "", nil)
			r.URL = objectURL(srv, "k")
			return signer.PreSignV2(*r, "NOPE", exampleSecret, 60, false)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.build()
			o := do(t, r, ch)
			if !errors.Is(o.err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", o.err, tt.wantErr)
			}
			if o.err != nil {
				return
			}
			if o.res.Scheme != tt.scheme || o.res.AccessKey != exampleAccessKey {
				t.Fatalf("scheme %q access key %q", o.res.Scheme, o.res.AccessKey)
			}
			if r.Method == http.MethodPut && !bytes.Equal(o.body, data) {
				t.Fatalf("body: %d bytes", len(o.body))
			}
			if tt.trailer {
				if got := o.trailers.Get("x-amz-checksum-crc32"); got != sum {
					t.Fatalf("trailer = %q, want %q", got, sum)
				}
				if o.sums["CRC32"] != sum {
					t.Fatalf("sums = %v", o.sums)
				}
				if o.res.ContentLength != int64(len(data)) {
					t.Fatalf("ContentLength = %d", o.res.ContentLength)
				}
			}
		})
	}
}

func TestAnonymous(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{}})
	srv, ch := verifyServer(t, v)
	r, _ := http.NewRequest(http.MethodPut, srv.URL+"/bucket/k", strings.NewReader("abc"))
	o := do(t, r, ch)
	if o.err != nil || !o.res.Anonymous || o.res.Scheme != SchemeAnonymous || string(o.body) != "abc" || o.res.ContentLength != 3 {
		t.Fatalf("outcome %+v, %v", o.res, o.err)
	}
	// An anonymous unsigned-trailer upload is de-chunked too.
	body := "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:" + crc32b64([]byte("abc")) + "\r\n\r\n"
	r, _ = http.NewRequest(http.MethodPut, srv.URL+"/bucket/k", strings.NewReader(body))
	r.Header.Set("X-Amz-Content-Sha256", streamingUnsignedTrail)
	r.Header.Set("X-Amz-Decoded-Content-Length", "3")
	r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	r.Header.Set("Content-Encoding", "aws-chunked")
	o = do(t, r, ch)
	if o.err != nil || string(o.body) != "abc" || o.sums["CRC32"] != crc32b64([]byte("abc")) {
		t.Fatalf("outcome %+v, %v, body %q", o.res, o.err, o.body)
	}
	// Signed streaming without a V4 signature cannot be verified.
	r, _ = http.NewRequest(http.MethodPut, srv.URL+"/bucket/k", strings.NewReader(body))
	r.Header.Set("X-Amz-Content-Sha256", streamingSigned)
	r.Header.Set("X-Amz-Decoded-Content-Length", "3")
	if o = do(t, r, ch); !errors.Is(o.err, ErrInvalidContentSHA256) {
		t.Fatalf("anonymous signed streaming: err = %v", o.err)
	}
	// A wrong digest on an anonymous request is still caught.
	r, _ = http.NewRequest(http.MethodPut, srv.URL+"/bucket/k", strings.NewReader("abc"))
	r.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	if o = do(t, r, ch); !errors.Is(o.err, ErrContentSHA256Mismatch) {
		t.Fatalf("anonymous wrong digest: err = %v", o.err)
	}
}

func TestSessionToken(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}})
	srv, ch := verifyServer(t, v)
	r, _ := http.NewRequest(http.MethodGet, srv.URL+"/bucket/k", nil)
	r = signer.SignV4(*r, exampleAccessKey, exampleSecret, "session-token", "us-east-1")
	if o := do(t, r, ch); o.err != nil || o.res.SessionToken != "session-token" {
		t.Fatalf("header token: %+v, %v", o.res, o.err)
	}
	r, _ = http.NewRequest(http.MethodGet, srv.URL+"/bucket/k", nil)
	r = signer.PreSignV4(*r, exampleAccessKey, exampleSecret, "query-token", "us-east-1", 60)
	if o := do(t, r, ch); o.err != nil || o.res.SessionToken != "query-token" {
		t.Fatalf("query token: %+v, %v", o.res, o.err)
	}
	r, _ = http.NewRequest(http.MethodGet, srv.URL+"/bucket/k", nil)
	r = signer.SignV4(*r, exampleAccessKey, exampleSecret, "session-token", "us-east-1")
	r.Header.Set("X-Amz-Security-Token", "swapped")
	if o := do(t, r, ch); !errors.Is(o.err, ErrSignatureDoesNotMatch) {
		t.Fatalf("swapped token: err = %v", o.err)
	}
}

// TestPresignedPutWithContentHeader: a presigned PUT whose sender adds an
// x-amz-content-sha256 header the URL did not sign still verifies, and a
// presigned URL signed over the header's digest checks the body.
func TestPresignedPutWithContentHeader(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}})
	srv, ch := verifyServer(t, v)
	creds := aws.Credentials{AccessKeyID: exampleAccessKey, SecretAccessKey: exampleSecret}
	s3opt := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }
	payload := []byte("presigned body")
	tests := []struct {
		name, signedHash, sentHash, body string
		err                              error
	}{
		{"unsigned URL, header added", unsignedPayload, hexSHA256(payload), string(payload), nil},
		{"digest-signed URL", hexSHA256(payload), hexSHA256(payload), string(payload), nil},
		{"digest-signed URL, body changed", hexSHA256(payload), hexSHA256(payload), "presigned bodY", ErrContentSHA256Mismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodPut, "", nil)
			r.URL = objectURL(srv, "k")
			r.URL.RawQuery = "X-Amz-Expires=60"
			signed, _, err := v4.NewSigner(s3opt).PresignHTTP(context.Background(), creds, r, tt.signedHash, "s3", "us-east-1", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodPut, signed, strings.NewReader(tt.body))
			req.Header.Set("X-Amz-Content-Sha256", tt.sentHash)
			if o := do(t, req, ch); !errors.Is(o.err, tt.err) {
				t.Fatalf("err = %v, want %v", o.err, tt.err)
			}
		})
	}
}

// TestV2VirtualHostDomains: with Config.Domains, a V2 signature binds the
// bucket the domain names, and no other Host prefix.
func TestV2VirtualHostDomains(t *testing.T) {
	tests := []struct {
		name, host, signHost string
		domains              []string
		err                  error
	}{
		{"no domains: heuristic", "mybucket.s3.example.com", "mybucket.s3.example.com", nil, nil},
		{"domain matches", "mybucket.s3.example.com", "mybucket.s3.example.com", []string{"s3.example.com"}, nil},
		{"other domain", "mybucket.s3.example.com", "mybucket.s3.example.com", []string{"storage.local"}, ErrSignatureDoesNotMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}, Domains: tt.domains})
			srv, ch := verifyServer(t, v)
			r, _ := http.NewRequest(http.MethodGet, srv.URL+"/obj", nil)
			r.Host = tt.signHost
			r = signer.SignV2(*r, exampleAccessKey, exampleSecret, true)
			r.Host = tt.host
			if o := do(t, r, ch); !errors.Is(o.err, tt.err) {
				t.Fatalf("err = %v, want %v", o.err, tt.err)
			}
		})
	}
}
