// Package s3err is the one table of S3 error codes (HTTP status and default
// message per code) and the one translation from Go errors (storage, iam,
// sigv4, checksum sentinels) to those codes. Nothing else in Silo decides
// which S3 error a Go error becomes.
package s3err
