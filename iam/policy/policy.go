package policy

import "slices"

// Policy versions.
const (
	// Version20121017 is the current policy language version; it supports
	// policy variables.
	Version20121017 = "2012-10-17"
	// Version20081017 is the original version; "${...}" is literal text.
	Version20081017 = "2008-10-17"
)

// Effect is a statement's Effect: Allow or Deny.
type Effect string

// The two effects.
const (
	EffectAllow Effect = "Allow"
	EffectDeny  Effect = "Deny"
)

// Policy is a parsed, validated policy document. Build one with Parse,
// ParseBucketPolicy, json.Unmarshal, BuiltIn or Merge; a Policy is
// immutable afterwards and safe for concurrent use.
type Policy struct {
	// Version is "2012-10-17", "2008-10-17" or "" (absent, which AWS
	// treats as 2008-10-17).
	Version string
	// ID is the optional Id element.
	ID string
	// Statements are evaluated together; their order never matters.
	Statements []Statement

	// index, when set, lets evaluation skip statements confined to other
	// buckets (built by Parse, ParseBucketPolicy and Merge).
	index *stmtIndex
	// existingTags caches UsesExistingObjectTags (tagsUnknown: scan).
	existingTags uint8
}

// Statement is one element of a policy's Statement list. Exactly one of
// Actions/NotActions and at most one of Resources/NotResources and of
// Principal/NotPrincipal are set. Sets are sorted and de-duplicated.
type Statement struct {
	SID    string
	Effect Effect
	// Principal and NotPrincipal map a principal type ("AWS") to values
	// ("*", "arn:aws:iam::123456789012:user/alice", an access key).
	// "Principal": "*" is stored as {"AWS": ["*"]}. nil means absent.
	Principal    map[string][]string
	NotPrincipal map[string][]string
	Actions      []string
	NotActions   []string
	Resources    []string
	NotResources []string
	Conditions   []Condition

	// literal is true when the policy's version has no policy variables.
	literal bool
}

// Equal reports whether p and q hold the same document.
func (p *Policy) Equal(q *Policy) bool {
	if p == nil || q == nil {
		return p == q
	}
	return p.Version == q.Version && p.ID == q.ID &&
		slices.EqualFunc(p.Statements, q.Statements, func(a, b Statement) bool { return a.equal(b) })
}

func (s *Statement) equal(t Statement) bool {
	return s.SID == t.SID && s.Effect == t.Effect && s.literal == t.literal &&
		principalsEqual(s.Principal, t.Principal) &&
		principalsEqual(s.NotPrincipal, t.NotPrincipal) &&
		slices.Equal(s.Actions, t.Actions) && slices.Equal(s.NotActions, t.NotActions) &&
		slices.Equal(s.Resources, t.Resources) && slices.Equal(s.NotResources, t.NotResources) &&
		slices.EqualFunc(s.Conditions, t.Conditions, func(a, b Condition) bool {
			return a.Operator == b.Operator && a.Key == b.Key && slices.Equal(a.Values, b.Values)
		})
}

func principalsEqual(a, b map[string][]string) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !slices.Equal(v, w) {
			return false
		}
	}
	return true
}
