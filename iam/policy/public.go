package policy

import (
	"net/netip"
	"strings"
)

// IsPublic reports whether p is public in the sense of S3 Block Public
// Access: some Allow statement names every principal ("*", or "*" under
// AWS or CanonicalUser) and no condition of that statement pins one of the
// keys that confine access to known callers (source IP range narrower than
// the whole address space, source or principal account, ARN, VPC, VPC
// endpoint, organization, user ID) to fixed values.
func (p *Policy) IsPublic() bool {
	if p == nil {
		return false
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect == EffectAllow && everyone(st.Principal) && !confined(st.Conditions) {
			return true
		}
	}
	return false
}

// everyone reports whether a Principal element matches every caller.
func everyone(pr map[string][]string) bool {
	for _, k := range []string{"AWS", "CanonicalUser"} {
		for _, v := range pr[k] {
			if v == "*" {
				return true
			}
		}
	}
	return false
}

// confined reports whether one of conds restricts the statement to fixed
// callers: a positive operator on a confining key whose values hold no
// wildcard (and, for IP ranges, no /0 range).
func confined(conds []Condition) bool {
	for _, c := range conds {
		op := strings.ToLower(c.Operator)
		if strings.HasPrefix(op, "forallvalues:") || strings.Contains(op, "not") || strings.HasSuffix(op, "ifexists") ||
			op == "null" || len(c.Values) == 0 {
			continue
		}
		key := strings.ToLower(c.Key)
		if !confiningKey(key) {
			continue
		}
		fixed := true
		for _, v := range c.Values {
			if strings.ContainsAny(v, "*?") || (key == "aws:sourceip" && widestRange(v)) {
				fixed = false
				break
			}
		}
		if fixed {
			return true
		}
	}
	return false
}

// confiningKey reports the condition keys AWS accepts as making a statement
// non-public when fixed.
func confiningKey(key string) bool {
	switch key {
	case "aws:sourceip", "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceaccount",
		"aws:sourceowner", "aws:principalorgid", "aws:principalaccount", "aws:principalarn",
		"aws:userid", "s3:dataaccesspointarn", "s3:dataaccesspointaccount":
		return true
	}
	return false
}

// widestRange reports whether an IP condition value covers a whole address
// family (0.0.0.0/0, ::/0) or cannot be read.
func widestRange(v string) bool {
	p, err := netip.ParsePrefix(v)
	if err != nil {
		a, aerr := netip.ParseAddr(v)
		return aerr != nil || !a.IsValid()
	}
	return p.Bits() == 0
}

// IsPublicBucketPolicy parses doc as a bucket policy of bucket and reports
// whether it is public (see Policy.IsPublic). Errors wrap ErrMalformedPolicy.
func IsPublicBucketPolicy(doc []byte, bucket string) (bool, error) {
	p, err := ParseBucketPolicy(doc, bucket)
	if err != nil {
		return false, err
	}
	return p.IsPublic(), nil
}
