package kms

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/sys/cpu"
)

// SecretSize is the size of a master key and of a data key in bytes.
const SecretSize = 32

// Sealed format, version 1:
//
//	version(1) | algorithm(1) | iv(32) | nonce(12) | AEAD(plaintext) with tag(16)
//
// The AEAD key is HMAC-SHA-256(secret, iv), a fresh key for every seal, so
// random nonces never repeat under one AEAD key. The associated data is the
// two header bytes followed by the caller's associated data, so neither the
// format nor the binding can be changed without ErrDecrypt.
const (
	sealVersion   = 1
	algAESGCM     = 1
	algChaCha20   = 2
	sealIVSize    = 32
	sealNonceSize = 12
	sealTagSize   = 16
	sealHeader    = 2 + sealIVSize + sealNonceSize
	// SealOverhead is how many bytes Seal adds to its plaintext.
	SealOverhead = sealHeader + sealTagSize
)

// Secret is a 256-bit master key that seals and unseals small secrets (data
// keys, other master keys) with AES-256-GCM or ChaCha20-Poly1305. The zero
// Secret is an all-zero key: obtain one from NewSecret or GenerateSecret.
type Secret struct {
	key [SecretSize]byte
}

// NewSecret returns the Secret of the 32 bytes b.
func NewSecret(b []byte) (Secret, error) {
	var s Secret
	if len(b) != SecretSize {
		return s, fmt.Errorf("kms: a secret key is %d bytes, not %d", SecretSize, len(b))
	}
	copy(s.key[:], b)
	return s, nil
}

// GenerateSecret returns a random Secret read from r (crypto/rand when nil).
func GenerateSecret(r io.Reader) (Secret, error) {
	if r == nil {
		r = rand.Reader
	}
	var s Secret
	if _, err := io.ReadFull(r, s.key[:]); err != nil {
		return s, fmt.Errorf("kms: generate secret: %w", err)
	}
	return s, nil
}

// Bytes returns a copy of the key material.
func (s Secret) Bytes() []byte {
	b := make([]byte, SecretSize)
	copy(b, s.key[:])
	return b
}

// preferredAlgorithm picks AES-256-GCM where the CPU accelerates AES and
// ChaCha20-Poly1305 elsewhere; Unseal accepts both.
func preferredAlgorithm() byte {
	if cpu.X86.HasAES && cpu.X86.HasPCLMULQDQ || cpu.ARM64.HasAES && cpu.ARM64.HasPMULL || cpu.S390X.HasAESGCM {
		return algAESGCM
	}
	return algChaCha20
}

func (s Secret) aead(alg byte, iv []byte) (cipher.AEAD, error) {
	mac := hmac.New(sha256.New, s.key[:])
	mac.Write(iv)
	key := mac.Sum(nil)
	switch alg {
	case algAESGCM:
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(block)
	case algChaCha20:
		return chacha20poly1305.New(key)
	default:
		return nil, errors.New("unknown algorithm")
	}
}

// Seal encrypts and authenticates plaintext bound to associated, which must
// be given again to Unseal. The result is len(plaintext)+SealOverhead bytes.
func (s Secret) Seal(plaintext, associated []byte) ([]byte, error) {
	return s.sealWith(preferredAlgorithm(), plaintext, associated)
}

func (s Secret) sealWith(alg byte, plaintext, associated []byte) ([]byte, error) {
	out := make([]byte, sealHeader, sealHeader+len(plaintext)+sealTagSize)
	out[0], out[1] = sealVersion, alg
	if _, err := io.ReadFull(rand.Reader, out[2:sealHeader]); err != nil {
		return nil, fmt.Errorf("kms: seal: %w", err)
	}
	iv, nonce := out[2:2+sealIVSize], out[2+sealIVSize:sealHeader]
	aead, err := s.aead(alg, iv)
	if err != nil {
		return nil, fmt.Errorf("kms: seal: %w", err)
	}
	return aead.Seal(out, nonce, plaintext, sealAD(out[:2], associated)), nil
}

// Unseal reverses Seal. Any ciphertext that is malformed, tampered with,
// sealed under another Secret or bound to other associated data gives an
// error wrapping ErrDecrypt.
func (s Secret) Unseal(ciphertext, associated []byte) ([]byte, error) {
	if len(ciphertext) < SealOverhead || ciphertext[0] != sealVersion {
		return nil, fmt.Errorf("%w: malformed ciphertext", ErrDecrypt)
	}
	alg := ciphertext[1]
	aead, err := s.aead(alg, ciphertext[2:2+sealIVSize])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	nonce := ciphertext[2+sealIVSize : sealHeader]
	plain, err := aead.Open(nil, nonce, ciphertext[sealHeader:], sealAD(ciphertext[:2], associated))
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

func sealAD(header, associated []byte) []byte {
	ad := make([]byte, 0, len(header)+len(associated))
	return append(append(ad, header...), associated...)
}

// BindKey returns the associated data that binds a data key to the master
// key name and an encoded context (Context.MarshalText, or the raw context
// bytes a KES client sent): name, a zero byte, then the context.
// Implementations seal data keys with it so that a ciphertext never
// unseals under another name or context.
func BindKey(name string, context []byte) []byte {
	ad := make([]byte, 0, len(name)+1+len(context))
	ad = append(append(ad, name...), 0)
	return append(ad, context...)
}
