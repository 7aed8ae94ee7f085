package erasure

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/silo-project/silo/storage"
)

// Config describes the drives of a deployment.
type Config struct {
	// Drives are the drive root directories, already ellipsis-expanded, in order.
	Drives []string
	// SetDriveCount is the number of drives per erasure set; 0 chooses
	// automatically (all drives in one set if <= 16, else the largest divisor
	// of len(Drives) in 2..16).
	SetDriveCount int
	// StandardParity is the parity of STANDARD objects; -1 picks the default
	// for the set size (N=1 -> 0, 2..3 -> 1, 4..5 -> 2, 6..7 -> 3, >=8 -> 4).
	StandardParity int
	// RRSParity is the parity of REDUCED_REDUNDANCY objects; -1 picks the
	// default (1, or 0 for a 1-drive set).
	RRSParity int
	// Logger receives progress and problems; nil discards.
	Logger *slog.Logger
	// StaleUploadsExpiry is the age at which a multipart upload that was
	// neither completed nor aborted is aborted (its parts freed), checked
	// every StaleUploadsCleanupInterval. Zero values pick MinIO's
	// defaults, 24 h and 6 h; a negative expiry keeps uploads forever.
	StaleUploadsExpiry          time.Duration
	StaleUploadsCleanupInterval time.Duration
}

// Defaults of the stale-upload cleanup, as MinIO's.
const (
	defaultStaleUploadsExpiry   = 24 * time.Hour
	defaultStaleUploadsInterval = 6 * time.Hour
)

// Layout describes the deployment's erasure sets.
type Layout struct {
	Sets           int
	DrivesPerSet   int
	StandardData   int
	StandardParity int
	RRSParity      int
	DeploymentID   string
}

// Health is the state of the drives, aggregated over all sets.
type Health struct {
	DrivesOnline int
	DrivesTotal  int
	// WriteQuorum is true when every set has enough drives online to accept
	// STANDARD writes.
	WriteQuorum bool
}

// HealOptions selects what Heal repairs.
type HealOptions struct {
	// Bucket restricts healing to one bucket; "" heals every bucket.
	Bucket string
	// BytesPerSecond caps the data read for verification and repair; 0 is unlimited.
	BytesPerSecond int64
}

// HealStatus reports the progress of the current or last heal.
type HealStatus struct {
	Running      bool
	Started      time.Time
	Finished     time.Time
	ObjectsDone  int64
	ObjectsTotal int64
	BytesDone    int64
	BytesTotal   int64
	// ObjectsHealed counts objects on which something was repaired.
	ObjectsHealed int64
	Errors        int64
	LastError     string
}

// ParseStorageClass parses a storage class parity setting such as "EC:2"
// (the SILO_STORAGE_CLASS_STANDARD / MINIO_STORAGE_CLASS_STANDARD format).
func ParseStorageClass(s string) (parity int, err error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "EC:")
	if !ok {
		return 0, fmt.Errorf("storage class %q: want EC:<parity>: %w", s, storage.ErrInvalidStorageClass)
	}
	p, err := strconv.Atoi(rest)
	if err != nil || p < 0 {
		return 0, fmt.Errorf("storage class %q: bad parity: %w", s, storage.ErrInvalidStorageClass)
	}
	return p, nil
}

// DefaultParity returns the default STANDARD parity for a set of n drives.
func DefaultParity(n int) int {
	switch {
	case n <= 1:
		return 0
	case n <= 3:
		return 1
	case n <= 5:
		return 2
	case n <= 7:
		return 3
	}
	return 4
}

// setSize returns the drives per set for total drives.
func setSize(total, requested int) (int, error) {
	if total <= 0 {
		return 0, fmt.Errorf("no drives configured")
	}
	if requested > 0 {
		if requested > 16 || total%requested != 0 {
			return 0, fmt.Errorf("set drive count %d does not divide %d drives (or exceeds 16)", requested, total)
		}
		return requested, nil
	}
	if total <= 16 {
		return total, nil
	}
	for n := 16; n >= 2; n-- {
		if total%n == 0 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%d drives cannot be split into sets of 2..16", total)
}

// layoutFor validates cfg and computes the layout (without deployment ID).
func layoutFor(cfg Config) (Layout, error) {
	n, err := setSize(len(cfg.Drives), cfg.SetDriveCount)
	if err != nil {
		return Layout{}, err
	}
	l := Layout{Sets: len(cfg.Drives) / n, DrivesPerSet: n, StandardParity: cfg.StandardParity, RRSParity: cfg.RRSParity}
	if l.StandardParity < 0 {
		l.StandardParity = DefaultParity(n)
	}
	if l.RRSParity < 0 {
		l.RRSParity = 1
		if n == 1 {
			l.RRSParity = 0
		}
		if l.RRSParity > l.StandardParity {
			l.RRSParity = l.StandardParity
		}
	}
	if l.StandardParity > n/2 {
		return l, fmt.Errorf("standard parity %d too high for %d drives per set (max %d)", l.StandardParity, n, n/2)
	}
	if l.RRSParity > l.StandardParity {
		return l, fmt.Errorf("RRS parity %d above standard parity %d", l.RRSParity, l.StandardParity)
	}
	l.StandardData = n - l.StandardParity
	return l, nil
}

// parityFor maps a PutOptions storage class to a parity.
func (l Layout) parityFor(class string) (int, error) {
	switch class {
	case "", storage.StorageClassStandard:
		return l.StandardParity, nil
	case storage.StorageClassRRS:
		return l.RRSParity, nil
	}
	return 0, storage.ErrInvalidStorageClass
}

// writeQuorum returns the drives that must acknowledge a write.
func writeQuorum(data, parity int) int {
	if data == parity {
		return data + 1
	}
	return data
}
