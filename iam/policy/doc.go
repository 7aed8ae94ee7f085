// Package policy implements the AWS access policy language used by Silo's
// IAM: it parses and validates identity and bucket policy documents, and
// evaluates them against a request (explicit Deny beats Allow, and anything
// not allowed is denied).
//
// The package is pure: it performs no I/O and imports only the standard
// library. Callers describe a request with Args (action, bucket, object key,
// condition keys such as aws:SourceIp or s3:prefix) and ask Evaluate, or a
// single Policy's IsAllowed or Decision, for the answer.
//
// Supported language features:
//   - Version "2012-10-17" (policy variables are expanded) and "2008-10-17"
//     (or no Version, where "${...}" is literal text, as in AWS);
//   - Statement as a list or a single object; Sid, Effect, Principal,
//     NotPrincipal, Action, NotAction, Resource, NotResource, Condition;
//   - s3:, admin: (MinIO's admin API), kms: and sts: actions, with * and ?
//     wildcards; unknown non-wildcard actions are refused at parse time;
//   - resources "*" and "arn:aws:s3:::bucket[/key]" with * and ? wildcards
//     (both may cross '/');
//   - every AWS condition operator for strings, numbers, dates, booleans,
//     binary, IP addresses and ARNs, their ...IfExists forms, Null, and the
//     ForAnyValue: / ForAllValues: set qualifiers;
//   - policy variables ${aws:username}, ${aws:userid}, any condition key
//     present in the request (${jwt:sub}, ${ldap:username}, ...), defaults
//     written ${key, 'default'}, and the escapes ${*}, ${?} and ${$};
//   - bucket policies (ParseBucketPolicy): Principal / NotPrincipal (the
//     latter only with Deny), resources within the bucket, s3: actions that
//     apply to the statement's resources, at most MaxBucketPolicySize bytes;
//   - MinIO's built-in policies (readonly, readwrite, writeonly, diagnostics,
//     consoleAdmin) through BuiltIn.
//
// A Policy marshals to canonical JSON (sorted, de-duplicated sets; lists
// always written as arrays) so stored documents compare byte for byte.
package policy
