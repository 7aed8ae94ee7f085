package iam

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/silo-project/silo/iam/policy"
)

// maxChain bounds parent chains (session -> service account -> user).
const maxChain = 3

// sessionGrace is how long an expired session is still recognised (and
// answered with ErrExpiredToken rather than an unknown access key).
const sessionGrace = 24 * time.Hour

// principal is a resolved credential: the user (or root) at the base of
// its chain and the policies that narrow it.
type principal struct {
	root    bool
	user    string           // base user's access key (root's for root)
	narrow  []*policy.Policy // inline and session policies: each must allow
	session *session         // the credential itself, when it is a session
	kind    string           // aws:PrincipalType
}

// resolve checks accessKey's credential chain as of now. Callers hold s.mu or s.wmu.
// Errors: ErrNoSuchAccessKey, ErrAccessDenied (disabled or expired
// identity or parent), ErrExpiredToken.
func (s *System) resolve(accessKey string, depth int) (principal, error) {
	if depth > maxChain {
		return principal{}, fmt.Errorf("credential chain too long: %w", ErrAccessDenied)
	}
	if s.isRoot(accessKey) {
		return principal{root: true, user: accessKey, kind: "Account"}, nil
	}
	if u, ok := s.users[accessKey]; ok {
		if !u.Enabled {
			return principal{}, fmt.Errorf("user %q is disabled: %w", accessKey, ErrAccessDenied)
		}
		return principal{user: accessKey, kind: "User"}, nil
	}
	now := s.now()
	if a, ok := s.svcaccts[accessKey]; ok {
		if !a.Enabled {
			return principal{}, fmt.Errorf("service account %q is disabled: %w", accessKey, ErrAccessDenied)
		}
		if !a.Expiration.IsZero() && !a.Expiration.After(now) {
			return principal{}, fmt.Errorf("service account %q expired: %w", accessKey, ErrAccessDenied)
		}
		if _, parentIsSession := s.sessions[a.Parent]; parentIsSession {
			return principal{}, fmt.Errorf("service account %q has a session as parent: %w", accessKey, ErrAccessDenied)
		}
		p, err := s.resolve(a.Parent, depth+1)
		if err != nil {
			return principal{}, fmt.Errorf("service account %q: parent: %w", accessKey, err)
		}
		if a.parsed != nil {
			p.narrow = append(p.narrow, a.parsed)
		}
		return p, nil
	}
	if t, ok := s.sessions[accessKey]; ok {
		if !t.Expiration.After(now) {
			return principal{}, fmt.Errorf("session %q expired at %v: %w", accessKey, t.Expiration, ErrExpiredToken)
		}
		p, err := s.resolve(t.Parent, depth+1)
		if err != nil {
			return principal{}, fmt.Errorf("session %q: parent: %w", accessKey, err)
		}
		if t.parsed != nil {
			p.narrow = append(p.narrow, t.parsed)
		}
		p.session, p.kind = t, "AssumedRole"
		return p, nil
	}
	return principal{}, ErrNoSuchAccessKey
}

// SecretKey returns the secret of accessKey (root, an enabled user, an
// enabled unexpired service account, or an STS session, expired ones
// included so that requests with them get ErrExpiredToken from Authorize).
// Errors: ErrNoSuchAccessKey.
func (s *System) SecretKey(_ context.Context, accessKey string) (string, error) {
	if s.isRoot(accessKey) {
		return s.root.SecretKey, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if u, ok := s.users[accessKey]; ok && u.Enabled {
		return u.secret, nil
	}
	if a, ok := s.svcaccts[accessKey]; ok && a.Enabled && (a.Expiration.IsZero() || a.Expiration.After(s.now())) {
		return a.secret, nil
	}
	if t, ok := s.sessions[accessKey]; ok && t.Expiration.Add(sessionGrace).After(s.now()) {
		return t.secret, nil
	}
	return "", ErrNoSuchAccessKey
}

// Authorize decides req. Root may do anything. Other credentials: the
// base user's policies (its own and its enabled groups') combined with the
// bucket policy, intersected with every inline/session policy on the
// chain; an explicit Deny anywhere wins. Anonymous requests are allowed
// only by the bucket policy. Errors wrap ErrAccessDenied,
// ErrNoSuchAccessKey, ErrExpiredToken or ErrInvalidToken (a session token
// that is missing, wrong, or given for long-term credentials).
func (s *System) Authorize(ctx context.Context, req Request) error {
	args := policy.Args{Action: req.Action, Bucket: req.Bucket, Object: req.Key}
	now := s.now()
	if req.Anonymous {
		args.Conditions = withConditions(req.Conditions, now, "", "Anonymous")
		bp, err := s.bucket.get(ctx, req.Bucket)
		if err != nil {
			return err
		}
		if bp != nil {
			switch policy.Decide(args, bp) {
			case policy.Allow:
				return nil
			case policy.Deny:
				return fmt.Errorf("anonymous %s on %q: %w: %w", req.Action, req.Bucket, ErrExplicitDeny, ErrAccessDenied)
			}
		}
		return fmt.Errorf("anonymous %s on %q: %w", req.Action, req.Bucket, ErrAccessDenied)
	}
	s.mu.RLock()
	p, err := s.resolve(req.AccessKey, 0)
	if err != nil {
		s.mu.RUnlock()
		if errors.Is(err, ErrAccessDenied) {
			// A disabled or expired link of the chain: nothing (no ACL
			// grant either) may lift this refusal.
			return fmt.Errorf("%w: %w", ErrExplicitDeny, err)
		}
		return err
	}
	if p.session != nil && !p.session.checkToken(req.SessionToken) {
		s.mu.RUnlock()
		return ErrInvalidToken
	}
	if p.session == nil && req.SessionToken != "" {
		s.mu.RUnlock()
		return fmt.Errorf("session token given with long-term credentials: %w", ErrInvalidToken)
	}
	var identity []*policy.Policy
	if !p.root {
		identity = s.identityPolicies(p.user)
	}
	s.mu.RUnlock()

	args.Account = p.user
	args.Conditions = withConditions(req.Conditions, now, p.user, p.kind)
	for _, n := range p.narrow {
		if n.Decision(args) != policy.Allow {
			return fmt.Errorf("%s on %q not allowed by the session or inline policy: %w: %w", req.Action, req.Bucket, ErrExplicitDeny, ErrAccessDenied)
		}
	}
	if p.root {
		return nil
	}
	idDec := policy.Decide(args, identity...)
	bpDec := policy.NotApplicable
	if req.Bucket != "" {
		bp, err := s.bucket.get(ctx, req.Bucket)
		if err != nil {
			return err
		}
		bpDec = policy.Decide(args, bp)
	}
	if idDec == policy.Deny || bpDec == policy.Deny {
		return fmt.Errorf("%s on %q: %w: %w", req.Action, req.Bucket, ErrExplicitDeny, ErrAccessDenied)
	}
	if idDec == policy.Allow || bpDec == policy.Allow {
		return nil
	}
	return fmt.Errorf("%s on %q not allowed for %q: %w", req.Action, req.Bucket, p.user, ErrAccessDenied)
}

// identityPolicies returns the policies of user and of its enabled groups.
// Callers hold s.mu or s.wmu.
func (s *System) identityPolicies(userKey string) []*policy.Policy {
	u, ok := s.users[userKey]
	if !ok {
		return nil
	}
	var out []*policy.Policy
	for _, name := range u.Policies {
		if p := s.lookupPolicy(name); p != nil {
			out = append(out, p)
		}
	}
	for _, g := range s.groups {
		if !g.Enabled || !containsString(g.Members, userKey) {
			continue
		}
		for _, name := range g.Policies {
			if p := s.lookupPolicy(name); p != nil {
				out = append(out, p)
			}
		}
	}
	return out
}

func containsString(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// withConditions returns the request's condition keys plus the identity
// and time keys the IAM layer knows.
func withConditions(in map[string][]string, now time.Time, user, kind string) map[string][]string {
	out := make(map[string][]string, len(in)+5)
	for k, v := range in {
		out[k] = v
	}
	set := func(k, v string) {
		if _, ok := out[k]; !ok {
			out[k] = []string{v}
		}
	}
	if user != "" {
		set("aws:username", user)
		set("aws:userid", user)
	}
	set("aws:PrincipalType", kind)
	set("aws:CurrentTime", now.UTC().Format(time.RFC3339))
	set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	return out
}

// NeedsExistingObjectTags reports whether deciding req may depend on the
// stored object's tags: some policy that applies to the caller (identity,
// inline, session or bucket policy) has a condition on
// s3:ExistingObjectTag/<key>. The S3 layer then reads the object's tags
// before asking Authorize; otherwise it spares itself the read.
func (s *System) NeedsExistingObjectTags(ctx context.Context, req Request) bool {
	var pols []*policy.Policy
	if !req.Anonymous {
		s.mu.RLock()
		p, err := s.resolve(req.AccessKey, 0)
		if err == nil {
			pols = append(pols, p.narrow...)
			if !p.root {
				pols = append(pols, s.identityPolicies(p.user)...)
			}
		}
		s.mu.RUnlock()
		if err != nil || p.root && len(p.narrow) == 0 {
			return false
		}
	}
	if bp, err := s.bucket.get(ctx, req.Bucket); err == nil && bp != nil {
		pols = append(pols, bp)
	}
	for _, p := range pols {
		if p.UsesExistingObjectTags() {
			return true
		}
	}
	return false
}
