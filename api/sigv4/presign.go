package sigv4

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Presigned V4 query parameters.
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qExpires       = "X-Amz-Expires"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qContentSHA256 = "X-Amz-Content-Sha256"

	maxPresignExpiry = 7 * 24 * time.Hour
)

// presignV4 is a parsed presigned V4 query.
type presignV4 struct {
	authV4
	amzDate string
	date    time.Time
	expires time.Duration
	payload string
}

// queryValue returns the first value of key and whether it was present more
// than once.
func queryValue(pairs []queryPair, key string) (string, int) {
	var v string
	n := 0
	for _, p := range pairs {
		if p.key == key {
			if n == 0 {
				v = p.value
			}
			n++
		}
	}
	return v, n
}

// parsePresignV4 parses the X-Amz-* query parameters of a presigned URL.
func parsePresignV4(pairs []queryPair) (presignV4, error) {
	base := ErrInvalidPresign
	get := func(k string) (string, error) {
		v, n := queryValue(pairs, k)
		if n == 0 || v == "" {
			return "", fmt.Errorf("%w: missing %s", base, k)
		}
		if n > 1 {
			return "", fmt.Errorf("%w: repeated %s", base, k)
		}
		return v, nil
	}
	var p presignV4
	alg, err := get(qAlgorithm)
	if err != nil {
		return p, err
	}
	if alg != algoV4 {
		return p, fmt.Errorf("%w: %w: X-Amz-Algorithm %q only AWS4-HMAC-SHA256 is supported", base, ErrUnsupportedAlgorithm, alg)
	}
	cred, err := get(qCredential)
	if err != nil {
		return p, err
	}
	if p.cred, err = parseCredential(cred, base); err != nil {
		return p, err
	}
	if p.amzDate, err = get(qDate); err != nil {
		return p, err
	}
	if p.date, err = time.Parse(amzDateFormat, p.amzDate); err != nil {
		return p, fmt.Errorf("%w: %w: X-Amz-Date %q", base, ErrMalformedDate, p.amzDate)
	}
	exp, err := get(qExpires)
	if err != nil {
		return p, err
	}
	secs, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || secs < 0 {
		return p, fmt.Errorf("%w: X-Amz-Expires %q must be a non-negative integer", base, exp)
	}
	if secs > int64(maxPresignExpiry/time.Second) {
		return p, fmt.Errorf("%w: X-Amz-Expires must be less than a week (in seconds) that is 604800", base)
	}
	p.expires = time.Duration(secs) * time.Second
	sh, err := get(qSignedHeaders)
	if err != nil {
		return p, err
	}
	if p.signedHeaders, err = parseSignedHeaders(sh, base); err != nil {
		return p, err
	}
	if p.signature, err = get(qSignature); err != nil {
		return p, err
	}
	if !isHexSignature(p.signature) {
		return p, fmt.Errorf("%w: X-Amz-Signature is not 64 hex digits", base)
	}
	p.payload = unsignedPayload
	if v, n := queryValue(pairs, qContentSHA256); n > 0 {
		p.payload = v
	}
	return p, nil
}

// verifyV4Presigned authenticates a presigned V4 URL.
func (v *Verifier) verifyV4Presigned(r *http.Request, pairs []queryPair) (*Result, error) {
	p, err := parsePresignV4(pairs)
	if err != nil {
		return nil, err
	}
	if !hasSigned(p.signedHeaders, "host") {
		return nil, fmt.Errorf("%w: host", ErrUnsignedHeaders)
	}
	if err := v.checkScope(p.cred, p.amzDate, true); err != nil {
		return nil, err
	}
	// The payload hash is X-Amz-Content-Sha256 from the query, else
	// UNSIGNED-PAYLOAD; a signer may also have used the header's value.
	candidates := []string{p.payload}
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" && p.payload == unsignedPayload && h != unsignedPayload {
		candidates = append(candidates, h)
	}
	for _, c := range candidates {
		if !validPayloadHash(c) {
			return nil, fmt.Errorf("%w: %q", ErrInvalidContentSHA256, c)
		}
	}
	secret, err := v.lookup(r, p.cred.accessKey)
	if err != nil {
		return nil, err
	}
	key := signingKey(secret, p.cred.date, p.cred.region, p.cred.service)
	query := canonicalQuery(pairs, qSignature)
	matched := false
	for _, c := range candidates {
		canonical := canonicalRequest(r, query, p.signedHeaders, c)
		want := hex.EncodeToString(hmacSHA256(key, stringToSign(p.amzDate, p.cred.scope(), canonical)))
		if signatureMatches(p.signature, want) && !matched {
			matched, p.payload = true, c
		}
	}
	if !matched {
		return nil, fmt.Errorf("%w: presigned signature", ErrSignatureDoesNotMatch)
	}
	now := v.now()
	if p.date.Sub(now) > v.maxSkew {
		return nil, fmt.Errorf("%w: %w: X-Amz-Date %s is in the future", ErrRequestNotReadyYet, ErrRequestTimeTooSkewed, p.amzDate)
	}
	if now.After(p.date.Add(p.expires)) {
		return nil, fmt.Errorf("%w: expired at %s", ErrExpiredPresignRequest, p.date.Add(p.expires).UTC().Format(time.RFC3339))
	}
	res := &Result{AccessKey: p.cred.accessKey, Scheme: SchemeV4Presigned}
	cs := &chunkSigner{key: key, amzDate: p.amzDate, scope: p.cred.scope(), prev: p.signature}
	if err := v.attachBody(r, res, p.payload, cs); err != nil {
		return nil, err
	}
	return res, nil
}
