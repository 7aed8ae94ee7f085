package checksum

import (
	"errors"
	"io"
	"net/http"
)

// Reader hashes a payload while it streams and verifies it at EOF.
type Reader struct {
	r        io.Reader
	alg      Algorithm
	trailers func() http.Header
	err      error
	sums     map[string]string
}

var errNotImplemented = errors.New("checksum: not implemented")

// NewReader inspects the request headers h: x-amz-checksum-<alg> (the
// expected value), x-amz-sdk-checksum-algorithm (the algorithm alone) and
// x-amz-trailer (names the trailing checksum header). It hashes r with the
// algorithm involved and, at EOF, compares against the header value or
// against trailers() (called only at EOF; may be nil when no trailer is
// announced). A mismatch makes the final Read return a wrapped ErrBadDigest.
// Malformed headers (bad base64, wrong length, two algorithms, unknown
// algorithm, a trailer that is not a checksum) fail here with
// ErrInvalidChecksum, ErrMultipleChecksums, ErrInvalidAlgorithm or
// ErrMalformedTrailer.
func NewReader(r io.Reader, h http.Header, trailers func() http.Header) (*Reader, error) {
	return nil, errNotImplemented
}

// Read reads from the underlying reader, hashing what it returns.
func (r *Reader) Read(p []byte) (int, error) { return 0, errNotImplemented }

// Sums returns algorithm name -> base64 checksum, valid after EOF; empty when
// no checksum was requested.
func (r *Reader) Sums() map[string]string { return r.sums }

// Algorithm returns the algorithm in use, "" if none.
func (r *Reader) Algorithm() Algorithm { return r.alg }
