package crypt

import (
	"context"

	"github.com/silo-project/silo/kms"
)

// The key service's types, as KMS uses them.
type (
	kmsContext = kms.Context
	kmsDEK     = kms.DEK
)

// KMS is what crypt needs from the key service: data keys for SSE-S3 and
// SSE-KMS, and their decryption. kms.KMS implements it.
type KMS interface {
	// GenerateKey returns a new data key under the master key name ("" is
	// the default key), bound to c. Errors: kms.ErrKeyNotFound, kms.ErrUnavailable.
	GenerateKey(ctx context.Context, name string, c kmsContext) (kmsDEK, error)
	// Decrypt returns the plaintext of a sealed data key; c must equal the
	// context given to GenerateKey. Errors: kms.ErrDecrypt, kms.ErrKeyNotFound,
	// kms.ErrUnavailable.
	Decrypt(ctx context.Context, name string, ciphertext []byte, c kmsContext) ([]byte, error)
	// DefaultKey names the key used when a request names none.
	DefaultKey() string
}
