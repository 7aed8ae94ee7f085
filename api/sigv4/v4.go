package sigv4

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// SigV4 constants.
const (
	algoV4        = "AWS4-HMAC-SHA256"
	amzDateFormat = "20060102T150405Z"
	scopeDateFmt  = "20060102"
	terminator    = "aws4_request"
	serviceS3     = "s3"
	serviceSTS    = "sts"

	// Payload hash values of x-amz-content-sha256.
	unsignedPayload        = "UNSIGNED-PAYLOAD"
	streamingSigned        = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrail = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	emptySHA256            = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// credential is a parsed V4 credential: access key and scope.
type credential struct {
	accessKey string
	date      string // yyyymmdd
	region    string
	service   string
}

func (c credential) scope() string {
	return c.date + "/" + c.region + "/" + c.service + "/" + terminator
}

// authV4 is a parsed V4 Authorization header (or presigned query).
type authV4 struct {
	cred          credential
	signedHeaders []string
	signature     string
}

// parseCredential parses "AK/yyyymmdd/region/service/aws4_request". The
// returned error is wrapped with base (the header or query sentinel).
func parseCredential(s string, base error) (credential, error) {
	return parseCredentialFor(s, base, serviceS3)
}

// parseCredentialFor is parseCredential for the given service's scope.
func parseCredentialFor(s string, base error, service string) (credential, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 5 {
		return credential{}, fmt.Errorf("%w: credential %q: want AK/date/region/service/aws4_request", base, s)
	}
	n := len(parts)
	c := credential{
		accessKey: strings.Join(parts[:n-4], "/"),
		date:      parts[n-4],
		region:    parts[n-3],
		service:   parts[n-2],
	}
	if c.accessKey == "" {
		return credential{}, fmt.Errorf("%w: empty access key", base)
	}
	if parts[n-1] != terminator {
		return credential{}, fmt.Errorf("%w: credential terminator %q, want aws4_request", base, parts[n-1])
	}
	if _, err := time.Parse(scopeDateFmt, c.date); err != nil || len(c.date) != 8 {
		return credential{}, fmt.Errorf("%w: credential date %q", base, c.date)
	}
	if c.service != service {
		return credential{}, fmt.Errorf("%w: service %q, want %s", base, c.service, service)
	}
	return c, nil
}

// parseSignedHeaders splits "a;b;c", requiring lower-case names.
func parseSignedHeaders(s string, base error) ([]string, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty SignedHeaders", base)
	}
	hs := strings.Split(s, ";")
	for _, h := range hs {
		if h == "" || h != strings.ToLower(h) || strings.ContainsAny(h, " \t,:=") {
			return nil, fmt.Errorf("%w: bad signed header name %q", base, h)
		}
	}
	return hs, nil
}

// parseAuthorizationV4 parses the value of an Authorization header that
// starts with "AWS4-HMAC-SHA256".
func parseAuthorizationV4(h string) (authV4, error) {
	return parseAuthorizationV4For(h, serviceS3)
}

// parseAuthorizationV4For is parseAuthorizationV4 for the given service.
func parseAuthorizationV4For(h, service string) (authV4, error) {
	base := ErrAuthorizationHeaderMalformed
	rest, ok := strings.CutPrefix(h, algoV4)
	if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return authV4{}, fmt.Errorf("%w: missing algorithm", base)
	}
	var a authV4
	var seen [3]bool
	for _, field := range strings.Split(rest, ",") {
		field = strings.TrimSpace(field)
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			return authV4{}, fmt.Errorf("%w: field %q is not key=value", base, field)
		}
		var err error
		switch strings.TrimSpace(k) {
		case "Credential":
			if seen[0] {
				return authV4{}, fmt.Errorf("%w: duplicate Credential", base)
			}
			seen[0] = true
			a.cred, err = parseCredentialFor(v, base, service)
		case "SignedHeaders":
			if seen[1] {
				return authV4{}, fmt.Errorf("%w: duplicate SignedHeaders", base)
			}
			seen[1] = true
			a.signedHeaders, err = parseSignedHeaders(v, base)
		case "Signature":
			if seen[2] {
				return authV4{}, fmt.Errorf("%w: duplicate Signature", base)
			}
			seen[2] = true
			a.signature = v
			if !isHexSignature(v) {
				err = fmt.Errorf("%w: signature is not 64 hex digits", base)
			}
		default:
			err = fmt.Errorf("%w: unknown field %q", base, k)
		}
		if err != nil {
			return authV4{}, err
		}
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return authV4{}, fmt.Errorf("%w: want Credential, SignedHeaders and Signature", base)
	}
	return a, nil
}

func isHexSignature(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// signingKey derives the SigV4 signing key.
func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, terminator)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// canonicalRequest builds the SigV4 canonical request.
func canonicalRequest(r *http.Request, query string, signed []string, payloadHash string) string {
	return strings.Join([]string{
		r.Method,
		canonicalURI(r),
		query,
		canonicalHeaders(r, signed),
		strings.Join(signed, ";"),
		payloadHash,
	}, "\n")
}

// stringToSign builds the SigV4 string to sign for a canonical request.
func stringToSign(amzDate, scope, canonical string) string {
	return algoV4 + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonical)
}

// signatureMatches compares hex signatures in constant time.
func signatureMatches(got, want string) bool {
	return hmac.Equal([]byte(got), []byte(want))
}

// requestDateV4 returns the x-amz-date (or Date) of a header-signed request
// and its ISO 8601 basic form used in the string to sign.
func requestDateV4(r *http.Request) (time.Time, string, error) {
	if v := r.Header.Get("X-Amz-Date"); v != "" {
		t, err := time.Parse(amzDateFormat, v)
		if err != nil {
			return time.Time{}, "", fmt.Errorf("%w: x-amz-date %q", ErrMalformedDate, v)
		}
		return t, v, nil
	}
	if v := r.Header.Get("Date"); v != "" {
		t, err := http.ParseTime(v)
		if err != nil {
			return time.Time{}, "", fmt.Errorf("%w: date %q", ErrMalformedDate, v)
		}
		return t.UTC(), t.UTC().Format(amzDateFormat), nil
	}
	return time.Time{}, "", ErrMissingDateHeader
}

// checkSkew fails with ErrRequestTimeTooSkewed when t is too far from now.
func (v *Verifier) checkSkew(t time.Time) error {
	now := v.now()
	d := now.Sub(t)
	if d < 0 {
		d = -d
	}
	if d > v.maxSkew {
		return fmt.Errorf("%w: request time %s, server time %s", ErrRequestTimeTooSkewed,
			t.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}

// sameRegion reports whether a credential scope's region names the server's.
// Old clients (s3cmd's default bucket_location) scope requests to "US", the
// legacy name of us-east-1; AWS and MinIO accept it there.
func sameRegion(scope, server string) bool {
	if scope == "US" {
		scope = "us-east-1"
	}
	if server == "US" {
		server = "us-east-1"
	}
	return scope == server
}

// checkScope validates the credential scope's region and date against the
// request date.
func (v *Verifier) checkScope(c credential, amzDate string, presigned bool) error {
	if v.region != "" && !sameRegion(c.region, v.region) {
		return &RegionError{Got: c.region, Want: v.region, Presigned: presigned}
	}
	if !strings.HasPrefix(amzDate, c.date) {
		base := ErrAuthorizationHeaderMalformed
		if presigned {
			base = ErrInvalidPresign
		}
		return fmt.Errorf("%w: credential date %s is not the date of X-Amz-Date %s", base, c.date, amzDate)
	}
	return nil
}

// lookup resolves the secret for accessKey.
func (v *Verifier) lookup(r *http.Request, accessKey string) (string, error) {
	return v.lookupCtx(r.Context(), accessKey)
}

// lookupCtx resolves the secret for accessKey.
func (v *Verifier) lookupCtx(ctx context.Context, accessKey string) (string, error) {
	if v.creds == nil {
		return "", fmt.Errorf("%w: no credential store", ErrInvalidAccessKeyID)
	}
	secret, err := v.creds.SecretKey(ctx, accessKey)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidAccessKeyID, err)
	}
	return secret, nil
}

// hasSigned reports whether name is among the signed headers.
func hasSigned(signed []string, name string) bool {
	for _, s := range signed {
		if s == name {
			return true
		}
	}
	return false
}

// verifyV4Header authenticates a request signed in the Authorization header.
func (v *Verifier) verifyV4Header(r *http.Request, h string) (*Result, error) {
	return v.verifyV4HeaderFor(r, h, serviceS3, nil)
}

// verifyV4HeaderFor authenticates a header-signed request for service.
// body, when non-nil, is the payload already read: its SHA-256 is the
// payload hash (x-amz-content-sha256, if sent, must agree) and Result.Body
// replays it.
func (v *Verifier) verifyV4HeaderFor(r *http.Request, h, service string, body []byte) (*Result, error) {
	a, err := parseAuthorizationV4For(h, service)
	if err != nil {
		return nil, err
	}
	if !hasSigned(a.signedHeaders, "host") {
		return nil, fmt.Errorf("%w: host", ErrUnsignedHeaders)
	}
	t, amzDate, err := requestDateV4(r)
	if err != nil {
		return nil, err
	}
	if err := v.checkScope(a.cred, amzDate, false); err != nil {
		return nil, err
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	// Without x-amz-content-sha256 the signer hashed either an empty body
	// or, like minio-go, the literal UNSIGNED-PAYLOAD; both are tried.
	candidates := []string{payload}
	if body != nil {
		sum := sha256.Sum256(body)
		if payload != "" && payload != hex.EncodeToString(sum[:]) {
			return nil, fmt.Errorf("%w: x-amz-content-sha256 is not the body's", ErrContentSHA256Mismatch)
		}
		candidates = []string{hex.EncodeToString(sum[:])}
	} else if payload == "" {
		candidates = []string{emptySHA256, unsignedPayload}
	} else if !validPayloadHash(payload) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidContentSHA256, payload)
	}
	secret, err := v.lookup(r, a.cred.accessKey)
	if err != nil {
		return nil, err
	}
	key := signingKey(secret, a.cred.date, a.cred.region, a.cred.service)
	query := canonicalQuery(parseQuery(r.URL.RawQuery), "")
	matched := false
	for _, c := range candidates {
		canonical := canonicalRequest(r, query, a.signedHeaders, c)
		want := hex.EncodeToString(hmacSHA256(key, stringToSign(amzDate, a.cred.scope(), canonical)))
		if signatureMatches(a.signature, want) && !matched {
			matched, payload = true, c
		}
	}
	if !matched {
		return nil, fmt.Errorf("%w: header signature", ErrSignatureDoesNotMatch)
	}
	// Skew is checked after the signature so that a forged request learns
	// nothing about the server clock.
	if err := v.checkSkew(t); err != nil {
		return nil, err
	}
	res := &Result{AccessKey: a.cred.accessKey, Scheme: SchemeV4Header}
	if body != nil {
		res.Body, res.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		res.Trailers = func() http.Header { return nil }
		return res, nil
	}
	cs := &chunkSigner{key: key, amzDate: amzDate, scope: a.cred.scope(), prev: a.signature}
	if err := v.attachBody(r, res, payload, cs); err != nil {
		return nil, err
	}
	return res, nil
}

// validPayloadHash reports whether x-amz-content-sha256 has a known form.
func validPayloadHash(s string) bool {
	switch s {
	case unsignedPayload, streamingSigned, streamingSignedTrailer, streamingUnsignedTrail:
		return true
	}
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
