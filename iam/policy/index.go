package policy

import "strings"

// stmtIndex narrows the statements to evaluate by the request's bucket: a
// statement whose every Resource names a literal bucket (no wildcard or
// variable in the bucket part) can only apply to requests on those buckets.
// Everything else (wildcard buckets, "*", NotResource, no Resource) is in
// always. Statement order never matters to the outcome, so evaluating the
// subsets gives the same decision as evaluating everything.
type stmtIndex struct {
	always   []int
	byBucket map[string][]int
}

// buildIndex returns the index of p's statements (nil for small policies,
// where scanning is as cheap).
func buildIndex(p *Policy) *stmtIndex {
	if len(p.Statements) < 4 {
		return nil
	}
	ix := &stmtIndex{byBucket: map[string][]int{}}
	for i := range p.Statements {
		buckets, ok := literalBuckets(&p.Statements[i])
		if !ok {
			ix.always = append(ix.always, i)
			continue
		}
		for _, b := range buckets {
			if l := ix.byBucket[b]; len(l) == 0 || l[len(l)-1] != i {
				ix.byBucket[b] = append(l, i)
			}
		}
	}
	return ix
}

// literalBuckets returns the buckets a statement's Resources are confined
// to, or false when some Resource may match other buckets.
func literalBuckets(st *Statement) ([]string, bool) {
	if st.Resources == nil || st.NotResources != nil {
		return nil, false
	}
	out := make([]string, 0, len(st.Resources))
	for _, r := range st.Resources {
		rest, ok := strings.CutPrefix(r, s3ARNPrefix)
		if !ok {
			return nil, false
		}
		b, _, _ := strings.Cut(rest, "/")
		if b == "" || strings.ContainsAny(b, "*?$") {
			return nil, false
		}
		out = append(out, b)
	}
	return out, true
}

// indexUsable reports whether statements can be skipped by bucket for ec:
// resources are always checked unless the request is a service action
// (admin:, kms:, sts:), for which statements naming only such actions
// ignore Resource.
// A bucket with '/' (never a valid S3 name) could match a pattern whose
// bucket part is shorter, so it disables the index too.
func (ec *evalContext) indexUsable() bool {
	return ec.kind != KindService && !strings.Contains(ec.args.Bucket, "/")
}

// existingObjectTagPrefix starts the condition keys on a stored object's tags.
const existingObjectTagPrefix = "s3:existingobjecttag/"

// Summary of a policy's condition keys, computed once by Parse and Merge.
const (
	tagsUnknown uint8 = iota // not computed: scan
	tagsUnused
	tagsUsed
)

// UsesExistingObjectTags reports whether some condition of p is on
// s3:ExistingObjectTag/<key>, i.e. whether deciding a request may need the
// stored object's tags.
func (p *Policy) UsesExistingObjectTags() bool {
	if p == nil {
		return false
	}
	switch p.existingTags {
	case tagsUsed:
		return true
	case tagsUnused:
		return false
	}
	return scanExistingObjectTags(p)
}

func scanExistingObjectTags(p *Policy) bool {
	for i := range p.Statements {
		for _, c := range p.Statements[i].Conditions {
			if len(c.Key) > len(existingObjectTagPrefix) && strings.EqualFold(c.Key[:len(existingObjectTagPrefix)], existingObjectTagPrefix) {
				return true
			}
		}
	}
	return false
}

// summarize fills the precomputed facts about p's statements.
func summarize(p *Policy) {
	p.index = buildIndex(p)
	p.existingTags = tagsUnused
	if scanExistingObjectTags(p) {
		p.existingTags = tagsUsed
	}
}
