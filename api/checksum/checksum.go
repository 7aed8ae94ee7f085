package checksum

import (
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"strings"
)

// Algorithm is an S3 flexible-checksum algorithm name as S3 spells it in
// x-amz-checksum-algorithm.
type Algorithm string

// The supported algorithms.
const (
	CRC32     Algorithm = "CRC32"
	CRC32C    Algorithm = "CRC32C"
	CRC64NVME Algorithm = "CRC64NVME"
	SHA1      Algorithm = "SHA1"
	SHA256    Algorithm = "SHA256"
)

// Algorithms lists every supported algorithm.
func Algorithms() []Algorithm { return []Algorithm{CRC32, CRC32C, CRC64NVME, SHA1, SHA256} }

// crc64NVMEPoly is the NVMe CRC-64 polynomial 0xAD93D23594C93659, reflected.
const crc64NVMEPoly = 0x9A6C9329AC4BC9B5

// Parse returns the Algorithm named by name, case-insensitively, or
// ErrInvalidAlgorithm.
func Parse(name string) (Algorithm, error) {
	for _, a := range Algorithms() {
		if strings.EqualFold(name, string(a)) {
			return a, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrInvalidAlgorithm, name)
}

// Header returns the request/response header carrying this checksum, e.g.
// "x-amz-checksum-crc32".
func (a Algorithm) Header() string { return "x-amz-checksum-" + strings.ToLower(string(a)) }

// Size returns the raw digest length in bytes (0 for an unknown algorithm).
func (a Algorithm) Size() int {
	switch a {
	case CRC32, CRC32C:
		return 4
	case CRC64NVME:
		return 8
	case SHA1:
		return sha1.Size
	case SHA256:
		return sha256.Size
	}
	return 0
}

// New returns a fresh hash for the algorithm; Sum gives the big-endian raw
// digest S3 base64-encodes. It panics on an unknown algorithm (use Parse).
func (a Algorithm) New() hash.Hash {
	switch a {
	case CRC32:
		return crc32.NewIEEE()
	case CRC32C:
		return crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case CRC64NVME:
		return crc64.New(crc64.MakeTable(crc64NVMEPoly))
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	}
	panic("checksum: unknown algorithm " + string(a))
}
