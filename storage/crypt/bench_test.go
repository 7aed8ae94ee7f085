package crypt

import (
	"bytes"
	"io"
	"testing"
)

// BenchmarkStream measures sealing and unsealing 64 MiB in memory: the
// cost encryption adds to a PUT or GET, without storage or HTTP.
func BenchmarkStream(b *testing.B) {
	const size = 64 << 20
	var k ObjectKey
	copy(k[:], randomBytes(b, KeySize))
	plain := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	b.Run("encrypt", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			r, err := k.Encrypt(bytes.NewReader(plain), 1)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	var enc bytes.Buffer
	r, _ := k.Encrypt(bytes.NewReader(plain), 1)
	if _, err := io.Copy(&enc, r); err != nil {
		b.Fatal(err)
	}
	b.Run("decrypt", func(b *testing.B) {
		p, err := PlanRange([]Part{{Number: 1, Size: int64(enc.Len())}}, 0, size)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		for b.Loop() {
			if _, err := io.Copy(io.Discard, k.Decrypt(bytes.NewReader(enc.Bytes()), p)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
