package iam

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SessionInfo describes an STS session for administrative listings (`mc
// admin accesskey list|info`). It never carries the secret or the token.
type SessionInfo struct {
	AccessKey  string
	Parent     string
	Expiration time.Time
	// Policy is the session policy; nil when the session has none.
	Policy []byte
}

func (t *session) info() SessionInfo {
	si := SessionInfo{AccessKey: t.AccessKey, Parent: t.Parent, Expiration: t.Expiration}
	if len(t.sessionDoc.Policy) > 0 {
		si.Policy = slices.Clone([]byte(t.sessionDoc.Policy))
	}
	return si
}

// ListSessions returns the unexpired STS sessions whose parent is parent,
// sorted by access key.
func (s *System) ListSessions(_ context.Context, parent string) ([]SessionInfo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	now := s.now()
	var out []SessionInfo
	for _, t := range s.sessions {
		if t.Parent == parent && t.Expiration.After(now) {
			out = append(out, t.info())
		}
	}
	slices.SortFunc(out, func(a, b SessionInfo) int { return strings.Compare(a.AccessKey, b.AccessKey) })
	return out, nil
}

// Session returns the unexpired STS session accessKey. Errors:
// ErrNoSuchAccessKey when there is none (or it expired).
func (s *System) Session(_ context.Context, accessKey string) (SessionInfo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.sessions[accessKey]
	if !ok || !t.Expiration.After(s.now()) {
		return SessionInfo{}, fmt.Errorf("session %q: %w", accessKey, ErrNoSuchAccessKey)
	}
	return t.info(), nil
}
