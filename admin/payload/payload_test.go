package payload

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 3000) // several 16 KiB fragments
	tests := []struct {
		name string
		id   byte
		data []byte
	}{
		{"argon2id AES-GCM", Argon2idAESGCM, []byte(`{"secretKey":"alicesecret1","status":"enabled"}`)},
		{"argon2id ChaCha20", Argon2idChaCha20Poly1305, []byte(`{"a":1}`)},
		{"PBKDF2 AES-GCM", PBKDF2AESGCM, []byte(`{"b":2}`)},
		{"empty", Argon2idAESGCM, nil},
		{"multi-fragment", PBKDF2AESGCM, big},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := EncryptWith(tt.id, "secret12345", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if enc[saltLen] != tt.id {
				t.Fatalf("algorithm byte = %#x, want %#x", enc[saltLen], tt.id)
			}
			if len(tt.data) > 4 && bytes.Contains(enc, tt.data) {
				t.Fatal("ciphertext contains the plaintext")
			}
			got, err := Decrypt("secret12345", enc, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.data) {
				t.Fatalf("round trip changed the data: %d bytes, want %d", len(got), len(tt.data))
			}
		})
	}
}

func TestDecryptRejects(t *testing.T) {
	enc, err := EncryptWith(PBKDF2AESGCM, "right-secret", []byte(strings.Repeat("x", 100)))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(enc)
		b[i] ^= 1
		return b
	}
	tests := []struct {
		name     string
		password string
		data     []byte
		max      int64
		want     error
	}{
		{"wrong key", "wrong-secret", enc, 0, ErrNotAuthentic},
		{"plain JSON", "right-secret", []byte(`{"secretKey":"x","status":"enabled"}`), 0, ErrMalformed},
		{"short", "right-secret", enc[:headerLen-1], 0, ErrMalformed},
		{"unknown algorithm", "right-secret", func() []byte { b := bytes.Clone(enc); b[saltLen] = 7; return b }(), 0, ErrMalformed},
		{"truncated", "right-secret", enc[:len(enc)-1], 0, ErrNotAuthentic},
		{"header only", "right-secret", enc[:headerLen], 0, ErrNotAuthentic},
		{"salt modified", "right-secret", flip(0), 0, ErrNotAuthentic},
		{"nonce modified", "right-secret", flip(saltLen + 1), 0, ErrNotAuthentic},
		{"ciphertext modified", "right-secret", flip(headerLen + 3), 0, ErrNotAuthentic},
		{"over the limit", "right-secret", enc, 99, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decrypt(tt.password, tt.data, tt.max)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decrypt = %q, %v; want %v", got, err, tt.want)
			}
		})
	}
	if got, err := Decrypt("right-secret", enc, 100); err != nil || len(got) != 100 {
		t.Fatalf("at the limit: %d bytes, %v", len(got), err)
	}
}

// FuzzDecrypt feeds arbitrary bytes to the decrypter. The key derivation is
// replaced by a cheap one (argon2id costs 64 MiB per call); everything
// after it, header parsing and the stream, is the real code.
func FuzzDecrypt(f *testing.F) {
	key := bytes.Repeat([]byte{7}, keyLen)
	derive := func(byte, []byte) ([]byte, error) { return key, nil }
	for _, id := range []byte{Argon2idAESGCM, Argon2idChaCha20Poly1305, PBKDF2AESGCM} {
		var hdr [headerLen]byte
		hdr[saltLen] = id
		s, err := stream(id, key)
		if err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		buf.Write(hdr[:])
		w := s.EncryptWriter(&buf, hdr[saltLen+1:], nil)
		_, _ = w.Write([]byte(`{"policy":"readonly"}`))
		_ = w.Close()
		f.Add(buf.Bytes())
	}
	f.Add([]byte(`{"secretKey":"x"}`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := decrypt(data, 1<<20, derive)
		if err == nil && len(out) > 1<<20 {
			t.Fatalf("limit exceeded: %d bytes", len(out))
		}
		if err != nil && out != nil {
			t.Fatal("data returned with an error")
		}
	})
}

// TestDecryptMCVector decrypts a body recorded from the real `mc admin user
// add cap alice alicesecret1` (root secret "rootsecret123"): the format and
// the argon2id parameters match the client's.
func TestDecryptMCVector(t *testing.T) {
	enc, err := os.ReadFile(filepath.Join("testdata", "mc-add-user.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if enc[saltLen] != Argon2idAESGCM {
		t.Fatalf("algorithm byte %#x", enc[saltLen])
	}
	got, err := Decrypt("rootsecret123", enc, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"secretKey":"alicesecret1","status":"enabled"}`; string(got) != want {
		t.Fatalf("decrypted %q, want %q", got, want)
	}
	if _, err := Decrypt("rootsecret124", enc, 0); !errors.Is(err, ErrNotAuthentic) {
		t.Fatalf("wrong secret: %v", err)
	}
}
