package admin

import (
	"strings"
	"time"

	"github.com/silo-project/silo/iam"
)

// Status values of users and groups on the wire.
const (
	statusEnabled  = "enabled"
	statusDisabled = "disabled"
)

// userInfoJSON is a user as mc reads it (user-info, list-users values).
type userInfoJSON struct {
	PolicyName string     `json:"policyName,omitempty"`
	Status     string     `json:"status"`
	MemberOf   []string   `json:"memberOf,omitempty"`
	UpdatedAt  *time.Time `json:"updatedAt,omitempty"`
}

func toUserJSON(u iam.UserInfo) userInfoJSON {
	out := userInfoJSON{PolicyName: strings.Join(u.Policies, ","), Status: status(u.Enabled), MemberOf: u.Groups}
	if !u.Updated.IsZero() {
		t := u.Updated.UTC()
		out.UpdatedAt = &t
	}
	return out
}

// status returns the wire status of enabled.
func status(enabled bool) string {
	if enabled {
		return statusEnabled
	}
	return statusDisabled
}

// parseStatus parses a wire status.
func parseStatus(s string) (bool, error) {
	switch s {
	case statusEnabled:
		return true, nil
	case statusDisabled:
		return false, nil
	}
	return false, apiErr(errInvalidArgument, "status must be %q or %q, not %q", statusEnabled, statusDisabled, s)
}

// notRoot refuses changes to the root user.
func (h *Handler) notRoot(accessKey string) error {
	if h.isRoot(accessKey) {
		return apiErr(errUnsupportedRootChange, "")
	}
	return nil
}

// addUser: PUT add-user?accessKey=K, encrypted {"secretKey","status"}.
func (h *Handler) addUser(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	ak, err := c.requireQuery("accessKey")
	if err != nil {
		return err
	}
	if err := h.notRoot(ak); err != nil {
		return err
	}
	var req struct {
		SecretKey string `json:"secretKey"`
		Status    string `json:"status"`
	}
	if err := h.decodeEncrypted(c, &req); err != nil {
		return err
	}
	enabled := true
	if req.Status != "" {
		if enabled, err = parseStatus(req.Status); err != nil {
			return err
		}
	}
	if err := h.deps.IAM.AddUser(c.ctx, ak, req.SecretKey); err != nil {
		return err
	}
	if !enabled {
		if err := h.deps.IAM.SetUserEnabled(c.ctx, ak, false); err != nil {
			return err
		}
	}
	return c.writeEmpty()
}

// removeUser: DELETE remove-user?accessKey=K.
func (h *Handler) removeUser(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	ak, err := c.requireQuery("accessKey")
	if err != nil {
		return err
	}
	if err := h.notRoot(ak); err != nil {
		return err
	}
	if ak == c.accessKey {
		return apiErr(errInvalidArgument, "a user cannot remove itself")
	}
	if err := h.deps.IAM.RemoveUser(c.ctx, ak); err != nil {
		return err
	}
	return c.writeEmpty()
}

// setUserStatus: PUT set-user-status?accessKey=K&status=enabled|disabled.
func (h *Handler) setUserStatus(c *call) error {
	enabled, err := parseStatus(c.query("status"))
	if err != nil {
		return err
	}
	action := "admin:DisableUser"
	if enabled {
		action = "admin:EnableUser"
	}
	if err := h.authorize(c, action); err != nil {
		return err
	}
	ak, err := c.requireQuery("accessKey")
	if err != nil {
		return err
	}
	if err := h.notRoot(ak); err != nil {
		return err
	}
	if err := h.deps.IAM.SetUserEnabled(c.ctx, ak, enabled); err != nil {
		return err
	}
	return c.writeEmpty()
}

// listUsers: GET list-users; encrypted {"<accessKey>": userInfo}.
func (h *Handler) listUsers(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	users, err := h.deps.IAM.ListUsers(c.ctx)
	if err != nil {
		return err
	}
	out := make(map[string]userInfoJSON, len(users))
	for _, u := range users {
		if h.isRoot(u.AccessKey) {
			continue
		}
		out[u.AccessKey] = toUserJSON(u)
	}
	return h.writeEncrypted(c, out)
}

// userInfo: GET user-info?accessKey=K; a user may read its own.
func (h *Handler) userInfo(c *call) error {
	ak, err := c.requireQuery("accessKey")
	if err != nil {
		return err
	}
	if ak != c.accessKey {
		if err := c.require(); err != nil {
			return err
		}
	}
	u, err := h.deps.IAM.UserInfo(c.ctx, ak)
	if err != nil {
		return err
	}
	return c.writeJSON(toUserJSON(u))
}
