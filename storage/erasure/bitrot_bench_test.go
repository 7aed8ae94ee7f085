package erasure

import (
	"crypto/sha256"
	"testing"

	"github.com/minio/highwayhash"
	"golang.org/x/crypto/blake2b"
)

// BenchmarkBitrotHash compares the candidate bitrot hashes on one shard
// block of a 4+2 layout (256 KiB); the engine uses the fastest,
// HighwayHash-256.
func BenchmarkBitrotHash(b *testing.B) {
	block := make([]byte, blockSize/4)
	for i := range block {
		block[i] = byte(i * 7)
	}
	hashes := []struct {
		name string
		sum  func([]byte)
	}{
		{"highwayhash256", func(p []byte) { _ = highwayhash.Sum(p, bitrotKey) }},
		{"blake2b256", func(p []byte) { _ = blake2b.Sum256(p) }},
		{"sha256", func(p []byte) { _ = sha256.Sum256(p) }},
	}
	for _, h := range hashes {
		b.Run(h.name, func(b *testing.B) {
			b.SetBytes(int64(len(block)))
			for b.Loop() {
				h.sum(block)
			}
		})
	}
}
