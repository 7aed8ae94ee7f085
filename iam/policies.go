package iam

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/silo-project/silo/iam/policy"
)

// MaxPolicySize is the largest named (identity) policy document accepted.
const MaxPolicySize = 20 * 1024

// PolicyEntities maps policies to the users and groups they are attached to.
type PolicyEntities struct {
	Timestamp      time.Time
	UserMappings   []UserPolicies
	GroupMappings  []GroupPolicies
	PolicyMappings []PolicyMapping
}

// UserPolicies lists the policies attached to a user directly and through its groups.
type UserPolicies struct {
	User           string
	Policies       []string
	MemberOfGroups []GroupPolicies
}

// GroupPolicies lists the policies attached to a group.
type GroupPolicies struct {
	Group    string
	Policies []string
}

// PolicyMapping lists the users and groups a policy is attached to.
type PolicyMapping struct {
	Policy string
	Users  []string
	Groups []string
}

// parsePolicyDoc validates an identity policy document. Errors wrap
// policy.ErrMalformedPolicy.
func parsePolicyDoc(doc []byte) (*policy.Policy, error) {
	if len(doc) > MaxPolicySize {
		return nil, &policy.MalformedError{Reason: fmt.Sprintf("Policy document exceeds the maximum allowed size of %d bytes", MaxPolicySize)}
	}
	return policy.Parse(doc)
}

// SetPolicy creates or replaces the named policy. Invalid documents are
// refused with an error wrapping policy.ErrMalformedPolicy; built-in names
// cannot be replaced (ErrInvalidArgument).
func (s *System) SetPolicy(ctx context.Context, name string, doc []byte) error {
	if err := checkName("policy", name); err != nil {
		return err
	}
	if _, builtin := policy.BuiltIn(name); builtin {
		return fmt.Errorf("policy %q is built in: %w", name, ErrInvalidArgument)
	}
	p, err := parsePolicyDoc(doc)
	if err != nil {
		return fmt.Errorf("policy %q: %w", name, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	d := policyDoc{Name: name, Document: slices.Clone(doc), Updated: s.now().UTC()}
	if err := s.persist(ctx, docPolicyPrefix+name, d); err != nil {
		return err
	}
	s.locked(func() { s.policies[name] = &namedPolicy{policyDoc: d, parsed: p} })
	return nil
}

// DeletePolicy removes a named policy and detaches it from every user and
// group. Built-in policies cannot be deleted. Errors: ErrNoSuchPolicy,
// ErrInvalidArgument.
func (s *System) DeletePolicy(ctx context.Context, name string) error {
	if _, builtin := policy.BuiltIn(name); builtin {
		return fmt.Errorf("policy %q is built in: %w", name, ErrInvalidArgument)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, ok := s.policies[name]; !ok {
		return fmt.Errorf("policy %q: %w", name, ErrNoSuchPolicy)
	}
	for _, u := range s.users {
		if slices.Contains(u.Policies, name) {
			d := u.userDoc
			d.Policies = slices.DeleteFunc(slices.Clone(d.Policies), func(p string) bool { return p == name })
			if err := s.putUser(ctx, d, u.secret); err != nil {
				return err
			}
		}
	}
	for _, g := range s.groups {
		if slices.Contains(g.Policies, name) {
			d := g.groupDoc
			d.Policies = slices.DeleteFunc(slices.Clone(d.Policies), func(p string) bool { return p == name })
			if err := s.putGroup(ctx, d); err != nil {
				return err
			}
		}
	}
	if err := s.remove(ctx, docPolicyPrefix+name); err != nil {
		return err
	}
	s.locked(func() { delete(s.policies, name) })
	return nil
}

// policyDocument returns the document of a named or built-in policy.
// Callers hold s.mu or s.wmu.
func (s *System) policyDocument(name string) ([]byte, bool) {
	if p, ok := s.policies[name]; ok {
		return slices.Clone(p.Document), true
	}
	if p, ok := policy.BuiltIn(name); ok {
		doc, err := p.MarshalJSON()
		return doc, err == nil
	}
	return nil, false
}

// lookupPolicy returns the parsed named or built-in policy. Callers hold s.mu or s.wmu.
func (s *System) lookupPolicy(name string) *policy.Policy {
	if p, ok := s.policies[name]; ok {
		return p.parsed
	}
	if p, ok := policy.BuiltIn(name); ok {
		return p
	}
	return nil
}

// Policies returns every policy document by name, built-ins included.
func (s *System) Policies(_ context.Context) (map[string][]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string][]byte{}
	for _, name := range policy.BuiltInNames() {
		if doc, ok := s.policyDocument(name); ok {
			out[name] = doc
		}
	}
	for name, p := range s.policies {
		out[name] = slices.Clone(p.Document)
	}
	return out, nil
}

// Policy returns one policy document. Errors: ErrNoSuchPolicy.
func (s *System) Policy(_ context.Context, name string) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	doc, ok := s.policyDocument(name)
	if !ok {
		return nil, fmt.Errorf("policy %q: %w", name, ErrNoSuchPolicy)
	}
	return doc, nil
}

// AttachPolicies attaches policies to exactly one of user or group.
// Errors: ErrNoSuchPolicy, ErrNoSuchUser, ErrNoSuchGroup, ErrInvalidArgument.
func (s *System) AttachPolicies(ctx context.Context, policies []string, user, group string) error {
	return s.changeAttachments(ctx, policies, user, group, true)
}

// DetachPolicies detaches policies from exactly one of user or group.
func (s *System) DetachPolicies(ctx context.Context, policies []string, user, group string) error {
	return s.changeAttachments(ctx, policies, user, group, false)
}

func (s *System) changeAttachments(ctx context.Context, policies []string, userName, groupName string, attach bool) error {
	if (userName == "") == (groupName == "") || len(policies) == 0 {
		return fmt.Errorf("name policies and exactly one of user or group: %w", ErrInvalidArgument)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for _, p := range policies {
		if s.lookupPolicy(p) == nil {
			return fmt.Errorf("policy %q: %w", p, ErrNoSuchPolicy)
		}
	}
	update := func(cur []string) []string {
		out := slices.Clone(cur)
		for _, p := range policies {
			if attach && !slices.Contains(out, p) {
				out = append(out, p)
			}
			if !attach {
				out = slices.DeleteFunc(out, func(q string) bool { return q == p })
			}
		}
		slices.Sort(out)
		return out
	}
	now := s.now().UTC()
	if userName != "" {
		if s.isRoot(userName) {
			return fmt.Errorf("policies cannot be attached to the root user: %w", ErrInvalidArgument)
		}
		u, ok := s.users[userName]
		if !ok {
			return fmt.Errorf("user %q: %w", userName, ErrNoSuchUser)
		}
		d := u.userDoc
		d.Policies, d.Updated = update(d.Policies), now
		return s.putUser(ctx, d, u.secret)
	}
	g, ok := s.groups[groupName]
	if !ok {
		return fmt.Errorf("group %q: %w", groupName, ErrNoSuchGroup)
	}
	d := g.groupDoc
	d.Policies, d.Updated = update(d.Policies), now
	return s.putGroup(ctx, d)
}

// PolicyEntities returns the attachments of the given policies, users and
// groups; with none given, of all of them.
func (s *System) PolicyEntities(_ context.Context, policies, users, groups []string) (PolicyEntities, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := PolicyEntities{Timestamp: s.now().UTC()}
	all := len(policies) == 0 && len(users) == 0 && len(groups) == 0
	groupMapping := func(name string) (GroupPolicies, bool) {
		g, ok := s.groups[name]
		if !ok {
			return GroupPolicies{}, false
		}
		return GroupPolicies{Group: name, Policies: slices.Clone(g.Policies)}, true
	}
	if all {
		for name := range s.users {
			users = append(users, name)
		}
		for name := range s.groups {
			groups = append(groups, name)
		}
		seen := map[string]bool{}
		for _, u := range s.users {
			for _, p := range u.Policies {
				seen[p] = true
			}
		}
		for _, g := range s.groups {
			for _, p := range g.Policies {
				seen[p] = true
			}
		}
		for p := range seen {
			policies = append(policies, p)
		}
	}
	slices.Sort(users)
	slices.Sort(groups)
	slices.Sort(policies)
	for _, name := range slices.Compact(users) {
		u, ok := s.users[name]
		if !ok {
			continue
		}
		m := UserPolicies{User: name, Policies: slices.Clone(u.Policies)}
		for _, gname := range s.userInfo(u).Groups {
			if gm, ok := groupMapping(gname); ok && len(gm.Policies) > 0 {
				m.MemberOfGroups = append(m.MemberOfGroups, gm)
			}
		}
		out.UserMappings = append(out.UserMappings, m)
	}
	for _, name := range slices.Compact(groups) {
		if gm, ok := groupMapping(name); ok {
			out.GroupMappings = append(out.GroupMappings, gm)
		}
	}
	for _, p := range slices.Compact(policies) {
		m := PolicyMapping{Policy: p}
		for name, u := range s.users {
			if slices.Contains(u.Policies, p) {
				m.Users = append(m.Users, name)
			}
		}
		for name, g := range s.groups {
			if slices.Contains(g.Policies, p) {
				m.Groups = append(m.Groups, name)
			}
		}
		slices.Sort(m.Users)
		slices.Sort(m.Groups)
		out.PolicyMappings = append(out.PolicyMappings, m)
	}
	return out, nil
}
