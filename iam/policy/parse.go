package policy

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// MaxBucketPolicySize is the largest bucket policy document S3 accepts
// (20 KiB); ParseBucketPolicy refuses larger ones.
const MaxBucketPolicySize = 20 * 1024

// parseMode says which kind of policy is being parsed.
type parseMode int

const (
	// modeIdentity: a user/group policy; Principal is refused.
	modeIdentity parseMode = iota
	// modeBucket: a bucket policy; Principal is required and resources
	// must lie within the bucket.
	modeBucket
	// modeAny: either kind (json.Unmarshal of a stored policy).
	modeAny
)

// Parse parses and validates an identity policy (one attached to a user,
// group or session). Principal and NotPrincipal are refused; a statement
// naming any s3: action must have Resource or NotResource. Every error
// wraps ErrMalformedPolicy and is a *MalformedError.
func Parse(doc []byte) (*Policy, error) {
	return parse(doc, modeIdentity, "")
}

// ParseBucketPolicy parses and validates the bucket policy of bucket: every
// statement needs Principal or NotPrincipal and Resource or NotResource;
// every resource must lie within the bucket ("Policy has invalid resource"
// otherwise); only s3: actions are allowed, and each named action must
// apply to one of the statement's resources (s3:ListBucket needs the bucket
// ARN, s3:GetObject an object ARN: "Action does not apply to any
// resource(s) in statement"). Errors are as for Parse.
func ParseBucketPolicy(doc []byte, bucket string) (*Policy, error) {
	if bucket == "" {
		return nil, malformed("bucket policy needs a bucket name")
	}
	if len(doc) > MaxBucketPolicySize {
		return nil, malformed("Policy exceeds the maximum allowed document size.")
	}
	return parse(doc, modeBucket, bucket)
}

// UnmarshalJSON parses and validates a policy of either kind (Principal
// optional), for reading back stored documents.
func (p *Policy) UnmarshalJSON(doc []byte) error {
	q, err := parse(doc, modeAny, "")
	if err != nil {
		return err
	}
	*p = *q
	return nil
}

// decodeObject decodes a JSON object into its raw members, refusing any
// member not in allowed (names are case-sensitive, as in AWS).
func decodeObject(raw []byte, what string, allowed ...string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, malformed("%s must be a JSON object", what)
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(allowed, k) {
			return nil, malformed("unknown field %q in %s", k, what)
		}
	}
	return m, nil
}

func parse(doc []byte, mode parseMode, bucket string) (*Policy, error) {
	if !json.Valid(doc) {
		return nil, malformed("policy is not valid JSON")
	}
	top, err := decodeObject(doc, "policy", "Version", "Id", "Statement")
	if err != nil {
		return nil, err
	}
	p := &Policy{}
	if raw, ok := top["Version"]; ok {
		if err := json.Unmarshal(raw, &p.Version); err != nil {
			return nil, malformed("Version must be a string")
		}
		if p.Version != Version20121017 && p.Version != Version20081017 {
			return nil, malformed("invalid policy Version %q", p.Version)
		}
	}
	if raw, ok := top["Id"]; ok {
		if err := json.Unmarshal(raw, &p.ID); err != nil {
			return nil, malformed("Id must be a string")
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, malformed("missing required field Statement")
	}
	var raws []json.RawMessage
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &raws); err != nil {
			return nil, malformed("Statement must be an object or a list of objects")
		}
	} else {
		raws = []json.RawMessage{raw}
	}
	if len(raws) == 0 {
		return nil, malformed("Statement is empty")
	}
	sids := make(map[string]bool, len(raws))
	for i, r := range raws {
		st, err := parseStatement(r, mode, bucket)
		if err != nil {
			return nil, malformed("Statement %d: %s", i, reasonOf(err))
		}
		if st.SID != "" {
			if sids[st.SID] {
				return nil, malformed("Statement IDs (SID) must be unique: %q", st.SID)
			}
			sids[st.SID] = true
		}
		st.literal = p.Version != Version20121017
		p.Statements = append(p.Statements, st)
	}
	summarize(p)
	return p, nil
}

func parseStatement(raw json.RawMessage, mode parseMode, bucket string) (Statement, error) {
	var st Statement
	m, err := decodeObject(raw, "statement", "Sid", "Effect", "Principal", "NotPrincipal",
		"Action", "NotAction", "Resource", "NotResource", "Condition")
	if err != nil {
		return st, err
	}
	if r, ok := m["Sid"]; ok {
		if err := json.Unmarshal(r, &st.SID); err != nil {
			return st, malformed("Sid must be a string")
		}
	}
	var effect string
	if r, ok := m["Effect"]; !ok {
		return st, malformed("missing required field Effect")
	} else if err := json.Unmarshal(r, &effect); err != nil || (effect != string(EffectAllow) && effect != string(EffectDeny)) {
		return st, malformed("invalid effect: Effect must be \"Allow\" or \"Deny\"")
	}
	st.Effect = Effect(effect)

	if st.Principal, st.NotPrincipal, err = parsePrincipals(m, mode); err != nil {
		return st, err
	}
	if st.NotPrincipal != nil && st.Effect != EffectDeny {
		return st, malformed("NotPrincipal must be used with \"Effect\": \"Deny\"")
	}
	if st.Actions, st.NotActions, err = parsePair(m, "Action", "NotAction"); err != nil {
		return st, err
	}
	if st.Actions == nil && st.NotActions == nil {
		return st, malformed("missing required field Action")
	}
	for _, a := range slices.Concat(st.Actions, st.NotActions) {
		if err := validateAction(a); err != nil {
			return st, err
		}
	}
	if st.Resources, st.NotResources, err = parsePair(m, "Resource", "NotResource"); err != nil {
		return st, err
	}
	if st.Resources == nil && st.NotResources == nil && (mode == modeBucket || namesS3Action(st)) {
		return st, malformed("missing required field Resource")
	}
	for _, r := range slices.Concat(st.Resources, st.NotResources) {
		if err := validateResource(r, bucket); err != nil {
			return st, err
		}
	}
	if mode == modeBucket {
		if err := validateBucketActions(st, bucket); err != nil {
			return st, err
		}
	}
	if r, ok := m["Condition"]; ok {
		if st.Conditions, err = parseConditions(r); err != nil {
			return st, err
		}
	}
	return st, nil
}

// namesS3Action reports whether the statement may concern S3 resources:
// some Action is "*" or s3:..., or NotAction is used.
func namesS3Action(st Statement) bool {
	if st.NotActions != nil {
		return true
	}
	for _, a := range st.Actions {
		if a == "*" || strings.HasPrefix(strings.ToLower(a), serviceS3+":") {
			return true
		}
	}
	return false
}

// parsePair parses two mutually exclusive string-or-list members.
func parsePair(m map[string]json.RawMessage, name, notName string) (pos, neg []string, err error) {
	r1, ok1 := m[name]
	r2, ok2 := m[notName]
	if ok1 && ok2 {
		return nil, nil, malformed("%s and %s cannot both be present", name, notName)
	}
	if ok1 {
		pos, err = parseStringSet(r1, name)
	}
	if ok2 {
		neg, err = parseStringSet(r2, notName)
	}
	return pos, neg, err
}

// parseStringSet accepts a non-empty string or a non-empty list of
// non-empty strings, returned sorted and de-duplicated.
func parseStringSet(raw json.RawMessage, name string) ([]string, error) {
	var list []string
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		list = []string{one}
	} else if err := json.Unmarshal(raw, &list); err != nil {
		return nil, malformed("%s must be a string or a list of strings", name)
	}
	if len(list) == 0 {
		return nil, malformed("%s must not be empty", name)
	}
	for _, s := range list {
		if s == "" {
			return nil, malformed("%s must not contain an empty string", name)
		}
	}
	slices.Sort(list)
	return slices.Compact(list), nil
}

// parsePrincipals parses Principal / NotPrincipal according to mode.
func parsePrincipals(m map[string]json.RawMessage, mode parseMode) (pr, notPr map[string][]string, err error) {
	r1, ok1 := m["Principal"]
	r2, ok2 := m["NotPrincipal"]
	switch {
	case ok1 && ok2:
		return nil, nil, malformed("Principal and NotPrincipal cannot both be present")
	case (ok1 || ok2) && mode == modeIdentity:
		return nil, nil, malformed("identity policies must not have a Principal")
	case !ok1 && !ok2 && mode == modeBucket:
		return nil, nil, malformed("missing required field Principal")
	}
	if ok1 {
		pr, err = parsePrincipal(r1)
	}
	if ok2 {
		notPr, err = parsePrincipal(r2)
	}
	return pr, notPr, err
}

// parsePrincipal accepts "*" or an object mapping principal types ("AWS",
// "CanonicalUser", "Federated", "Service") to a string or list of strings.
func parsePrincipal(raw json.RawMessage) (map[string][]string, error) {
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		if star != "*" {
			return nil, malformed("Invalid principal in policy: %q", star)
		}
		return map[string][]string{"AWS": {"*"}}, nil
	}
	m, err := decodeObject(raw, "Principal", "AWS", "CanonicalUser", "Federated", "Service")
	if err != nil {
		return nil, malformed("Invalid principal in policy: %s", reasonOf(err))
	}
	if len(m) == 0 {
		return nil, malformed("Invalid principal in policy: empty Principal")
	}
	out := make(map[string][]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		vals, err := parseStringSet(m[k], "Principal "+k)
		if err != nil {
			return nil, malformed("Invalid principal in policy: %s", reasonOf(err))
		}
		out[k] = vals
	}
	return out, nil
}
