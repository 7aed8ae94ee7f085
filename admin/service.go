package admin

// service: POST service?action=restart|stop[&dry-run=false&type=2].
// The response is written first; the server then stops or restarts.
func (h *Handler) service(c *call) error {
	action := c.query("action")
	var perm string
	var run func()
	switch action {
	case "restart":
		perm = "admin:ServiceRestart"
	case "stop":
		perm = "admin:ServiceStop"
	default:
		return apiErr(errNotImplemented, "the service action %q is not implemented by Silo (restart and stop are)", action)
	}
	if err := h.authorize(c, perm); err != nil {
		return err
	}
	if h.deps.Service == nil {
		return apiErr(errNotImplemented, "this server cannot %s itself", action)
	}
	if action == "restart" {
		run = h.deps.Service.Restart
	} else {
		run = h.deps.Service.Stop
	}
	if c.query("dry-run") == "true" {
		run = nil
	}
	c.afterWrite = run
	type result struct {
		Host string `json:"host"`
		Err  string `json:"err,omitempty"`
	}
	return c.writeJSON(struct {
		Action  string   `json:"action"`
		Results []result `json:"results"`
		DryRun  bool     `json:"dryRun"`
	}{action, []result{{Host: c.r.Host}}, run == nil})
}
