package iam

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/silo-project/silo/iam/policy"
)

// Bounds of an AssumeRole session's duration (AWS's).
const (
	MinSessionDuration     = 15 * time.Minute
	MaxSessionDuration     = 12 * time.Hour
	DefaultSessionDuration = time.Hour
)

// TempCredentials are the credentials of an STS session.
type TempCredentials struct {
	Credentials
	SessionToken string
	Expiration   time.Time
}

type sessionDoc struct {
	AccessKey  string          `json:"accessKey"`
	Secret     string          `json:"secret"` // sealed
	TokenHash  string          `json:"tokenHash"`
	Parent     string          `json:"parent"`
	Expiration time.Time       `json:"expiration"`
	Policy     json.RawMessage `json:"policy,omitempty"`
}

type session struct {
	sessionDoc
	secret string
	parsed *policy.Policy // session policy; nil: none
}

func (s *System) loadSession(name string, doc []byte) error {
	var d sessionDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return err
	}
	if !d.Expiration.Add(sessionGrace).After(s.now()) {
		return errSessionExpired
	}
	secret, err := s.seal.open(name, d.Secret)
	if err != nil {
		return err
	}
	t := &session{sessionDoc: d, secret: secret}
	if len(d.Policy) > 0 {
		if t.parsed, err = policy.Parse(d.Policy); err != nil {
			return err
		}
	}
	s.sessions[d.AccessKey] = t
	return nil
}

// errSessionExpired marks a stored session found expired while loading.
var errSessionExpired = errors.New("session expired")

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// AssumeRole opens an STS session for parent (root, a user or a service
// account, whose credentials must be valid now). The session can never do
// more than its parent: its permissions are the parent's intersected with
// sessionPolicy, re-evaluated on every request. Errors: ErrInvalidArgument
// (duration outside 15 minutes .. 12 hours, a session as parent), policy
// errors, ErrAccessDenied/ErrNoSuchAccessKey for an unusable parent.
func (s *System) AssumeRole(ctx context.Context, parent string, duration time.Duration, sessionPolicy []byte) (TempCredentials, error) {
	if duration == 0 {
		duration = DefaultSessionDuration
	}
	if duration < MinSessionDuration || duration > MaxSessionDuration {
		return TempCredentials{}, fmt.Errorf("session duration %v outside %v..%v: %w", duration, MinSessionDuration, MaxSessionDuration, ErrInvalidArgument)
	}
	parsed, raw, err := parseInlinePolicy(sessionPolicy)
	if err != nil {
		return TempCredentials{}, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, isSession := s.sessions[parent]; isSession {
		return TempCredentials{}, fmt.Errorf("temporary credentials cannot assume a role: %w", ErrInvalidArgument)
	}
	if _, err := s.resolve(parent, 0); err != nil {
		return TempCredentials{}, err
	}
	if err := s.purgeExpired(ctx); err != nil {
		s.log.Warn("iam: purging expired sessions", "err", err)
	}
	creds := newCredentials()
	for s.keyInUse(creds.AccessKey) {
		creds = newCredentials()
	}
	tok := make([]byte, 96)
	_, _ = rand.Read(tok)
	token := base64.RawURLEncoding.EncodeToString(tok)
	exp := s.now().Add(duration).UTC().Truncate(time.Second)
	d := sessionDoc{AccessKey: creds.AccessKey, TokenHash: hashToken(token), Parent: parent, Expiration: exp, Policy: raw}
	name := docSessionPrefix + d.AccessKey
	d.Secret = s.seal.seal(name, creds.SecretKey)
	if err := s.persist(ctx, name, d); err != nil {
		return TempCredentials{}, err
	}
	s.locked(func() { s.sessions[d.AccessKey] = &session{sessionDoc: d, secret: creds.SecretKey, parsed: parsed} })
	return TempCredentials{Credentials: creds, SessionToken: token, Expiration: exp}, nil
}

// checkToken verifies that token is t's session token.
func (t *session) checkToken(token string) bool {
	return subtle.ConstantTimeCompare([]byte(hashToken(token)), []byte(t.TokenHash)) == 1
}

// PurgeExpiredSessions removes the sessions that expired more than a day
// ago. AssumeRole does it too, so the store does not grow with dead sessions.
func (s *System) PurgeExpiredSessions(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.purgeExpired(ctx)
}

// purgeExpired is PurgeExpiredSessions; callers hold s.wmu.
func (s *System) purgeExpired(ctx context.Context) error {
	now := s.now()
	for k, t := range s.sessions {
		if t.Expiration.Add(sessionGrace).After(now) {
			continue
		}
		if err := s.remove(ctx, docSessionPrefix+k); err != nil {
			return err
		}
		s.locked(func() { delete(s.sessions, k) })
	}
	return nil
}
