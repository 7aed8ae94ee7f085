package admin

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/silo-project/silo/iam"
)

// fakeIAM is a small in-memory IAM for handler tests: root may do
// anything, a user may do anything when the policy "consoleAdmin" is
// attached to it, nothing otherwise.
type fakeIAM struct {
	mu       sync.Mutex
	root     iam.Credentials
	users    map[string]*fakeUser
	groups   map[string]*iam.GroupInfo
	policies map[string][]byte
	accounts map[string]*fakeAccount
	sessions map[string]iam.SessionInfo
}

type fakeUser struct {
	info   iam.UserInfo
	secret string
}

type fakeAccount struct {
	sa     iam.ServiceAccount
	secret string
}

func newFakeIAM(root iam.Credentials) *fakeIAM {
	return &fakeIAM{root: root, users: map[string]*fakeUser{}, groups: map[string]*iam.GroupInfo{},
		policies: map[string][]byte{"readonly": []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::*"]}]}`),
			"consoleAdmin": []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["admin:*","s3:*"],"Resource":["arn:aws:s3:::*"]}]}`)},
		accounts: map[string]*fakeAccount{}, sessions: map[string]iam.SessionInfo{}}
}

func (f *fakeIAM) SecretKey(_ context.Context, ak string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ak == f.root.AccessKey {
		return f.root.SecretKey, nil
	}
	if u, ok := f.users[ak]; ok {
		return u.secret, nil
	}
	if a, ok := f.accounts[ak]; ok {
		return a.secret, nil
	}
	return "", iam.ErrNoSuchAccessKey
}

func (f *fakeIAM) Authorize(_ context.Context, req iam.Request) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if req.AccessKey == f.root.AccessKey {
		return nil
	}
	ak := req.AccessKey
	if a, ok := f.accounts[ak]; ok {
		ak = a.sa.Parent
	}
	if u, ok := f.users[ak]; ok && u.info.Enabled && slices.Contains(u.info.Policies, "consoleAdmin") {
		return nil
	}
	return fmt.Errorf("%s: %w", req.Action, iam.ErrAccessDenied)
}

func (f *fakeIAM) AddUser(_ context.Context, ak, sk string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(sk) < 8 {
		return fmt.Errorf("secret too short: %w", iam.ErrInvalidArgument)
	}
	if u, ok := f.users[ak]; ok {
		u.secret = sk
		return nil
	}
	f.users[ak] = &fakeUser{info: iam.UserInfo{AccessKey: ak, Enabled: true}, secret: sk}
	return nil
}

func (f *fakeIAM) RemoveUser(_ context.Context, ak string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.users[ak]; !ok {
		return iam.ErrNoSuchUser
	}
	delete(f.users, ak)
	return nil
}

func (f *fakeIAM) SetUserEnabled(_ context.Context, ak string, on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[ak]
	if !ok {
		return iam.ErrNoSuchUser
	}
	u.info.Enabled = on
	return nil
}

func (f *fakeIAM) ListUsers(context.Context) ([]iam.UserInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []iam.UserInfo
	for _, u := range f.users {
		out = append(out, u.info)
	}
	return out, nil
}

func (f *fakeIAM) UserInfo(_ context.Context, ak string) (iam.UserInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[ak]
	if !ok {
		return iam.UserInfo{}, iam.ErrNoSuchUser
	}
	return u.info, nil
}

func (f *fakeIAM) AddGroupMembers(_ context.Context, g string, members []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	gi, ok := f.groups[g]
	if !ok {
		gi = &iam.GroupInfo{Name: g, Enabled: true}
		f.groups[g] = gi
	}
	for _, m := range members {
		u, ok := f.users[m]
		if !ok {
			return iam.ErrNoSuchUser
		}
		gi.Members = append(gi.Members, m)
		u.info.Groups = append(u.info.Groups, g)
	}
	return nil
}

func (f *fakeIAM) RemoveGroupMembers(_ context.Context, g string, members []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	gi, ok := f.groups[g]
	if !ok {
		return iam.ErrNoSuchGroup
	}
	if len(members) == 0 {
		if len(gi.Members) > 0 {
			return iam.ErrGroupNotEmpty
		}
		delete(f.groups, g)
		return nil
	}
	gi.Members = slices.DeleteFunc(gi.Members, func(m string) bool { return slices.Contains(members, m) })
	return nil
}

func (f *fakeIAM) SetGroupEnabled(_ context.Context, g string, on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	gi, ok := f.groups[g]
	if !ok {
		return iam.ErrNoSuchGroup
	}
	gi.Enabled = on
	return nil
}

func (f *fakeIAM) ListGroups(context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for g := range f.groups {
		out = append(out, g)
	}
	sort.Strings(out)
	return out, nil
}

func (f *fakeIAM) GroupInfo(_ context.Context, g string) (iam.GroupInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	gi, ok := f.groups[g]
	if !ok {
		return iam.GroupInfo{}, iam.ErrNoSuchGroup
	}
	return *gi, nil
}

func (f *fakeIAM) SetPolicy(_ context.Context, name string, doc []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.policies[name] = doc
	return nil
}

func (f *fakeIAM) DeletePolicy(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.policies[name]; !ok {
		return iam.ErrNoSuchPolicy
	}
	delete(f.policies, name)
	return nil
}

func (f *fakeIAM) Policies(context.Context) (map[string][]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]byte{}
	for k, v := range f.policies {
		out[k] = v
	}
	return out, nil
}

func (f *fakeIAM) Policy(_ context.Context, name string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.policies[name]
	if !ok {
		return nil, iam.ErrNoSuchPolicy
	}
	return p, nil
}

func (f *fakeIAM) AttachPolicies(_ context.Context, pols []string, user, group string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range pols {
		if _, ok := f.policies[p]; !ok {
			return iam.ErrNoSuchPolicy
		}
	}
	if u, ok := f.users[user]; ok {
		u.info.Policies = append(u.info.Policies, pols...)
		return nil
	}
	if g, ok := f.groups[group]; ok {
		g.Policies = append(g.Policies, pols...)
		return nil
	}
	return iam.ErrNoSuchUser
}

func (f *fakeIAM) DetachPolicies(_ context.Context, pols []string, user, group string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	drop := func(s []string) []string {
		return slices.DeleteFunc(s, func(p string) bool { return slices.Contains(pols, p) })
	}
	if u, ok := f.users[user]; ok {
		u.info.Policies = drop(u.info.Policies)
		return nil
	}
	if g, ok := f.groups[group]; ok {
		g.Policies = drop(g.Policies)
		return nil
	}
	return iam.ErrNoSuchUser
}

func (f *fakeIAM) PolicyEntities(_ context.Context, policies, users, _ []string) (iam.PolicyEntities, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out iam.PolicyEntities
	for _, ak := range users {
		if u, ok := f.users[ak]; ok {
			out.UserMappings = append(out.UserMappings, iam.UserPolicies{User: ak, Policies: u.info.Policies})
		}
	}
	for _, p := range policies {
		m := iam.PolicyMapping{Policy: p}
		for ak, u := range f.users {
			if slices.Contains(u.info.Policies, p) {
				m.Users = append(m.Users, ak)
			}
		}
		out.PolicyMappings = append(out.PolicyMappings, m)
	}
	return out, nil
}

func (f *fakeIAM) AddServiceAccount(_ context.Context, parent string, o iam.ServiceAccountOptions) (iam.Credentials, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.users[parent]; !ok && parent != f.root.AccessKey {
		return iam.Credentials{}, iam.ErrNoSuchUser
	}
	if o.AccessKey == "" {
		o.AccessKey = fmt.Sprintf("SVC%017d", len(f.accounts)+1)
	}
	if o.SecretKey == "" {
		o.SecretKey = "generated-secret-" + o.AccessKey
	}
	f.accounts[o.AccessKey] = &fakeAccount{secret: o.SecretKey, sa: iam.ServiceAccount{AccessKey: o.AccessKey, Parent: parent,
		Name: o.Name, Description: o.Description, Enabled: true, Expiration: o.Expiration, Policy: o.Policy}}
	return iam.Credentials{AccessKey: o.AccessKey, SecretKey: o.SecretKey}, nil
}

func (f *fakeIAM) UpdateServiceAccount(_ context.Context, ak string, upd iam.ServiceAccountUpdate) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.accounts[ak]
	if !ok {
		return iam.ErrNoSuchServiceAccount
	}
	if upd.SecretKey != nil {
		a.secret = *upd.SecretKey
	}
	if upd.Name != nil {
		a.sa.Name = *upd.Name
	}
	if upd.Description != nil {
		a.sa.Description = *upd.Description
	}
	if upd.Policy != nil {
		a.sa.Policy = *upd.Policy
	}
	if upd.Enabled != nil {
		a.sa.Enabled = *upd.Enabled
	}
	if upd.Expiration != nil {
		a.sa.Expiration = *upd.Expiration
	}
	return nil
}

func (f *fakeIAM) RemoveServiceAccount(_ context.Context, ak string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.accounts[ak]; !ok {
		return iam.ErrNoSuchServiceAccount
	}
	delete(f.accounts, ak)
	return nil
}

func (f *fakeIAM) ListServiceAccounts(_ context.Context, parent string) ([]iam.ServiceAccount, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []iam.ServiceAccount
	for _, a := range f.accounts {
		if a.sa.Parent == parent {
			out = append(out, a.sa)
		}
	}
	return out, nil
}

func (f *fakeIAM) ServiceAccountInfo(_ context.Context, ak string) (iam.ServiceAccount, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.accounts[ak]
	if !ok {
		return iam.ServiceAccount{}, iam.ErrNoSuchServiceAccount
	}
	return a.sa, nil
}

func (f *fakeIAM) ListSessions(_ context.Context, parent string) ([]iam.SessionInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []iam.SessionInfo
	for _, t := range f.sessions {
		if t.Parent == parent {
			out = append(out, t)
		}
	}
	return out, nil
}

func (f *fakeIAM) Session(_ context.Context, ak string) (iam.SessionInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.sessions[ak]
	if !ok {
		return iam.SessionInfo{}, iam.ErrNoSuchAccessKey
	}
	return t, nil
}

var _ IAM = (*fakeIAM)(nil)
