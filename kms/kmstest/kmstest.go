package kmstest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/silo-project/silo/kms"
)

// Run checks k against the kms contract. k may be shared with other users:
// the keys Run creates carry a random prefix and are deleted again. When
// CreateKey answers ErrNotSupported, the create/list/delete checks are
// replaced by checks that fixed keys refuse changes.
func Run(t *testing.T, k kms.KMS) {
	t.Helper()
	ctx := context.Background()
	prefix := "kmstest-" + randomHex(t, 6) + "-"
	creatable := true
	probe := prefix + "probe"
	switch err := k.CreateKey(ctx, probe); {
	case errors.Is(err, kms.ErrNotSupported):
		creatable = false
	case err != nil:
		t.Fatalf("CreateKey(%q): %v", probe, err)
	default:
		t.Cleanup(func() { _ = k.DeleteKey(context.Background(), probe) })
	}

	t.Run("DefaultKey", func(t *testing.T) { testDefaultKey(t, k) })
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, k) })
	t.Run("WrongContext", func(t *testing.T) { testWrongContext(t, k) })
	t.Run("Tampered", func(t *testing.T) { testTampered(t, k) })
	t.Run("UnknownKey", func(t *testing.T) { testUnknownKey(t, k, prefix) })
	t.Run("Status", func(t *testing.T) { testStatus(t, k) })
	if creatable {
		t.Run("CreateListDelete", func(t *testing.T) { testCreateListDelete(t, k, prefix) })
		t.Run("KeysAreSeparate", func(t *testing.T) { testKeysAreSeparate(t, k, probe) })
		t.Run("InvalidName", func(t *testing.T) { testInvalidName(t, k) })
		t.Run("ConcurrentCreate", func(t *testing.T) { testConcurrentCreate(t, k, prefix) })
	} else {
		t.Run("FixedKeys", func(t *testing.T) { testFixedKeys(t, k, prefix) })
	}
	if d, ok := k.(kms.KeyDescriber); ok {
		t.Run("DescribeKey", func(t *testing.T) { testDescribe(t, k, d, prefix) })
	}
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, k) })
}

// testDescribe checks the optional kms.KeyDescriber: the default key has a
// creation time in the past, a missing key is ErrKeyNotFound.
func testDescribe(t *testing.T, k kms.KMS, d kms.KeyDescriber, prefix string) {
	ctx := context.Background()
	info, err := d.DescribeKey(ctx, k.DefaultKey())
	if err != nil {
		t.Fatalf("DescribeKey(default): %v", err)
	}
	if info.Name != k.DefaultKey() || info.CreatedAt.IsZero() || info.CreatedAt.After(time.Now().Add(time.Minute)) {
		t.Fatalf("DescribeKey(default) = %+v", info)
	}
	if _, err := d.DescribeKey(ctx, prefix+"missing"); !errors.Is(err, kms.ErrKeyNotFound) {
		t.Fatalf("DescribeKey(missing) = %v, want ErrKeyNotFound", err)
	}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func testDefaultKey(t *testing.T, k kms.KMS) {
	name := k.DefaultKey()
	if name == "" {
		t.Fatal("DefaultKey() is empty")
	}
	keys, err := k.ListKeys(context.Background(), "*")
	if err != nil {
		t.Fatalf("ListKeys: %v", err)
	}
	if !slices.Contains(keys, name) {
		t.Fatalf("ListKeys(*) = %v, lacks the default key %q", keys, name)
	}
}

func testRoundTrip(t *testing.T, k kms.KMS) {
	ctx := context.Background()
	cases := []struct {
		name    string
		key     string
		context kms.Context
	}{
		{"default key, no context", "", nil},
		{"default key by name", k.DefaultKey(), kms.Context{"bucket": "b", "object": "o"}},
		{"unicode context", "", kms.Context{"bucket/object": "ünïcødé/ключ", "": "empty key"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dek, err := k.GenerateKey(ctx, tc.key, tc.context)
			if err != nil {
				t.Fatalf("GenerateKey: %v", err)
			}
			if dek.KeyID != k.DefaultKey() {
				t.Errorf("KeyID = %q, want %q", dek.KeyID, k.DefaultKey())
			}
			if len(dek.Plaintext) != 32 {
				t.Fatalf("plaintext is %d bytes, want 32", len(dek.Plaintext))
			}
			if len(dek.Ciphertext) == 0 || bytes.Contains(dek.Ciphertext, dek.Plaintext) {
				t.Fatalf("ciphertext is empty or contains the plaintext")
			}
			for _, name := range []string{tc.key, dek.KeyID} {
				plain, err := k.Decrypt(ctx, name, dek.Ciphertext, tc.context)
				if err != nil {
					t.Fatalf("Decrypt(%q): %v", name, err)
				}
				if !bytes.Equal(plain, dek.Plaintext) {
					t.Fatalf("Decrypt(%q) = %x, want %x", name, plain, dek.Plaintext)
				}
			}
			again, err := k.GenerateKey(ctx, tc.key, tc.context)
			if err != nil {
				t.Fatalf("GenerateKey: %v", err)
			}
			if bytes.Equal(again.Plaintext, dek.Plaintext) || bytes.Equal(again.Ciphertext, dek.Ciphertext) {
				t.Fatal("two GenerateKey calls returned the same data key")
			}
		})
	}
	t.Run("nil and empty context are equal", func(t *testing.T) {
		dek, err := k.GenerateKey(ctx, "", nil)
		if err != nil {
			t.Fatalf("GenerateKey: %v", err)
		}
		plain, err := k.Decrypt(ctx, "", dek.Ciphertext, kms.Context{})
		if err != nil || !bytes.Equal(plain, dek.Plaintext) {
			t.Fatalf("Decrypt with empty context = %x, %v", plain, err)
		}
	})
}

func testWrongContext(t *testing.T, k kms.KMS) {
	ctx := context.Background()
	good := kms.Context{"bucket": "photos", "object": "a.jpg"}
	dek, err := k.GenerateKey(ctx, "", good)
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	cases := []struct {
		name string
		c    kms.Context
	}{
		{"nil", nil},
		{"other value", kms.Context{"bucket": "photos", "object": "b.jpg"}},
		{"missing pair", kms.Context{"bucket": "photos"}},
		{"extra pair", kms.Context{"bucket": "photos", "object": "a.jpg", "x": "y"}},
		{"swapped", kms.Context{"bucket": "a.jpg", "object": "photos"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plain, err := k.Decrypt(ctx, "", dek.Ciphertext, tc.c)
			if !errors.Is(err, kms.ErrDecrypt) {
				t.Fatalf("Decrypt = %x, %v; want ErrDecrypt", plain, err)
			}
		})
	}
}

func testTampered(t *testing.T, k kms.KMS) {
	ctx := context.Background()
	c := kms.Context{"k": "v"}
	dek, err := k.GenerateKey(ctx, "", c)
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	ct := dek.Ciphertext
	type mutation struct {
		name string
		ct   []byte
	}
	cases := []mutation{
		{"empty", []byte{}},
		{"truncated by one", ct[:len(ct)-1]},
		{"half", ct[:len(ct)/2]},
		{"extended", append(slices.Clone(ct), 0)},
		{"garbage", bytes.Repeat([]byte{0x5a}, len(ct))},
	}
	// Flip one bit at a spread of positions, first and last included.
	for _, i := range []int{0, 1, 2, len(ct) / 3, len(ct) / 2, len(ct) - 17, len(ct) - 1} {
		flipped := slices.Clone(ct)
		flipped[i] ^= 0x01
		cases = append(cases, mutation{"bit flipped at " + itoa(i), flipped})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plain, err := k.Decrypt(ctx, "", tc.ct, c)
			if !errors.Is(err, kms.ErrDecrypt) {
				t.Fatalf("Decrypt = %x, %v; want ErrDecrypt", plain, err)
			}
		})
	}
}

func itoa(i int) string {
	return string(appendInt(nil, i))
}

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

func testUnknownKey(t *testing.T, k kms.KMS, prefix string) {
	ctx := context.Background()
	missing := prefix + "missing"
	dek, err := k.GenerateKey(ctx, "", nil)
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	t.Run("GenerateKey", func(t *testing.T) {
		if _, err := k.GenerateKey(ctx, missing, nil); !errors.Is(err, kms.ErrKeyNotFound) {
			t.Fatalf("GenerateKey(%q) = %v, want ErrKeyNotFound", missing, err)
		}
	})
	t.Run("Decrypt", func(t *testing.T) {
		if _, err := k.Decrypt(ctx, missing, dek.Ciphertext, nil); !errors.Is(err, kms.ErrKeyNotFound) {
			t.Fatalf("Decrypt(%q) = %v, want ErrKeyNotFound", missing, err)
		}
	})
	t.Run("DeleteKey", func(t *testing.T) {
		if err := k.DeleteKey(ctx, missing); !errors.Is(err, kms.ErrKeyNotFound) {
			t.Fatalf("DeleteKey(%q) = %v, want ErrKeyNotFound", missing, err)
		}
	})
	t.Run("ListKeys", func(t *testing.T) {
		keys, err := k.ListKeys(ctx, missing)
		if err != nil || len(keys) != 0 {
			t.Fatalf("ListKeys(%q) = %v, %v; want none", missing, keys, err)
		}
	})
}

func testStatus(t *testing.T, k kms.KMS) {
	st, err := k.Status(context.Background())
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if !st.Online {
		t.Errorf("Status.Online = false for a working service")
	}
	if st.DefaultKey != k.DefaultKey() {
		t.Errorf("Status.DefaultKey = %q, want %q", st.DefaultKey, k.DefaultKey())
	}
	if st.Name == "" {
		t.Errorf("Status.Name is empty")
	}
}

func testFixedKeys(t *testing.T, k kms.KMS, prefix string) {
	ctx := context.Background()
	if err := k.CreateKey(ctx, k.DefaultKey()); !errors.Is(err, kms.ErrKeyExists) && !errors.Is(err, kms.ErrNotSupported) {
		t.Errorf("CreateKey(default) = %v, want ErrKeyExists or ErrNotSupported", err)
	}
	if err := k.DeleteKey(ctx, k.DefaultKey()); !errors.Is(err, kms.ErrNotSupported) {
		t.Errorf("DeleteKey(default) = %v, want ErrNotSupported", err)
	}
	if _, err := k.GenerateKey(ctx, "", nil); err != nil {
		t.Errorf("the default key is gone after a refused delete: %v", err)
	}
	if err := k.CreateKey(ctx, prefix+"new"); !errors.Is(err, kms.ErrNotSupported) {
		t.Errorf("CreateKey(new) = %v, want ErrNotSupported", err)
	}
}

func testCreateListDelete(t *testing.T, k kms.KMS, prefix string) {
	ctx := context.Background()
	names := []string{prefix + "a-1", prefix + "a-2", prefix + "b.1"}
	for _, n := range names {
		if err := k.CreateKey(ctx, n); err != nil {
			t.Fatalf("CreateKey(%q): %v", n, err)
		}
		t.Cleanup(func() { _ = k.DeleteKey(context.Background(), n) })
	}
	if err := k.CreateKey(ctx, names[0]); !errors.Is(err, kms.ErrKeyExists) {
		t.Fatalf("CreateKey(%q) again = %v, want ErrKeyExists", names[0], err)
	}
	lists := []struct {
		pattern string
		want    []string
	}{
		{prefix + "*", append(names[:3:3], prefix+"probe")},
		{prefix + "a-*", names[:2]},
		{prefix + "b.1", names[2:]},
		{prefix + "c*", nil},
	}
	for _, l := range lists {
		got, err := k.ListKeys(ctx, l.pattern)
		if err != nil {
			t.Fatalf("ListKeys(%q): %v", l.pattern, err)
		}
		want := slices.Sorted(slices.Values(l.want))
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("ListKeys(%q) = %v, want %v", l.pattern, got, want)
		}
	}
	all, err := k.ListKeys(ctx, "")
	if err != nil || !slices.IsSorted(all) {
		t.Fatalf("ListKeys(\"\") = %v, %v; want sorted names", all, err)
	}
	for _, n := range names {
		if !slices.Contains(all, n) {
			t.Errorf("ListKeys(\"\") lacks %q", n)
		}
	}

	c := kms.Context{"n": "1"}
	dek, err := k.GenerateKey(ctx, names[0], c)
	if err != nil {
		t.Fatalf("GenerateKey(%q): %v", names[0], err)
	}
	if dek.KeyID != names[0] {
		t.Errorf("KeyID = %q, want %q", dek.KeyID, names[0])
	}
	plain, err := k.Decrypt(ctx, names[0], dek.Ciphertext, c)
	if err != nil || !bytes.Equal(plain, dek.Plaintext) {
		t.Fatalf("Decrypt(%q) = %x, %v", names[0], plain, err)
	}

	if err := k.DeleteKey(ctx, names[0]); err != nil {
		t.Fatalf("DeleteKey(%q): %v", names[0], err)
	}
	if err := k.DeleteKey(ctx, names[0]); !errors.Is(err, kms.ErrKeyNotFound) {
		t.Fatalf("DeleteKey(%q) again = %v, want ErrKeyNotFound", names[0], err)
	}
	if _, err := k.GenerateKey(ctx, names[0], c); !errors.Is(err, kms.ErrKeyNotFound) {
		t.Fatalf("GenerateKey after delete = %v, want ErrKeyNotFound", err)
	}
	if _, err := k.Decrypt(ctx, names[0], dek.Ciphertext, c); !errors.Is(err, kms.ErrKeyNotFound) {
		t.Fatalf("Decrypt after delete = %v, want ErrKeyNotFound", err)
	}
	got, err := k.ListKeys(ctx, names[0])
	if err != nil || len(got) != 0 {
		t.Fatalf("ListKeys after delete = %v, %v; want none", got, err)
	}
	// A key created again under a deleted name is a new key.
	if err := k.CreateKey(ctx, names[0]); err != nil {
		t.Fatalf("CreateKey(%q) after delete: %v", names[0], err)
	}
	if _, err := k.Decrypt(ctx, names[0], dek.Ciphertext, c); !errors.Is(err, kms.ErrDecrypt) {
		t.Fatalf("Decrypt under a re-created key = %v, want ErrDecrypt", err)
	}
}

func testKeysAreSeparate(t *testing.T, k kms.KMS, other string) {
	ctx := context.Background()
	dek, err := k.GenerateKey(ctx, "", nil)
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	if _, err := k.Decrypt(ctx, other, dek.Ciphertext, nil); !errors.Is(err, kms.ErrDecrypt) {
		t.Fatalf("Decrypt under another key = %v, want ErrDecrypt", err)
	}
	dek, err = k.GenerateKey(ctx, other, nil)
	if err != nil {
		t.Fatalf("GenerateKey(%q): %v", other, err)
	}
	if _, err := k.Decrypt(ctx, "", dek.Ciphertext, nil); !errors.Is(err, kms.ErrDecrypt) {
		t.Fatalf("Decrypt under the default key = %v, want ErrDecrypt", err)
	}
}

func testInvalidName(t *testing.T, k kms.KMS) {
	ctx := context.Background()
	for _, name := range []string{"", "a/b", "..", "sp ace", "x?y", string(make([]byte, kms.MaxKeyNameLen+1))} {
		if err := k.CreateKey(ctx, name); !errors.Is(err, kms.ErrInvalidKeyName) {
			t.Errorf("CreateKey(%q) = %v, want ErrInvalidKeyName", name, err)
		}
	}
}

func testConcurrent(t *testing.T, k kms.KMS) {
	const workers, rounds = 8, 16
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			c := kms.Context{"worker": itoa(w)}
			for range rounds {
				dek, err := k.GenerateKey(ctx, "", c)
				if err != nil {
					errs <- err
					return
				}
				plain, err := k.Decrypt(ctx, dek.KeyID, dek.Ciphertext, c)
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(plain, dek.Plaintext) {
					errs <- errors.New("concurrent round trip returned other bytes")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// testConcurrentCreate creates one name from several goroutines at once:
// exactly one wins, the others get ErrKeyExists, and the key works.
func testConcurrentCreate(t *testing.T, k kms.KMS, prefix string) {
	const workers = 8
	ctx := context.Background()
	name := prefix + "race"
	t.Cleanup(func() { _ = k.DeleteKey(context.Background(), name) })
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { errs[i] = k.CreateKey(ctx, name) })
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, kms.ErrKeyExists):
			t.Errorf("concurrent CreateKey: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d concurrent CreateKey calls succeeded, want exactly 1", won)
	}
	dek, err := k.GenerateKey(ctx, name, nil)
	if err != nil {
		t.Fatalf("GenerateKey after a concurrent create: %v", err)
	}
	if _, err := k.Decrypt(ctx, name, dek.Ciphertext, nil); err != nil {
		t.Fatalf("Decrypt after a concurrent create: %v", err)
	}
}
