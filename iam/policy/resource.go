package policy

import "strings"

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
	p, ok := compilePattern(pat, lookup)
	return ok && p.match(arn)
}
