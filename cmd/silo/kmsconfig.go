package main

import (
	"fmt"

	"github.com/silo-project/silo/kms"
)

// kmsUsage documents the key service variables in `silo server --help`.
const kmsUsage = `
Key service for SSE-S3 and SSE-KMS (at most one of these):
  SILO_KMS_SECRET_KEY / MINIO_KMS_SECRET_KEY   <name>:<base64 of 32 bytes>, one static
                                           key (development only)
`

// parseKMS builds the key service the environment asks for; nil when none
// is configured.
func parseKMS(getenv getenvFunc) (kms.KMS, error) {
	if v := getenv.first("SILO_KMS_SECRET_KEY", "MINIO_KMS_SECRET_KEY"); v != "" {
		k, err := kms.ParseStaticKey(v)
		if err != nil {
			return nil, fmt.Errorf("SILO_KMS_SECRET_KEY: %w", err)
		}
		return k, nil
	}
	return nil, nil
}
