// Package sigv4 authenticates S3 requests: AWS Signature Version 4 in the
// Authorization header or in presigned query parameters, the legacy
// Signature Version 2 in both forms, aws-chunked streaming uploads with
// per-chunk signatures and trailers, and browser POST policies.
//
// It is pure: it never touches storage or routing. The S3 layer calls
// Verifier.Verify once per request, reads the payload through Result.Body and
// translates the sentinel errors of errors.go into S3 error codes in
// api/s3err. Secrets are compared in constant time.
package sigv4
