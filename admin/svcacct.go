package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"

	"github.com/silo-project/silo/iam"
)

// Account status values of service accounts on the wire.
const (
	accountOn  = "on"
	accountOff = "off"
)

func accountStatus(enabled bool) string {
	if enabled {
		return accountOn
	}
	return accountOff
}

// nonePolicy reports whether a request's policy field means "no inline
// policy": absent, null, empty or an empty object.
func nonePolicy(p json.RawMessage) bool {
	t := bytes.TrimSpace(p)
	return len(t) == 0 || bytes.Equal(t, []byte("null")) || bytes.Equal(t, []byte("{}"))
}

// expiry converts an optional wire time.
func expiry(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// wireTime returns nil for the zero time.
func wireTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// callerAccount returns the service account the caller is, if it is one.
func (h *Handler) callerAccount(c *call) (iam.ServiceAccount, bool, error) {
	sa, err := h.deps.IAM.ServiceAccountInfo(c.ctx, c.accessKey)
	if errors.Is(err, iam.ErrNoSuchServiceAccount) {
		return iam.ServiceAccount{}, false, nil
	}
	return sa, err == nil, err
}

// addServiceAccount: PUT add-service-account, encrypted request
// {"policy","targetUser","accessKey","secretKey","name","description",
// "expiration"}, encrypted response {"credentials":{...}}. A user may
// create service accounts for itself; for another user it needs
// admin:CreateServiceAccount. A service account cannot create one.
func (h *Handler) addServiceAccount(c *call) error {
	var req struct {
		Policy      json.RawMessage `json:"policy"`
		TargetUser  string          `json:"targetUser"`
		AccessKey   string          `json:"accessKey"`
		SecretKey   string          `json:"secretKey"`
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Expiration  *time.Time      `json:"expiration"`
	}
	if err := h.decodeEncrypted(c, &req); err != nil {
		return err
	}
	if _, isSA, err := h.callerAccount(c); err != nil {
		return err
	} else if isSA {
		return apiErr(errNotEligible, "a service account cannot create service accounts")
	}
	parent := req.TargetUser
	if parent == "" {
		parent = c.accessKey
	}
	if parent != c.accessKey {
		if err := c.require(); err != nil {
			return err
		}
	}
	if h.isRoot(parent) && !h.isRoot(c.accessKey) {
		// A key for root would carry root's unlimited rights.
		return apiErr(errAccessDenied, "only the root user may create service accounts for itself")
	}
	opts := iam.ServiceAccountOptions{AccessKey: req.AccessKey, SecretKey: req.SecretKey, Name: req.Name,
		Description: req.Description, Expiration: expiry(req.Expiration)}
	if !nonePolicy(req.Policy) {
		opts.Policy = []byte(req.Policy)
	}
	if !opts.Expiration.IsZero() && !opts.Expiration.After(h.cfg.Now()) {
		return apiErr(errInvalidArgument, "the expiration must be in the future")
	}
	cred, err := h.deps.IAM.AddServiceAccount(c.ctx, parent, opts)
	if err != nil {
		return err
	}
	type credentials struct {
		AccessKey  string     `json:"accessKey"`
		SecretKey  string     `json:"secretKey"`
		Expiration *time.Time `json:"expiration,omitempty"`
	}
	return h.writeEncrypted(c, struct {
		Credentials credentials `json:"credentials"`
	}{credentials{cred.AccessKey, cred.SecretKey, wireTime(opts.Expiration)}})
}

// ownedAccount returns the service account accessKey when the caller may
// act on it: it is its parent, or the route's admin action is allowed. Callers without
// the action learn nothing about accounts they do not own.
func (h *Handler) ownedAccount(c *call, accessKey string) (iam.ServiceAccount, error) {
	sa, err := h.deps.IAM.ServiceAccountInfo(c.ctx, accessKey)
	if c.allowed {
		return sa, err
	}
	if err != nil || sa.Parent != c.accessKey {
		return iam.ServiceAccount{}, apiErr(errAccessDenied, "")
	}
	return sa, nil
}

// updateServiceAccount: POST update-service-account?accessKey=K,
// encrypted {"newPolicy","newSecretKey","newStatus","newName",
// "newDescription","newExpiration"}.
func (h *Handler) updateServiceAccount(c *call) error {
	ak, err := c.requireQuery("accessKey")
	if err != nil {
		return err
	}
	sa, err := h.ownedAccount(c, ak)
	if err != nil {
		return err
	}
	if h.isRoot(sa.Parent) && !h.isRoot(c.accessKey) {
		// Setting the secret of root's key would hand out root's rights.
		return apiErr(errAccessDenied, "only the root user may change its service accounts")
	}
	var req struct {
		NewPolicy      json.RawMessage `json:"newPolicy"`
		NewSecretKey   string          `json:"newSecretKey"`
		NewStatus      string          `json:"newStatus"`
		NewName        string          `json:"newName"`
		NewDescription string          `json:"newDescription"`
		NewExpiration  *time.Time      `json:"newExpiration"`
	}
	if err := h.decodeEncrypted(c, &req); err != nil {
		return err
	}
	var upd iam.ServiceAccountUpdate
	if req.NewSecretKey != "" {
		upd.SecretKey = &req.NewSecretKey
	}
	if req.NewName != "" {
		upd.Name = &req.NewName
	}
	if req.NewDescription != "" {
		upd.Description = &req.NewDescription
	}
	if req.NewExpiration != nil {
		if !req.NewExpiration.After(h.cfg.Now()) {
			return apiErr(errInvalidArgument, "the expiration must be in the future")
		}
		upd.Expiration = req.NewExpiration
	}
	switch req.NewStatus {
	case "":
	case accountOn, statusEnabled:
		on := true
		upd.Enabled = &on
	case accountOff, statusDisabled:
		off := false
		upd.Enabled = &off
	default:
		return apiErr(errInvalidArgument, "newStatus must be %q or %q, not %q", accountOn, accountOff, req.NewStatus)
	}
	if len(bytes.TrimSpace(req.NewPolicy)) > 0 && !bytes.Equal(bytes.TrimSpace(req.NewPolicy), []byte("null")) {
		var p []byte // an empty object removes the inline policy
		if !nonePolicy(req.NewPolicy) {
			p = []byte(req.NewPolicy)
		}
		upd.Policy = &p
	}
	if err := h.deps.IAM.UpdateServiceAccount(c.ctx, ak, upd); err != nil {
		return err
	}
	return c.writeNoContent()
}

// deleteServiceAccount: DELETE delete-service-account?accessKey=K.
func (h *Handler) deleteServiceAccount(c *call) error {
	ak, err := c.requireQuery("accessKey")
	if err != nil {
		return err
	}
	if _, err := h.ownedAccount(c, ak); err != nil {
		return err
	}
	if err := h.deps.IAM.RemoveServiceAccount(c.ctx, ak); err != nil {
		return err
	}
	return c.writeNoContent()
}

// serviceAccountJSON is one service account in list responses.
type serviceAccountJSON struct {
	ParentUser    string     `json:"parentUser"`
	AccountStatus string     `json:"accountStatus"`
	ImpliedPolicy bool       `json:"impliedPolicy"`
	AccessKey     string     `json:"accessKey"`
	Name          string     `json:"name,omitempty"`
	Description   string     `json:"description,omitempty"`
	Expiration    *time.Time `json:"expiration,omitempty"`
}

func toServiceAccountJSON(sa iam.ServiceAccount) serviceAccountJSON {
	// mc needs a value here and shows the Unix epoch as "no-expiry".
	exp := time.Unix(0, 0).UTC()
	if !sa.Expiration.IsZero() {
		exp = sa.Expiration.UTC()
	}
	return serviceAccountJSON{ParentUser: sa.Parent, AccountStatus: accountStatus(sa.Enabled), ImpliedPolicy: sa.Policy == nil,
		AccessKey: sa.AccessKey, Name: sa.Name, Description: sa.Description, Expiration: &exp}
}

// listServiceAccounts: GET list-service-accounts?user=U (default: the
// caller); encrypted {"accounts":[...]}.
func (h *Handler) listServiceAccounts(c *call) error {
	user := c.query("user")
	if user == "" {
		user = c.accessKey
	}
	if user != c.accessKey {
		if err := c.require(); err != nil {
			return err
		}
	}
	list, err := h.deps.IAM.ListServiceAccounts(c.ctx, user)
	if err != nil {
		return err
	}
	accounts := make([]serviceAccountJSON, 0, len(list))
	for _, sa := range list {
		accounts = append(accounts, toServiceAccountJSON(sa))
	}
	return h.writeEncrypted(c, struct {
		Accounts []serviceAccountJSON `json:"accounts"`
	}{accounts})
}

// serviceAccountInfo: GET info-service-account?accessKey=K; encrypted
// {"parentUser","accountStatus","impliedPolicy","policy",...}. The policy
// is the account's own, or the parent's effective policy when it has none.
func (h *Handler) serviceAccountInfo(c *call) error {
	ak, err := c.requireQuery("accessKey")
	if err != nil {
		return err
	}
	sa, err := h.ownedAccount(c, ak)
	if err != nil {
		return err
	}
	pol := sa.Policy
	if pol == nil {
		if pol, err = h.parentPolicy(c, sa.Parent); err != nil {
			return err
		}
	}
	return h.writeEncrypted(c, struct {
		ParentUser    string     `json:"parentUser"`
		AccountStatus string     `json:"accountStatus"`
		ImpliedPolicy bool       `json:"impliedPolicy"`
		Policy        string     `json:"policy"`
		Name          string     `json:"name,omitempty"`
		Description   string     `json:"description,omitempty"`
		Expiration    *time.Time `json:"expiration,omitempty"`
	}{sa.Parent, accountStatus(sa.Enabled), sa.Policy == nil, string(pol), sa.Name, sa.Description, wireTime(sa.Expiration)})
}

// parentPolicy returns one document with the statements of every policy
// attached to user or to its groups (root: consoleAdmin, its equivalent).
func (h *Handler) parentPolicy(c *call, user string) ([]byte, error) {
	var names []string
	if h.isRoot(user) {
		names = []string{"consoleAdmin"}
	} else {
		u, err := h.deps.IAM.UserInfo(c.ctx, user)
		if err != nil {
			return nil, err
		}
		names = append(names, u.Policies...)
		for _, g := range u.Groups {
			gi, err := h.deps.IAM.GroupInfo(c.ctx, g)
			if err != nil {
				continue
			}
			names = append(names, gi.Policies...)
		}
	}
	merged := struct {
		Version   string            `json:"Version"`
		Statement []json.RawMessage `json:"Statement"`
	}{Version: "2012-10-17", Statement: []json.RawMessage{}}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		doc, err := h.deps.IAM.Policy(c.ctx, n)
		if err != nil {
			continue // detached concurrently or removed: nothing to show
		}
		merged.Statement = append(merged.Statement, statements(doc)...)
	}
	return json.Marshal(merged)
}

// statements returns the statements of a policy document, which may be a
// single object or a list.
func statements(doc []byte) []json.RawMessage {
	var p struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal(doc, &p) != nil || len(p.Statement) == 0 {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(p.Statement, &list) == nil {
		return list
	}
	return []json.RawMessage{p.Statement}
}
