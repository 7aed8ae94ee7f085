package erasure

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/minio/highwayhash"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/drive"
)

// Store is an erasure-coded storage.Store over local drives.
type Store struct {
	log     *slog.Logger
	layout  Layout
	sets    []*set
	hashKey []byte
	locks   *lockMap
	codecs  codecCache
	started time.Time
	// inlineMax is the largest object stored inline (inlineThreshold;
	// benchmarks vary it).
	inlineMax int64

	healCh chan healTask
	healMu sync.Mutex
	// healPending holds the keys queued for heal on read.
	healPending map[string]bool
	heal        healTracker
	healRun     sync.Mutex   // one full heal at a time
	ref         drive.Format // the deployment's format (This unset)
	// writing holds the data dirs being written, not yet committed.
	writing inflight
	// stale is when abandoned multipart uploads are aborted (staleuploads.go).
	stale staleUploadsPolicy
	// known caches bucket existence for checkBucket, configs the answers
	// of GetBucketConfig (bucketcache.go).
	known   knownBuckets
	configs bucketConfigs

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

var _ storage.Store = (*Store)(nil)

// set is one erasure set: its drives by position (nil when offline). A
// position's drive is swapped atomically when the drive monitor attaches a
// drive that came back or was replaced.
type set struct {
	index int
	slots []atomic.Pointer[drive.Drive]
	paths []string
}

// n returns the number of positions of the set.
func (st *set) n() int { return len(st.slots) }

// drive returns the drive at position p, or nil when it is offline.
func (st *set) drive(p int) *drive.Drive { return st.slots[p].Load() }

// list returns a snapshot of the drives by position.
func (st *set) list() []*drive.Drive {
	out := make([]*drive.Drive, len(st.slots))
	for p := range st.slots {
		out[p] = st.slots[p].Load()
	}
	return out
}

// New opens (and, for fresh drives, formats) the drives of cfg. It refuses,
// with an error wrapping storage.ErrDriveFaulty, a drive formatted for
// another deployment or found at the wrong position, and a set with more
// drives offline or unformatted than its parity. Unformatted drives of an
// existing deployment are formatted and healed in the background.
func New(ctx context.Context, cfg Config) (*Store, error) {
	layout, err := layoutFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("erasure: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ref, fresh, err := resolveFormat(cfg.Drives, layout, log)
	if err != nil {
		return nil, err
	}
	layout.DeploymentID = ref.DeploymentID
	key := sha256.Sum256([]byte(ref.DeploymentID))
	s := &Store{
		log: log, layout: layout, hashKey: key[:], locks: newLockMap(),
		codecs: codecCache{m: map[[2]int]*codec{}}, started: time.Now(),
		healCh: make(chan healTask, 1024), healPending: map[string]bool{}, inlineMax: inlineThreshold,
		stale: newStaleUploadsPolicy(cfg),
	}
	var reformatted []int
	for si := 0; si < layout.Sets; si++ {
		st := &set{index: si, slots: make([]atomic.Pointer[drive.Drive], layout.DrivesPerSet), paths: make([]string, layout.DrivesPerSet)}
		for p := range st.slots {
			i := si*layout.DrivesPerSet + p
			st.paths[p] = cfg.Drives[i]
			d, wasFresh, err := openDrive(ctx, cfg.Drives[i], ref, si, p, log)
			if err != nil {
				log.Warn("drive offline", "drive", cfg.Drives[i], "err", err)
				continue
			}
			if wasFresh && !fresh {
				reformatted = append(reformatted, i)
			}
			st.slots[p].Store(d)
		}
		online := 0
		for _, d := range st.list() {
			if d != nil {
				online++
			}
		}
		if online < layout.DrivesPerSet-layout.StandardParity {
			s.sets = append(s.sets, st)
			s.closeDrives()
			return nil, fmt.Errorf("erasure: set %d has %d of %d drives usable, parity %d: %w",
				si, online, layout.DrivesPerSet, layout.StandardParity, storage.ErrDriveFaulty)
		}
		s.sets = append(s.sets, st)
	}
	s.ref = ref
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Add(5)
	go s.healWorker()
	go s.collectOrphans()
	go s.sweepDangling()
	go s.monitorDrives()
	go s.expireUploads()
	if len(reformatted) > 0 {
		log.Info("healing re-formatted drives in the background", "drives", len(reformatted))
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.Heal(s.ctx, HealOptions{}); err != nil && !errors.Is(err, context.Canceled) {
				log.Warn("background heal", "err", err)
			}
		}()
	}
	return s, nil
}

// resolveFormat reads every drive's format and returns the deployment's
// reference format (This unset) and whether the deployment is brand new.
func resolveFormat(paths []string, layout Layout, log *slog.Logger) (drive.Format, bool, error) {
	var ref drive.Format
	found := map[string]int{}
	formats := make([]*drive.Format, len(paths))
	for i, p := range paths {
		f, err := drive.ReadFormat(p)
		if err != nil {
			if !errors.Is(err, drive.ErrUnformatted) {
				log.Warn("cannot read drive format", "drive", p, "err", err)
			}
			continue
		}
		formats[i] = &f
		found[f.DeploymentID]++
	}
	best := ""
	for id, n := range found {
		if best == "" || n > found[best] {
			best = id
		}
	}
	if best == "" {
		ref = drive.Format{Version: drive.FormatVersion, DeploymentID: uuid.NewString()}
		for si := 0; si < layout.Sets; si++ {
			ids := make([]string, layout.DrivesPerSet)
			for p := range ids {
				ids[p] = uuid.NewString()
			}
			ref.Sets = append(ref.Sets, ids)
		}
		return ref, true, nil
	}
	for i, f := range formats {
		if f == nil {
			continue
		}
		if f.DeploymentID != best {
			return ref, false, fmt.Errorf("erasure: drive %s belongs to deployment %s, not %s: %w",
				paths[i], f.DeploymentID, best, storage.ErrDriveFaulty)
		}
		if ref.DeploymentID == "" {
			ref = *f
			ref.This = ""
		}
	}
	if len(ref.Sets) != layout.Sets || len(ref.Sets[0]) != layout.DrivesPerSet {
		return ref, false, fmt.Errorf("erasure: drives are formatted as %d sets of %d, configuration asks %d of %d: %w",
			len(ref.Sets), len(ref.Sets[0]), layout.Sets, layout.DrivesPerSet, storage.ErrDriveFaulty)
	}
	for i, f := range formats {
		if f == nil {
			continue
		}
		si, p := i/layout.DrivesPerSet, i%layout.DrivesPerSet
		if !f.SameLayout(ref) || f.This != ref.Sets[si][p] {
			fs, fp, _ := f.Position()
			return ref, false, fmt.Errorf("erasure: drive %s is drive %d of set %d, configured as drive %d of set %d: %w",
				paths[i], fp+1, fs+1, p+1, si+1, storage.ErrDriveFaulty)
		}
	}
	return ref, false, nil
}

// openDrive opens one drive, formatting it first when it has no format.
func openDrive(ctx context.Context, path string, ref drive.Format, si, p int, log *slog.Logger) (*drive.Drive, bool, error) {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return nil, false, err
		}
	} else if err != nil {
		return nil, false, err
	} else if !info.IsDir() {
		return nil, false, fmt.Errorf("%s is not a directory", path)
	}
	fresh := false
	if _, err := drive.ReadFormat(path); errors.Is(err, drive.ErrUnformatted) {
		fresh = true
		if err := drive.Wipe(path); err != nil {
			return nil, false, err
		}
	} else if err != nil {
		return nil, false, err
	}
	d, err := drive.Open(ctx, path, drive.Options{Logger: log})
	if err != nil {
		return nil, false, err
	}
	if fresh {
		f := ref
		f.This = ref.Sets[si][p]
		if err := drive.WriteFormat(path, f); err != nil {
			d.Close()
			return nil, false, err
		}
	}
	return d, fresh, nil
}

// Layout returns the deployment's layout.
func (s *Store) Layout() Layout { return s.layout }

// Health reports how many drives are online and whether every set can write.
func (s *Store) Health(ctx context.Context) Health {
	h := Health{WriteQuorum: true}
	wq := writeQuorum(s.layout.StandardData, s.layout.StandardParity)
	for _, st := range s.sets {
		online := 0
		for _, d := range st.list() {
			h.DrivesTotal++
			if d != nil && d.Online() == nil {
				online++
			}
		}
		h.DrivesOnline += online
		if online < wq {
			h.WriteQuorum = false
		}
	}
	return h
}

// Close stops background work and closes the drives.
func (s *Store) Close() error {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	return s.closeDrives()
}

func (s *Store) closeDrives() error {
	var errs []error
	for _, st := range s.sets {
		for p, d := range st.list() {
			if d != nil {
				errs = append(errs, d.Close())
				st.slots[p].Store(nil)
			}
		}
	}
	return errors.Join(errs...)
}

// setFor returns the set holding bucket/key (keyed hash of the name).
func (s *Store) setFor(bucket, key string) *set {
	if len(s.sets) == 1 {
		return s.sets[0]
	}
	h := highwayhash.Sum64([]byte(bucket+"/"+key), s.hashKey)
	return s.sets[h%uint64(len(s.sets))]
}

// distribution returns the shard index each position of a set holds for key.
func (s *Store) distribution(bucket, key string, n int) []uint8 {
	h := highwayhash.Sum64([]byte("dist:"+bucket+"/"+key), s.hashKey)
	off := int(h % uint64(n))
	dist := make([]uint8, n)
	for p := range dist {
		dist[p] = uint8((p + off) % n)
	}
	return dist
}

// forEach runs fn for every online drive of the set in parallel and
// returns one error per position (errOffline for a missing drive).
func (st *set) forEach(fn func(p int, d *drive.Drive) error) []error {
	errs := make([]error, st.n())
	var wg sync.WaitGroup
	for p, d := range st.list() {
		if d == nil {
			errs[p] = errOffline
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[p] = fn(p, d)
		}()
	}
	wg.Wait()
	return errs
}

var errOffline = fmt.Errorf("drive offline: %w", storage.ErrDriveFaulty)

func countNil(errs []error) int {
	n := 0
	for _, e := range errs {
		if e == nil {
			n++
		}
	}
	return n
}
