// Package e2e proves Silo end to end: its tests build (or take, via SILO_BIN)
// the real silo binary, start it on loopback with fresh drives over plain
// HTTP and over TLS with a private CA generated per run, and drive it with
// the real clients operators use: aws-sdk-go-v2, minio-go, the AWS CLI,
// s3cmd, rclone, MinIO's mc and boto3, plus hand-made bad requests over raw
// TCP.
//
// Every scenario checks downloaded bytes by SHA-256 and failures by their
// exact S3 error code. External clients are installed by
// scripts/install-test-deps.sh (make test-deps). When one is missing the test
// fails under CI (CI set) and is skipped with a reason elsewhere.
//
// Environment:
//
//	SILO_BIN      use this silo binary instead of building ./cmd/silo
//	SILO_E2E_LOG  keep the servers' logs in this directory
//	CI            missing client tools fail instead of skip
//
// The package has no non-test code besides this file.
package e2e
