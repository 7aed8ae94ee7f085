package drive

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/silo-project/silo/storage"
)

// NewID returns a random 128-bit identifier in lower-case hex, used for data
// dirs, shard file names and temporary names.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validName accepts only the names Silo generates ([0-9a-z.-]), so corrupt
// metadata can never make a path escape the data directory.
func validName(s string) bool {
	if s == "" || len(s) > 128 || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func (d *Drive) dataDirPath(dd string) (string, error) {
	if !validName(dd) || len(dd) < 2 {
		return "", fmt.Errorf("invalid data dir %q: %w", dd, ErrCorruptRecord)
	}
	return filepath.Join(d.sys, dataDir, dd[:2], dd), nil
}

func (d *Drive) shardPath(dd, name string) (string, error) {
	dir, err := d.dataDirPath(dd)
	if err != nil {
		return "", err
	}
	if !validName(name) {
		return "", fmt.Errorf("invalid shard name %q: %w", name, ErrCorruptRecord)
	}
	return filepath.Join(dir, name), nil
}

// ShardWriter writes one shard file into the drive's tmp directory; Commit
// makes it durable and moves it into its data dir.
type ShardWriter struct {
	d     *Drive
	f     *os.File
	tmp   string
	dir   string
	final string
	// written counts bytes written; flushed is where the last early
	// writeback request ended.
	written, flushed int64
}

// writebackChunk is how much a shard writer lets accumulate before asking
// the kernel to start writing it out, so that disk writes overlap with
// encoding instead of all waiting for the fsync at commit.
const writebackChunk = 4 << 20

// CreateShard starts writing shard file name of data dir dd.
func (d *Drive) CreateShard(dd, name string) (*ShardWriter, error) {
	final, err := d.shardPath(dd, name)
	if err != nil {
		return nil, err
	}
	if err := d.Online(); err != nil {
		return nil, err
	}
	tmp := filepath.Join(d.sys, tmpDir, NewID())
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create shard on %s: %w: %w", d.root, storage.ErrDriveFaulty, err)
	}
	return &ShardWriter{d: d, f: f, tmp: tmp, dir: filepath.Dir(final), final: final}, nil
}

// Write appends to the shard file.
func (w *ShardWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.written += int64(n)
	if err != nil {
		return n, fmt.Errorf("write shard on %s: %w", w.d.root, err)
	}
	if w.written-w.flushed >= writebackChunk {
		startWriteback(w.f, w.flushed, w.written-w.flushed)
		w.flushed = w.written
	}
	return n, nil
}

// Commit fsyncs the file, renames it into its data dir (creating the dir
// and fsyncing its parents) and fsyncs the data dir.
func (w *ShardWriter) Commit() error {
	if err := w.f.Sync(); err != nil {
		w.Abort()
		return fmt.Errorf("sync shard on %s: %w", w.d.root, err)
	}
	if err := w.f.Close(); err != nil {
		w.Abort()
		return fmt.Errorf("close shard on %s: %w", w.d.root, err)
	}
	w.f = nil
	if _, err := os.Stat(w.dir); err != nil {
		fan := filepath.Dir(w.dir)
		_, fanErr := os.Stat(fan)
		if err := os.MkdirAll(w.dir, 0o700); err != nil {
			w.Abort()
			return fmt.Errorf("create data dir on %s: %w", w.d.root, err)
		}
		if err := syncDir(fan); err != nil {
			w.Abort()
			return err
		}
		if fanErr != nil { // the fan-out directory is new too
			if err := syncDir(filepath.Dir(fan)); err != nil {
				w.Abort()
				return err
			}
		}
	}
	if err := os.Rename(w.tmp, w.final); err != nil {
		w.Abort()
		return fmt.Errorf("rename shard on %s: %w", w.d.root, err)
	}
	return syncDir(w.dir)
}

// Abort discards an uncommitted shard file.
func (w *ShardWriter) Abort() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
	_ = os.Remove(w.tmp)
}

// OpenShard opens a committed shard file for reading.
func (d *Drive) OpenShard(dd, name string) (*os.File, error) {
	p, err := d.shardPath(dd, name)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open shard on %s: %w", d.root, err)
	}
	return f, nil
}

// RemoveShard removes one shard file; a missing file is not an error.
func (d *Drive) RemoveShard(dd, name string) error {
	p, err := d.shardPath(dd, name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !isNotExist(err) {
		return fmt.Errorf("remove shard on %s: %w", d.root, err)
	}
	return nil
}

// RemoveDataDir removes a data dir and its shard files.
func (d *Drive) RemoveDataDir(dd string) error {
	p, err := d.dataDirPath(dd)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("remove data dir on %s: %w", d.root, err)
	}
	return nil
}

// WalkDataDirs calls fn for every data dir on disk with its modification time.
func (d *Drive) WalkDataDirs(fn func(dd string, mod time.Time) error) error {
	root := filepath.Join(d.sys, dataDir)
	fans, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("walk data dirs on %s: %w", d.root, err)
	}
	for _, fan := range fans {
		if !fan.IsDir() {
			continue
		}
		dirs, err := os.ReadDir(filepath.Join(root, fan.Name()))
		if err != nil {
			continue
		}
		for _, e := range dirs {
			var mod time.Time
			if info, err := e.Info(); err == nil {
				mod = info.ModTime()
			}
			if err := fn(e.Name(), mod); err != nil {
				return err
			}
		}
	}
	return nil
}

// ShardSize returns the size of a committed shard file.
func (d *Drive) ShardSize(dd, name string) (int64, error) {
	p, err := d.shardPath(dd, name)
	if err != nil {
		return 0, err
	}
	info, err := os.Stat(p)
	if err != nil {
		return 0, fmt.Errorf("stat shard on %s: %w", d.root, err)
	}
	return info.Size(), nil
}
