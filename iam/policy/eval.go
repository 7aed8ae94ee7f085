package policy

import (
	"slices"
	"strings"
)

// Args describes one request to authorize.
type Args struct {
	// Account is the requesting principal: its user name or access key
	// ("" for anonymous requests). Bucket policy principals match it
	// directly, as "arn:aws:iam::<account>:root", or as
	// "arn:aws:iam::<any>:user/<name>"; it also supplies ${aws:username}
	// and ${aws:userid} (and decides ${aws:principaltype}) when Conditions
	// lacks them.
	Account string
	// Action is the AWS action name, e.g. "s3:GetObject".
	Action string
	// Bucket is the bucket name ("" for account-level actions).
	Bucket string
	// Object is the object key, "" for bucket-level actions.
	Object string
	// Conditions maps condition keys ("aws:SourceIp", "s3:prefix",
	// "aws:SecureTransport", "aws:CurrentTime", "s3:ExistingObjectTag/<k>",
	// "aws:username", "jwt:sub", ...) to their values. Keys may be in any
	// case. A key absent or with no values is "missing" for conditions.
	Conditions map[string][]string
	// IsOwner marks the bucket owner (or root): allowed unless a statement
	// explicitly denies.
	IsOwner bool
}

// Decision is the outcome of evaluating policies for a request.
type Decision int

const (
	// NotApplicable: no statement matched the request (implicit deny).
	NotApplicable Decision = iota
	// Allow: an Allow statement matched and no Deny statement did.
	Allow
	// Deny: a Deny statement matched (explicit deny).
	Deny
)

// String returns "NotApplicable", "Allow" or "Deny".
func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "NotApplicable"
}

// evalContext is the request as statements see it.
type evalContext struct {
	args  *Args
	conds map[string][]string // lower-cased keys; built on first use
	kind  ResourceKind
	arn   string
}

// cond returns the request's values of the condition key (any case).
func (ec *evalContext) cond(key string) []string {
	if ec.conds == nil && len(ec.args.Conditions) <= 32 {
		// Few keys: a scan is cheaper than building the lower-cased map.
		var out []string
		found := 0
		for k, v := range ec.args.Conditions {
			if len(k) == len(key) && strings.EqualFold(k, key) {
				if found++; found == 1 {
					out = v
				} else {
					out = append(slices.Clip(out), v...)
				}
			}
		}
		return out
	}
	if ec.conds == nil {
		ec.conds = make(map[string][]string, len(ec.args.Conditions))
		for k, v := range ec.args.Conditions {
			lk := strings.ToLower(k)
			ec.conds[lk] = append(ec.conds[lk], v...)
		}
	}
	return ec.conds[strings.ToLower(key)]
}

func newEvalContext(args *Args) *evalContext {
	ec := &evalContext{args: args}
	ec.kind = requestKind(args.Action, args.Object)
	ec.arn = resourceARN(ec.kind, args.Bucket, args.Object)
	return ec
}

// lookupVariable resolves a lower-cased policy variable key from the
// request's conditions. When the conditions lack them, aws:username and
// aws:userid fall back to Args.Account and aws:principaltype to "User"
// ("Anonymous" without an account). A key with several values cannot be
// substituted.
func (ec *evalContext) lookupVariable(key string) (string, bool) {
	if v := ec.cond(key); len(v) == 1 {
		return v[0], true
	} else if len(v) > 1 {
		return "", false
	}
	switch key {
	case "aws:username", "aws:userid":
		if ec.args.Account != "" {
			return ec.args.Account, true
		}
	case "aws:principaltype":
		if ec.args.Account == "" {
			return "Anonymous", true
		}
		return "User", true
	}
	return "", false
}

// Decision evaluates the policy's statements for args: Deny if any Deny
// statement applies (whatever the statement order), else Allow if any
// Allow statement applies, else NotApplicable. IsOwner is not considered
// here; see IsAllowed.
func (p *Policy) Decision(args Args) Decision {
	return p.decide(newEvalContext(&args))
}

func (p *Policy) decide(ec *evalContext) Decision {
	if p == nil {
		return NotApplicable
	}
	if p.index != nil && ec.indexUsable() {
		d := p.decideSubset(ec, p.index.always)
		if d == Deny {
			return Deny
		}
		if d2 := p.decideSubset(ec, p.index.byBucket[ec.args.Bucket]); d2 != NotApplicable {
			return d2
		}
		return d
	}
	d := NotApplicable
	for i := range p.Statements {
		if d = p.decideOne(ec, i, d); d == Deny {
			return Deny
		}
	}
	return d
}

// decideSubset is decide over the statements at idx.
func (p *Policy) decideSubset(ec *evalContext, idx []int) Decision {
	d := NotApplicable
	for _, i := range idx {
		if d = p.decideOne(ec, i, d); d == Deny {
			return Deny
		}
	}
	return d
}

// decideOne folds statement i into the decision so far.
func (p *Policy) decideOne(ec *evalContext, i int, d Decision) Decision {
	st := &p.Statements[i]
	switch {
	case !st.applies(ec):
		return d
	case st.Effect == EffectDeny:
		return Deny
	}
	return Allow
}

// IsAllowed reports whether the policy allows the request: no Deny
// statement applies, and an Allow statement applies or args.IsOwner.
func (p *Policy) IsAllowed(args Args) bool {
	return Evaluate(args, p)
}

// Evaluate combines policies (identity, group, bucket and session policies
// alike; nil entries are skipped): an explicit Deny in any of them wins
// whatever the order, else any Allow (or args.IsOwner) allows, else the
// request is denied by default.
func Evaluate(args Args, policies ...*Policy) bool {
	ec := newEvalContext(&args)
	allowed := args.IsOwner
	for _, p := range policies {
		switch p.decide(ec) {
		case Deny:
			return false
		case Allow:
			allowed = true
		}
	}
	return allowed
}

// applies reports whether every element of the statement matches ec.
func (s *Statement) applies(ec *evalContext) bool {
	var lookup lookupFunc
	if !s.literal {
		lookup = ec.lookupVariable
	}
	if s.Principal != nil && !principalMatches(s.Principal, ec.args.Account) {
		return false
	}
	if s.NotPrincipal != nil && principalMatches(s.NotPrincipal, ec.args.Account) {
		return false
	}
	if s.Actions != nil && !anyAction(s.Actions, ec.args.Action) {
		return false
	}
	if s.NotActions != nil && anyAction(s.NotActions, ec.args.Action) {
		return false
	}
	if ec.kind != KindService || namesS3Action(*s) {
		if s.Resources != nil && !anyResource(s.Resources, ec.arn, lookup) {
			return false
		}
		if s.NotResources != nil && anyResource(s.NotResources, ec.arn, lookup) {
			return false
		}
	}
	for i := range s.Conditions {
		if !s.Conditions[i].eval(ec, lookup) {
			return false
		}
	}
	return true
}

func anyAction(pats []string, action string) bool {
	for _, p := range pats {
		if actionMatches(p, action) {
			return true
		}
	}
	return false
}

func anyResource(pats []string, arn string, lookup lookupFunc) bool {
	for _, p := range pats {
		if resourceMatches(p, arn, lookup) {
			return true
		}
	}
	return false
}

// principalMatches reports whether account matches a Principal element.
// Only "AWS" principals can match; "*" matches everyone, anonymous
// included. Other values match a non-empty account directly (with
// wildcards), as "arn:aws:iam::<account>[:root]", or as
// "arn:aws:iam::<any>:user/[path/]<account>".
func principalMatches(pr map[string][]string, account string) bool {
	for _, v := range pr["AWS"] {
		if v == "*" {
			return true
		}
		if account == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(v, "arn:aws:iam::"); ok {
			acct, res, _ := strings.Cut(rest, ":")
			switch {
			case res == "" || res == "root":
				if wildcardMatch(acct, account) {
					return true
				}
			case strings.HasPrefix(res, "user/"):
				name := res[strings.LastIndexByte(res, '/')+1:]
				if wildcardMatch(name, account) {
					return true
				}
			}
			continue
		}
		if wildcardMatch(v, account) {
			return true
		}
	}
	return false
}

// Merge returns one policy holding the statements of all the given
// policies (nil entries skipped), in order, without exact duplicates. Its
// Version is "2012-10-17"; each statement keeps its own policy-variable
// behaviour. Evaluating the merged policy equals Evaluate over the inputs.
func Merge(policies ...*Policy) *Policy {
	out := &Policy{Version: Version20121017}
	for _, p := range policies {
		if p == nil {
			continue
		}
		for _, s := range p.Statements {
			dup := false
			for _, t := range out.Statements {
				if s.equal(t) {
					dup = true
					break
				}
			}
			if !dup {
				out.Statements = append(out.Statements, s)
			}
		}
	}
	summarize(out)
	return out
}
