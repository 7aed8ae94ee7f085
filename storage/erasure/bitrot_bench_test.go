package erasure

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/minio/highwayhash"
	"golang.org/x/crypto/blake2b"

	"github.com/silo-project/silo/storage"
)

// BenchmarkBitrotHash compares the candidate bitrot hashes on one shard
// block of a 4+2 layout (256 KiB); the engine uses the fastest,
// HighwayHash-256.
func BenchmarkBitrotHash(b *testing.B) {
	block := make([]byte, blockSize/4)
	for i := range block {
		block[i] = byte(i * 7)
	}
	key := []byte(bitrotKey)
	hashes := []struct {
		name string
		sum  func([]byte)
	}{
		{"highwayhash256", func(p []byte) { _ = highwayhash.Sum(p, key) }},
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

// BenchmarkInlineThreshold measures PUT+GET of objects around the inline
// threshold stored inline and as shard files (4 drives, EC:2), the evidence
// for inlineThreshold.
func BenchmarkInlineThreshold(b *testing.B) {
	for _, size := range []int{16 << 10, 64 << 10, 128 << 10, 256 << 10} {
		for _, inline := range []bool{true, false} {
			b.Run(fmt.Sprintf("%dKiB/inline=%v", size>>10, inline), func(b *testing.B) {
				ctx := context.Background()
				root := b.TempDir()
				drives := make([]string, 4)
				for i := range drives {
					drives[i] = filepath.Join(root, fmt.Sprint(i))
				}
				s, err := New(ctx, Config{Drives: drives, StandardParity: 2, RRSParity: -1})
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				s.inlineMax = 0
				if inline {
					s.inlineMax = int64(size)
				}
				if err := s.MakeBucket(ctx, "bench", storage.MakeBucketOptions{}); err != nil {
					b.Fatal(err)
				}
				body := bytes.Repeat([]byte("i"), size)
				b.SetBytes(int64(size))
				i := 0
				for b.Loop() {
					key := fmt.Sprintf("k%d", i%50)
					i++
					if _, err := s.PutObject(ctx, "bench", key, bytes.NewReader(body), int64(size), storage.PutOptions{}); err != nil {
						b.Fatal(err)
					}
					rc, _, err := s.GetObject(ctx, "bench", key, nil, storage.GetOptions{})
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, rc)
					rc.Close()
				}
			})
		}
	}
}
