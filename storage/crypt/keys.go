package crypt

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Method is a server-side encryption method.
type Method string

// The SSE methods.
const (
	MethodS3  Method = "SSE-S3"
	MethodKMS Method = "SSE-KMS"
	MethodC   Method = "SSE-C"
)

// KeySize is the size of object keys, data keys and customer keys.
const KeySize = 32

// Errors of sealing and unsealing.
var (
	// ErrKeyMismatch: the customer key (SSE-C) does not open the sealed object key.
	ErrKeyMismatch = errors.New("crypt: the key does not match the object's key")
	// ErrMissingKey: an SSE-C object was read without its customer key.
	ErrMissingKey = errors.New("crypt: the object is encrypted with a customer key that was not provided")
	// ErrCorrupt: the sealed metadata or the ciphertext is malformed or not authentic.
	ErrCorrupt = errors.New("crypt: sealed data is malformed or not authentic")
	// ErrNoKMS: SSE-S3 or SSE-KMS was asked for but no key service is configured.
	ErrNoKMS = errors.New("crypt: no key service is configured")
)

// Params is what a request asks for when it writes an encrypted object.
type Params struct {
	Method Method
	// KeyID is the SSE-KMS key as the client named it (a name or an ARN
	// ending in ":key/<name>" or "alias/<name>"); "" is the default key.
	KeyID string
	// Context is the SSE-KMS encryption context given by the client.
	Context map[string]string
	// BucketKey echoes x-amz-server-side-encryption-bucket-key-enabled.
	BucketKey bool
	// CustomerKey is the SSE-C key (KeySize bytes); never stored.
	CustomerKey []byte
}

// ObjectKey is the random key an object's data is encrypted with.
type ObjectKey [KeySize]byte

// KMSKeyName maps a client's key id to the key name the KMS knows: a name
// as is, "arn:aws:kms:<name>" (MinIO's form) and full key or alias ARNs
// ("arn:aws:kms:<region>:<account>:key/<name>", "alias/<name>").
func KMSKeyName(id string) string {
	id = strings.TrimPrefix(id, "arn:aws:kms:")
	if i := strings.LastIndexByte(id, ':'); i >= 0 {
		id = id[i+1:]
	}
	if rest, ok := strings.CutPrefix(id, "key/"); ok {
		return rest
	}
	if rest, ok := strings.CutPrefix(id, "alias/"); ok {
		return rest
	}
	return id
}

// kmsContextFor is the context a data key is bound to: the client's
// context plus the object it protects.
func kmsContextFor(user map[string]string, bucket, object string) kmsContext {
	c := kmsContext{}
	for k, v := range user {
		c[k] = v
	}
	c[bindingContextKey] = bucket + "/" + object
	return c
}

// bindingContextKey is the KMS context entry naming the object; clients may not set it.
const bindingContextKey = "x-silo-object"

// ReservedContextKey reports whether a client may not use k in an SSE-KMS context.
func ReservedContextKey(k string) bool { return k == bindingContextKey }

// NewObjectKey creates a random object key for bucket/object and seals it as
// p asks. For SSE-S3 and SSE-KMS it asks k for a data key (k's errors are
// returned wrapped; ErrNoKMS when k is nil).
func NewObjectKey(ctx context.Context, k KMS, p Params, bucket, object string) (ObjectKey, Sealed, error) {
	var ok ObjectKey
	if _, err := rand.Read(ok[:]); err != nil {
		return ok, Sealed{}, fmt.Errorf("crypt: object key: %w", err)
	}
	s := Sealed{Method: p.Method, BucketKey: p.BucketKey}
	var secret []byte
	switch p.Method {
	case MethodC:
		if len(p.CustomerKey) != KeySize {
			return ok, Sealed{}, fmt.Errorf("crypt: customer key of %d bytes: %w", len(p.CustomerKey), ErrKeyMismatch)
		}
		secret = p.CustomerKey
	case MethodS3, MethodKMS:
		if k == nil {
			return ok, Sealed{}, ErrNoKMS
		}
		name := ""
		if p.Method == MethodKMS {
			s.KeyID, name = p.KeyID, KMSKeyName(p.KeyID)
			s.Context = p.Context
		}
		dek, err := k.GenerateKey(ctx, name, kmsContextFor(s.Context, bucket, object))
		if err != nil {
			return ok, Sealed{}, fmt.Errorf("crypt: generate data key: %w", err)
		}
		if len(dek.Plaintext) != KeySize {
			return ok, Sealed{}, fmt.Errorf("crypt: data key of %d bytes: %w", len(dek.Plaintext), ErrCorrupt)
		}
		s.KMSKey, s.DataKey, secret = dek.KeyID, dek.Ciphertext, dek.Plaintext
		if s.KMSKey == "" {
			s.KMSKey = name
		}
		if s.KMSKey == "" {
			s.KMSKey = k.DefaultKey()
		}
	default:
		return ok, Sealed{}, fmt.Errorf("crypt: unknown method %q", p.Method)
	}
	sealed, err := seal(kek(secret, s.Method, bucket, object), ok[:])
	if err != nil {
		return ok, Sealed{}, err
	}
	s.SealedKey = sealed
	return ok, s, nil
}

// ObjectKey unseals the object key of bucket/object. customerKey is the
// SSE-C key of the request (nil when none was sent). Errors: ErrMissingKey,
// ErrKeyMismatch (wrong customer key), ErrCorrupt, ErrNoKMS and k's errors wrapped.
func (s Sealed) ObjectKey(ctx context.Context, k KMS, customerKey []byte, bucket, object string) (ObjectKey, error) {
	var ok ObjectKey
	var secret []byte
	switch s.Method {
	case MethodC:
		if customerKey == nil {
			return ok, ErrMissingKey
		}
		secret = customerKey
	case MethodS3, MethodKMS:
		if k == nil {
			return ok, ErrNoKMS
		}
		pt, err := k.Decrypt(ctx, s.KMSKey, s.DataKey, kmsContextFor(s.Context, bucket, object))
		if err != nil {
			return ok, fmt.Errorf("crypt: decrypt data key: %w", err)
		}
		secret = pt
	default:
		return ok, fmt.Errorf("crypt: unknown method %q: %w", s.Method, ErrCorrupt)
	}
	key, err := open(kek(secret, s.Method, bucket, object), s.SealedKey)
	if err != nil {
		if s.Method == MethodC {
			return ok, ErrKeyMismatch
		}
		return ok, err
	}
	copy(ok[:], key)
	return ok, nil
}

// kek derives the key-encryption key of bucket/object from secret.
func kek(secret []byte, m Method, bucket, object string) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("silo-sse-kek-v1\x00"))
	mac.Write([]byte(m))
	mac.Write([]byte{0})
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(bucket)))
	mac.Write(n[:])
	mac.Write([]byte(bucket))
	mac.Write([]byte(object))
	return mac.Sum(nil)
}

// sealedKeySize is nonce + object key + GCM tag.
const sealedKeySize = 12 + KeySize + 16

// seal encrypts key under kek with AES-256-GCM: nonce || ciphertext || tag.
func seal(kekey, key []byte) ([]byte, error) {
	aead, err := newGCM(kekey)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 12, sealedKeySize)
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("crypt: nonce: %w", err)
	}
	return aead.Seal(out, out[:12], key, []byte("silo-sse-object-key")), nil
}

// open reverses seal.
func open(kekey, sealed []byte) ([]byte, error) {
	if len(sealed) != sealedKeySize {
		return nil, ErrCorrupt
	}
	aead, err := newGCM(kekey)
	if err != nil {
		return nil, err
	}
	key, err := aead.Open(nil, sealed[:12], sealed[12:], []byte("silo-sse-object-key"))
	if err != nil {
		return nil, ErrCorrupt
	}
	return key, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("crypt: %w", err)
	}
	return cipher.NewGCM(b)
}

// partKey derives the DARE key of one part from the object key.
func (k ObjectKey) partKey(part int) []byte {
	mac := hmac.New(sha256.New, k[:])
	mac.Write([]byte("silo-sse-part-v1\x00"))
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(part))
	mac.Write(n[:])
	return mac.Sum(nil)
}
