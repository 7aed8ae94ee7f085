package e2e

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file is a small, independent SigV4 signer and an HTTP/1.1 writer for
// requests no well-behaved client would send. It is deliberately not the
// SDK's signer: the control cases in badinput_test.go prove it right.

const (
	amzDateFormat  = "20060102T150405Z"
	emptySHA256    = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	unsignedPay    = "UNSIGNED-PAYLOAD"
	streamingPay   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	sigV4Algorithm = "AWS4-HMAC-SHA256"
)

// header is one request header line; order and duplicates are preserved.
type header struct{ name, value string }

// rawRequest is an HTTP/1.1 request written byte by byte.
type rawRequest struct {
	method  string
	path    string // already escaped, as on the wire
	query   [][2]string
	headers []header
	body    []byte
	// contentLength, when set, replaces the computed Content-Length value
	// verbatim ("-1", "18446744073709551616", ...).
	contentLength string
	// noContentLength omits the Content-Length header.
	noContentLength bool
}

func (r *rawRequest) set(name, value string) {
	for i := range r.headers {
		if strings.EqualFold(r.headers[i].name, name) {
			r.headers[i].value = value
			return
		}
	}
	r.headers = append(r.headers, header{name, value})
}

func (r *rawRequest) get(name string) string {
	for _, h := range r.headers {
		if strings.EqualFold(h.name, name) {
			return h.value
		}
	}
	return ""
}

// awsEscape is the URI encoding of SigV4: unreserved characters stay, the
// rest is %XX (upper case); with path, '/' stays.
func awsEscape(s string, path bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || (path && c == '/') {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func (r *rawRequest) rawQuery() string {
	parts := make([]string, 0, len(r.query))
	for _, kv := range r.query {
		if kv[1] == "" && !strings.Contains(kv[0], "=") {
			parts = append(parts, awsEscape(kv[0], false))
			continue
		}
		parts = append(parts, awsEscape(kv[0], false)+"="+awsEscape(kv[1], false))
	}
	return strings.Join(parts, "&")
}

func (r *rawRequest) canonicalQuery() string {
	kvs := make([][2]string, 0, len(r.query))
	for _, kv := range r.query {
		kvs = append(kvs, [2]string{awsEscape(kv[0], false), awsEscape(kv[1], false)})
	}
	sort.Slice(kvs, func(i, j int) bool {
		if kvs[i][0] != kvs[j][0] {
			return kvs[i][0] < kvs[j][0]
		}
		return kvs[i][1] < kvs[j][1]
	})
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = kv[0] + "=" + kv[1]
	}
	return strings.Join(parts, "&")
}

// v4 signs requests for one key pair, region and clock.
type v4 struct {
	access, secret, region string
	now                    time.Time
}

func (s v4) scope() string {
	return s.now.UTC().Format("20060102") + "/" + s.region + "/s3/aws4_request"
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func (s v4) signingKey() []byte {
	k := hmacSHA256([]byte("AWS4"+s.secret), s.now.UTC().Format("20060102"))
	k = hmacSHA256(k, s.region)
	k = hmacSHA256(k, "s3")
	return hmacSHA256(k, "aws4_request")
}

func (s v4) signature(stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(s.signingKey(), stringToSign))
}

// canonical builds the canonical request over host plus every header of r
// (names lower-cased) and returns it with the signed-headers list.
func (s v4) canonical(r *rawRequest, host, payloadHash string) (string, string) {
	vals := map[string][]string{"host": {host}}
	for _, h := range r.headers {
		n := strings.ToLower(h.name)
		vals[n] = append(vals[n], strings.Join(strings.Fields(h.value), " "))
	}
	names := make([]string, 0, len(vals))
	for n := range vals {
		names = append(names, n)
	}
	sort.Strings(names)
	var ch strings.Builder
	for _, n := range names {
		ch.WriteString(n + ":" + strings.Join(vals[n], ",") + "\n")
	}
	signed := strings.Join(names, ";")
	return strings.Join([]string{r.method, r.path, r.canonicalQuery(), ch.String(), signed, payloadHash}, "\n"), signed
}

func (s v4) stringToSign(canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return sigV4Algorithm + "\n" + s.now.UTC().Format(amzDateFormat) + "\n" + s.scope() + "\n" + hex.EncodeToString(sum[:])
}

// sign adds X-Amz-Date, X-Amz-Content-Sha256 and Authorization, signing
// every header present. It returns the signature (the seed for chunks).
func (s v4) sign(r *rawRequest, host, payloadHash string) string {
	r.set("X-Amz-Date", s.now.UTC().Format(amzDateFormat))
	r.set("X-Amz-Content-Sha256", payloadHash)
	canonical, signed := s.canonical(r, host, payloadHash)
	sig := s.signature(s.stringToSign(canonical))
	r.set("Authorization", fmt.Sprintf("%s Credential=%s/%s, SignedHeaders=%s, Signature=%s", sigV4Algorithm, s.access, s.scope(), signed, sig))
	return sig
}

// presign adds the X-Amz-* query parameters of a presigned URL (host signed).
func (s v4) presign(r *rawRequest, host string, expires time.Duration) {
	r.query = append(r.query,
		[2]string{"X-Amz-Algorithm", sigV4Algorithm},
		[2]string{"X-Amz-Credential", s.access + "/" + s.scope()},
		[2]string{"X-Amz-Date", s.now.UTC().Format(amzDateFormat)},
		[2]string{"X-Amz-Expires", strconv.Itoa(int(expires / time.Second))},
		[2]string{"X-Amz-SignedHeaders", "host"},
	)
	saved := r.headers
	r.headers = nil // only host is signed
	canonical, _ := s.canonical(r, host, unsignedPay)
	r.headers = saved
	r.query = append(r.query, [2]string{"X-Amz-Signature", s.signature(s.stringToSign(canonical))})
}

// chunkSignature signs one aws-chunked chunk after prev.
func (s v4) chunkSignature(prev string, chunk []byte) string {
	sum := sha256.Sum256(chunk)
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + s.now.UTC().Format(amzDateFormat) + "\n" + s.scope() + "\n" + prev + "\n" + emptySHA256 + "\n" + hex.EncodeToString(sum[:])
	return s.signature(sts)
}

// chunkedBody frames chunks (the last one should be empty) as
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD, chaining signatures from seed.
func (s v4) chunkedBody(seed string, chunks ...[]byte) []byte {
	var b bytes.Buffer
	prev := seed
	for _, c := range chunks {
		sig := s.chunkSignature(prev, c)
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", len(c), sig)
		b.Write(c)
		b.WriteString("\r\n")
		prev = sig
	}
	return b.Bytes()
}

// signV2 signs r with AWS Signature Version 2 (header form) at now: it sets
// Date and Authorization "AWS <key>:<base64 HMAC-SHA1>". r carries no
// Content-MD5, Content-Type or x-amz-* headers.
func signV2(r *rawRequest, access, secret string, now time.Time) {
	date := now.UTC().Format(http.TimeFormat)
	r.set("Date", date)
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(r.method + "\n\n\n" + date + "\n" + r.path))
	r.set("Authorization", "AWS "+access+":"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

// presignV2 adds the AWSAccessKeyId, Expires and Signature query
// parameters of a Signature Version 2 presigned URL valid until expires.
func presignV2(r *rawRequest, access, secret string, expires time.Time) {
	exp := strconv.FormatInt(expires.Unix(), 10)
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(r.method + "\n\n\n" + exp + "\n" + r.path))
	r.query = append(r.query,
		[2]string{"AWSAccessKeyId", access},
		[2]string{"Expires", exp},
		[2]string{"Signature", base64.StdEncoding.EncodeToString(m.Sum(nil))},
	)
}

// wire returns the request as bytes, for host.
func (r *rawRequest) wire(host string) []byte {
	var b bytes.Buffer
	target := r.path
	if q := r.rawQuery(); q != "" {
		target += "?" + q
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", r.method, target, host)
	for _, h := range r.headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h.name, h.value)
	}
	switch {
	case r.noContentLength:
	case r.contentLength != "":
		fmt.Fprintf(&b, "Content-Length: %s\r\n", r.contentLength)
	default:
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.body))
	}
	b.WriteString("Connection: close\r\n\r\n")
	b.Write(r.body)
	return b.Bytes()
}

// rawResponse is what came back for a raw request.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// sendRaw writes r to srv over a fresh connection and reads one response.
// Write errors are ignored: a server may answer and close early.
func sendRaw(srv *server, r *rawRequest, timeout time.Duration) (rawResponse, error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.Dial("tcp", srv.host)
	if err != nil {
		return rawResponse{}, fmt.Errorf("dial: %w", err)
	}
	if srv.tls {
		tc := tls.Client(conn, &tls.Config{RootCAs: srv.caPool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12})
		if err := tc.Handshake(); err != nil {
			conn.Close()
			return rawResponse{}, fmt.Errorf("tls: %w", err)
		}
		conn = tc
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return rawResponse{}, err
	}
	go func() { _, _ = conn.Write(r.wire(srv.host)) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: r.method})
	if err != nil {
		return rawResponse{}, fmt.Errorf("read response: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return rawResponse{}, fmt.Errorf("read body: %w", err)
	}
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// objectPath is the escaped path-style path of bucket/key.
func objectPath(bucket, key string) string {
	return "/" + bucket + "/" + awsEscape(key, true)
}
