package iam

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// DocStore keeps the IAM documents durably; *erasure.Store implements it
// (replicated to every drive with write quorum, outside any S3 bucket).
type DocStore interface {
	// SystemDocs returns every document whose name starts with prefix.
	SystemDocs(ctx context.Context, prefix string) (map[string][]byte, error)
	// PutSystemDoc stores doc under name.
	PutSystemDoc(ctx context.Context, name string, doc []byte) error
	// DeleteSystemDoc removes name; a missing document is not an error.
	DeleteSystemDoc(ctx context.Context, name string) error
}

// Document names in the DocStore.
const (
	docPrefix        = "iam/"
	docUserPrefix    = "iam/user/"
	docGroupPrefix   = "iam/group/"
	docPolicyPrefix  = "iam/policy/"
	docSvcAcctPrefix = "iam/svcacct/"
	docSessionPrefix = "iam/sts/"
)

// sealer seals secrets at rest with AES-256-GCM under a key derived with
// HKDF-SHA256 from the root secret key. The document name is the
// additional data, so a sealed secret cannot be moved to another identity.
type sealer struct{ aead cipher.AEAD }

func newSealer(rootSecret string) (*sealer, error) {
	key, err := hkdf.Key(sha256.New, []byte(rootSecret), []byte("silo-iam"), "silo iam secret sealing v1", 32)
	if err != nil {
		return nil, fmt.Errorf("iam: derive sealing key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("iam: sealing cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("iam: sealing cipher: %w", err)
	}
	return &sealer{aead: aead}, nil
}

// errUnseal is returned when a sealed secret cannot be opened (the root
// secret key changed, or the document was tampered with).
var errUnseal = errors.New("iam: cannot unseal secret (root credentials changed?)")

func (s *sealer) seal(name, secret string) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := s.aead.Seal(nonce, nonce, []byte(secret), []byte(name))
	return base64.RawStdEncoding.EncodeToString(out)
}

func (s *sealer) open(name, sealed string) (string, error) {
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", errUnseal
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(name))
	if err != nil {
		return "", errUnseal
	}
	return string(plain), nil
}

// persist writes v as the JSON document name.
func (s *System) persist(ctx context.Context, name string, v any) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("iam: encode %s: %w", name, err)
	}
	if err := s.store.PutSystemDoc(ctx, name, doc); err != nil {
		return fmt.Errorf("iam: store %s: %w", name, err)
	}
	return nil
}

// remove deletes the document name.
func (s *System) remove(ctx context.Context, name string) error {
	if err := s.store.DeleteSystemDoc(ctx, name); err != nil {
		return fmt.Errorf("iam: delete %s: %w", name, err)
	}
	return nil
}
