package kms

import (
	"context"
	"encoding/json"
	"errors"
	"path"
	"time"
)

// Errors of the contract. Implementations wrap them with %w; callers test
// with errors.Is.
var (
	// ErrKeyNotFound reports a master key name that does not exist.
	ErrKeyNotFound = errors.New("kms: key not found")
	// ErrKeyExists reports CreateKey of a name that already exists.
	ErrKeyExists = errors.New("kms: key already exists")
	// ErrDecrypt reports a sealed data key that does not unseal: tampered,
	// truncated, sealed under another master key or given another context.
	ErrDecrypt = errors.New("kms: decryption failed")
	// ErrUnavailable reports a key service that cannot be reached or fails;
	// the S3 layer answers 503 for it.
	ErrUnavailable = errors.New("kms: key service unavailable")
	// ErrNotSupported reports an operation the implementation does not
	// offer, such as CreateKey on the static key.
	ErrNotSupported = errors.New("kms: operation not supported")
	// ErrInvalidKeyName reports CreateKey of a name outside the allowed
	// alphabet (see ValidKeyName).
	ErrInvalidKeyName = errors.New("kms: invalid key name")
)

// Context is an encryption context bound to a data key: the same context
// must be given again to decrypt it. A nil and an empty Context are equal.
type Context map[string]string

// MarshalText encodes c canonically: a JSON object with its keys sorted,
// or nothing at all for an empty context. The encoding is the associated
// data of the seal, and it is what a KES server receives as "context".
func (c Context) MarshalText() ([]byte, error) {
	if len(c) == 0 {
		return nil, nil
	}
	return json.Marshal(map[string]string(c)) // encoding/json sorts map keys
}

// DEK is a data key: Plaintext (32 bytes) to use and forget, never stored,
// and Ciphertext, the sealed form to store next to the data. KeyID names the
// master key that sealed it (the default key's name when "" was asked for).
type DEK struct {
	KeyID      string
	Plaintext  []byte
	Ciphertext []byte
}

// Status describes a key service.
type Status struct {
	// Name is the kind of implementation: "static", "builtin" or "kes".
	Name string
	// Endpoints are the service addresses (empty for in-process services).
	Endpoints []string
	// Online reports that the service answered.
	Online bool
	// Offline lists the endpoints that did not answer (a subset of
	// Endpoints; the service is still Online when another one did).
	Offline []string
	// DefaultKey is the master key used when no key name is given.
	DefaultKey string
}

// KMS is a key service of named master keys. All methods are safe for
// concurrent use. Any method may return an error wrapping ErrUnavailable
// when the service cannot be reached, and ctx's error when it ends first.
type KMS interface {
	// CreateKey creates a new master key called name. It returns
	// ErrKeyExists when the name exists, ErrInvalidKeyName for a name
	// ValidKeyName rejects, and ErrNotSupported when keys are fixed.
	CreateKey(ctx context.Context, name string) error
	// DeleteKey deletes the master key called name; data keys it sealed
	// can no longer be decrypted. It returns ErrKeyNotFound when the name
	// does not exist and ErrNotSupported when keys are fixed.
	DeleteKey(ctx context.Context, name string) error
	// ListKeys returns the names of the master keys matching pattern, a
	// glob as in path.Match ("" and "*" match all), sorted.
	ListKeys(ctx context.Context, pattern string) ([]string, error)
	// GenerateKey returns a fresh 32-byte data key sealed under the master
	// key called name ("" is the default key) and bound to c. It returns
	// ErrKeyNotFound when the master key does not exist.
	GenerateKey(ctx context.Context, name string, c Context) (DEK, error)
	// Decrypt unseals a Ciphertext of GenerateKey with the master key
	// called name ("" is the default key) and the same context. It returns
	// ErrKeyNotFound when the master key does not exist and ErrDecrypt when
	// the ciphertext does not unseal under that key and context.
	Decrypt(ctx context.Context, name string, ciphertext []byte, c Context) ([]byte, error)
	// Status reports the state of the service. An unreachable service is
	// reported as an error wrapping ErrUnavailable.
	Status(ctx context.Context) (Status, error)
	// DefaultKey returns the name of the default master key.
	DefaultKey() string
}

// KeyInfo describes a master key.
type KeyInfo struct {
	Name string
	// CreatedAt is when the key was created (zero when unknown).
	CreatedAt time.Time
}

// KeyDescriber is an optional capability of a KMS: metadata of a key.
type KeyDescriber interface {
	// DescribeKey returns the key's metadata; ErrKeyNotFound.
	DescribeKey(ctx context.Context, name string) (KeyInfo, error)
}

// MaxKeyNameLen is the longest master key name accepted.
const MaxKeyNameLen = 128

// ValidKeyName reports whether name may name a master key: 1 to
// MaxKeyNameLen characters from A-Z a-z 0-9 - _ . and not "." or "..".
// Names are used in URL paths and file names, so the alphabet is closed.
func ValidKeyName(name string) bool {
	if name == "" || len(name) > MaxKeyNameLen || name == "." || name == ".." {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// MatchPattern reports whether name matches a ListKeys pattern: "" and "*"
// match everything, other patterns are path.Match globs. A malformed
// pattern matches nothing.
func MatchPattern(pattern, name string) bool {
	if pattern == "" || pattern == "*" {
		return true
	}
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}
