package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/klauspost/reedsolomon"
	"github.com/minio/highwayhash"
	"golang.org/x/crypto/blake2b"
)

const (
	kib = 1 << 10
	mib = 1 << 20
)

// rawDisk holds the machine's own limits, measured on the bench directory.
type rawDisk struct {
	WriteMiBs    float64 // the better of the two write figures below: the bar PUTs are held to
	WriteOneMiBs float64 // sequential write of one large file, fsynced at the end
	Write64MiBs  float64 // sequential 64 MiB files, each fsynced and closed (a PUT's pattern)
	ReadMiBs     float64 // sequential read with O_DIRECT (0 if unsupported)
	CachedMiBs   float64 // sequential read through the page cache
	Creates1     float64 // fsynced 4 KiB file creations per second, one writer
	Creates16    float64 // the same with 16 writers
	DirectReadOK bool
}

// measureWrite writes size bytes in 1 MiB chunks and fsyncs once at the end.
func measureWrite(dir string, size int64) (float64, string, error) {
	path := filepath.Join(dir, "raw-seq")
	f, err := os.Create(path)
	if err != nil {
		return 0, "", fmt.Errorf("create: %w", err)
	}
	defer f.Close()
	buf := randomBytes(mib)
	start := time.Now()
	for n := int64(0); n < size; n += mib {
		if _, err := f.Write(buf); err != nil {
			return 0, "", fmt.Errorf("write: %w", err)
		}
	}
	if err := f.Sync(); err != nil {
		return 0, "", fmt.Errorf("fsync: %w", err)
	}
	return float64(size) / mib / time.Since(start).Seconds(), path, f.Close()
}

// measureWriteFiles writes size bytes as consecutive 64 MiB files, each
// fsynced before the next starts, and removes them.
func measureWriteFiles(dir string, size int64) (float64, error) {
	buf := randomBytes(mib)
	start := time.Now()
	var done int64
	for i := 0; done < size; i++ {
		path := filepath.Join(dir, fmt.Sprintf("raw-64m-%d", i))
		f, err := os.Create(path)
		if err != nil {
			return 0, err
		}
		defer os.Remove(path)
		for n := 0; n < 64 && done < size; n++ {
			if _, err := f.Write(buf); err != nil {
				f.Close()
				return 0, err
			}
			done += mib
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return 0, err
		}
		if err := f.Close(); err != nil {
			return 0, err
		}
	}
	return float64(done) / mib / time.Since(start).Seconds(), nil
}

// measureRead reads path sequentially; direct bypasses the page cache where
// the file system supports O_DIRECT.
func measureRead(path string, direct bool) (float64, error) {
	flags := os.O_RDONLY
	if direct {
		flags |= syscall.O_DIRECT
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	// O_DIRECT needs a buffer aligned to the logical block size.
	raw := make([]byte, mib+4096)
	off := 4096 - int(uintptr(unsafe.Pointer(&raw[0]))&4095)
	buf := raw[off : off+mib]
	start := time.Now()
	var total int64
	for {
		n, err := f.Read(buf)
		total += int64(n)
		if errors.Is(err, io.EOF) || (err == nil && n == 0) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	return float64(total) / mib / time.Since(start).Seconds(), nil
}

// measureCreates creates fsynced 4 KiB files (file and directory fsync, as
// a durable create needs) with c writers for about d; it returns files/s.
func measureCreates(dir string, c int, d time.Duration) (float64, error) {
	sub := filepath.Join(dir, fmt.Sprintf("creates-%d", c))
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return 0, err
	}
	defer os.RemoveAll(sub)
	buf := randomBytes(4 * kib)
	var count atomic.Int64
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range c {
		wg.Go(func() {
			dirf, err := os.Open(sub)
			if err != nil {
				once.Do(func() { firstErr = err })
				return
			}
			defer dirf.Close()
			for i := 0; time.Now().Before(deadline); i++ {
				if err := createSynced(filepath.Join(sub, fmt.Sprintf("%d-%d", w, i)), buf, dirf); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				count.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(count.Load()) / time.Since(start).Seconds(), firstErr
}

func createSynced(path string, data []byte, dir *os.File) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return dir.Sync()
}

// measureRaw runs every raw-disk measurement in dir.
func measureRaw(ctx context.Context, dir string, rawMiB int64) (rawDisk, error) {
	var r rawDisk
	w, path, err := measureWrite(dir, rawMiB*mib)
	if err != nil {
		return r, fmt.Errorf("raw write: %w", err)
	}
	defer os.Remove(path)
	r.WriteOneMiBs = w
	if r.Write64MiBs, err = measureWriteFiles(dir, rawMiB*mib); err != nil {
		return r, fmt.Errorf("raw write of 64 MiB files: %w", err)
	}
	r.WriteMiBs = max(r.WriteOneMiBs, r.Write64MiBs)
	if v, err := measureRead(path, true); err == nil {
		r.ReadMiBs, r.DirectReadOK = v, true
	}
	if r.CachedMiBs, err = measureRead(path, false); err != nil {
		return r, fmt.Errorf("raw read: %w", err)
	}
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	if r.Creates1, err = measureCreates(dir, 1, 3*time.Second); err != nil {
		return r, fmt.Errorf("creates: %w", err)
	}
	if r.Creates16, err = measureCreates(dir, 16, 3*time.Second); err != nil {
		return r, fmt.Errorf("creates: %w", err)
	}
	return r, nil
}

// measureRS returns Reed-Solomon 4+2 encode speed in MiB/s of object data,
// one 1 MiB block at a time.
func measureRS(d time.Duration) (float64, error) {
	enc, err := reedsolomon.New(4, 2)
	if err != nil {
		return 0, err
	}
	block := randomBytes(mib)
	var done int64
	start := time.Now()
	for time.Since(start) < d {
		shards, err := enc.Split(block)
		if err != nil {
			return 0, err
		}
		if err := enc.Encode(shards); err != nil {
			return 0, err
		}
		done += mib
	}
	return float64(done) / mib / time.Since(start).Seconds(), nil
}

// hashSpeed is one bitrot hash's throughput.
type hashSpeed struct {
	Name string
	MiBs float64
}

// measureHashes hashes 1 MiB blocks (the bitrot unit) with each candidate.
func measureHashes(d time.Duration) ([]hashSpeed, error) {
	key := make([]byte, 32)
	makers := []struct {
		name string
		new  func() (hash.Hash, error)
	}{
		{"HighwayHash-256", func() (hash.Hash, error) { return highwayhash.New(key) }},
		{"BLAKE2b-256", func() (hash.Hash, error) { return blake2b.New256(nil) }},
		{"SHA-256", func() (hash.Hash, error) { return sha256.New(), nil }},
	}
	block := randomBytes(mib)
	var out []hashSpeed
	for _, m := range makers {
		h, err := m.new()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.name, err)
		}
		var done int64
		start := time.Now()
		for time.Since(start) < d {
			h.Reset()
			h.Write(block)
			h.Sum(nil)
			done += mib
		}
		out = append(out, hashSpeed{m.name, float64(done) / mib / time.Since(start).Seconds()})
	}
	return out, nil
}
