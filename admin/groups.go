package admin

import (
	"strings"
	"time"
)

// groupJSON is a group as mc reads it (group).
type groupJSON struct {
	Name      string     `json:"name"`
	Status    string     `json:"status"`
	Members   []string   `json:"members"`
	Policy    string     `json:"policy"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
}

// updateGroupMembers: PUT update-group-members,
// {"group","members","isRemove"}. Adding creates the group; removing with
// no members removes the (empty) group.
func (h *Handler) updateGroupMembers(c *call) error {
	var req struct {
		Group    string   `json:"group"`
		Members  []string `json:"members"`
		IsRemove bool     `json:"isRemove"`
	}
	if err := c.decodePlain(&req); err != nil {
		return err
	}
	action := "admin:AddUserToGroup"
	if req.IsRemove {
		action = "admin:RemoveUserFromGroup"
	}
	if err := h.authorize(c, action); err != nil {
		return err
	}
	if req.Group == "" {
		return apiErr(errInvalidArgument, "a group name is required")
	}
	for _, m := range req.Members {
		if err := h.notRoot(m); err != nil {
			return err
		}
	}
	var err error
	if req.IsRemove {
		err = h.deps.IAM.RemoveGroupMembers(c.ctx, req.Group, req.Members)
	} else {
		err = h.deps.IAM.AddGroupMembers(c.ctx, req.Group, req.Members)
	}
	if err != nil {
		return err
	}
	return c.writeEmpty()
}

// setGroupStatus: PUT set-group-status?group=G&status=enabled|disabled.
func (h *Handler) setGroupStatus(c *call) error {
	enabled, err := parseStatus(c.query("status"))
	if err != nil {
		return err
	}
	action := "admin:DisableGroup"
	if enabled {
		action = "admin:EnableGroup"
	}
	if err := h.authorize(c, action); err != nil {
		return err
	}
	g, err := c.requireQuery("group")
	if err != nil {
		return err
	}
	if err := h.deps.IAM.SetGroupEnabled(c.ctx, g, enabled); err != nil {
		return err
	}
	return c.writeEmpty()
}

// listGroups: GET groups; a JSON array of names.
func (h *Handler) listGroups(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	groups, err := h.deps.IAM.ListGroups(c.ctx)
	if err != nil {
		return err
	}
	if groups == nil {
		groups = []string{}
	}
	return c.writeJSON(groups)
}

// groupInfo: GET group?group=G.
func (h *Handler) groupInfo(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	g, err := c.requireQuery("group")
	if err != nil {
		return err
	}
	info, err := h.deps.IAM.GroupInfo(c.ctx, g)
	if err != nil {
		return err
	}
	out := groupJSON{Name: info.Name, Status: status(info.Enabled), Members: info.Members, Policy: strings.Join(info.Policies, ",")}
	if out.Members == nil {
		out.Members = []string{}
	}
	if !info.Updated.IsZero() {
		t := info.Updated.UTC()
		out.UpdatedAt = &t
	}
	return c.writeJSON(out)
}
