package policy

import (
	"slices"
	"strings"
)

// s3ARNPrefix starts every S3 resource ARN.
const s3ARNPrefix = "arn:aws:s3:::"

// validateResource checks one Resource/NotResource element. bucket is ""
// for identity policies; for a bucket policy it is the policy's bucket and
// the resource must lie within it.
func validateResource(r, bucket string) error {
	if r == "*" {
		if bucket != "" {
			return malformed("Policy has invalid resource: %q is not within bucket %q", r, bucket)
		}
		return nil
	}
	rest, ok := strings.CutPrefix(r, s3ARNPrefix)
	if !ok || rest == "" {
		return malformed("Policy has invalid resource: %q", r)
	}
	if bucket != "" {
		bucketPart, _, _ := strings.Cut(rest, "/")
		if !wildcardMatch(bucketPart, bucket) {
			return malformed("Policy has invalid resource: %q is not within bucket %q", r, bucket)
		}
	}
	return nil
}

// resourceARN is the ARN a request is matched against: the bucket for
// bucket actions, bucket/key for object actions with a key, and the empty
// bucket "arn:aws:s3:::" for account and service actions (matched by
// "arn:aws:s3:::*" and "*").
func resourceARN(kind ResourceKind, bucket, object string) string {
	switch kind {
	case KindAccount, KindService:
		return s3ARNPrefix
	case KindObject:
		if object != "" {
			return s3ARNPrefix + bucket + "/" + object
		}
	}
	return s3ARNPrefix + bucket
}

// resourceMatches reports whether the Resource element pat matches arn.
// lookup resolves policy variables (nil when the policy's version has none);
// a pattern whose variable cannot be resolved matches nothing.
func resourceMatches(pat, arn string, lookup lookupFunc) bool {
	if pat == "*" {
		return true
	}
	if lookup == nil || !strings.Contains(pat, "${") {
		return matchWildcard(pat, arn)
	}
	p, ok := compilePattern(pat, lookup)
	return ok && p.match(arn)
}

// validateBucketActions applies the bucket-policy rules to a statement's
// actions: only s3: actions (or "*"), and every named action must apply to
// at least one of the statement's resources ("Action does not apply to any
// resource(s) in statement", as S3 answers for s3:ListBucket on
// "arn:aws:s3:::b/*"). Wildcard actions, NotAction and NotResource are not
// checked.
func validateBucketActions(st Statement, bucket string) error {
	for _, a := range slices.Concat(st.Actions, st.NotActions) {
		if a != "*" && !strings.HasPrefix(strings.ToLower(a), serviceS3+":") {
			return malformed("Policy has invalid action: %q is not an S3 action", a)
		}
	}
	if st.Resources == nil {
		return nil
	}
	for _, a := range st.Actions {
		kind, ok := ActionKind(a)
		if !ok {
			continue // "*" and wildcards
		}
		applies := false
		for _, r := range st.Resources {
			if resourceCanMatch(r, kind, bucket) {
				applies = true
				break
			}
		}
		if !applies {
			return malformed("Action does not apply to any resource(s) in statement: %q", a)
		}
	}
	return nil
}

// resourceCanMatch reports whether the Resource element r can match some
// resource of kind in bucket. Policy variables count as wildcards, so the
// answer may be yes for a pattern that matches only some users' requests.
func resourceCanMatch(r string, kind ResourceKind, bucket string) bool {
	pat := variablesAsWildcards(r)
	switch kind {
	case KindObject:
		// bucket/key, or a bucket part whose wildcard can cover "/key".
		rest, _ := strings.CutPrefix(pat, s3ARNPrefix)
		return strings.ContainsAny(rest, "/*")
	case KindBucket:
		return wildcardMatch(pat, s3ARNPrefix+bucket)
	}
	return false
}

// variablesAsWildcards replaces every "${...}" in s by "*".
func variablesAsWildcards(s string) string {
	var b strings.Builder
	for {
		start := strings.Index(s, "${")
		if start < 0 {
			break
		}
		end := strings.IndexByte(s[start:], '}')
		if end < 0 {
			break
		}
		b.WriteString(s[:start])
		b.WriteByte('*')
		s = s[start+end+1:]
	}
	b.WriteString(s)
	return b.String()
}
