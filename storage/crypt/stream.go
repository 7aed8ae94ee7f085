package crypt

import (
	"errors"
	"fmt"
	"io"

	"github.com/minio/sio"
)

// DARE 2.0 framing: each package carries up to payloadSize bytes of
// plaintext plus a 16-byte header and a 16-byte tag.
const (
	payloadSize = 64 << 10
	overhead    = 32
	packageSize = payloadSize + overhead
)

// EncryptedSize is the stored size of size bytes of plaintext.
func EncryptedSize(size int64) int64 {
	n := size / payloadSize * packageSize
	if r := size % payloadSize; r > 0 {
		n += r + overhead
	}
	return n
}

// DecryptedSize is the plaintext size of a stored part of size bytes;
// ErrCorrupt when no DARE stream has that size.
func DecryptedSize(size int64) (int64, error) {
	if size < 0 {
		return 0, ErrCorrupt
	}
	n := size / packageSize * payloadSize
	if r := size % packageSize; r > 0 {
		if r <= overhead {
			return 0, ErrCorrupt
		}
		n += r - overhead
	}
	return n, nil
}

func sioConfig(key []byte, seq uint32) sio.Config {
	return sio.Config{MinVersion: sio.Version20, MaxVersion: sio.Version20, Key: key, SequenceNumber: seq,
		CipherSuites: []byte{sio.AES_256_GCM, sio.CHACHA20_POLY1305}}
}

// Encrypt returns a reader of the ciphertext of part (1 for a single PUT)
// read from r. Its size is EncryptedSize of what r yields.
func (k ObjectKey) Encrypt(r io.Reader, part int) (io.Reader, error) {
	cfg := sioConfig(k.partKey(part), 0)
	cfg.CipherSuites = cfg.CipherSuites[:1]
	er, err := sio.EncryptReader(r, cfg)
	if err != nil {
		return nil, fmt.Errorf("crypt: %w", err)
	}
	return er, nil
}

// Part is one stored part of an encrypted object.
type Part struct {
	Number int
	Size   int64 // stored (ciphertext) size
}

// segment is the piece of one part a range reads.
type segment struct {
	part     int
	seq      uint32 // first DARE package
	encLen   int64  // ciphertext bytes to read
	skip     int64  // plaintext bytes to drop from the first package
	plainLen int64  // plaintext bytes to return
}

// Plan maps a plaintext range onto the stored ciphertext: read Length
// bytes at Offset and decrypt them with Decrypt.
type Plan struct {
	Offset, Length int64
	segs           []segment
}

// PlanRange plans reading length plaintext bytes at off from an object
// stored as parts. It returns ErrCorrupt for an impossible part size and
// an error when the range exceeds the plaintext.
func PlanRange(parts []Part, off, length int64) (Plan, error) {
	if off < 0 || length < 0 {
		return Plan{}, errors.New("crypt: negative range")
	}
	var p Plan
	end := off + length
	var encBase, plainBase int64
	for _, pt := range parts {
		plainSize, err := DecryptedSize(pt.Size)
		if err != nil {
			return Plan{}, err
		}
		if plainBase+plainSize > off && plainBase < end {
			ps := max(off, plainBase) - plainBase
			pe := min(end, plainBase+plainSize) - plainBase
			first, last := ps/payloadSize, (pe-1)/payloadSize
			segOff := encBase + first*packageSize
			segEnd := encBase + min((last+1)*packageSize, pt.Size)
			if len(p.segs) == 0 {
				p.Offset = segOff
			}
			p.Length = segEnd - p.Offset
			p.segs = append(p.segs, segment{part: pt.Number, seq: uint32(first), encLen: segEnd - segOff,
				skip: ps - first*payloadSize, plainLen: pe - ps})
		}
		encBase += pt.Size
		plainBase += plainSize
	}
	if end > plainBase {
		return Plan{}, fmt.Errorf("crypt: range %d+%d beyond %d bytes of plaintext", off, length, plainBase)
	}
	return p, nil
}

// Decrypt returns the plaintext of the range planned by p, reading the
// ciphertext (p.Length bytes from p.Offset) from enc. Tampered data fails
// a Read with an error wrapping ErrCorrupt.
func (k ObjectKey) Decrypt(enc io.Reader, p Plan) io.Reader {
	return &decrypter{key: k, src: enc, segs: p.segs}
}

// decrypter reads the segments of a plan one after the other.
type decrypter struct {
	key  ObjectKey
	src  io.Reader
	segs []segment
	cur  io.Reader
	left int64 // plaintext bytes cur still owes
	err  error
}

func (d *decrypter) Read(b []byte) (int, error) {
	for d.err == nil {
		if d.cur == nil {
			if len(d.segs) == 0 {
				return 0, io.EOF
			}
			d.err = d.next()
			continue
		}
		n, err := d.cur.Read(b)
		d.left -= int64(n)
		if errors.Is(err, io.EOF) {
			if d.left > 0 {
				err = io.ErrUnexpectedEOF
			} else {
				d.cur, err = nil, nil
			}
		}
		if err != nil {
			d.err = corrupt(err)
		}
		if n > 0 || d.err != nil {
			return n, d.err
		}
	}
	return 0, d.err
}

// next opens the next segment: a DARE reader positioned at its first
// package, past the bytes to skip, limited to its plaintext length.
func (d *decrypter) next() error {
	s := d.segs[0]
	d.segs = d.segs[1:]
	r, err := sio.DecryptReader(io.LimitReader(d.src, s.encLen), sioConfig(d.key.partKey(s.part), s.seq))
	if err != nil {
		return fmt.Errorf("crypt: %w", err)
	}
	if s.skip > 0 {
		if _, err := io.CopyN(io.Discard, r, s.skip); err != nil {
			return corrupt(err)
		}
	}
	d.cur, d.left = io.LimitReader(r, s.plainLen), s.plainLen
	return nil
}

// corrupt marks DARE authentication failures and truncation as ErrCorrupt.
func corrupt(err error) error {
	var se sio.Error
	if errors.As(err, &se) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("crypt: %v: %w", err, ErrCorrupt)
	}
	return err
}
