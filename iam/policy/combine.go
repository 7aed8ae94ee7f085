package policy

// Decide evaluates args against several policies at once (nil entries are
// skipped): Deny if any applicable statement of any policy denies, else
// Allow if any allows, else NotApplicable. IsOwner is not considered.
// Unlike calling Decision per policy, the request is prepared only once.
func Decide(args Args, policies ...*Policy) Decision {
	ec := newEvalContext(&args)
	d := NotApplicable
	for _, p := range policies {
		switch p.decide(ec) {
		case Deny:
			return Deny
		case Allow:
			d = Allow
		}
	}
	return d
}
