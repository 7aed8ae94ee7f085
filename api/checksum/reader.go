package checksum

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
)

// Request headers NewReader inspects.
const (
	headerSDKAlgorithm = "X-Amz-Sdk-Checksum-Algorithm"
	headerTrailer      = "X-Amz-Trailer"
)

// Reader hashes a payload while it streams and verifies it at EOF. It is not
// safe for concurrent use.
type Reader struct {
	r        io.Reader
	alg      Algorithm
	h        hash.Hash
	want     string // expected base64 value from the header; "" when none
	trailer  string // canonical trailer header name when the value trails
	trailers func() http.Header
	done     bool
	err      error
	sums     map[string]string
}

// NewReader inspects the request headers h: x-amz-checksum-<alg> (the
// expected value), x-amz-sdk-checksum-algorithm (the algorithm alone) and
// x-amz-trailer (names the trailing checksum header). It hashes r with the
// algorithm involved and, at EOF, compares against the header value or
// against trailers() (called only at EOF; may be nil when no trailer is
// announced). A mismatch makes the final Read return a wrapped ErrBadDigest;
// a missing or malformed trailing value makes it return ErrMalformedTrailer
// or ErrInvalidChecksum. Malformed headers (bad base64, wrong length, two
// algorithms, unknown algorithm, a trailer that is not a checksum) fail here
// with ErrInvalidChecksum, ErrMultipleChecksums, ErrInvalidAlgorithm or
// ErrMalformedTrailer. With no checksum headers at all the Reader passes r
// through untouched and Algorithm returns "".
func NewReader(r io.Reader, h http.Header, trailers func() http.Header) (*Reader, error) {
	cr := &Reader{r: r, trailers: trailers}
	alg, want, err := FromHeader(h)
	if err != nil {
		return nil, err
	}
	cr.want = want
	if t := strings.TrimSpace(h.Get(headerTrailer)); t != "" {
		talg, err := trailerAlgorithm(t)
		if err != nil {
			return nil, err
		}
		if alg != "" && alg != talg {
			return nil, fmt.Errorf("%w: %s header and %s trailer", ErrMultipleChecksums, alg, talg)
		}
		alg = talg
		cr.trailer = talg.Header()
	}
	if s := strings.TrimSpace(h.Get(headerSDKAlgorithm)); s != "" {
		sdk, err := Parse(s)
		if err != nil {
			return nil, fmt.Errorf("x-amz-sdk-checksum-algorithm: %w", err)
		}
		if alg != "" && alg != sdk {
			return nil, fmt.Errorf("%w: x-amz-sdk-checksum-algorithm %s does not match checksum %s", ErrInvalidAlgorithm, sdk, alg)
		}
		alg = sdk
	}
	if alg != "" {
		cr.alg = alg
		cr.h = alg.New()
	}
	return cr, nil
}

// FromHeader returns the algorithm and base64 value of the single
// x-amz-checksum-<alg> header in h ("" and "" when there is none). It fails
// with ErrMultipleChecksums when several are present and ErrInvalidChecksum
// when the value is not base64 of the algorithm's digest length.
func FromHeader(h http.Header) (Algorithm, string, error) {
	var alg Algorithm
	var val string
	for _, a := range Algorithms() {
		vs, ok := h[http.CanonicalHeaderKey(a.Header())]
		if !ok {
			continue
		}
		if alg != "" || len(vs) > 1 {
			return "", "", fmt.Errorf("%w: %s and %s", ErrMultipleChecksums, alg, a)
		}
		alg, val = a, strings.TrimSpace(vs[0])
	}
	if alg == "" {
		return "", "", nil
	}
	if err := Validate(alg, val); err != nil {
		return "", "", err
	}
	return alg, val, nil
}

// Validate reports whether value is the base64 encoding of a digest of a's
// length, failing with ErrInvalidChecksum (or ErrInvalidAlgorithm).
func Validate(a Algorithm, value string) error {
	if a.Size() == 0 {
		return fmt.Errorf("%w: %q", ErrInvalidAlgorithm, string(a))
	}
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidChecksum, a.Header(), err)
	}
	if len(raw) != a.Size() {
		return fmt.Errorf("%w: %s: %d bytes, want %d", ErrInvalidChecksum, a.Header(), len(raw), a.Size())
	}
	return nil
}

// trailerAlgorithm maps the x-amz-trailer value to its algorithm.
func trailerAlgorithm(t string) (Algorithm, error) {
	if strings.Contains(t, ",") {
		return "", fmt.Errorf("%w: several trailers %q", ErrMultipleChecksums, t)
	}
	name := strings.ToLower(t)
	const prefix = "x-amz-checksum-"
	if !strings.HasPrefix(name, prefix) {
		return "", fmt.Errorf("%w: x-amz-trailer %q is not a checksum", ErrMalformedTrailer, t)
	}
	a, err := Parse(name[len(prefix):])
	if err != nil {
		return "", fmt.Errorf("%w: x-amz-trailer %q: %w", ErrMalformedTrailer, t, err)
	}
	return a, nil
}

// Read reads from the underlying reader, hashing what it returns. The Read
// that reaches EOF returns the verification error, if any, instead of
// io.EOF.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.r.Read(p)
	if r.h != nil && n > 0 {
		r.h.Write(p[:n])
	}
	if errors.Is(err, io.EOF) && !r.done {
		r.done = true
		if verr := r.finish(); verr != nil {
			r.err = verr
			return n, verr
		}
	}
	if err != nil {
		r.err = err
	}
	return n, err
}

// finish computes the sum and compares it with the expected value.
func (r *Reader) finish() error {
	if r.h == nil {
		return nil
	}
	got := base64.StdEncoding.EncodeToString(r.h.Sum(nil))
	r.sums = map[string]string{string(r.alg): got}
	want := r.want
	if r.trailer != "" {
		var th http.Header
		if r.trailers != nil {
			th = r.trailers()
		}
		tv := strings.TrimSpace(th.Get(r.trailer))
		if tv == "" {
			if want == "" {
				return fmt.Errorf("%w: announced trailer %s is missing", ErrMalformedTrailer, r.trailer)
			}
		} else {
			if err := Validate(r.alg, tv); err != nil {
				return err
			}
			want = tv
		}
	}
	if want == "" {
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return fmt.Errorf("%w: %s: got %s, want %s", ErrBadDigest, r.alg, got, want)
	}
	return nil
}

// Sums returns algorithm name -> base64 checksum, valid after EOF; empty when
// no checksum was requested.
func (r *Reader) Sums() map[string]string {
	if r.sums == nil {
		return map[string]string{}
	}
	return r.sums
}

// Algorithm returns the algorithm in use, "" if none.
func (r *Reader) Algorithm() Algorithm { return r.alg }
