package checksum

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strconv"
)

// PartSum is one part's checksum (base64) and size, for CombineFullObject.
type PartSum struct {
	Sum  string
	Size int64
}

// Composite returns the COMPOSITE multipart checksum: the algorithm applied
// to the concatenated raw part checksums, base64-encoded, followed by
// "-<number of parts>". partSums are the parts' base64 checksums in part
// order. It fails with ErrInvalidChecksum for a malformed part checksum and
// ErrInvalidAlgorithm for an unknown algorithm.
func Composite(a Algorithm, partSums []string) (string, error) {
	if a.Size() == 0 {
		return "", fmt.Errorf("%w: %q", ErrInvalidAlgorithm, string(a))
	}
	h := a.New()
	for i, s := range partSums {
		raw, err := decode(a, s)
		if err != nil {
			return "", fmt.Errorf("part %d: %w", i+1, err)
		}
		h.Write(raw)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(partSums)), nil
}

// CombineFullObject returns the FULL_OBJECT checksum of a multipart upload:
// the CRC of the whole object computed from the parts' CRCs and sizes (CRC
// combination, no data re-read). Only CRC32, CRC32C and CRC64NVME support
// it; others fail with ErrInvalidAlgorithm. A malformed part checksum or a
// negative size fails with ErrInvalidChecksum.
func CombineFullObject(a Algorithm, parts []PartSum) (string, error) {
	var poly uint64
	width := 32
	switch a {
	case CRC32:
		poly = crc32.IEEE
	case CRC32C:
		poly = crc32.Castagnoli
	case CRC64NVME:
		poly, width = crc64NVMEPoly, 64
	default:
		return "", fmt.Errorf("%w: %s has no full-object combination", ErrInvalidAlgorithm, a)
	}
	var crc uint64
	for i, p := range parts {
		raw, err := decode(a, p.Sum)
		if err != nil {
			return "", fmt.Errorf("part %d: %w", i+1, err)
		}
		if p.Size < 0 {
			return "", fmt.Errorf("%w: part %d: negative size", ErrInvalidChecksum, i+1)
		}
		var c uint64
		if width == 32 {
			c = uint64(binary.BigEndian.Uint32(raw))
		} else {
			c = binary.BigEndian.Uint64(raw)
		}
		if i == 0 {
			crc = c
			continue
		}
		crc = crcCombine(poly, width, crc, c, uint64(p.Size))
	}
	out := make([]byte, width/8)
	if len(parts) == 0 {
		// The CRC of nothing.
		return base64.StdEncoding.EncodeToString(a.New().Sum(nil)), nil
	}
	if width == 32 {
		binary.BigEndian.PutUint32(out, uint32(crc))
	} else {
		binary.BigEndian.PutUint64(out, crc)
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

// decode returns the raw digest of a base64 checksum of algorithm a.
func decode(a Algorithm, s string) ([]byte, error) {
	if err := Validate(a, s); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(s)
}

// crcCombine returns the CRC of A||B given crcA = CRC(A), crcB = CRC(B) and
// lenB = len(B) in bytes, for a reflected CRC of the given width with
// reversed polynomial poly and all-ones init/xorout (CRC-32, CRC-32C,
// CRC-64/NVME). It is the GF(2) polynomial method of zlib's crc32_combine:
// crc(A||B) = crcA * x^(8*lenB) mod P  xor  crcB.
func crcCombine(poly uint64, width int, crcA, crcB, lenB uint64) uint64 {
	if lenB == 0 {
		return crcA
	}
	top := uint64(1) << (width - 1) // x^0 in reflected representation
	// x^(8*lenB) mod P by square-and-multiply over the bits of lenB, starting
	// from x^8 (one byte).
	p := top                                // x^0
	sq := mulmod(poly, top, top>>1, top>>1) // x^2
	sq = mulmod(poly, top, sq, sq)          // x^4
	sq = mulmod(poly, top, sq, sq)          // x^8
	for n := lenB; n != 0; n >>= 1 {
		if n&1 != 0 {
			p = mulmod(poly, top, sq, p)
		}
		sq = mulmod(poly, top, sq, sq)
	}
	return mulmod(poly, top, p, crcA) ^ crcB
}

// mulmod multiplies a and b modulo P, both in reflected representation.
func mulmod(poly, top, a, b uint64) uint64 {
	var prod uint64
	for m := top; m != 0 && a != 0; m >>= 1 {
		if a&m != 0 {
			prod ^= b
			a ^= m
		}
		if b&1 != 0 {
			b = b>>1 ^ poly
		} else {
			b >>= 1
		}
	}
	return prod
}
