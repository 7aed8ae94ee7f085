package crypt

import "github.com/silo-project/silo/kms"

// The key service's types, as crypt's KMS interface uses them.
type (
	kmsContext = kms.Context
	kmsDEK     = kms.DEK
)
