package admin

import (
	"errors"
	"time"

	"github.com/silo-project/silo/iam"
)

// List types of list-access-keys-bulk.
const (
	listAll        = "all"
	listSTSOnly    = "sts-only"
	listSvcaccOnly = "svcacc-only"
)

// accessKeysJSON is one user's entry in list-access-keys-bulk.
type accessKeysJSON struct {
	ServiceAccounts []serviceAccountJSON `json:"serviceAccounts"`
	STSKeys         []serviceAccountJSON `json:"stsKeys"`
}

// listAccessKeys: GET list-access-keys-bulk?users=U&...&listType=T[&all=true];
// encrypted {"<user>": {"serviceAccounts":[...],"stsKeys":[...]}}. Listing
// one's own keys needs no permission; others' service accounts need
// admin:ListServiceAccounts, their STS keys admin:ListTemporaryAccounts.
func (h *Handler) listAccessKeys(c *call) error {
	q := c.r.URL.Query()
	listType := q.Get("listType")
	switch listType {
	case "":
		listType = listAll
	case listAll, listSTSOnly, listSvcaccOnly:
	default:
		return apiErr(errInvalidArgument, "listType must be %q, %q or %q", listAll, listSTSOnly, listSvcaccOnly)
	}
	users := q["users"]
	all := q.Get("all") == "true"
	if len(users) == 0 && !all {
		users = []string{c.accessKey}
	}
	if all || len(users) != 1 || users[0] != c.accessKey {
		if listType != listSTSOnly {
			if err := c.require(); err != nil {
				return err
			}
		}
		if listType != listSvcaccOnly {
			if err := h.authorize(c, "admin:ListTemporaryAccounts"); err != nil {
				return err
			}
		}
	}
	if all {
		list, err := h.deps.IAM.ListUsers(c.ctx)
		if err != nil {
			return err
		}
		users = []string{h.cfg.RootAccessKey}
		for _, u := range list {
			users = append(users, u.AccessKey)
		}
	}
	out := map[string]accessKeysJSON{}
	for _, u := range users {
		if _, done := out[u]; done || u == "" {
			continue
		}
		if !h.isRoot(u) {
			if _, err := h.deps.IAM.UserInfo(c.ctx, u); err != nil {
				if all {
					continue // removed while listing
				}
				return err
			}
		}
		entry, err := h.accessKeysOf(c, u, listType)
		if err != nil {
			return err
		}
		if all && len(entry.ServiceAccounts) == 0 && len(entry.STSKeys) == 0 {
			continue
		}
		out[u] = entry
	}
	return h.writeEncrypted(c, out)
}

// accessKeysOf returns the service accounts and STS sessions of user.
func (h *Handler) accessKeysOf(c *call, user, listType string) (accessKeysJSON, error) {
	entry := accessKeysJSON{ServiceAccounts: []serviceAccountJSON{}, STSKeys: []serviceAccountJSON{}}
	if listType != listSTSOnly {
		list, err := h.deps.IAM.ListServiceAccounts(c.ctx, user)
		if err != nil {
			return entry, err
		}
		for _, sa := range list {
			entry.ServiceAccounts = append(entry.ServiceAccounts, toServiceAccountJSON(sa))
		}
	}
	if listType != listSvcaccOnly {
		list, err := h.deps.IAM.ListSessions(c.ctx, user)
		if err != nil {
			return entry, err
		}
		for _, t := range list {
			exp := t.Expiration.UTC()
			entry.STSKeys = append(entry.STSKeys, serviceAccountJSON{ParentUser: t.Parent, AccountStatus: accountOn,
				ImpliedPolicy: t.Policy == nil, AccessKey: t.AccessKey, Expiration: &exp})
		}
	}
	return entry, nil
}

// temporaryAccountInfo: GET temporary-account-info?accessKey=K; encrypted
// {"parentUser","accountStatus","impliedPolicy","policy","expiration"}.
// The session itself and its parent may ask without permission.
func (h *Handler) temporaryAccountInfo(c *call) error {
	ak, err := c.requireQuery("accessKey")
	if err != nil {
		return err
	}
	t, err := h.deps.IAM.Session(c.ctx, ak)
	if !c.allowed && (err != nil || (t.Parent != c.accessKey && t.AccessKey != c.accessKey)) {
		return apiErr(errAccessDenied, "")
	}
	if errors.Is(err, iam.ErrNoSuchAccessKey) {
		return apiErr(errNoSuchTempAccount, "")
	}
	if err != nil {
		return err
	}
	pol := t.Policy
	if pol == nil {
		if pol, err = h.parentPolicy(c, t.Parent); err != nil {
			return err
		}
	}
	exp := t.Expiration.UTC()
	return h.writeEncrypted(c, struct {
		ParentUser    string     `json:"parentUser"`
		AccountStatus string     `json:"accountStatus"`
		ImpliedPolicy bool       `json:"impliedPolicy"`
		Policy        string     `json:"policy"`
		Expiration    *time.Time `json:"expiration"`
	}{t.Parent, accountOn, t.Policy == nil, string(pol), &exp})
}
