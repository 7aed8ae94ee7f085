package erasure

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
)

// TestEncodeInlineMatchesStream: the inline fast path stores exactly the
// bytes the streamed path writes for a body of one block, at every
// position, for empty, odd, and exactly-divisible sizes and an offline
// position.
func TestEncodeInlineMatchesStream(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, testDrives(t, 4), 2)
	defer s.Close()
	st := s.sets[0]
	for _, size := range []int{0, 1, 7, 4096, 4097, 100 << 10} {
		for _, offline := range []int{-1, 2} {
			t.Run(fmt.Sprintf("%d-offline%d", size, offline), func(t *testing.T) {
				body := bytes.Repeat([]byte("inline!"), size/7+1)[:size]
				lay, err := s.objectLayout(st, "b", fmt.Sprintf("k%d", size), 2)
				if err != nil {
					t.Fatal(err)
				}
				n := st.n()
				alive := make([]bool, n)
				for p := range alive {
					alive[p] = p != offline
				}
				bufSize := int64(max(size, 1))
				fast := &dataWrite{alive: append([]bool(nil), alive...), inline: make([][]byte, n)}
				if err := encodeInline(ctx, lay, bytes.NewReader(body), fast, bufSize); err != nil {
					t.Fatal(err)
				}
				slow := &dataWrite{alive: append([]bool(nil), alive...)}
				bufs := make([]*bytes.Buffer, n)
				outs := make([]io.Writer, n)
				for p := range bufs {
					if alive[p] {
						bufs[p] = &bytes.Buffer{}
						outs[p] = bufs[p]
					}
				}
				if err := s.encodeStream(ctx, st, lay, bytes.NewReader(body), outs, slow, bufSize); err != nil {
					t.Fatal(err)
				}
				for p := range n {
					var want []byte
					if bufs[p] != nil {
						want = bufs[p].Bytes()
					}
					if !bytes.Equal(fast.inline[p], want) || (len(want) == 0) != (fast.inline[p] == nil) {
						t.Fatalf("position %d: inline %d bytes, stream %d bytes, or they differ", p, len(fast.inline[p]), len(want))
					}
				}
			})
		}
	}
}
