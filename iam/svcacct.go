package iam

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/silo-project/silo/iam/policy"
)

// Limits of service accounts (MinIO's).
const (
	maxSvcAcctName = 32
	maxSvcAcctDesc = 256
)

// ServiceAccount describes a service account: an access key under a parent
// (a user or root) that can never do more than its parent.
type ServiceAccount struct {
	AccessKey, Parent, Name, Description string
	Enabled                              bool
	// Expiration is zero when the account does not expire.
	Expiration time.Time
	// Policy is the inline policy narrowing the parent's; nil inherits the parent's.
	Policy []byte
}

// ServiceAccountOptions configures a new service account.
type ServiceAccountOptions struct {
	// AccessKey and SecretKey are generated when empty.
	AccessKey, SecretKey string
	Name, Description    string
	// Policy narrows the parent's permissions (intersection); nil inherits them.
	Policy []byte
	// Expiration is zero for none; otherwise it must lie in the future.
	Expiration time.Time
}

// ServiceAccountUpdate changes the non-nil fields of a service account.
type ServiceAccountUpdate struct {
	SecretKey         *string
	Name, Description *string
	// Policy replaces the inline policy; a pointer to nil or an empty
	// document removes it (the account then inherits its parent's).
	Policy     *[]byte
	Enabled    *bool
	Expiration *time.Time
}

type svcAcctDoc struct {
	AccessKey   string          `json:"accessKey"`
	Secret      string          `json:"secret"` // sealed
	Parent      string          `json:"parent"`
	Name        string          `json:"name,omitempty"`
	Description string          `json:"description,omitempty"`
	Enabled     bool            `json:"enabled"`
	Expiration  time.Time       `json:"expiration,omitzero"`
	Policy      json.RawMessage `json:"policy,omitempty"`
	Updated     time.Time       `json:"updated"`
}

type svcAcct struct {
	svcAcctDoc
	secret string
	parsed *policy.Policy // nil: inherits the parent's
}

func (s *System) loadSvcAcct(name string, doc []byte) error {
	var d svcAcctDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return err
	}
	secret, err := s.seal.open(name, d.Secret)
	if err != nil {
		return err
	}
	a := &svcAcct{svcAcctDoc: d, secret: secret}
	if len(d.Policy) > 0 {
		if a.parsed, err = policy.Parse(d.Policy); err != nil {
			return err
		}
	}
	s.svcaccts[d.AccessKey] = a
	return nil
}

// putSvcAcct stores d and caches it. Callers hold s.wmu.
func (s *System) putSvcAcct(ctx context.Context, d svcAcctDoc, secret string, parsed *policy.Policy) error {
	name := docSvcAcctPrefix + d.AccessKey
	d.Secret = s.seal.seal(name, secret)
	if err := s.persist(ctx, name, d); err != nil {
		return err
	}
	s.locked(func() { s.svcaccts[d.AccessKey] = &svcAcct{svcAcctDoc: d, secret: secret, parsed: parsed} })
	return nil
}

// randomKey returns n characters drawn from alphabet.
func randomKey(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// newCredentials generates an access key and secret in MinIO's shapes.
func newCredentials() Credentials {
	return Credentials{
		AccessKey: randomKey(20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
		SecretKey: randomKey(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
	}
}

// parseInlinePolicy parses an optional inline or session policy; empty
// means none.
func parseInlinePolicy(doc []byte) (*policy.Policy, json.RawMessage, error) {
	if len(strings.TrimSpace(string(doc))) == 0 {
		return nil, nil, nil
	}
	p, err := parsePolicyDoc(doc)
	if err != nil {
		return nil, nil, err
	}
	return p, slices.Clone(doc), nil
}

// AddServiceAccount creates a service account under parent (root or an
// existing user). Its inline policy, if any, only narrows the parent's
// permissions. Errors: ErrNoSuchUser, ErrInvalidArgument, policy errors.
func (s *System) AddServiceAccount(ctx context.Context, parent string, opts ServiceAccountOptions) (Credentials, error) {
	creds := Credentials{AccessKey: opts.AccessKey, SecretKey: opts.SecretKey}
	gen := newCredentials()
	if creds.AccessKey == "" {
		creds.AccessKey = gen.AccessKey
	}
	if creds.SecretKey == "" {
		creds.SecretKey = gen.SecretKey
	}
	if err := checkAccessKey(creds.AccessKey); err != nil {
		return Credentials{}, err
	}
	if err := checkSecretKey(creds.SecretKey); err != nil {
		return Credentials{}, err
	}
	if len(opts.Name) > maxSvcAcctName || len(opts.Description) > maxSvcAcctDesc {
		return Credentials{}, fmt.Errorf("service account name or description too long: %w", ErrInvalidArgument)
	}
	now := s.now().UTC()
	if !opts.Expiration.IsZero() && !opts.Expiration.After(now) {
		return Credentials{}, fmt.Errorf("service account expiration must lie in the future: %w", ErrInvalidArgument)
	}
	parsed, raw, err := parseInlinePolicy(opts.Policy)
	if err != nil {
		return Credentials{}, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if !s.isRoot(parent) {
		if _, ok := s.users[parent]; !ok {
			return Credentials{}, fmt.Errorf("service account parent %q: %w", parent, ErrNoSuchUser)
		}
	}
	if s.keyInUse(creds.AccessKey) {
		return Credentials{}, fmt.Errorf("access key %q is reserved or in use: %w", creds.AccessKey, ErrInvalidArgument)
	}
	d := svcAcctDoc{
		AccessKey: creds.AccessKey, Parent: parent, Name: opts.Name, Description: opts.Description,
		Enabled: true, Expiration: opts.Expiration.UTC(), Policy: raw, Updated: now,
	}
	if opts.Expiration.IsZero() {
		d.Expiration = time.Time{}
	}
	if err := s.putSvcAcct(ctx, d, creds.SecretKey, parsed); err != nil {
		return Credentials{}, err
	}
	return creds, nil
}

// UpdateServiceAccount changes a service account. Errors:
// ErrNoSuchServiceAccount, ErrInvalidArgument, policy errors.
func (s *System) UpdateServiceAccount(ctx context.Context, accessKey string, upd ServiceAccountUpdate) error {
	if upd.SecretKey != nil {
		if err := checkSecretKey(*upd.SecretKey); err != nil {
			return err
		}
	}
	if (upd.Name != nil && len(*upd.Name) > maxSvcAcctName) || (upd.Description != nil && len(*upd.Description) > maxSvcAcctDesc) {
		return fmt.Errorf("service account name or description too long: %w", ErrInvalidArgument)
	}
	var parsed *policy.Policy
	var raw json.RawMessage
	if upd.Policy != nil {
		var err error
		if parsed, raw, err = parseInlinePolicy(*upd.Policy); err != nil {
			return err
		}
	}
	now := s.now().UTC()
	if upd.Expiration != nil && !upd.Expiration.IsZero() && !upd.Expiration.After(now) {
		return fmt.Errorf("service account expiration must lie in the future: %w", ErrInvalidArgument)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	a, ok := s.svcaccts[accessKey]
	if !ok {
		return fmt.Errorf("service account %q: %w", accessKey, ErrNoSuchServiceAccount)
	}
	d, secret, keep := a.svcAcctDoc, a.secret, a.parsed
	if upd.SecretKey != nil {
		secret = *upd.SecretKey
	}
	if upd.Name != nil {
		d.Name = *upd.Name
	}
	if upd.Description != nil {
		d.Description = *upd.Description
	}
	if upd.Policy != nil {
		d.Policy, keep = raw, parsed
	}
	if upd.Enabled != nil {
		d.Enabled = *upd.Enabled
	}
	if upd.Expiration != nil {
		d.Expiration = upd.Expiration.UTC()
	}
	d.Updated = now
	return s.putSvcAcct(ctx, d, secret, keep)
}

// RemoveServiceAccount removes a service account and the sessions it
// opened. Errors: ErrNoSuchServiceAccount.
func (s *System) RemoveServiceAccount(ctx context.Context, accessKey string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, ok := s.svcaccts[accessKey]; !ok {
		return fmt.Errorf("service account %q: %w", accessKey, ErrNoSuchServiceAccount)
	}
	if err := s.removeDependants(ctx, accessKey); err != nil {
		return err
	}
	if err := s.remove(ctx, docSvcAcctPrefix+accessKey); err != nil {
		return err
	}
	s.locked(func() { delete(s.svcaccts, accessKey) })
	return nil
}

func (a *svcAcct) info() ServiceAccount {
	return ServiceAccount{
		AccessKey: a.AccessKey, Parent: a.Parent, Name: a.Name, Description: a.Description,
		Enabled: a.Enabled, Expiration: a.Expiration, Policy: slices.Clone([]byte(a.Policy)),
	}
}

// ListServiceAccounts returns the service accounts of parent ("" for all),
// sorted by access key.
func (s *System) ListServiceAccounts(_ context.Context, parent string) ([]ServiceAccount, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []ServiceAccount
	for _, a := range s.svcaccts {
		if parent == "" || a.Parent == parent {
			out = append(out, a.info())
		}
	}
	slices.SortFunc(out, func(a, b ServiceAccount) int { return strings.Compare(a.AccessKey, b.AccessKey) })
	return out, nil
}

// ServiceAccountInfo describes one service account. Errors: ErrNoSuchServiceAccount.
func (s *System) ServiceAccountInfo(_ context.Context, accessKey string) (ServiceAccount, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.svcaccts[accessKey]
	if !ok {
		return ServiceAccount{}, fmt.Errorf("service account %q: %w", accessKey, ErrNoSuchServiceAccount)
	}
	return a.info(), nil
}
