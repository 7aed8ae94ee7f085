package admin

import (
	"encoding/json"
	"slices"
	"time"
)

// addPolicy: PUT add-canned-policy?name=N, the policy document as body.
func (h *Handler) addPolicy(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	name, err := c.requireQuery("name")
	if err != nil {
		return err
	}
	doc, err := c.readBody()
	if err != nil {
		return err
	}
	if len(doc) == 0 {
		return apiErr(errMalformedPolicy, "the policy document is empty")
	}
	if err := h.deps.IAM.SetPolicy(c.ctx, name, doc); err != nil {
		return err
	}
	return c.writeEmpty()
}

// removePolicy: DELETE remove-canned-policy?name=N.
func (h *Handler) removePolicy(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	name, err := c.requireQuery("name")
	if err != nil {
		return err
	}
	if err := h.deps.IAM.DeletePolicy(c.ctx, name); err != nil {
		return err
	}
	return c.writeEmpty()
}

// listPolicies: GET list-canned-policies; {"<name>": document}.
func (h *Handler) listPolicies(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	pols, err := h.deps.IAM.Policies(c.ctx)
	if err != nil {
		return err
	}
	out := make(map[string]json.RawMessage, len(pols))
	for name, doc := range pols {
		out[name] = json.RawMessage(doc)
	}
	return c.writeJSON(out)
}

// policyInfo: GET info-canned-policy?name=N[&v=2]. Version 2 wraps the
// document with its name; without it the document is the body.
func (h *Handler) policyInfo(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	name, err := c.requireQuery("name")
	if err != nil {
		return err
	}
	doc, err := h.deps.IAM.Policy(c.ctx, name)
	if err != nil {
		return err
	}
	if c.query("v") != "2" {
		return c.writeJSON(json.RawMessage(doc))
	}
	return c.writeJSON(struct {
		PolicyName string          `json:"PolicyName"`
		Policy     json.RawMessage `json:"Policy"`
	}{name, doc})
}

// policyAssociation is the encrypted body of attach and detach.
type policyAssociation struct {
	Policies []string `json:"policies"`
	User     string   `json:"user"`
	Group    string   `json:"group"`
}

// attachPolicy: POST idp/builtin/policy/attach.
func (h *Handler) attachPolicy(c *call) error { return h.changePolicies(c, true) }

// detachPolicy: POST idp/builtin/policy/detach.
func (h *Handler) detachPolicy(c *call) error { return h.changePolicies(c, false) }

// changePolicies attaches or detaches policies to exactly one user or
// group and answers, encrypted, which ones changed. A change that is
// already in effect is refused, as MinIO does.
func (h *Handler) changePolicies(c *call, attach bool) error {
	if err := c.require(); err != nil {
		return err
	}
	var req policyAssociation
	if err := h.decodeEncrypted(c, &req); err != nil {
		return err
	}
	if len(req.Policies) == 0 || (req.User == "") == (req.Group == "") {
		return apiErr(errInvalidArgument, "give one or more policies and exactly one of user or group")
	}
	if err := h.notRoot(req.User); err != nil {
		return err
	}
	current, err := h.currentPolicies(c, req.User, req.Group)
	if err != nil {
		return err
	}
	var changed []string
	for _, p := range req.Policies {
		if slices.Contains(current, p) != attach && !slices.Contains(changed, p) {
			changed = append(changed, p)
		}
	}
	if len(changed) == 0 {
		return apiErr(errPolicyAlreadyApplied, "")
	}
	if attach {
		err = h.deps.IAM.AttachPolicies(c.ctx, changed, req.User, req.Group)
	} else {
		err = h.deps.IAM.DetachPolicies(c.ctx, changed, req.User, req.Group)
	}
	if err != nil {
		return err
	}
	resp := struct {
		UpdatedAt        time.Time `json:"updatedAt"`
		PoliciesAttached []string  `json:"policiesAttached,omitempty"`
		PoliciesDetached []string  `json:"policiesDetached,omitempty"`
	}{UpdatedAt: h.cfg.Now().UTC()}
	if attach {
		resp.PoliciesAttached = changed
	} else {
		resp.PoliciesDetached = changed
	}
	return h.writeEncrypted(c, resp)
}

// currentPolicies returns the policies attached to user or group.
func (h *Handler) currentPolicies(c *call, user, group string) ([]string, error) {
	if user != "" {
		u, err := h.deps.IAM.UserInfo(c.ctx, user)
		return u.Policies, err
	}
	g, err := h.deps.IAM.GroupInfo(c.ctx, group)
	return g.Policies, err
}

// Wire shapes of policy-entities.
type (
	groupPolicies struct {
		Group    string   `json:"group"`
		Policies []string `json:"policies"`
	}
	userPolicies struct {
		User     string          `json:"user"`
		Policies []string        `json:"policies"`
		MemberOf []groupPolicies `json:"memberOfMappings,omitempty"`
	}
	policyMapping struct {
		Policy string   `json:"policy"`
		Users  []string `json:"users,omitempty"`
		Groups []string `json:"groups,omitempty"`
	}
	entitiesJSON struct {
		Timestamp      time.Time       `json:"timestamp"`
		UserMappings   []userPolicies  `json:"userMappings,omitempty"`
		GroupMappings  []groupPolicies `json:"groupMappings,omitempty"`
		PolicyMappings []policyMapping `json:"policyMappings,omitempty"`
	}
)

// policyEntities: GET idp/builtin/policy-entities?user=U&group=G&policy=P
// (each repeatable; none given: every mapping); encrypted response.
func (h *Handler) policyEntities(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	q := c.r.URL.Query()
	ents, err := h.deps.IAM.PolicyEntities(c.ctx, q["policy"], q["user"], q["group"])
	if err != nil {
		return err
	}
	out := entitiesJSON{Timestamp: ents.Timestamp.UTC()}
	if out.Timestamp.IsZero() {
		out.Timestamp = h.cfg.Now().UTC()
	}
	for _, u := range ents.UserMappings {
		um := userPolicies{User: u.User, Policies: u.Policies}
		for _, g := range u.MemberOfGroups {
			um.MemberOf = append(um.MemberOf, groupPolicies(g))
		}
		out.UserMappings = append(out.UserMappings, um)
	}
	for _, g := range ents.GroupMappings {
		out.GroupMappings = append(out.GroupMappings, groupPolicies(g))
	}
	for _, p := range ents.PolicyMappings {
		out.PolicyMappings = append(out.PolicyMappings, policyMapping(p))
	}
	return h.writeEncrypted(c, out)
}
