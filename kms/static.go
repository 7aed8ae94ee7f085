package kms

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
)

// StaticKey is a KMS of one fixed master key, for development and tests:
// SILO_KMS_SECRET_KEY=<name>:<base64 of 32 bytes>. Keys cannot be created or
// deleted. It is safe for concurrent use.
type StaticKey struct {
	name   string
	secret Secret
}

var _ KMS = (*StaticKey)(nil)

// NewStaticKey returns the static KMS of the master key called name.
func NewStaticKey(name string, secret Secret) (*StaticKey, error) {
	if !ValidKeyName(name) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidKeyName, name)
	}
	return &StaticKey{name: name, secret: secret}, nil
}

// ParseStaticKey parses "<name>:<base64 of 32 bytes>", the format of
// SILO_KMS_SECRET_KEY and MINIO_KMS_SECRET_KEY, into a StaticKey.
func ParseStaticKey(s string) (*StaticKey, error) {
	name, b64, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return nil, fmt.Errorf("kms: secret key must be <name>:<base64 key>")
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("kms: secret key %q: not base64: %w", name, err)
	}
	secret, err := NewSecret(raw)
	if err != nil {
		return nil, fmt.Errorf("kms: secret key %q: %w", name, err)
	}
	return NewStaticKey(name, secret)
}

func (k *StaticKey) lookup(name string) error {
	if name != "" && name != k.name {
		return fmt.Errorf("%w: %q", ErrKeyNotFound, name)
	}
	return nil
}

// CreateKey returns ErrKeyExists for the static key's own name and
// ErrNotSupported otherwise.
func (k *StaticKey) CreateKey(_ context.Context, name string) error {
	if name == k.name {
		return fmt.Errorf("%w: %q", ErrKeyExists, name)
	}
	return fmt.Errorf("%w: the static key cannot create keys", ErrNotSupported)
}

// DeleteKey returns ErrKeyNotFound for names other than the static key's
// and ErrNotSupported for its own.
func (k *StaticKey) DeleteKey(_ context.Context, name string) error {
	if err := k.lookup(name); err != nil || name == "" {
		return fmt.Errorf("%w: %q", ErrKeyNotFound, name)
	}
	return fmt.Errorf("%w: the static key cannot be deleted", ErrNotSupported)
}

// ListKeys returns the static key's name when it matches pattern.
func (k *StaticKey) ListKeys(_ context.Context, pattern string) ([]string, error) {
	if MatchPattern(pattern, k.name) {
		return []string{k.name}, nil
	}
	return []string{}, nil
}

// GenerateKey returns a data key sealed under the static key; name must be
// "" or the static key's name, else ErrKeyNotFound.
func (k *StaticKey) GenerateKey(ctx context.Context, name string, c Context) (DEK, error) {
	if err := k.lookup(name); err != nil {
		return DEK{}, err
	}
	text, err := c.MarshalText()
	if err != nil {
		return DEK{}, fmt.Errorf("kms: encode context: %w", err)
	}
	return GenerateDEK(k.name, k.secret, text)
}

// Decrypt unseals a data key of GenerateKey; ErrKeyNotFound for another
// name, ErrDecrypt when it does not unseal with c.
func (k *StaticKey) Decrypt(_ context.Context, name string, ciphertext []byte, c Context) ([]byte, error) {
	if err := k.lookup(name); err != nil {
		return nil, err
	}
	text, err := c.MarshalText()
	if err != nil {
		return nil, fmt.Errorf("kms: encode context: %w", err)
	}
	return DecryptDEK(k.name, k.secret, ciphertext, text)
}

// Status reports the static key, always online.
func (k *StaticKey) Status(context.Context) (Status, error) {
	return Status{Name: "static", Online: true, DefaultKey: k.name}, nil
}

// DefaultKey returns the static key's name.
func (k *StaticKey) DefaultKey() string { return k.name }

// GenerateDEK returns a fresh data key sealed under secret, bound to the
// master key name and the encoded context (see BindKey). Key services
// built on Secret share it.
func GenerateDEK(name string, secret Secret, context []byte) (DEK, error) {
	plain, err := GenerateSecret(nil)
	if err != nil {
		return DEK{}, err
	}
	sealed, err := secret.Seal(plain.Bytes(), BindKey(name, context))
	if err != nil {
		return DEK{}, err
	}
	return DEK{KeyID: name, Plaintext: plain.Bytes(), Ciphertext: sealed}, nil
}

// DecryptDEK unseals a Ciphertext of GenerateDEK; ErrDecrypt when it does
// not unseal under secret, name and context.
func DecryptDEK(name string, secret Secret, ciphertext, context []byte) ([]byte, error) {
	plain, err := secret.Unseal(ciphertext, BindKey(name, context))
	if err != nil {
		return nil, err
	}
	if len(plain) != SecretSize {
		return nil, fmt.Errorf("%w: data key of %d bytes", ErrDecrypt, len(plain))
	}
	return plain, nil
}
