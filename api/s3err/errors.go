package s3err

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/silo-project/silo/api/checksum"
	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/iam/policy"
	"github.com/silo-project/silo/objectlock"
	"github.com/silo-project/silo/storage"
)

// Error is an S3 error a handler returns when it decides the code itself
// (validation of headers, query parameters and bodies). Message overrides the
// code's default message when set; Err, when set, is the cause (logged only).
type Error struct {
	Code    Code
	Message string
	// BucketName and Key are echoed in the XML error where S3 gives them.
	BucketName string
	Key        string
	// Header, when set, is added to the error response (e.g. x-amz-delete-marker).
	Header http.Header
	Err    error
}

// New returns an *Error with code c and an optional message (default when empty).
func New(c Code, message string) *Error { return &Error{Code: c, Message: message} }

// Wrap returns an *Error with code c whose cause is err.
func Wrap(c Code, message string, err error) *Error {
	return &Error{Code: c, Message: message, Err: err}
}

// Error returns the code and message.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code.Message()
	}
	if e.Err != nil {
		return string(e.Code) + ": " + msg + ": " + e.Err.Error()
	}
	return string(e.Code) + ": " + msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// mapping is one row of the translation table: any error that errors.Is
// target becomes code, with message instead of the default when set.
type mapping struct {
	target  error
	code    Code
	message string
}

// mappings is the translation table, most specific first. It is built per
// call because the sentinels live in other packages; it only runs on errors.
func mappings() []mapping {
	return append([]mapping{
		// storage
		{storage.ErrBucketNotFound, NoSuchBucket, ""},
		{storage.ErrBucketExists, BucketAlreadyOwnedByYou, ""},
		{storage.ErrBucketNotEmpty, BucketNotEmpty, ""},
		{storage.ErrInvalidBucketName, InvalidBucketName, ""},
		{storage.ErrInvalidObjectName, InvalidObjectName, ""},
		{storage.ErrObjectNotFound, NoSuchKey, ""},
		{storage.ErrVersionNotFound, NoSuchVersion, ""},
		{storage.ErrMethodNotAllowed, MethodNotAllowed, ""},
		{storage.ErrInvalidVersionID, InvalidArgument, "Invalid version id specified."},
		{storage.ErrInvalidRange, InvalidRange, ""},
		{storage.ErrInvalidPartNumber, InvalidPartNumber, ""},
		{storage.ErrPreconditionFailed, PreconditionFailed, ""},
		{storage.ErrNotModified, NotModified, ""},
		{storage.ErrBadDigest, BadDigest, ""},
		{storage.ErrIncompleteBody, IncompleteBody, ""},
		{storage.ErrEntityTooLarge, EntityTooLarge, ""},
		{storage.ErrNoSuchUpload, NoSuchUpload, ""},
		{storage.ErrInvalidPart, InvalidPart, ""},
		{storage.ErrInvalidPartOrder, InvalidPartOrder, ""},
		{storage.ErrEntityTooSmall, EntityTooSmall, ""},
		{storage.ErrConfigNotFound, NoSuchConfiguration, ""},
		{storage.ErrInvalidStorageClass, InvalidStorageClass, ""},
		{storage.ErrWriteQuorum, SlowDown, "Resource requested is unwritable, please reduce your request rate."},
		{storage.ErrReadQuorum, SlowDown, "Resource requested is unreadable, please reduce your request rate."},
		{storage.ErrDriveFaulty, ServiceUnavailable, ""},
		// sigv4: region errors carry the S3 message in Error().
		{sigv4.ErrExpiredPresignRequest, AccessDenied, "Request has expired."},
		{sigv4.ErrMissingDateHeader, AccessDenied, "AWS authentication requires a valid Date or x-amz-date header."},
		{sigv4.ErrMalformedDate, AccessDenied, "AWS authentication requires a valid Date or x-amz-date header."},
		{sigv4.ErrAuthorizationHeaderMalformed, AuthorizationHeaderMalformed, ""},
		{sigv4.ErrMalformedV2Authorization, InvalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"},
		{sigv4.ErrInvalidPresign, AuthorizationQueryParametersError, ""},
		{sigv4.ErrSignatureDoesNotMatch, SignatureDoesNotMatch, ""},
		{sigv4.ErrInvalidAccessKeyID, InvalidAccessKeyID, ""},
		{sigv4.ErrRequestNotReadyYet, AccessDenied, "Request is not valid yet."},
		{sigv4.ErrRequestTimeTooSkewed, RequestTimeTooSkewed, ""},
		{sigv4.ErrContentSHA256Mismatch, XAmzContentSHA256Mismatch, ""},
		{sigv4.ErrInvalidContentSHA256, InvalidArgument, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value."},
		{sigv4.ErrMalformedChunk, IncompleteBody, ""},
		{sigv4.ErrIncompleteBody, IncompleteBody, ""},
		{sigv4.ErrMissingContentLength, MissingContentLength, ""},
		{sigv4.ErrUnsupportedAlgorithm, InvalidArgument, "Unsupported Authorization Type."},
		{sigv4.ErrAccessDeniedMixedAuth, InvalidArgument, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified."},
		{sigv4.ErrUnsignedHeaders, AccessDenied, "There were headers present in the request which were not signed."},
		{sigv4.ErrMalformedPOSTRequest, MalformedPOSTRequest, ""},
		{sigv4.ErrInvalidPolicyDocument, InvalidPolicyDocument, ""},
		{sigv4.ErrPostPolicyExpired, AccessDenied, "Invalid according to Policy: Policy expired."},
		{sigv4.ErrPostPolicyConditionFailed, AccessDenied, "Invalid according to Policy: Policy Condition failed."},
		{sigv4.ErrEntityTooSmall, EntityTooSmall, ""},
		{sigv4.ErrEntityTooLarge, EntityTooLarge, ""},
		// checksum
		{checksum.ErrInvalidAlgorithm, InvalidRequest, "Value for x-amz-checksum-algorithm header is invalid."},
		{checksum.ErrInvalidChecksum, InvalidRequest, "Value for x-amz-checksum header is invalid."},
		{checksum.ErrMultipleChecksums, InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."},
		{checksum.ErrMalformedTrailer, MalformedTrailer, ""},
		{checksum.ErrBadDigest, BadDigest, "The checksum you specified did not match the calculated checksum."},
		// object lock
		{objectlock.ErrLocked, AccessDenied, "Access Denied because object protected by object lock."},
		// iam
		{iam.ErrAccessDenied, AccessDenied, ""},
		{iam.ErrNoSuchAccessKey, InvalidAccessKeyID, ""},
		{iam.ErrExpiredToken, ExpiredToken, ""},
		{iam.ErrInvalidToken, InvalidToken, "The provided token is malformed or otherwise invalid."},
		{iam.ErrNoSuchBucketPolicy, NoSuchBucketPolicy, ""},
		{policy.ErrMalformedPolicy, MalformedPolicy, ""},
		// transport
		{io.ErrUnexpectedEOF, IncompleteBody, ""},
		{context.DeadlineExceeded, RequestTimeout, ""},
	}, sseMappings()...)
}

// Resolve returns the S3 error err stands for: an *Error found with
// errors.As is returned as is (with its message defaulted); otherwise the
// first table row whose sentinel errors.Is finds decides. Unknown errors
// become InternalError; their detail stays in Err, never in Message.
func Resolve(err error) *Error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		out := *se
		if out.Message == "" {
			out.Message = out.Code.Message()
		}
		return &out
	}
	var re *sigv4.RegionError
	if errors.As(err, &re) {
		c := AuthorizationHeaderMalformed
		if re.Presigned {
			c = AuthorizationQueryParametersError
		}
		return &Error{Code: c, Message: re.Error(), Err: err}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &Error{Code: MaxMessageLengthExceeded, Message: MaxMessageLengthExceeded.Message(), Err: err}
	}
	for _, m := range mappings() {
		if errors.Is(err, m.target) {
			msg := m.message
			if msg == "" {
				msg = m.code.Message()
			}
			return &Error{Code: m.code, Message: msg, Err: err}
		}
	}
	return &Error{Code: InternalError, Message: InternalError.Message(), Err: err}
}

// From returns the S3 error code err maps to (InternalError when unknown).
func From(err error) Code {
	if e := Resolve(err); e != nil {
		return e.Code
	}
	return ""
}
