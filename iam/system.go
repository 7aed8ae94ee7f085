package iam

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/silo-project/silo/iam/policy"
)

// Sentinel errors of the System.
var (
	ErrNoSuchUser           = errors.New("no such user")
	ErrNoSuchGroup          = errors.New("no such group")
	ErrNoSuchPolicy         = errors.New("no such policy")
	ErrNoSuchServiceAccount = errors.New("no such service account")
	ErrGroupNotEmpty        = errors.New("group is not empty")
	ErrUserExists           = errors.New("user already exists")
	ErrInvalidArgument      = errors.New("invalid argument")
	// ErrExpiredToken: the temporary credentials (or their session token) expired.
	ErrExpiredToken = errors.New("the provided token has expired")
	// ErrInvalidToken: the session token is missing, forged or not bound to the access key.
	ErrInvalidToken = errors.New("the security token included in the request is invalid")
)

// Limits of identities.
const (
	minAccessKeyLen = 3
	maxAccessKeyLen = 128
	minSecretKeyLen = 8
	maxSecretKeyLen = 40
	maxNameLen      = 256
)

// Config configures a System.
type Config struct {
	// Root are the root credentials: allowed everything, never stored.
	Root Credentials
	// Store keeps the IAM documents durably (required).
	Store DocStore
	// Buckets keeps bucket policies; nil means no bucket policies.
	Buckets BucketPolicyStore
	// Logger receives problems found while loading; nil discards.
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now (tests set it).
	Now func() time.Time
}

// UserInfo describes a user.
type UserInfo struct {
	AccessKey string
	Enabled   bool
	Policies  []string
	Groups    []string
	Updated   time.Time
}

// GroupInfo describes a group.
type GroupInfo struct {
	Name     string
	Enabled  bool
	Members  []string
	Policies []string
	Updated  time.Time
}

// System is the deployment's identity store and authorizer: users, groups,
// named policies, service accounts and STS sessions, kept in a DocStore
// (the source of truth) and cached in memory. It is safe for concurrent use.
type System struct {
	root   Credentials
	store  DocStore
	seal   *sealer
	log    *slog.Logger
	now    func() time.Time
	bucket *bucketPolicies

	// wmu serialises changes, which write the store before taking mu
	// (briefly) to update the maps, so authorization never waits for a
	// durable write. Writers read the maps holding only wmu; readers take
	// mu. Map values are never modified in place.
	wmu      sync.Mutex
	mu       sync.RWMutex
	users    map[string]*user
	groups   map[string]*group
	policies map[string]*namedPolicy
	svcaccts map[string]*svcAcct
	sessions map[string]*session
}

type userDoc struct {
	AccessKey string    `json:"accessKey"`
	Secret    string    `json:"secret"` // sealed
	Enabled   bool      `json:"enabled"`
	Policies  []string  `json:"policies,omitempty"`
	Updated   time.Time `json:"updated"`
}

type user struct {
	userDoc
	secret string
}

type groupDoc struct {
	Name     string    `json:"name"`
	Enabled  bool      `json:"enabled"`
	Members  []string  `json:"members,omitempty"`
	Policies []string  `json:"policies,omitempty"`
	Updated  time.Time `json:"updated"`
}

type group struct{ groupDoc }

type policyDoc struct {
	Name     string          `json:"name"`
	Document json.RawMessage `json:"document"`
	Updated  time.Time       `json:"updated"`
}

type namedPolicy struct {
	policyDoc
	parsed *policy.Policy
}

// New loads the IAM state from cfg.Store. Identities whose sealed secret
// cannot be opened (the root secret key changed) are logged and left out.
func New(ctx context.Context, cfg Config) (*System, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("iam: no document store: %w", ErrInvalidArgument)
	}
	if cfg.Root.AccessKey == "" || cfg.Root.SecretKey == "" {
		return nil, fmt.Errorf("iam: root credentials required: %w", ErrInvalidArgument)
	}
	seal, err := newSealer(cfg.Root.SecretKey)
	if err != nil {
		return nil, err
	}
	s := &System{
		root: cfg.Root, store: cfg.Store, seal: seal, log: cfg.Logger, now: cfg.Now,
		users: map[string]*user{}, groups: map[string]*group{}, policies: map[string]*namedPolicy{},
		svcaccts: map[string]*svcAcct{}, sessions: map[string]*session{},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.bucket = newBucketPolicies(cfg.Buckets)
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// load reads every IAM document into memory.
func (s *System) load(ctx context.Context) error {
	docs, err := s.store.SystemDocs(ctx, docPrefix)
	if err != nil {
		return fmt.Errorf("iam: load: %w", err)
	}
	for name, doc := range docs {
		err := s.loadDoc(name, doc)
		switch {
		case errors.Is(err, errSessionExpired):
			if err := s.remove(ctx, name); err != nil {
				s.log.Warn("iam: removing an expired session", "doc", name, "err", err)
			}
		case err != nil:
			s.log.Error("iam: skipping unreadable document", "doc", name, "err", err)
		}
	}
	return nil
}

func (s *System) loadDoc(name string, doc []byte) error {
	switch {
	case strings.HasPrefix(name, docUserPrefix):
		var d userDoc
		if err := json.Unmarshal(doc, &d); err != nil {
			return err
		}
		secret, err := s.seal.open(name, d.Secret)
		if err != nil {
			return err
		}
		s.users[d.AccessKey] = &user{userDoc: d, secret: secret}
	case strings.HasPrefix(name, docGroupPrefix):
		var d groupDoc
		if err := json.Unmarshal(doc, &d); err != nil {
			return err
		}
		s.groups[d.Name] = &group{d}
	case strings.HasPrefix(name, docPolicyPrefix):
		var d policyDoc
		if err := json.Unmarshal(doc, &d); err != nil {
			return err
		}
		p, err := policy.Parse(d.Document)
		if err != nil {
			return err
		}
		s.policies[d.Name] = &namedPolicy{policyDoc: d, parsed: p}
	case strings.HasPrefix(name, docSvcAcctPrefix):
		return s.loadSvcAcct(name, doc)
	case strings.HasPrefix(name, docSessionPrefix):
		return s.loadSession(name, doc)
	}
	return nil
}

// locked runs fn holding mu: the only way changes touch the maps.
func (s *System) locked(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn()
}

// isRoot reports whether accessKey is the root access key.
func (s *System) isRoot(accessKey string) bool {
	return subtle.ConstantTimeCompare([]byte(accessKey), []byte(s.root.AccessKey)) == 1
}

// keyInUse reports whether accessKey names root or any identity.
func (s *System) keyInUse(accessKey string) bool {
	if s.isRoot(accessKey) {
		return true
	}
	_, u := s.users[accessKey]
	_, a := s.svcaccts[accessKey]
	_, t := s.sessions[accessKey]
	return u || a || t
}

func checkAccessKey(k string) error {
	if len(k) < minAccessKeyLen || len(k) > maxAccessKeyLen {
		return fmt.Errorf("access key must be %d to %d characters: %w", minAccessKeyLen, maxAccessKeyLen, ErrInvalidArgument)
	}
	if strings.ContainsAny(k, "=,/\x00") || strings.TrimSpace(k) != k {
		return fmt.Errorf("access key contains a reserved character: %w", ErrInvalidArgument)
	}
	return nil
}

func checkSecretKey(k string) error {
	if len(k) < minSecretKeyLen || len(k) > maxSecretKeyLen {
		return fmt.Errorf("secret key must be %d to %d characters: %w", minSecretKeyLen, maxSecretKeyLen, ErrInvalidArgument)
	}
	return nil
}

func checkName(what, n string) error {
	if n == "" || len(n) > maxNameLen || strings.ContainsAny(n, ",\x00/") || strings.TrimSpace(n) != n {
		return fmt.Errorf("invalid %s name %q: %w", what, n, ErrInvalidArgument)
	}
	return nil
}

// AddUser creates a user, or updates the secret of an existing one.
func (s *System) AddUser(ctx context.Context, accessKey, secretKey string) error {
	if err := checkAccessKey(accessKey); err != nil {
		return err
	}
	if err := checkSecretKey(secretKey); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	u, exists := s.users[accessKey]
	if !exists && s.keyInUse(accessKey) {
		return fmt.Errorf("access key %q is reserved or in use: %w", accessKey, ErrInvalidArgument)
	}
	d := userDoc{AccessKey: accessKey, Enabled: true}
	if exists {
		d = u.userDoc
	}
	d.Updated = s.now().UTC()
	return s.putUser(ctx, d, secretKey)
}

// putUser stores d with secret and caches it. Callers hold s.wmu.
func (s *System) putUser(ctx context.Context, d userDoc, secret string) error {
	name := docUserPrefix + d.AccessKey
	d.Secret = s.seal.seal(name, secret)
	if err := s.persist(ctx, name, d); err != nil {
		return err
	}
	s.locked(func() { s.users[d.AccessKey] = &user{userDoc: d, secret: secret} })
	return nil
}

// RemoveUser removes a user, its service accounts, its sessions and its
// group memberships.
func (s *System) RemoveUser(ctx context.Context, accessKey string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, ok := s.users[accessKey]; !ok {
		return fmt.Errorf("user %q: %w", accessKey, ErrNoSuchUser)
	}
	// Dependants first: should this fail half-way, the remaining ones still
	// die with their parent at authorization time.
	if err := s.removeDependants(ctx, accessKey); err != nil {
		return err
	}
	for _, g := range s.groups {
		if !slices.Contains(g.Members, accessKey) {
			continue
		}
		d := g.groupDoc
		d.Members = slices.DeleteFunc(slices.Clone(d.Members), func(m string) bool { return m == accessKey })
		d.Updated = s.now().UTC()
		if err := s.putGroup(ctx, d); err != nil {
			return err
		}
	}
	if err := s.remove(ctx, docUserPrefix+accessKey); err != nil {
		return err
	}
	s.locked(func() { delete(s.users, accessKey) })
	return nil
}

// removeDependants removes the service accounts and sessions whose parent
// is parent (and, transitively, theirs). Callers hold s.wmu.
func (s *System) removeDependants(ctx context.Context, parent string) error {
	for k, a := range s.svcaccts {
		if a.Parent == parent {
			if err := s.removeDependants(ctx, k); err != nil {
				return err
			}
			if err := s.remove(ctx, docSvcAcctPrefix+k); err != nil {
				return err
			}
			s.locked(func() { delete(s.svcaccts, k) })
		}
	}
	for k, t := range s.sessions {
		if t.Parent == parent {
			if err := s.remove(ctx, docSessionPrefix+k); err != nil {
				return err
			}
			s.locked(func() { delete(s.sessions, k) })
		}
	}
	return nil
}

// SetUserEnabled enables or disables a user. A disabled user's service
// accounts and sessions are refused too.
func (s *System) SetUserEnabled(ctx context.Context, accessKey string, enabled bool) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	u, ok := s.users[accessKey]
	if !ok {
		return fmt.Errorf("user %q: %w", accessKey, ErrNoSuchUser)
	}
	d := u.userDoc
	d.Enabled = enabled
	d.Updated = s.now().UTC()
	return s.putUser(ctx, d, u.secret)
}

// userInfo builds the UserInfo of u. Callers hold s.mu or s.wmu.
func (s *System) userInfo(u *user) UserInfo {
	info := UserInfo{AccessKey: u.AccessKey, Enabled: u.Enabled, Policies: slices.Clone(u.Policies), Updated: u.Updated}
	for name, g := range s.groups {
		if slices.Contains(g.Members, u.AccessKey) {
			info.Groups = append(info.Groups, name)
		}
	}
	slices.Sort(info.Groups)
	return info
}

// ListUsers returns every user sorted by access key.
func (s *System) ListUsers(_ context.Context) ([]UserInfo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]UserInfo, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, s.userInfo(u))
	}
	slices.SortFunc(out, func(a, b UserInfo) int { return strings.Compare(a.AccessKey, b.AccessKey) })
	return out, nil
}

// UserInfo describes one user. Errors: ErrNoSuchUser.
func (s *System) UserInfo(_ context.Context, accessKey string) (UserInfo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.users[accessKey]
	if !ok {
		return UserInfo{}, fmt.Errorf("user %q: %w", accessKey, ErrNoSuchUser)
	}
	return s.userInfo(u), nil
}
