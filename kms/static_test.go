package kms_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/kmstest"
)

func TestStaticKeyConformance(t *testing.T) {
	k, err := kms.ParseStaticKey("my-key:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	kmstest.Run(t, k)
}

func TestParseStaticKey(t *testing.T) {
	key32 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	cases := []struct {
		name, in string
		ok       bool
	}{
		{"valid", "minio-key:" + key32, true},
		{"no colon", "minio-key" + key32, false},
		{"not base64", "k:%%%", false},
		{"short key", "k:" + base64.StdEncoding.EncodeToString([]byte("short")), false},
		{"bad name", "a/b:" + key32, false},
		{"empty name", ":" + key32, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k, err := kms.ParseStaticKey(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("ParseStaticKey(%q) = %v", tc.in, err)
			}
			if tc.ok && k.DefaultKey() != strings.Split(tc.in, ":")[0] {
				t.Fatalf("DefaultKey() = %q", k.DefaultKey())
			}
		})
	}
}

func TestSecretAlgorithms(t *testing.T) {
	s, err := kms.GenerateSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := kms.GenerateSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range []byte{1, 2} {
		ct, err := kms.SealWith(s, alg, []byte("secret"), []byte("ad"))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.Unseal(ct, []byte("ad")); err != nil || string(got) != "secret" {
			t.Fatalf("alg %d: Unseal = %q, %v", alg, got, err)
		}
		if _, err := other.Unseal(ct, []byte("ad")); !errors.Is(err, kms.ErrDecrypt) {
			t.Fatalf("alg %d: other secret Unseal = %v, want ErrDecrypt", alg, err)
		}
		if _, err := s.Unseal(ct, []byte("ae")); !errors.Is(err, kms.ErrDecrypt) {
			t.Fatalf("alg %d: other AD Unseal = %v, want ErrDecrypt", alg, err)
		}
	}
}

func FuzzUnseal(f *testing.F) {
	s, err := kms.NewSecret(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		f.Fatal(err)
	}
	for _, alg := range []byte{1, 2} {
		ct, err := kms.SealWith(s, alg, []byte("data key"), nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(ct)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, ct []byte) {
		plain, err := s.Unseal(ct, nil)
		if err != nil && !errors.Is(err, kms.ErrDecrypt) {
			t.Fatalf("Unseal error %v does not wrap ErrDecrypt", err)
		}
		if err == nil && string(plain) != "data key" {
			t.Fatalf("Unseal forged %q", plain)
		}
	})
}
