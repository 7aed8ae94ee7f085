package erasure

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// encodeShards codes data into in-memory shard "files" for a layout.
func encodeShards(t testing.TB, c *codec, dist []uint8, data []byte) [][]byte {
	t.Helper()
	out := make([]bytes.Buffer, c.total())
	work := make([]byte, c.total()*int(c.shardLen(blockSize)))
	for off := 0; off < len(data); off += blockSize {
		shards, err := c.encodeBlock(data[off:min(off+blockSize, len(data))], work)
		if err != nil {
			t.Fatal(err)
		}
		for p := range out {
			sh := shards[dist[p]]
			sum := c.sum(sh)
			out[p].Write(sum[:])
			out[p].Write(sh)
		}
	}
	res := make([][]byte, len(out))
	for p := range out {
		res[p] = out[p].Bytes()
	}
	return res
}

// decodeAll reads every block back through decodeBlock.
func decodeAll(c *codec, dist []uint8, files [][]byte, size int64) ([]byte, error) {
	srcs := make([]io.ReaderAt, len(files))
	bufs := make([][]byte, len(files))
	for p, f := range files {
		if f != nil {
			srcs[p] = bytes.NewReader(f)
		}
		bufs[p] = make([]byte, c.stride())
	}
	var out []byte
	block := make([]byte, 0, blockSize)
	for b := int64(0); b*blockSize < size; b++ {
		data, _, err := c.decodeBlock(srcs, dist, b, min(int64(blockSize), size-b*blockSize), bufs, block)
		if err != nil {
			return nil, err
		}
		out = append(out, data...)
	}
	return out, nil
}

func testStoreCodec(t testing.TB, data, parity int) *codec {
	s := &Store{codecs: codecCache{m: map[[2]int]*codec{}}}
	c, err := s.codec(data, parity)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestReconstruct(t *testing.T) {
	tests := []struct {
		name         string
		data, parity int
		size         int
		damage       func(files [][]byte)
		ok           bool
	}{
		{"intact 2+2", 2, 2, 3<<20 + 5, func([][]byte) {}, true},
		{"two lost 2+2", 2, 2, 3<<20 + 5, func(f [][]byte) { f[0], f[3] = nil, nil }, true},
		{"two rotten 2+2", 2, 2, 1<<20 + 1, func(f [][]byte) { f[1][40] ^= 1; f[2][len(f[2])-1] ^= 1 }, true},
		{"three lost 2+2", 2, 2, 100, func(f [][]byte) { f[0], f[1], f[2] = nil, nil, nil }, false},
		{"truncated shard 4+2", 4, 2, 2 << 20, func(f [][]byte) { f[1] = f[1][:100] }, true},
		{"one drive no parity lost", 1, 0, 10, func(f [][]byte) { f[0] = nil }, false},
		{"one drive no parity rotten", 1, 0, 10, func(f [][]byte) { f[0][33] ^= 1 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testStoreCodec(t, tt.data, tt.parity)
			dist := make([]uint8, c.total())
			for p := range dist {
				dist[p] = uint8((p + 1) % c.total())
			}
			want := make([]byte, tt.size)
			for i := range want {
				want[i] = byte(i*31 + i/7)
			}
			files := encodeShards(t, c, dist, want)
			tt.damage(files)
			got, err := decodeAll(c, dist, files, int64(tt.size))
			if (err == nil) != tt.ok {
				t.Fatalf("decode err = %v, want ok=%v", err, tt.ok)
			}
			if err == nil && !bytes.Equal(got, want) {
				t.Fatal("decoded data differs")
			}
		})
	}
}

// FuzzReconstruct corrupts and drops random shards: decoding must return
// the original data or an error, never wrong data, never panic.
func FuzzReconstruct(f *testing.F) {
	f.Add(uint8(2), uint8(2), uint32(5000), uint64(1), uint8(3))
	f.Add(uint8(4), uint8(2), uint32(1<<20+3), uint64(7), uint8(9))
	f.Add(uint8(1), uint8(1), uint32(1), uint64(9), uint8(1))
	f.Fuzz(func(t *testing.T, d, p uint8, size uint32, seed uint64, damage uint8) {
		data, parity := int(d%8)+1, int(p%5)
		n := int64(size % (3 << 20))
		c := testStoreCodec(t, data, parity)
		rng := rand.New(rand.NewPCG(seed, 1))
		dist := make([]uint8, c.total())
		for i, v := range rng.Perm(c.total()) {
			dist[i] = uint8(v)
		}
		want := make([]byte, n)
		for i := range want {
			want[i] = byte(rng.IntN(256))
		}
		files := encodeShards(t, c, dist, want)
		for range int(damage % 8) {
			q := rng.IntN(len(files))
			switch {
			case files[q] == nil:
			case rng.IntN(3) == 0:
				files[q] = nil
			case rng.IntN(2) == 0 && len(files[q]) > 0:
				files[q] = files[q][:rng.IntN(len(files[q]))]
			case len(files[q]) > 0:
				files[q][rng.IntN(len(files[q]))] ^= byte(1 + rng.IntN(255))
			}
		}
		got, err := decodeAll(c, dist, files, n)
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("decode returned wrong data (%d+%d, %d bytes)", data, parity, n)
		}
	})
}
