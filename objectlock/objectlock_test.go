package objectlock

import (
	"errors"
	"testing"
	"time"

	"github.com/silo-project/silo/storage"
)

func TestCheck(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	future, past := now.Add(time.Hour).Format(time.RFC3339Nano), now.Add(-time.Hour).Format(time.RFC3339Nano)
	info := func(kv ...string) storage.ObjectInfo {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return storage.ObjectInfo{Internal: m}
	}
	tests := []struct {
		name   string
		info   storage.ObjectInfo
		bypass bool
		denied bool
	}{
		{"unlocked", info(), false, false},
		{"compliance", info(InternalMode, "COMPLIANCE", InternalUntil, future), false, true},
		{"compliance bypass", info(InternalMode, "COMPLIANCE", InternalUntil, future), true, true},
		{"compliance expired", info(InternalMode, "COMPLIANCE", InternalUntil, past), false, false},
		{"governance", info(InternalMode, "GOVERNANCE", InternalUntil, future), false, true},
		{"governance bypass", info(InternalMode, "GOVERNANCE", InternalUntil, future), true, false},
		{"legal hold", info(InternalLegalHold, "ON"), true, true},
		{"legal hold off", info(InternalLegalHold, "OFF"), false, false},
		{"hold and expired", info(InternalLegalHold, "ON", InternalMode, "GOVERNANCE", InternalUntil, past), true, true},
		{"delete marker", storage.ObjectInfo{DeleteMarker: true, Internal: map[string]string{InternalLegalHold: "ON"}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.info, tt.bypass, now)
			if (err != nil) != tt.denied || (err != nil && !errors.Is(err, ErrLocked)) {
				t.Fatalf("Check = %v, want denied=%v", err, tt.denied)
			}
		})
	}
}

func TestCheckRetentionChange(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	gov := Retention{Mode: Governance, Until: now.Add(day)}
	comp := Retention{Mode: Compliance, Until: now.Add(day)}
	tests := []struct {
		name   string
		old    Retention
		mode   string
		until  time.Time
		bypass bool
		denied bool
	}{
		{"none to compliance", Retention{}, Compliance, now.Add(day), false, false},
		{"extend compliance", comp, Compliance, now.Add(2 * day), false, false},
		{"shorten compliance", comp, Compliance, now.Add(time.Hour), true, true},
		{"compliance to governance", comp, Governance, now.Add(2 * day), true, true},
		{"remove compliance", comp, "", time.Time{}, true, true},
		{"governance to compliance", gov, Compliance, now.Add(day), false, false},
		{"shorten governance", gov, Governance, now.Add(time.Hour), false, true},
		{"shorten governance bypass", gov, Governance, now.Add(time.Hour), true, false},
		{"remove governance bypass", gov, "", time.Time{}, true, false},
		{"expired compliance", Retention{Mode: Compliance, Until: now.Add(-day)}, "", time.Time{}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRetentionChange(tt.old, tt.mode, tt.until, tt.bypass, now)
			if (err != nil) != tt.denied {
				t.Fatalf("CheckRetentionChange = %v, want denied=%v", err, tt.denied)
			}
		})
	}
}
