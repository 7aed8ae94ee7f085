package iam

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// putGroup stores d and caches it. Callers hold s.wmu.
func (s *System) putGroup(ctx context.Context, d groupDoc) error {
	if err := s.persist(ctx, docGroupPrefix+d.Name, d); err != nil {
		return err
	}
	s.locked(func() { s.groups[d.Name] = &group{d} })
	return nil
}

// AddGroupMembers adds users to group, creating the group (enabled) if needed.
// Errors: ErrNoSuchUser for a member that is not a user.
func (s *System) AddGroupMembers(ctx context.Context, groupName string, members []string) error {
	if err := checkName("group", groupName); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for _, m := range members {
		if _, ok := s.users[m]; !ok {
			return fmt.Errorf("group member %q: %w", m, ErrNoSuchUser)
		}
	}
	d := groupDoc{Name: groupName, Enabled: true}
	if g, ok := s.groups[groupName]; ok {
		d = g.groupDoc
		d.Members = slices.Clone(d.Members)
	}
	for _, m := range members {
		if !slices.Contains(d.Members, m) {
			d.Members = append(d.Members, m)
		}
	}
	slices.Sort(d.Members)
	d.Updated = s.now().UTC()
	return s.putGroup(ctx, d)
}

// RemoveGroupMembers removes members from group. With no members it removes
// the group itself, which must then have no members (ErrGroupNotEmpty).
func (s *System) RemoveGroupMembers(ctx context.Context, groupName string, members []string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	g, ok := s.groups[groupName]
	if !ok {
		return fmt.Errorf("group %q: %w", groupName, ErrNoSuchGroup)
	}
	if len(members) == 0 {
		if len(g.Members) > 0 {
			return fmt.Errorf("group %q: %w", groupName, ErrGroupNotEmpty)
		}
		if err := s.remove(ctx, docGroupPrefix+groupName); err != nil {
			return err
		}
		s.locked(func() { delete(s.groups, groupName) })
		return nil
	}
	for _, m := range members {
		if !slices.Contains(g.Members, m) {
			if _, isUser := s.users[m]; !isUser {
				return fmt.Errorf("group member %q: %w", m, ErrNoSuchUser)
			}
		}
	}
	d := g.groupDoc
	d.Members = slices.DeleteFunc(slices.Clone(d.Members), func(m string) bool { return slices.Contains(members, m) })
	d.Updated = s.now().UTC()
	return s.putGroup(ctx, d)
}

// SetGroupEnabled enables or disables a group; a disabled group's policies
// no longer apply to its members.
func (s *System) SetGroupEnabled(ctx context.Context, groupName string, enabled bool) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	g, ok := s.groups[groupName]
	if !ok {
		return fmt.Errorf("group %q: %w", groupName, ErrNoSuchGroup)
	}
	d := g.groupDoc
	d.Enabled = enabled
	d.Updated = s.now().UTC()
	return s.putGroup(ctx, d)
}

// ListGroups returns the group names, sorted.
func (s *System) ListGroups(_ context.Context) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.groups))
	for name := range s.groups {
		out = append(out, name)
	}
	slices.SortFunc(out, strings.Compare)
	return out, nil
}

// GroupInfo describes one group. Errors: ErrNoSuchGroup.
func (s *System) GroupInfo(_ context.Context, groupName string) (GroupInfo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, ok := s.groups[groupName]
	if !ok {
		return GroupInfo{}, fmt.Errorf("group %q: %w", groupName, ErrNoSuchGroup)
	}
	return GroupInfo{Name: g.Name, Enabled: g.Enabled, Members: slices.Clone(g.Members), Policies: slices.Clone(g.Policies), Updated: g.Updated}, nil
}
