package sigv4

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxPolicySize bounds the decoded POST policy document.
const maxPolicySize = 64 << 10

// PostPolicy is a verified browser-POST policy.
type PostPolicy struct {
	// AccessKey is the access key that signed the policy; empty when
	// Anonymous.
	AccessKey string
	// Anonymous is true for a form with neither policy nor signature: an
	// unauthenticated upload the bucket policy must allow.
	Anonymous bool
	// Scheme is "v4-post", "v2-post" or "anonymous".
	Scheme string
	// Expiration is the policy's expiration time.
	Expiration time.Time
	// ContentLengthRange is the content-length-range condition, if any.
	ContentLengthRange ContentLengthRange
}

// POST policy schemes reported in PostPolicy.Scheme.
const (
	SchemeV4Post = "v4-post"
	SchemeV2Post = "v2-post"
)

// ContentLengthRange is the inclusive size range a POST upload's file must
// fall in. Set is false when the policy has no such condition.
type ContentLengthRange struct {
	Min, Max int64
	Set      bool
}

// CheckContentLength returns ErrEntityTooSmall or ErrEntityTooLarge when n is
// outside the policy's content-length-range, else nil.
func (p *PostPolicy) CheckContentLength(n int64) error {
	if !p.ContentLengthRange.Set {
		return nil
	}
	if n < p.ContentLengthRange.Min {
		return fmt.Errorf("%w: %d bytes, policy minimum %d", ErrEntityTooSmall, n, p.ContentLengthRange.Min)
	}
	if n > p.ContentLengthRange.Max {
		return fmt.Errorf("%w: %d bytes, policy maximum %d", ErrEntityTooLarge, n, p.ContentLengthRange.Max)
	}
	return nil
}

// VerifyPostPolicy verifies a browser POST (form upload). form maps
// lower-cased field names to values, excluding the file; the caller has
// already replaced "${filename}" in the key field with the file's name.
// bucket is the target bucket. It checks the signature over the base64
// policy (V4: x-amz-algorithm, x-amz-credential, x-amz-date,
// x-amz-signature; V2: awsaccesskeyid, signature), the expiration, and every
// condition (eq, starts-with, content-length-range) for bucket, key, acl,
// success_action_*, content-type, x-amz-meta-* and x-amz-*; an x-amz-* or
// x-amz-meta-* field that no condition covers fails too. The file size is
// checked later by the caller with PostPolicy.CheckContentLength.
//
// Errors: ErrMalformedPOSTRequest (fields missing or malformed),
// ErrInvalidPolicyDocument, ErrInvalidAccessKeyID, ErrSignatureDoesNotMatch,
// ErrAuthorizationHeaderMalformed / *RegionError (credential scope),
// ErrUnsupportedAlgorithm, ErrPostPolicyExpired,
// ErrPostPolicyConditionFailed.
func (v *Verifier) VerifyPostPolicy(ctx context.Context, form map[string]string, bucket string) (*PostPolicy, error) {
	policy := form["policy"]
	_, v4 := form["x-amz-signature"]
	_, v2 := form["signature"]
	if policy == "" {
		if v4 || v2 || form["awsaccesskeyid"] != "" || form["x-amz-credential"] != "" {
			return nil, fmt.Errorf("%w: signature without policy", ErrMalformedPOSTRequest)
		}
		return &PostPolicy{Anonymous: true, Scheme: SchemeAnonymous}, nil
	}
	var p PostPolicy
	var err error
	switch {
	case v4:
		p.AccessKey, err = v.verifyPostV4(ctx, form, policy)
		p.Scheme = SchemeV4Post
	case v2:
		p.AccessKey, err = v.verifyPostV2(ctx, form, policy)
		p.Scheme = SchemeV2Post
	default:
		return nil, fmt.Errorf("%w: policy without signature", ErrMalformedPOSTRequest)
	}
	if err != nil {
		return nil, err
	}
	doc, err := parsePolicy(policy)
	if err != nil {
		return nil, err
	}
	p.Expiration = doc.expiration
	if !v.now().Before(doc.expiration) {
		return nil, fmt.Errorf("%w: expired at %s", ErrPostPolicyExpired, doc.expiration.Format(time.RFC3339))
	}
	if err := checkConditions(doc.conditions, form, bucket, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// verifyPostV4 checks the V4 signature of a POST policy.
func (v *Verifier) verifyPostV4(ctx context.Context, form map[string]string, policy string) (string, error) {
	if alg := form["x-amz-algorithm"]; alg != algoV4 {
		return "", fmt.Errorf("%w: x-amz-algorithm %q", ErrUnsupportedAlgorithm, alg)
	}
	cred, err := parseCredential(form["x-amz-credential"], ErrMalformedPOSTRequest)
	if err != nil {
		return "", err
	}
	amzDate := form["x-amz-date"]
	if _, err := time.Parse(amzDateFormat, amzDate); err != nil {
		return "", fmt.Errorf("%w: x-amz-date %q", ErrMalformedPOSTRequest, amzDate)
	}
	if err := v.checkScope(cred, amzDate, false); err != nil {
		return "", err
	}
	sig := form["x-amz-signature"]
	if !isHexSignature(sig) {
		return "", fmt.Errorf("%w: x-amz-signature is not 64 hex digits", ErrMalformedPOSTRequest)
	}
	secret, err := v.lookupCtx(ctx, cred.accessKey)
	if err != nil {
		return "", err
	}
	key := signingKey(secret, cred.date, cred.region, cred.service)
	if !signatureMatches(sig, hex.EncodeToString(hmacSHA256(key, policy))) {
		return "", fmt.Errorf("%w: POST policy signature", ErrSignatureDoesNotMatch)
	}
	return cred.accessKey, nil
}

// verifyPostV2 checks the V2 signature of a POST policy.
func (v *Verifier) verifyPostV2(ctx context.Context, form map[string]string, policy string) (string, error) {
	ak := form["awsaccesskeyid"]
	if ak == "" {
		return "", fmt.Errorf("%w: missing AWSAccessKeyId", ErrMalformedPOSTRequest)
	}
	secret, err := v.lookupCtx(ctx, ak)
	if err != nil {
		return "", err
	}
	if !hmac.Equal([]byte(signV2(secret, policy)), []byte(form["signature"])) {
		return "", fmt.Errorf("%w: POST policy V2 signature", ErrSignatureDoesNotMatch)
	}
	return ak, nil
}

// policyDoc is a decoded POST policy.
type policyDoc struct {
	expiration time.Time
	conditions []any
}

// parsePolicy decodes the base64 JSON policy document.
func parsePolicy(b64 string) (policyDoc, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return policyDoc{}, fmt.Errorf("%w: policy is not base64: %w", ErrInvalidPolicyDocument, err)
	}
	if len(raw) > maxPolicySize {
		return policyDoc{}, fmt.Errorf("%w: policy larger than %d bytes", ErrInvalidPolicyDocument, maxPolicySize)
	}
	var doc struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return policyDoc{}, fmt.Errorf("%w: %w", ErrInvalidPolicyDocument, err)
	}
	exp, err := time.Parse(time.RFC3339Nano, doc.Expiration)
	if err != nil {
		return policyDoc{}, fmt.Errorf("%w: expiration %q", ErrInvalidPolicyDocument, doc.Expiration)
	}
	return policyDoc{expiration: exp, conditions: doc.Conditions}, nil
}

// postExempt reports whether a form field needs no policy condition. The
// server-side encryption fields are exempt because minio-go's
// PostPolicy.SetEncryption puts them in the form without a condition.
func postExempt(name string) bool {
	switch name {
	case "policy", "file", "x-amz-signature", "signature", "awsaccesskeyid",
		"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-security-token":
		return true
	}
	return strings.HasPrefix(name, "x-ignore-") || strings.HasPrefix(name, "x-amz-server-side-encryption")
}

// checkConditions evaluates every policy condition against the form.
func checkConditions(conds []any, form map[string]string, bucket string, p *PostPolicy) error {
	value := func(field string) (string, bool) {
		if field == "bucket" {
			return bucket, true
		}
		v, ok := form[field]
		return v, ok
	}
	covered := map[string]bool{}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrPostPolicyConditionFailed, fmt.Sprintf(format, args...))
	}
	for _, c := range conds {
		switch c := c.(type) {
		case map[string]any:
			for k, raw := range c {
				want, ok := raw.(string)
				if !ok {
					return fmt.Errorf("%w: condition %q value is not a string", ErrInvalidPolicyDocument, k)
				}
				field := strings.ToLower(k)
				covered[field] = true
				if got, _ := value(field); got != want {
					return fail("%s %q is not %q", field, got, want)
				}
			}
		case []any:
			if len(c) != 3 {
				return fmt.Errorf("%w: condition of %d elements", ErrInvalidPolicyDocument, len(c))
			}
			op, _ := c[0].(string)
			switch strings.ToLower(op) {
			case "content-length-range":
				lo, err1 := policyInt(c[1])
				hi, err2 := policyInt(c[2])
				if err1 != nil || err2 != nil || lo < 0 || hi < lo {
					return fmt.Errorf("%w: bad content-length-range", ErrInvalidPolicyDocument)
				}
				p.ContentLengthRange = ContentLengthRange{Min: lo, Max: hi, Set: true}
			case "eq", "starts-with":
				name, ok1 := c[1].(string)
				want, ok2 := c[2].(string)
				if !ok1 || !ok2 || !strings.HasPrefix(name, "$") {
					return fmt.Errorf("%w: bad %s condition", ErrInvalidPolicyDocument, op)
				}
				field := strings.ToLower(name[1:])
				covered[field] = true
				got, _ := value(field)
				if strings.EqualFold(op, "eq") {
					if got != want {
						return fail("%s %q is not %q", field, got, want)
					}
				} else if !startsWith(field, got, want) {
					return fail("%s %q does not start with %q", field, got, want)
				}
			default:
				return fmt.Errorf("%w: unknown condition %q", ErrInvalidPolicyDocument, op)
			}
		default:
			return fmt.Errorf("%w: condition is neither object nor array", ErrInvalidPolicyDocument)
		}
	}
	for name := range form {
		if strings.HasPrefix(name, "x-amz-") && !postExempt(name) && !covered[name] {
			return fail("extra input field %s is not covered by a condition", name)
		}
	}
	return nil
}

// startsWith applies a starts-with condition; Content-Type may list several
// comma-separated types, each of which must match.
func startsWith(field, got, prefix string) bool {
	if field != "content-type" {
		return strings.HasPrefix(got, prefix)
	}
	for _, t := range strings.Split(got, ",") {
		if !strings.HasPrefix(strings.TrimSpace(t), prefix) {
			return false
		}
	}
	return true
}

// policyInt reads a JSON number or numeric string.
func policyInt(v any) (int64, error) {
	switch n := v.(type) {
	case json.Number:
		return n.Int64()
	case string:
		return strconv.ParseInt(n, 10, 64)
	}
	return 0, fmt.Errorf("not a number: %v", v)
}
