package payload

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/secure-io/sio-go"
	"golang.org/x/crypto/argon2"
)

// Algorithm IDs: the byte after the salt.
const (
	Argon2idAESGCM           byte = 0x00
	Argon2idChaCha20Poly1305 byte = 0x01
	PBKDF2AESGCM             byte = 0x02
)

const (
	saltLen   = 32
	nonceLen  = 8
	headerLen = saltLen + 1 + nonceLen
	keyLen    = 32

	argonTime    = 1
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 4
	pbkdf2Rounds = 8192
)

var (
	// ErrMalformed is returned for data too short to hold the header or
	// naming an unknown algorithm.
	ErrMalformed = errors.New("payload: malformed encrypted data")
	// ErrNotAuthentic is returned when the data was not encrypted with the
	// given secret, or was modified or truncated.
	ErrNotAuthentic = errors.New("payload: data not authentic (wrong key or modified data)")
	// ErrTooLarge is returned when the plaintext exceeds the caller's limit.
	ErrTooLarge = errors.New("payload: decrypted data too large")
)

// deriveKey derives the stream key of id from password and salt.
func deriveKey(id byte, password string, salt []byte) ([]byte, error) {
	switch id {
	case Argon2idAESGCM, Argon2idChaCha20Poly1305:
		return argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, keyLen), nil
	case PBKDF2AESGCM:
		return pbkdf2.Key(sha256.New, password, salt, pbkdf2Rounds, keyLen)
	default:
		return nil, fmt.Errorf("%w: unknown algorithm ID %#x", ErrMalformed, id)
	}
}

// stream returns the sio stream of id under key.
func stream(id byte, key []byte) (*sio.Stream, error) {
	alg := sio.AES_256_GCM
	if id == Argon2idChaCha20Poly1305 {
		alg = sio.ChaCha20Poly1305
	}
	s, err := alg.Stream(key)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	return s, nil
}

// Encrypt encrypts data for the holder of password (a secret key) with
// argon2id and AES-256-GCM, the format every client understands.
func Encrypt(password string, data []byte) ([]byte, error) {
	return EncryptWith(Argon2idAESGCM, password, data)
}

// EncryptWith encrypts data with the algorithm id.
func EncryptWith(id byte, password string, data []byte) ([]byte, error) {
	var hdr [headerLen]byte
	if _, err := rand.Read(hdr[:]); err != nil {
		return nil, fmt.Errorf("payload: random salt: %w", err)
	}
	hdr[saltLen] = id
	key, err := deriveKey(id, password, hdr[:saltLen])
	if err != nil {
		return nil, err
	}
	s, err := stream(id, key)
	if err != nil {
		return nil, err
	}
	nonce := hdr[saltLen+1:]
	out := bytes.NewBuffer(make([]byte, 0, int64(headerLen)+int64(len(data))+s.Overhead(int64(len(data)))))
	out.Write(hdr[:])
	w := s.EncryptWriter(out, nonce, nil)
	if _, err := w.Write(data); err != nil {
		return nil, fmt.Errorf("payload: encrypting: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("payload: encrypting: %w", err)
	}
	return out.Bytes(), nil
}

// Algorithm returns the algorithm ID of encrypted data, or Argon2idAESGCM
// when data is too short to have one.
func Algorithm(data []byte) byte {
	if len(data) < headerLen {
		return Argon2idAESGCM
	}
	return data[saltLen]
}

// Decrypt decrypts data encrypted for password. It returns ErrMalformed,
// ErrNotAuthentic or ErrTooLarge (when the plaintext exceeds max bytes;
// max <= 0 means no limit).
func Decrypt(password string, data []byte, max int64) ([]byte, error) {
	return decrypt(data, max, func(id byte, salt []byte) ([]byte, error) {
		return deriveKey(id, password, salt)
	})
}

// decrypt decrypts data with the key derive returns; the fuzz target
// replaces the costly key derivation.
func decrypt(data []byte, max int64, derive func(id byte, salt []byte) ([]byte, error)) ([]byte, error) {
	if len(data) < headerLen {
		return nil, fmt.Errorf("%w: %d bytes, need at least %d", ErrMalformed, len(data), headerLen)
	}
	salt, id, nonce := data[:saltLen], data[saltLen], data[saltLen+1:headerLen]
	if id > PBKDF2AESGCM {
		return nil, fmt.Errorf("%w: unknown algorithm ID %#x", ErrMalformed, id)
	}
	key, err := derive(id, salt)
	if err != nil {
		return nil, err
	}
	s, err := stream(id, key)
	if err != nil {
		return nil, err
	}
	var r io.Reader = s.DecryptReader(bytes.NewReader(data[headerLen:]), nonce, nil)
	if max > 0 {
		r = io.LimitReader(r, max+1)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, sio.NotAuthentic) {
			return nil, ErrNotAuthentic
		}
		return nil, fmt.Errorf("%w: %w", ErrNotAuthentic, err)
	}
	if max > 0 && int64(len(out)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return out, nil
}
