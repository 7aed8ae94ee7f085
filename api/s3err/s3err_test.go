package s3err

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/silo-project/silo/api/checksum"
	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/storage"
)

func TestAPIErrCodeDefinition(t *testing.T) {
	seen := map[Code]bool{}
	for _, c := range Codes() {
		t.Run(string(c), func(t *testing.T) {
			if seen[c] {
				t.Fatalf("code %s listed twice", c)
			}
			seen[c] = true
			d, ok := Lookup(c)
			if !ok {
				t.Fatalf("code %s has no definition", c)
			}
			if d.Status < 300 || d.Status > 599 || http.StatusText(d.Status) == "" {
				t.Fatalf("code %s has status %d", c, d.Status)
			}
			if d.Message == "" {
				t.Fatalf("code %s has no message", c)
			}
		})
	}
}

func TestStorageSentinelsMap(t *testing.T) {
	tests := []struct {
		err  error
		want Code
	}{
		{storage.ErrBucketNotFound, NoSuchBucket},
		{storage.ErrBucketExists, BucketAlreadyOwnedByYou},
		{storage.ErrBucketNotEmpty, BucketNotEmpty},
		{storage.ErrInvalidBucketName, InvalidBucketName},
		{storage.ErrInvalidObjectName, InvalidObjectName},
		{storage.ErrObjectNotFound, NoSuchKey},
		{storage.ErrVersionNotFound, NoSuchVersion},
		{storage.ErrMethodNotAllowed, MethodNotAllowed},
		{storage.ErrInvalidVersionID, InvalidArgument},
		{storage.ErrInvalidRange, InvalidRange},
		{storage.ErrInvalidPartNumber, InvalidPartNumber},
		{storage.ErrPreconditionFailed, PreconditionFailed},
		{storage.ErrNotModified, NotModified},
		{storage.ErrBadDigest, BadDigest},
		{storage.ErrIncompleteBody, IncompleteBody},
		{storage.ErrEntityTooLarge, EntityTooLarge},
		{storage.ErrNoSuchUpload, NoSuchUpload},
		{storage.ErrInvalidPart, InvalidPart},
		{storage.ErrInvalidPartOrder, InvalidPartOrder},
		{storage.ErrEntityTooSmall, EntityTooSmall},
		{storage.ErrConfigNotFound, NoSuchConfiguration},
		{storage.ErrInvalidStorageClass, InvalidStorageClass},
		{storage.ErrWriteQuorum, SlowDown},
		{storage.ErrReadQuorum, SlowDown},
		{storage.ErrDriveFaulty, ServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			wrapped := &storage.Error{Op: "Op", Bucket: "b", Key: "k", Err: tt.err}
			for _, err := range []error{tt.err, wrapped, fmt.Errorf("ctx: %w", wrapped)} {
				if got := From(err); got != tt.want {
					t.Fatalf("From(%v) = %s, want %s", err, got, tt.want)
				}
			}
		})
	}
}

func TestAuthSentinelsMap(t *testing.T) {
	tests := []struct {
		err  error
		want Code
	}{
		{sigv4.ErrAuthorizationHeaderMalformed, AuthorizationHeaderMalformed},
		{sigv4.ErrMalformedV2Authorization, InvalidArgument},
		{sigv4.ErrInvalidPresign, AuthorizationQueryParametersError},
		{sigv4.ErrSignatureDoesNotMatch, SignatureDoesNotMatch},
		{sigv4.ErrInvalidAccessKeyID, InvalidAccessKeyID},
		{sigv4.ErrRequestTimeTooSkewed, RequestTimeTooSkewed},
		{sigv4.ErrRequestNotReadyYet, AccessDenied},
		{sigv4.ErrExpiredPresignRequest, AccessDenied},
		{sigv4.ErrMissingDateHeader, AccessDenied},
		{sigv4.ErrMalformedDate, AccessDenied},
		{sigv4.ErrContentSHA256Mismatch, XAmzContentSHA256Mismatch},
		{sigv4.ErrInvalidContentSHA256, InvalidArgument},
		{sigv4.ErrMalformedChunk, IncompleteBody},
		{sigv4.ErrIncompleteBody, IncompleteBody},
		{sigv4.ErrMissingContentLength, MissingContentLength},
		{sigv4.ErrUnsupportedAlgorithm, InvalidArgument},
		{sigv4.ErrAccessDeniedMixedAuth, InvalidArgument},
		{sigv4.ErrUnsignedHeaders, AccessDenied},
		{sigv4.ErrMalformedPOSTRequest, MalformedPOSTRequest},
		{sigv4.ErrInvalidPolicyDocument, InvalidPolicyDocument},
		{sigv4.ErrPostPolicyExpired, AccessDenied},
		{sigv4.ErrPostPolicyConditionFailed, AccessDenied},
		{sigv4.ErrEntityTooSmall, EntityTooSmall},
		{sigv4.ErrEntityTooLarge, EntityTooLarge},
		{&sigv4.RegionError{Got: "x", Want: "y"}, AuthorizationHeaderMalformed},
		{&sigv4.RegionError{Got: "x", Want: "y", Presigned: true}, AuthorizationQueryParametersError},
		{checksum.ErrInvalidAlgorithm, InvalidRequest},
		{checksum.ErrInvalidChecksum, InvalidRequest},
		{checksum.ErrMultipleChecksums, InvalidRequest},
		{checksum.ErrMalformedTrailer, MalformedTrailer},
		{checksum.ErrBadDigest, BadDigest},
		{iam.ErrAccessDenied, AccessDenied},
		{iam.ErrNoSuchAccessKey, InvalidAccessKeyID},
		{errors.Join(sigv4.ErrInvalidAccessKeyID, iam.ErrNoSuchAccessKey), InvalidAccessKeyID},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			if got := From(fmt.Errorf("verify: %w", tt.err)); got != tt.want {
				t.Fatalf("From(%v) = %s, want %s", tt.err, got, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	secret := errors.New("disk /dev/sda exploded")
	tests := []struct {
		name    string
		err     error
		code    Code
		message string
	}{
		{"unknown is internal and hides detail", secret, InternalError, InternalError.Message()},
		{"explicit error keeps message", New(InvalidArgument, "max-keys must be an integer"), InvalidArgument, "max-keys must be an integer"},
		{"explicit error defaults message", fmt.Errorf("x: %w", New(NoSuchUpload, "")), NoSuchUpload, NoSuchUpload.Message()},
		{"region error message", &sigv4.RegionError{Got: "eu", Want: "us"}, AuthorizationHeaderMalformed, (&sigv4.RegionError{Got: "eu", Want: "us"}).Error()},
		{"max bytes", &http.MaxBytesError{Limit: 10}, MaxMessageLengthExceeded, MaxMessageLengthExceeded.Message()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Resolve(tt.err)
			if e.Code != tt.code || e.Message != tt.message {
				t.Fatalf("Resolve = %s %q, want %s %q", e.Code, e.Message, tt.code, tt.message)
			}
		})
	}
	if Resolve(nil) != nil {
		t.Fatal("Resolve(nil) != nil")
	}
}
