package checksum

import "errors"

// Sentinel errors; callers test with errors.Is. Each doc comment names the S3
// error code (and HTTP status) api/s3err should map it to.
var (
	// ErrInvalidAlgorithm maps to InvalidRequest (400) "Value for
	// x-amz-checksum-algorithm header is invalid.": an unknown algorithm name.
	ErrInvalidAlgorithm = errors.New("invalid checksum algorithm")
	// ErrInvalidChecksum maps to InvalidRequest (400) "Value for
	// x-amz-checksum-<alg> header is invalid.": not base64, or the wrong
	// length for the algorithm.
	ErrInvalidChecksum = errors.New("invalid checksum value")
	// ErrMultipleChecksums maps to InvalidRequest (400) "Expecting a single
	// x-amz-checksum- header. Multiple checksum Types are not allowed.".
	ErrMultipleChecksums = errors.New("multiple checksum types are not allowed")
	// ErrMalformedTrailer maps to MalformedTrailerError (400): x-amz-trailer
	// names something that is not a checksum header, or the announced
	// trailer did not arrive.
	ErrMalformedTrailer = errors.New("malformed trailer")
	// ErrBadDigest maps to BadDigest (400) "The <ALG> you specified did not
	// match the calculated checksum." — what AWS S3 returns today for a
	// flexible-checksum mismatch (XAmzContentChecksumMismatch is not used).
	ErrBadDigest = errors.New("checksum did not match the calculated checksum")
)
