package sigv4

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// sha256Reader passes a body through and, at EOF, compares its SHA-256
// with the signed x-amz-content-sha256 value.
type sha256Reader struct {
	r    io.ReadCloser
	h    hash.Hash
	want string // lower-case hex
	err  error
}

// Read reads from the body; the Read reaching EOF returns
// ErrContentSHA256Mismatch instead when the digest differs.
func (s *sha256Reader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.h.Write(p[:n])
	if errors.Is(err, io.EOF) {
		got := hex.EncodeToString(s.h.Sum(nil))
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.want)) != 1 {
			s.err = fmt.Errorf("%w: computed %s, signed %s", ErrContentSHA256Mismatch, got, s.want)
			return n, s.err
		}
	}
	if err != nil {
		s.err = err
	}
	return n, err
}

// Close closes the body.
func (s *sha256Reader) Close() error { return s.r.Close() }

// noTrailers is Result.Trailers for bodies without trailers.
func noTrailers() http.Header { return nil }

// attachBody sets res.Body, res.ContentLength and res.Trailers for the
// payload mode (x-amz-content-sha256 value). cs is the chunk signer of a V4
// request, nil for V2 and anonymous requests.
func (v *Verifier) attachBody(r *http.Request, res *Result, payload string, cs *chunkSigner) error {
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	res.Body = body
	res.ContentLength = r.ContentLength
	res.Trailers = noTrailers
	switch payload {
	case unsignedPayload:
		return nil
	case streamingSigned, streamingSignedTrailer, streamingUnsignedTrail:
		signed := payload != streamingUnsignedTrail
		if signed && cs == nil {
			return fmt.Errorf("%w: %s needs a V4 signature", ErrInvalidContentSHA256, payload)
		}
		dl := r.Header.Get("X-Amz-Decoded-Content-Length")
		if dl == "" {
			return ErrMissingContentLength
		}
		n, err := strconv.ParseInt(dl, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: x-amz-decoded-content-length %q", ErrMissingContentLength, dl)
		}
		if !signed {
			cs = nil
		}
		cr := newChunkedReader(body, cs, payload != streamingSigned, n)
		res.Body = cr
		res.ContentLength = n
		res.Trailers = cr.Trailers
		return nil
	}
	if len(payload) == 64 {
		want := strings.ToLower(payload)
		if _, err := hex.DecodeString(want); err == nil {
			res.Body = &sha256Reader{r: body, h: sha256.New(), want: want}
			return nil
		}
	}
	return fmt.Errorf("%w: %q", ErrInvalidContentSHA256, payload)
}
