package drive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/silo-project/silo/storage"
)

const (
	dbFile  = "meta.db"
	dataDir = "data"
	tmpDir  = "tmp"
)

// pageSize is the bbolt page size of a new metadata database (an existing
// one keeps the size it was created with, which bbolt reads from its meta
// page). A record of a small object carries its inline shard (2 KiB and
// more for a 4 KiB object at EC:2), so with 4 KiB pages nearly every leaf
// overflows into several pages, allocated outside bbolt's page pool; 16 KiB
// pages cut the CPU per 4 KiB PUT by about 14% (docs/benchmarks.md) and
// left GET unchanged. It also makes listings of big buckets cheaper: with
// 4 KiB pages a million-key bucket grows two levels of branch pages and
// every seek of a delimited listing touched two cold pages; with 16 KiB the
// branch level stays small and hot and a seek touches one cold leaf (the
// 1 M-key root page took 0.5-0.6 x the time, the 10 k-key page the same).
const pageSize = 16 << 10

// Options tunes Open.
type Options struct {
	Logger *slog.Logger
}

// Drive is one opened local drive. Its methods are safe for concurrent use.
type Drive struct {
	root string
	sys  string
	db   *bolt.DB
	log  *slog.Logger
	// group queues metadata changes for group commit (commit.go).
	group groupCommit
	// onlineAt is when Online last succeeded (Unix ns; 0 after a failure).
	onlineAt atomic.Int64
}

// Open opens the drive at root: it creates the system, data and tmp
// directories when missing, empties tmp (in-flight writes of a previous run)
// and opens the metadata database. It does not look at the format record.
func Open(ctx context.Context, root string, opts Options) (*Drive, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sys := filepath.Join(root, SysDir)
	if err := os.RemoveAll(filepath.Join(sys, tmpDir)); err != nil {
		return nil, fmt.Errorf("open drive %s: empty tmp: %w: %w", root, storage.ErrDriveFaulty, err)
	}
	for _, dir := range []string{sys, filepath.Join(sys, dataDir), filepath.Join(sys, tmpDir)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("open drive %s: %w: %w", root, storage.ErrDriveFaulty, err)
		}
	}
	db, err := bolt.Open(filepath.Join(sys, dbFile), 0o600, &bolt.Options{
		Timeout:        2 * time.Second,
		FreelistType:   bolt.FreelistMapType,
		NoFreelistSync: true,
		PageSize:       pageSize,
	})
	if err != nil {
		return nil, fmt.Errorf("open drive %s: metadata: %w: %w", root, storage.ErrDriveFaulty, err)
	}
	d := &Drive{root: root, sys: sys, db: db, log: log}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{[]byte(bktBuckets), []byte(bktConfig), []byte(bktDataDirs)} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return openDirIndexes(tx, d)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open drive %s: init metadata: %w: %w", root, storage.ErrDriveFaulty, err)
	}
	return d, nil
}

// Root returns the drive's root directory.
func (d *Drive) Root() string { return d.root }

// Close closes the metadata database.
func (d *Drive) Close() error {
	if err := d.db.Close(); err != nil {
		return fmt.Errorf("close drive %s: %w", d.root, err)
	}
	return nil
}

// Online returns nil when the drive still looks usable (its format record
// is present), or an error wrapping storage.ErrDriveFaulty. A drive whose
// directory was removed or replaced while running goes offline this way.
func (d *Drive) Online() error {
	if _, err := os.Stat(filepath.Join(d.sys, formatFile)); err != nil {
		d.onlineAt.Store(0)
		return fmt.Errorf("drive %s: %w: %w", d.root, storage.ErrDriveFaulty, err)
	}
	d.onlineAt.Store(time.Now().UnixNano())
	return nil
}

// readOnlineTTL is how long after a successful Online a read transaction
// trusts it instead of checking again. A stat per read transaction was
// 7.5% of the CPU of a 4 KiB GET through HTTP (four drives, one view
// each); a drive removed while running is still noticed by reads within
// this time, and at once by writes (each commit group checks).
const readOnlineTTL = 50 * time.Millisecond

// onlineForRead is Online, trusting a success of the last readOnlineTTL.
func (d *Drive) onlineForRead() error {
	if time.Now().UnixNano()-d.onlineAt.Load() < int64(readOnlineTTL) {
		return nil
	}
	return d.Online()
}

// View runs fn in a read-only metadata transaction.
func (d *Drive) View(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := d.onlineForRead(); err != nil {
		return err
	}
	return d.db.View(func(btx *bolt.Tx) error {
		return fn(&Tx{tx: btx, d: d})
	})
}

// Update runs fn in a read-write metadata transaction shared with the
// changes of concurrent callers (group commit, see commit.go) and returns
// once it is durable: fn may run more than once and must only depend on
// what it reads through the Tx. It returns the data dirs that fn's
// changes left unreferenced; the caller removes them with Release once the
// change is final (it may still undo it when a quorum was missed). A drive
// found offline (Online) just before the group's commit fails every
// change of the group with that error: one check per group rather than
// per change (a stat each was about 8% of a 4 KiB PUT's CPU).
func (d *Drive) Update(ctx context.Context, fn func(*Tx) error) (freed []string, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return d.commit(fn)
}

// Release removes data dirs returned by Update, logging failures.
func (d *Drive) Release(dirs []string) {
	for _, dd := range dirs {
		if err := d.RemoveDataDir(dd); err != nil {
			d.log.Warn("remove data dir after commit", "drive", d.root, "dir", dd, "err", err)
		}
	}
}

// isNotExist reports whether err means a missing file.
func isNotExist(err error) bool { return errors.Is(err, os.ErrNotExist) }
