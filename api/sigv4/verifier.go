package sigv4

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// CredentialLookup resolves an access key to its secret. iam.RootOnly
// implements it.
type CredentialLookup interface {
	// SecretKey returns the secret of accessKey, or an error when the key is
	// unknown (or the lookup failed). Verify reports any such error as
	// ErrInvalidAccessKeyID joined with the lookup's error.
	SecretKey(ctx context.Context, accessKey string) (string, error)
}

// Config configures a Verifier. It is plain data.
type Config struct {
	// Region is the only region accepted in credential scopes, e.g.
	// "us-east-1". Requests scoped to another region fail with *RegionError.
	// Empty accepts any region, as MinIO does when no region is configured.
	Region string
	// Credentials resolves access keys to secrets.
	Credentials CredentialLookup
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// MaxSkew is the accepted distance between the request date and Now;
	// 0 means 15 minutes.
	MaxSkew time.Duration
	// Domains are the server's virtual-host domains (SILO_DOMAIN). They
	// only matter for Signature V2, whose string to sign names the bucket:
	// with Domains set, a Host "<bucket>.<domain>" signs as "/<bucket>/...";
	// without, every dot-separated prefix of the Host is tried as a bucket.
	Domains []string
}

// Signature schemes reported in Result.Scheme.
const (
	SchemeV4Header    = "v4-header"
	SchemeV4Presigned = "v4-presigned"
	SchemeV2Header    = "v2-header"
	SchemeV2Presigned = "v2-presigned"
	SchemeAnonymous   = "anonymous"
)

// Verifier authenticates requests. It is safe for concurrent use.
type Verifier struct {
	domains []string
	region  string
	creds   CredentialLookup
	now     func() time.Time
	maxSkew time.Duration
}

// NewVerifier returns a Verifier for cfg.
func NewVerifier(cfg Config) *Verifier {
	v := &Verifier{region: cfg.Region, creds: cfg.Credentials, now: cfg.Now, maxSkew: cfg.MaxSkew,
		domains: append([]string(nil), cfg.Domains...)}
	if v.now == nil {
		v.now = time.Now
	}
	if v.maxSkew <= 0 {
		v.maxSkew = 15 * time.Minute
	}
	return v
}

// Result is the outcome of a successful Verify.
type Result struct {
	// AccessKey is the authenticated access key; empty when Anonymous.
	AccessKey string
	// Anonymous is true when the request carried no credentials at all.
	Anonymous bool
	// Scheme is one of the Scheme* constants.
	Scheme string
	// SessionToken is the X-Amz-Security-Token (header or presigned query
	// parameter) of a request signed with temporary credentials; the caller
	// validates it against the access key. Empty when absent.
	SessionToken string
	// Body yields the decoded payload and must be used instead of r.Body:
	// aws-chunked framing removed, every chunk signature verified
	// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD and -TRAILER), the
	// x-amz-content-sha256 digest verified for non-streaming signed payloads,
	// trailers parsed (STREAMING-UNSIGNED-PAYLOAD-TRAILER and
	// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, whose trailer signature is
	// verified). A mismatch makes the Read that would have returned io.EOF
	// return a wrapped sentinel instead (ErrContentSHA256Mismatch,
	// ErrSignatureDoesNotMatch for a chunk or the trailer, ErrIncompleteBody or
	// ErrMalformedChunk for bad framing). Reads never buffer: a chunk's bytes
	// are returned as they arrive and its signature error comes, at the
	// latest, with the Read that reaches the end of that chunk (so possibly
	// before EOF). Callers must not commit anything before Body returned
	// io.EOF. Close closes r.Body.
	Body io.ReadCloser
	// ContentLength is the decoded payload length:
	// x-amz-decoded-content-length for aws-chunked, else r.ContentLength
	// (-1 when unknown).
	ContentLength int64
	// Trailers returns the trailing headers (e.g. x-amz-checksum-crc32) once
	// Body has returned io.EOF; nil before that or when there are none. It is
	// never nil itself.
	Trailers func() http.Header
}

// Verify authenticates r: header V4, presigned V4, header V2, presigned V2,
// or anonymous when no credentials at all are present. It does not read the
// body. On success Result.Body must be used instead of r.Body. Errors wrap
// the sentinels of errors.go.
//
// Anonymous requests still get their payload decoded: an
// x-amz-content-sha256 digest is verified and
// STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies are de-chunked.
func (v *Verifier) Verify(r *http.Request) (*Result, error) {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	pairs := parseQuery(r.URL.RawQuery)
	presignV4 := hasQuery(pairs, qAlgorithm) || hasQuery(pairs, qCredential) || hasQuery(pairs, qSignature)
	presignV2 := hasQuery(pairs, qV2AccessKey)
	var res *Result
	var err error
	switch {
	case auth != "" && (presignV4 || presignV2), presignV4 && presignV2:
		return nil, ErrAccessDeniedMixedAuth
	case strings.HasPrefix(auth, algoV4+" "):
		res, err = v.verifyV4Header(r, auth)
	case strings.HasPrefix(auth, "AWS "):
		res, err = v.verifyV2Header(r, auth)
	case auth != "":
		alg, _, _ := strings.Cut(auth, " ")
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, alg)
	case presignV4:
		res, err = v.verifyV4Presigned(r, pairs)
	case presignV2:
		res, err = v.verifyV2Presigned(r, pairs)
	default:
		res = &Result{Anonymous: true, Scheme: SchemeAnonymous}
		err = v.attachBody(r, res, unsignedMode(r), nil)
	}
	if err != nil {
		return nil, err
	}
	if !res.Anonymous {
		res.SessionToken = r.Header.Get("X-Amz-Security-Token")
		if tok, n := queryValue(pairs, "X-Amz-Security-Token"); n > 0 && res.SessionToken == "" {
			res.SessionToken = tok
		}
	}
	return res, nil
}

// unsignedMode is the payload mode of a request without a V4 signature:
// the x-amz-content-sha256 value when it is a digest or a streaming mode
// (signed streaming modes then fail in attachBody: there is no seed
// signature to chain from), else UNSIGNED-PAYLOAD.
func unsignedMode(r *http.Request) string {
	p := r.Header.Get("X-Amz-Content-Sha256")
	if p != "" && validPayloadHash(p) {
		return p
	}
	return unsignedPayload
}

func hasQuery(pairs []queryPair, key string) bool {
	_, n := queryValue(pairs, key)
	return n > 0
}
