package objectlock

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/silo-project/silo/storage"
)

// Retention modes.
const (
	Governance = "GOVERNANCE"
	Compliance = "COMPLIANCE"
)

// Keys of storage.ObjectInfo.Internal holding a version's lock state.
const (
	InternalMode      = "x-amz-object-lock-mode"              // Governance or Compliance
	InternalUntil     = "x-amz-object-lock-retain-until-date" // RFC 3339, UTC
	InternalLegalHold = "x-amz-object-lock-legal-hold"        // "ON" or "OFF"
)

// ErrLocked is returned (wrapped) when a lock forbids removing a version or
// weakening its retention; the S3 layer answers it with AccessDenied.
var ErrLocked = errors.New("object protected by object lock")

// Retention is the retention of one version; Mode is "" when it has none.
type Retention struct {
	Mode  string
	Until time.Time
}

// ParseDate parses a retain-until date: RFC 3339 with or without fractional seconds.
func ParseDate(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("retain until date %q: %w", v, err)
	}
	return t.UTC(), nil
}

// RetentionOf reads the retention of info (none when absent or unreadable).
func RetentionOf(info storage.ObjectInfo) Retention {
	mode := info.Internal[InternalMode]
	until, err := ParseDate(info.Internal[InternalUntil])
	if mode == "" || err != nil {
		return Retention{}
	}
	return Retention{Mode: mode, Until: until}
}

// Active reports whether r still protects its version at now.
func (r Retention) Active(now time.Time) bool { return r.Mode != "" && r.Until.After(now) }

// LegalHold reports whether info is under a legal hold.
func LegalHold(info storage.ObjectInfo) bool { return info.Internal[InternalLegalHold] == "ON" }

// Check decides whether the data of version info may be removed at now. A
// legal hold or an active COMPLIANCE retention refuses, for everyone,
// root included; an active GOVERNANCE retention refuses unless
// bypassGovernance, which the caller sets only when the request asked for
// it (x-amz-bypass-governance-retention: true) and the authorizer granted
// s3:BypassGovernanceRetention. Delete markers carry no data and are never
// locked. The error wraps ErrLocked.
func Check(info storage.ObjectInfo, bypassGovernance bool, now time.Time) error {
	if info.DeleteMarker {
		return nil
	}
	if LegalHold(info) {
		return fmt.Errorf("%s version %s: legal hold: %w", info.Key, info.VersionID, ErrLocked)
	}
	r := RetentionOf(info)
	if !r.Active(now) || (r.Mode == Governance && bypassGovernance) {
		return nil
	}
	return fmt.Errorf("%s version %s: %s retention until %s: %w", info.Key, info.VersionID, r.Mode, r.Until.Format(time.RFC3339), ErrLocked)
}

// CheckRetentionChange decides whether retention old may become (mode,
// until) at now; mode "" removes it. An expired retention may change
// freely; an active one may be extended (and GOVERNANCE turned into
// COMPLIANCE), while shortening, removing or weakening it is refused
// unless it is GOVERNANCE and bypassGovernance. The error wraps ErrLocked.
func CheckRetentionChange(old Retention, mode string, until time.Time, bypassGovernance bool, now time.Time) error {
	if !old.Active(now) {
		return nil
	}
	weaker := mode == "" || until.Before(old.Until) || (old.Mode == Compliance && mode != Compliance)
	if !weaker || (old.Mode == Governance && bypassGovernance) {
		return nil
	}
	return fmt.Errorf("%s retention until %s cannot be shortened or removed: %w", old.Mode, old.Until.Format(time.RFC3339), ErrLocked)
}
