package crypt

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
)

// Keys of the sealed state in storage.ObjectInfo.Internal.
const (
	internalMethod    = "sse-method"
	internalSealedKey = "sse-sealed-key"
	internalKMSKey    = "sse-kms-key"
	internalKeyID     = "sse-kms-key-id"
	internalDataKey   = "sse-kms-data-key"
	internalContext   = "sse-kms-context"
	internalBucketKey = "sse-bucket-key"
	internalSize      = "sse-size"
)

// maxContext bounds the stored SSE-KMS context (AWS limits the header to about 8 KiB).
const maxContext = 8 << 10

// Sealed is the encryption state of one object or multipart upload, as
// stored with it. It holds no secret in the clear.
type Sealed struct {
	Method Method
	// SealedKey is the object key sealed under the key-encryption key.
	SealedKey []byte
	// KMSKey is the master key name of SSE-S3 and SSE-KMS objects.
	KMSKey string
	// KeyID is the SSE-KMS key id as the client gave it ("" for the default).
	KeyID string
	// DataKey is the KMS-sealed data key.
	DataKey []byte
	// Context is the client's SSE-KMS encryption context.
	Context map[string]string
	// BucketKey is the client's bucket-key flag.
	BucketKey bool
	// Size is the plaintext size of the object (-1 while unknown, e.g. on an upload).
	Size int64
}

// Store writes s into internal (an ObjectInfo.Internal map, not nil).
func (s Sealed) Store(internal map[string]string) {
	internal[internalMethod] = string(s.Method)
	internal[internalSealedKey] = base64.StdEncoding.EncodeToString(s.SealedKey)
	if s.Method != MethodC {
		internal[internalKMSKey] = s.KMSKey
		internal[internalDataKey] = base64.StdEncoding.EncodeToString(s.DataKey)
	}
	if s.KeyID != "" {
		internal[internalKeyID] = s.KeyID
	}
	if len(s.Context) > 0 {
		b, _ := json.Marshal(s.Context) // a map[string]string always marshals
		internal[internalContext] = base64.StdEncoding.EncodeToString(b)
	}
	if s.BucketKey {
		internal[internalBucketKey] = "true"
	}
	if s.Size >= 0 {
		internal[internalSize] = strconv.FormatInt(s.Size, 10)
	}
}

// Clear removes every sealed-state key from internal (copying an object
// to a new, differently sealed one).
func Clear(internal map[string]string) {
	for _, k := range []string{internalMethod, internalSealedKey, internalKMSKey, internalKeyID,
		internalDataKey, internalContext, internalBucketKey, internalSize} {
		delete(internal, k)
	}
}

// Parse reads the sealed state from internal. ok is false for an object
// stored in the clear. A malformed state is ErrCorrupt.
func Parse(internal map[string]string) (s Sealed, ok bool, err error) {
	m, found := internal[internalMethod]
	if !found {
		return Sealed{}, false, nil
	}
	bad := func(what string) (Sealed, bool, error) {
		return Sealed{}, true, fmt.Errorf("crypt: sealed %s: %w", what, ErrCorrupt)
	}
	s = Sealed{Method: Method(m), KMSKey: internal[internalKMSKey], KeyID: internal[internalKeyID], Size: -1}
	switch s.Method {
	case MethodS3, MethodKMS, MethodC:
	default:
		return bad("method")
	}
	if s.SealedKey, err = base64.StdEncoding.DecodeString(internal[internalSealedKey]); err != nil || len(s.SealedKey) != sealedKeySize {
		return bad("object key")
	}
	if s.Method != MethodC {
		if s.DataKey, err = base64.StdEncoding.DecodeString(internal[internalDataKey]); err != nil || len(s.DataKey) == 0 {
			return bad("data key")
		}
		if s.KMSKey == "" {
			return bad("key name")
		}
	}
	if v, found := internal[internalContext]; found {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(b) > maxContext || json.Unmarshal(b, &s.Context) != nil {
			return bad("context")
		}
	}
	switch v := internal[internalBucketKey]; v {
	case "":
	case "true":
		s.BucketKey = true
	default:
		return bad("bucket key flag")
	}
	if v, found := internal[internalSize]; found {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return bad("size")
		}
		s.Size = n
	}
	return s, true, nil
}
