package sigv4

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Limits on aws-chunked framing, so a hostile body cannot make us buffer.
const (
	maxChunkLine     = 4096      // bytes in one size line or trailer line
	maxTrailerBytes  = 16 << 10  // all trailer lines together
	maxTrailerLines  = 64        // trailer lines, empty ones included
	maxChunkSize     = 1<<40 - 1 // no client sends chunks this large
	trailerSigHeader = "x-amz-trailer-signature"
)

// chunkSigner holds what chained chunk signatures are computed from: the
// signing key, the request date and scope, and the previous signature (the
// seed signature of the request at first).
type chunkSigner struct {
	key     []byte
	amzDate string
	scope   string
	prev    string
}

// chunk returns the expected signature of a chunk whose data hashes to
// dataHash (hex), chained from the previous signature.
func (c *chunkSigner) chunk(dataHash string) string {
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + c.amzDate + "\n" + c.scope + "\n" + c.prev + "\n" + emptySHA256 + "\n" + dataHash
	return hex.EncodeToString(hmacSHA256(c.key, sts))
}

// trailer returns the expected signature of the canonical trailer block.
func (c *chunkSigner) trailer(canonical string) string {
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + c.amzDate + "\n" + c.scope + "\n" + c.prev + "\n" + sha256Hex(canonical)
	return hex.EncodeToString(hmacSHA256(c.key, sts))
}

// chunkedState is where a chunkedReader is in the framing.
type chunkedState int

const (
	stateHeader chunkedState = iota
	stateData
	stateDone
)

// chunkedReader decodes an aws-chunked body, verifying chunk signatures
// (when signer is set), the decoded length and the trailer. It streams:
// only the current line is ever buffered.
type chunkedReader struct {
	br       *bufio.Reader
	closer   io.Closer
	signer   *chunkSigner // nil: unsigned chunks
	trailer  bool         // trailers follow the final chunk
	want     int64        // decoded length announced, -1 unknown
	state    chunkedState
	left     int64     // data bytes left in the current chunk
	sig      string    // claimed signature of the current chunk
	h        hash.Hash // sha256 of the current chunk's data
	decoded  int64
	trailers http.Header
	err      error
}

func newChunkedReader(body io.Reader, signer *chunkSigner, trailer bool, decodedLength int64) *chunkedReader {
	cr := &chunkedReader{
		br:      bufio.NewReaderSize(body, maxChunkLine),
		signer:  signer,
		trailer: trailer,
		want:    decodedLength,
	}
	if c, ok := body.(io.Closer); ok {
		cr.closer = c
	}
	if signer != nil {
		cr.h = sha256.New()
	}
	return cr
}

// Close closes the underlying body.
func (cr *chunkedReader) Close() error {
	if cr.closer != nil {
		return cr.closer.Close()
	}
	return nil
}

// Trailers returns the parsed trailers once the body is fully read.
func (cr *chunkedReader) Trailers() http.Header {
	if cr.state != stateDone || cr.err != io.EOF {
		return nil
	}
	return cr.trailers
}

// Read returns decoded payload bytes.
func (cr *chunkedReader) Read(p []byte) (int, error) {
	if cr.err != nil {
		return 0, cr.err
	}
	n, err := cr.read(p)
	if err != nil {
		cr.err = err
	}
	return n, err
}

func (cr *chunkedReader) read(p []byte) (int, error) {
	for {
		switch cr.state {
		case stateDone:
			return 0, io.EOF
		case stateHeader:
			if err := cr.readHeader(); err != nil {
				return 0, err
			}
			continue
		}
		if len(p) == 0 {
			return 0, nil
		}
		if int64(len(p)) > cr.left {
			p = p[:cr.left]
		}
		n, err := cr.br.Read(p)
		if n > 0 {
			cr.left -= int64(n)
			cr.decoded += int64(n)
			if cr.h != nil {
				cr.h.Write(p[:n])
			}
		}
		if cr.left == 0 {
			if ferr := cr.finishChunk(); ferr != nil {
				return 0, ferr
			}
			return n, nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return 0, fmt.Errorf("%w: body ended inside a chunk", ErrIncompleteBody)
			}
			return 0, err
		}
		return n, nil
	}
}

// readLine reads one CRLF- (or LF-) terminated line without its terminator.
func (cr *chunkedReader) readLine() (string, error) {
	line, err := cr.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return "", fmt.Errorf("%w: line longer than %d bytes", ErrMalformedChunk, maxChunkLine)
		}
		if errors.Is(err, io.EOF) {
			if len(line) == 0 {
				return "", io.EOF
			}
			return "", fmt.Errorf("%w: body ended inside a line", ErrIncompleteBody)
		}
		return "", err
	}
	line = bytes.TrimSuffix(line[:len(line)-1], []byte{'\r'})
	return string(line), nil
}

// readHeader reads a chunk size line and, for the final chunk, the trailer.
func (cr *chunkedReader) readHeader() error {
	line, err := cr.readLine()
	if err != nil {
		if err == io.EOF {
			return fmt.Errorf("%w: body ended before the final chunk", ErrIncompleteBody)
		}
		return err
	}
	size, sig, err := parseChunkHeader(line)
	if err != nil {
		return err
	}
	if cr.signer != nil && sig == "" {
		return fmt.Errorf("%w: chunk without chunk-signature", ErrSignatureDoesNotMatch)
	}
	if cr.want >= 0 && cr.decoded+size > cr.want {
		return fmt.Errorf("%w: chunks exceed x-amz-decoded-content-length %d", ErrIncompleteBody, cr.want)
	}
	cr.sig = sig
	if size > 0 {
		cr.left = size
		cr.state = stateData
		return nil
	}
	// The final, empty chunk.
	if err := cr.verifyChunk(); err != nil {
		return err
	}
	if err := cr.readTrailer(); err != nil {
		return err
	}
	if cr.want >= 0 && cr.decoded != cr.want {
		return fmt.Errorf("%w: decoded %d bytes, x-amz-decoded-content-length %d", ErrIncompleteBody, cr.decoded, cr.want)
	}
	cr.state = stateDone
	return io.EOF
}

// parseChunkHeader parses "hex-size[;chunk-signature=sig][;ext...]".
func parseChunkHeader(line string) (size int64, sig string, err error) {
	sizeStr, exts, _ := strings.Cut(line, ";")
	sizeStr = strings.TrimSpace(sizeStr)
	if sizeStr == "" || len(sizeStr) > 16 {
		return 0, "", fmt.Errorf("%w: bad chunk size %q", ErrMalformedChunk, sizeStr)
	}
	u, perr := strconv.ParseUint(sizeStr, 16, 64)
	if perr != nil || u > maxChunkSize {
		return 0, "", fmt.Errorf("%w: bad chunk size %q", ErrMalformedChunk, sizeStr)
	}
	for exts != "" {
		var ext string
		ext, exts, _ = strings.Cut(exts, ";")
		k, v, _ := strings.Cut(strings.TrimSpace(ext), "=")
		if k == "chunk-signature" {
			if sig != "" || !isHexSignature(v) {
				return 0, "", fmt.Errorf("%w: bad chunk-signature", ErrMalformedChunk)
			}
			sig = v
		}
	}
	return int64(u), sig, nil
}

// finishChunk consumes the CRLF after a chunk's data and verifies it.
func (cr *chunkedReader) finishChunk() error {
	var crlf [2]byte
	if _, err := io.ReadFull(cr.br, crlf[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: body ended after chunk data", ErrIncompleteBody)
		}
		return err
	}
	if crlf != [2]byte{'\r', '\n'} {
		return fmt.Errorf("%w: chunk data not followed by CRLF", ErrMalformedChunk)
	}
	cr.state = stateHeader
	return cr.verifyChunk()
}

// verifyChunk checks the signature of the chunk just read and chains it.
func (cr *chunkedReader) verifyChunk() error {
	if cr.signer == nil {
		return nil
	}
	want := cr.signer.chunk(hex.EncodeToString(cr.h.Sum(nil)))
	cr.h.Reset()
	if !signatureMatches(cr.sig, want) {
		return fmt.Errorf("%w: chunk signature", ErrSignatureDoesNotMatch)
	}
	cr.signer.prev = want
	return nil
}

// readTrailer reads the lines after the final chunk to the end of the body
// (which HTTP framing delimits), skipping empty lines, and, for signed
// trailers, checks their signature.
func (cr *chunkedReader) readTrailer() error {
	var canonical strings.Builder
	var sig string
	total, lines := 0, 0
	for {
		line, err := cr.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		total += len(line)
		lines++
		if total > maxTrailerBytes || lines > maxTrailerLines {
			return fmt.Errorf("%w: trailer too large", ErrMalformedChunk)
		}
		if line == "" {
			// Empty lines end the trailer section; some clients (minio-go)
			// also put one between the trailers and their signature.
			continue
		}
		if !cr.trailer {
			return fmt.Errorf("%w: data after the final chunk", ErrMalformedChunk)
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return fmt.Errorf("%w: bad trailer line", ErrMalformedChunk)
		}
		if name == trailerSigHeader {
			if sig != "" {
				return fmt.Errorf("%w: repeated trailer signature", ErrMalformedChunk)
			}
			sig = value
			continue
		}
		if sig != "" {
			return fmt.Errorf("%w: trailer after the trailer signature", ErrSignatureDoesNotMatch)
		}
		if cr.trailers == nil {
			cr.trailers = http.Header{}
		}
		cr.trailers.Add(name, value)
		canonical.WriteString(name + ":" + value + "\n")
	}
	if cr.signer == nil || !cr.trailer {
		return nil
	}
	if sig == "" {
		return fmt.Errorf("%w: missing %s", ErrSignatureDoesNotMatch, trailerSigHeader)
	}
	want := cr.signer.trailer(canonical.String())
	if !signatureMatches(sig, want) {
		return fmt.Errorf("%w: trailer signature", ErrSignatureDoesNotMatch)
	}
	cr.signer.prev = want
	return nil
}
