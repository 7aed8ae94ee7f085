package erasure_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/erasure"
	"github.com/silo-project/silo/storage/storagetest"
)

// Go benchmarks of the engine on 4 temp drives EC:2. They complement
// cmd/silo-bench (which relates the figures to the disk's own limits) and
// are meant for before/after comparisons with benchstat:
//
//	go test ./storage/erasure/ -run '^$' -bench . -benchtime 3s -count 5

func benchStore(b *testing.B) *erasure.Store {
	b.Helper()
	drives := makeDrives(b, 4)
	s, err := erasure.New(b.Context(), erasure.Config{Drives: drives, StandardParity: 2, RRSParity: -1, Logger: quietLogger()})
	if err != nil {
		b.Fatalf("erasure.New: %v", err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.MakeBucket(b.Context(), "bench", storage.MakeBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	return s
}

// reportCPU adds the process CPU time (user + system) per operation to a
// benchmark's results: on a shared machine it is steadier than ns/op, which
// includes waiting for the disk and for other processes.
func reportCPU(b *testing.B) func() {
	b.Helper()
	var before syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	return func() {
		var after syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
		us := func(r syscall.Rusage) int64 {
			return r.Utime.Sec*1e6 + r.Utime.Usec + r.Stime.Sec*1e6 + r.Stime.Usec
		}
		if b.N > 0 {
			b.ReportMetric(float64(us(after)-us(before))/float64(b.N), "cpu-us/op")
		}
	}
}

var benchSizes = []int{4 << 10, 1 << 20, 16 << 20, 64 << 20}

func BenchmarkPutObject(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			s := benchStore(b)
			data := storagetest.Data(1, size)
			b.SetBytes(int64(size))
			defer reportCPU(b)()
			for i := 0; b.Loop(); i++ {
				if _, err := s.PutObject(b.Context(), "bench", fmt.Sprintf("k%d", i%64), bytes.NewReader(data), int64(size), storage.PutOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPutObjectParallel4KiB(b *testing.B) {
	s := benchStore(b)
	data := storagetest.Data(1, 4<<10)
	b.SetBytes(int64(len(data)))
	b.SetParallelism(8) // with GOMAXPROCS 2: 16 writers
	defer reportCPU(b)()
	g0, c0 := erasure.CommitStats(s)
	defer func() {
		g, c := erasure.CommitStats(s)
		if g > g0 {
			b.ReportMetric(float64(c-c0)/float64(g-g0), "changes/group")
		}
	}()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			key := fmt.Sprintf("p%p-%d", pb, i)
			if _, err := s.PutObject(b.Context(), "bench", key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkGetObject(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			s := benchStore(b)
			data := storagetest.Data(1, size)
			if _, err := s.PutObject(b.Context(), "bench", "obj", bytes.NewReader(data), int64(size), storage.PutOptions{}); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size))
			defer reportCPU(b)()
			for b.Loop() {
				rc, _, err := s.GetObject(b.Context(), "bench", "obj", nil, storage.GetOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, rc); err != nil {
					b.Fatal(err)
				}
				rc.Close()
			}
		})
	}
}

func BenchmarkGetObjectParallel4KiB(b *testing.B) {
	s := benchStore(b)
	data := storagetest.Data(1, 4<<10)
	const keys = 256
	for i := range keys {
		if _, err := s.PutObject(b.Context(), "bench", fmt.Sprintf("g%d", i), bytes.NewReader(data), int64(len(data)), storage.PutOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(data)))
	b.SetParallelism(8) // with GOMAXPROCS 2: 16 readers
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			rc, _, err := s.GetObject(b.Context(), "bench", fmt.Sprintf("g%d", i%keys), nil, storage.GetOptions{})
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := io.Copy(io.Discard, rc); err != nil {
				b.Error(err)
			}
			rc.Close()
		}
	})
}

func BenchmarkListObjectsDelimiter(b *testing.B) {
	s := benchStore(b)
	for i := range 5000 {
		key := fmt.Sprintf("d%03d/f%06d", i%500, i)
		if _, err := s.PutObject(b.Context(), "bench", key, strings.NewReader(""), 0, storage.PutOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		res, err := s.ListObjects(b.Context(), "bench", storage.ListOptions{Delimiter: "/", MaxKeys: 1000})
		if err != nil || len(res.CommonPrefixes) != 500 {
			b.Fatalf("ListObjects: %d prefixes, %v", len(res.CommonPrefixes), err)
		}
	}
}
