// Package admin serves the administrative API under /minio/admin/v3/ that
// MinIO's `mc admin` client speaks: server information, users, groups,
// policies, service accounts, access keys and service restart/stop.
//
// Every call is authenticated with AWS Signature V4 (the same verifier as
// the S3 API, over the IAM credentials) and authorized by policy with the
// admin:* actions; users may manage their own service accounts. Bodies that
// carry secrets are encrypted with the caller's secret key in the format
// of package admin/payload. Errors are JSON objects with Code and Message,
// the shape mc prints. The wire protocol was established by observing the
// real client; no MinIO code is used.
package admin
