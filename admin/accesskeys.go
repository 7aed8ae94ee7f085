package admin

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
// one's own keys needs no permission. STS sessions are not listed: the
// IAM store does not enumerate them (stsKeys is always empty).
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
	if all || len(users) != 1 || users[0] != c.accessKey {
		if len(users) > 0 || all {
			if err := c.require(); err != nil {
				return err
			}
		}
	}
	if len(users) == 0 && !all {
		users = []string{c.accessKey}
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
		entry := accessKeysJSON{ServiceAccounts: []serviceAccountJSON{}, STSKeys: []serviceAccountJSON{}}
		if listType != listSTSOnly {
			list, err := h.deps.IAM.ListServiceAccounts(c.ctx, u)
			if err != nil {
				return err
			}
			for _, sa := range list {
				entry.ServiceAccounts = append(entry.ServiceAccounts, toServiceAccountJSON(sa))
			}
		}
		if all && len(entry.ServiceAccounts) == 0 && len(entry.STSKeys) == 0 {
			continue
		}
		out[u] = entry
	}
	return h.writeEncrypted(c, out)
}

// temporaryAccountInfo: GET temporary-account-info?accessKey=K. The IAM
// store does not look up STS sessions by access key, so every key is
// reported as unknown; `mc admin accesskey info` asks this only after
// info-service-account failed.
func (h *Handler) temporaryAccountInfo(c *call) error {
	ak, err := c.requireQuery("accessKey")
	if err != nil {
		return err
	}
	if err := c.require(); err != nil {
		return err
	}
	return apiErr(errNoSuchTempAccount, "the access key %q is neither a service account nor a known temporary account", ak)
}
