package sigv4

import (
	"errors"
	"fmt"
)

// Sentinel errors. Verify, VerifyPostPolicy and Result.Body wrap them with
// detail; callers test with errors.Is. Each doc comment names the S3 error
// code (and HTTP status) api/s3err should map it to.
var (
	// ErrAuthorizationHeaderMalformed maps to AuthorizationHeaderMalformed
	// (400): the Authorization header cannot be parsed, or its credential
	// scope is wrong (region, service, terminator, date). See *RegionError.
	ErrAuthorizationHeaderMalformed = errors.New("authorization header malformed")
	// ErrMalformedV2Authorization maps to InvalidArgument (400) with the
	// message "AWS authorization header is invalid.  Expected
	// AwsAccessKeyId:signature", as AWS answers a V2 header that is not
	// "AWS <key>:<signature>".
	ErrMalformedV2Authorization = errors.New("malformed V2 authorization header")
	// ErrInvalidPresign maps to AuthorizationQueryParametersError (400): the
	// X-Amz-* query parameters of a presigned V4 URL (or the V2
	// AWSAccessKeyId/Signature/Expires set) are missing or malformed, or
	// X-Amz-Expires is out of range (1 second .. 7 days).
	ErrInvalidPresign = errors.New("authorization query parameters error")
	// ErrSignatureDoesNotMatch maps to SignatureDoesNotMatch (403): the
	// request signature, a chunk signature or the trailer signature is wrong.
	ErrSignatureDoesNotMatch = errors.New("signature does not match")
	// ErrInvalidAccessKeyID maps to InvalidAccessKeyId (403): the
	// CredentialLookup did not know the access key. The lookup error is
	// joined to it, so errors.Is also finds the lookup's own sentinel.
	ErrInvalidAccessKeyID = errors.New("invalid access key id")
	// ErrRequestTimeTooSkewed maps to RequestTimeTooSkewed (403): the request
	// date is more than Config.MaxSkew away from the server clock.
	ErrRequestTimeTooSkewed = errors.New("request time too skewed")
	// ErrExpiredPresignRequest maps to AccessDenied (403) with the message
	// "Request has expired": a presigned URL used after its expiry.
	ErrExpiredPresignRequest = errors.New("request has expired")
	// ErrRequestNotReadyYet maps to AccessDenied (403) "Request is not valid
	// yet": a presigned URL dated further in the future than the skew allows.
	// Errors carrying it also wrap ErrRequestTimeTooSkewed, so a table that
	// does not list it answers RequestTimeTooSkewed (403).
	ErrRequestNotReadyYet = errors.New("request is not valid yet")
	// ErrMissingDateHeader maps to AccessDenied (403) with the message "AWS
	// authentication requires a valid Date or x-amz-date header".
	ErrMissingDateHeader = errors.New("missing date header")
	// ErrMalformedDate maps to AccessDenied (403) with the same message as
	// ErrMissingDateHeader: a Date / X-Amz-Date value that does not parse.
	// (MinIO answers MalformedDate 400; AWS answers AccessDenied.)
	ErrMalformedDate = errors.New("malformed date")
	// ErrContentSHA256Mismatch maps to XAmzContentSHA256Mismatch (400): the
	// payload does not hash to the signed x-amz-content-sha256 value.
	ErrContentSHA256Mismatch = errors.New("x-amz-content-sha256 does not match the payload")
	// ErrInvalidContentSHA256 maps to InvalidArgument (400) with the message
	// "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-
	// PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-
	// HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.", also returned
	// when a V4 request has no x-amz-content-sha256 at all (header auth).
	ErrInvalidContentSHA256 = errors.New("invalid x-amz-content-sha256")
	// ErrMalformedChunk maps to IncompleteBody (400) as MinIO and AWS do for
	// aws-chunked framing they cannot parse (bad size line, missing CRLF,
	// missing chunk-signature, malformed trailer).
	ErrMalformedChunk = errors.New("malformed aws-chunked encoding")
	// ErrIncompleteBody maps to IncompleteBody (400): the payload ended before
	// the declared (decoded) content length, or ran past it.
	ErrIncompleteBody = errors.New("incomplete body")
	// ErrMissingContentLength maps to MissingContentLength (411): an
	// aws-chunked upload without x-amz-decoded-content-length.
	ErrMissingContentLength = errors.New("missing x-amz-decoded-content-length")
	// ErrUnsupportedAlgorithm maps to InvalidArgument (400) "Unsupported
	// Authorization Type": an Authorization header or X-Amz-Algorithm that is
	// neither AWS4-HMAC-SHA256 nor V2 "AWS " (e.g. SigV4a
	// AWS4-ECDSA-P256-SHA256).
	ErrUnsupportedAlgorithm = errors.New("unsupported authorization algorithm")
	// ErrAccessDeniedMixedAuth maps to InvalidArgument (400) "Only one auth
	// mechanism allowed; only the X-Amz-Algorithm query parameter, Signature
	// query string parameter or the Authorization header should be
	// specified".
	ErrAccessDeniedMixedAuth = errors.New("only one auth mechanism allowed")
	// ErrUnsignedHeaders maps to AccessDenied (403) "There were headers
	// present in the request which were not signed": the host header is not
	// among the SignedHeaders.
	ErrUnsignedHeaders = errors.New("headers present in the request were not signed")

	// ErrMalformedPOSTRequest maps to MalformedPOSTRequest (400): a POST form
	// lacks the policy or signature fields, or they are not well formed.
	ErrMalformedPOSTRequest = errors.New("malformed POST request")
	// ErrInvalidPolicyDocument maps to InvalidPolicyDocument (400): the
	// base64 POST policy is not valid base64 JSON of the documented shape.
	ErrInvalidPolicyDocument = errors.New("invalid policy document")
	// ErrPostPolicyExpired maps to AccessDenied (403) "Invalid according to
	// Policy: Policy expired.".
	ErrPostPolicyExpired = errors.New("invalid according to policy: policy expired")
	// ErrPostPolicyConditionFailed maps to AccessDenied (403) "Invalid
	// according to Policy: Policy Condition failed": a form field breaks a
	// condition, or a field is present that no condition covers.
	ErrPostPolicyConditionFailed = errors.New("invalid according to policy: policy condition failed")
	// ErrEntityTooSmall maps to EntityTooSmall (400): returned by
	// PostPolicy.CheckContentLength below the content-length-range minimum.
	ErrEntityTooSmall = errors.New("entity too small")
	// ErrEntityTooLarge maps to EntityTooLarge (400): returned by
	// PostPolicy.CheckContentLength above the content-length-range maximum.
	ErrEntityTooLarge = errors.New("entity too large")
)

// RegionError is returned (wrapped) when the credential scope names another
// region than Config.Region. It unwraps to ErrAuthorizationHeaderMalformed
// for header auth and to ErrInvalidPresign for presigned URLs; Error() is the
// message S3 sends ("the region 'x' is wrong; expecting 'y'").
type RegionError struct {
	Got, Want string
	Presigned bool
}

// Error returns the S3 message for the region mismatch.
func (e *RegionError) Error() string {
	if e.Presigned {
		return fmt.Sprintf("Error parsing the X-Amz-Credential parameter; the region '%s' is wrong; expecting '%s'", e.Got, e.Want)
	}
	return fmt.Sprintf("The authorization header is malformed; the region '%s' is wrong; expecting '%s'", e.Got, e.Want)
}

// Unwrap returns the sentinel the error maps to.
func (e *RegionError) Unwrap() error {
	if e.Presigned {
		return ErrInvalidPresign
	}
	return ErrAuthorizationHeaderMalformed
}
