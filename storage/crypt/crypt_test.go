package crypt

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
)

// testKMS is a minimal key service: one master key, data keys sealed with
// AES-GCM bound to the context.
type testKMS struct{ master []byte }

var errTestNotFound = errors.New("test kms: key not found")

func newTestKMS(t testing.TB) *testKMS {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return &testKMS{master: k}
}

func (k *testKMS) gcm() cipher.AEAD {
	b, _ := aes.NewCipher(k.master)
	g, _ := cipher.NewGCM(b)
	return g
}

func (k *testKMS) DefaultKey() string { return "default" }

func (k *testKMS) GenerateKey(_ context.Context, name string, c kmsContext) (kmsDEK, error) {
	if name == "" {
		name = "default"
	}
	if name != "default" && name != "other" {
		return kmsDEK{}, errTestNotFound
	}
	pt := make([]byte, 32)
	_, _ = rand.Read(pt)
	ad, _ := json.Marshal(c)
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	return kmsDEK{KeyID: name, Plaintext: pt, Ciphertext: k.gcm().Seal(nonce, nonce, pt, append([]byte(name), ad...))}, nil
}

func (k *testKMS) Decrypt(_ context.Context, name string, ct []byte, c kmsContext) ([]byte, error) {
	ad, _ := json.Marshal(c)
	if len(ct) < 12 {
		return nil, errors.New("test kms: decrypt")
	}
	return k.gcm().Open(nil, ct[:12], ct[12:], append([]byte(name), ad...))
}

func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// encryptParts encrypts each plaintext part and returns the ciphertext and part list.
func encryptParts(t *testing.T, k ObjectKey, parts [][]byte) ([]byte, []Part) {
	t.Helper()
	var all bytes.Buffer
	var out []Part
	for i, p := range parts {
		r, err := k.Encrypt(bytes.NewReader(p), i+1)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(&all, r)
		if err != nil {
			t.Fatal(err)
		}
		if n != EncryptedSize(int64(len(p))) {
			t.Fatalf("part %d: %d ciphertext bytes, EncryptedSize says %d", i+1, n, EncryptedSize(int64(len(p))))
		}
		out = append(out, Part{Number: i + 1, Size: n})
	}
	return all.Bytes(), out
}

func readRange(k ObjectKey, enc []byte, parts []Part, off, length int64) ([]byte, error) {
	p, err := PlanRange(parts, off, length)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(k.Decrypt(bytes.NewReader(enc[p.Offset:p.Offset+p.Length]), p))
}

func TestSizes(t *testing.T) {
	for _, n := range []int64{0, 1, payloadSize - 1, payloadSize, payloadSize + 1, 3*payloadSize + 17, 10 << 20} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			e := EncryptedSize(n)
			got, err := DecryptedSize(e)
			if err != nil || got != n {
				t.Fatalf("DecryptedSize(EncryptedSize(%d)=%d) = %d, %v", n, e, got, err)
			}
		})
	}
	if _, err := DecryptedSize(packageSize + 5); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("impossible size: %v", err)
	}
}

func TestRanges(t *testing.T) {
	var k ObjectKey
	copy(k[:], randomBytes(t, KeySize))
	layouts := map[string][]int{
		"empty-free single": {3*payloadSize + 100},
		"exact packages":    {2 * payloadSize},
		"three parts":       {payloadSize + 10, 2*payloadSize + 1, 777},
		"small parts":       {5, 1, payloadSize},
	}
	for name, sizes := range layouts {
		t.Run(name, func(t *testing.T) {
			var plain [][]byte
			var whole []byte
			for _, s := range sizes {
				p := randomBytes(t, s)
				plain = append(plain, p)
				whole = append(whole, p...)
			}
			enc, parts := encryptParts(t, k, plain)
			total := int64(len(whole))
			cases := [][2]int64{{0, total}, {0, 1}, {total - 1, 1}, {payloadSize - 3, 7}, {payloadSize, payloadSize},
				{1, total - 2}, {total / 2, total - total/2}}
			if len(sizes) > 1 {
				b := int64(sizes[0])
				cases = append(cases, [2]int64{b - 2, 4}, [2]int64{b, 1}, [2]int64{b - 1, 1})
			}
			for _, c := range cases {
				if c[0]+c[1] > total || c[1] <= 0 {
					continue
				}
				got, err := readRange(k, enc, parts, c[0], c[1])
				if err != nil {
					t.Fatalf("range %v: %v", c, err)
				}
				if !bytes.Equal(got, whole[c[0]:c[0]+c[1]]) {
					t.Fatalf("range %v: wrong bytes", c)
				}
			}
			if _, err := PlanRange(parts, total, 1); err == nil {
				t.Fatal("range beyond the end planned")
			}
		})
	}
}

func TestTampering(t *testing.T) {
	var k ObjectKey
	copy(k[:], randomBytes(t, KeySize))
	plain := randomBytes(t, 3*payloadSize+5)
	enc, parts := encryptParts(t, k, [][]byte{plain})
	cases := map[string]func([]byte) ([]byte, []Part){
		"flipped bit": func(b []byte) ([]byte, []Part) { b[packageSize+40] ^= 1; return b, parts },
		"truncated":   func(b []byte) ([]byte, []Part) { return b[:len(b)-1], []Part{{1, int64(len(b) - 1)}} },
		"swapped blocks": func(b []byte) ([]byte, []Part) {
			return append(append(append([]byte{}, b[packageSize:2*packageSize]...), b[:packageSize]...), b[2*packageSize:]...), parts
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			bad, ps := mutate(append([]byte{}, enc...))
			p, err := PlanRange(ps, 0, int64(len(plain)))
			if err != nil {
				if errors.Is(err, ErrCorrupt) {
					return
				}
				p, err = PlanRange(parts, 0, int64(len(plain)))
				if err != nil {
					t.Fatal(err)
				}
			}
			_, err = io.ReadAll(k.Decrypt(bytes.NewReader(bad), p))
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("tampered ciphertext read with %v", err)
			}
		})
	}
	t.Run("wrong part key", func(t *testing.T) {
		p, _ := PlanRange([]Part{{2, parts[0].Size}}, 0, 10)
		if _, err := io.ReadAll(k.Decrypt(bytes.NewReader(enc), p)); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("part 1 read as part 2: %v", err)
		}
	})
}

func TestSealRoundTrip(t *testing.T) {
	ctx := context.Background()
	k := newTestKMS(t)
	ck := randomBytes(t, KeySize)
	cases := []Params{
		{Method: MethodS3},
		{Method: MethodKMS, KeyID: "arn:aws:kms:us-east-1:123:key/other", Context: map[string]string{"a": "b"}, BucketKey: true},
		{Method: MethodKMS},
		{Method: MethodC, CustomerKey: ck},
	}
	for _, p := range cases {
		t.Run(string(p.Method)+p.KeyID, func(t *testing.T) {
			ok, sealed, err := NewObjectKey(ctx, k, p, "bucket", "dir/obj")
			if err != nil {
				t.Fatal(err)
			}
			sealed.Size = 42
			internal := map[string]string{"other": "x"}
			sealed.Store(internal)
			for _, v := range internal {
				if bytes.Contains([]byte(v), ok[:]) || bytes.Contains([]byte(v), ck) {
					t.Fatal("a secret is stored in the clear")
				}
			}
			back, found, err := Parse(internal)
			if err != nil || !found {
				t.Fatalf("Parse: %v %v", found, err)
			}
			if back.Size != 42 || back.Method != p.Method || back.KeyID != p.KeyID || back.BucketKey != p.BucketKey {
				t.Fatalf("Parse lost fields: %+v", back)
			}
			got, err := back.ObjectKey(ctx, k, p.CustomerKey, "bucket", "dir/obj")
			if err != nil || got != ok {
				t.Fatalf("unseal: %v", err)
			}
			// Bound to the bucket and object name.
			for _, where := range [][2]string{{"bucket", "dir/obj2"}, {"bucket2", "dir/obj"}, {"bucketd", "ir/obj"}} {
				if _, err := back.ObjectKey(ctx, k, p.CustomerKey, where[0], where[1]); err == nil {
					t.Fatalf("sealed key opened for %v", where)
				}
			}
			if p.Method == MethodC {
				if _, err := back.ObjectKey(ctx, k, randomBytes(t, KeySize), "bucket", "dir/obj"); !errors.Is(err, ErrKeyMismatch) {
					t.Fatalf("wrong customer key: %v", err)
				}
				if _, err := back.ObjectKey(ctx, k, nil, "bucket", "dir/obj"); !errors.Is(err, ErrMissingKey) {
					t.Fatalf("missing customer key: %v", err)
				}
			}
			Clear(internal)
			if len(internal) != 1 {
				t.Fatalf("Clear left %v", internal)
			}
		})
	}
	t.Run("unknown kms key", func(t *testing.T) {
		_, _, err := NewObjectKey(ctx, k, Params{Method: MethodKMS, KeyID: "nope"}, "b", "o")
		if !errors.Is(err, errTestNotFound) {
			t.Fatalf("unknown key: %v", err)
		}
	})
	t.Run("no kms", func(t *testing.T) {
		if _, _, err := NewObjectKey(ctx, nil, Params{Method: MethodS3}, "b", "o"); !errors.Is(err, ErrNoKMS) {
			t.Fatalf("no kms: %v", err)
		}
	})
}

func TestKMSKeyName(t *testing.T) {
	for in, want := range map[string]string{
		"my-key": "my-key", "arn:aws:kms:my-key": "my-key", "arn:aws:kms:us-east-1:123456789012:key/my-key": "my-key",
		"alias/my-key": "my-key", "arn:aws:kms:us-east-1:123456789012:alias/my-key": "my-key", "": "",
	} {
		t.Run(in, func(t *testing.T) {
			if got := KMSKeyName(in); got != want {
				t.Fatalf("KMSKeyName(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	good := map[string]string{}
	Sealed{Method: MethodC, SealedKey: make([]byte, sealedKeySize), Size: 3}.Store(good)
	for name, edit := range map[string]func(map[string]string){
		"method":  func(m map[string]string) { m[internalMethod] = "ROT13" },
		"key":     func(m map[string]string) { m[internalSealedKey] = "AAAA" },
		"size":    func(m map[string]string) { m[internalSize] = "-1" },
		"context": func(m map[string]string) { m[internalContext] = "!!" },
		"flag":    func(m map[string]string) { m[internalBucketKey] = "yes" },
		"no kms":  func(m map[string]string) { m[internalMethod] = string(MethodS3) },
	} {
		t.Run(name, func(t *testing.T) {
			m := map[string]string{}
			for k, v := range good {
				m[k] = v
			}
			edit(m)
			if _, ok, err := Parse(m); !ok || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Parse accepted %v: %v", m, err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	m := map[string]string{}
	Sealed{Method: MethodKMS, SealedKey: make([]byte, sealedKeySize), KMSKey: "k", DataKey: []byte{1}, Context: map[string]string{"a": "b"}, Size: 9}.Store(m)
	f.Add(m[internalMethod], m[internalSealedKey], m[internalKMSKey], m[internalDataKey], m[internalContext], "true", "9")
	f.Fuzz(func(t *testing.T, method, key, kmsKey, dataKey, ctx, flag, size string) {
		in := map[string]string{internalMethod: method, internalSealedKey: key, internalKMSKey: kmsKey,
			internalDataKey: dataKey, internalContext: ctx, internalBucketKey: flag, internalSize: size}
		s, ok, err := Parse(in)
		if !ok {
			t.Fatal("method key present but ok false")
		}
		if err != nil {
			return
		}
		out := map[string]string{}
		s.Store(out)
		back, _, err := Parse(out)
		if err != nil || back.Size != s.Size || back.Method != s.Method || !bytes.Equal(back.SealedKey, s.SealedKey) {
			t.Fatalf("round trip of %+v: %+v %v", s, back, err)
		}
	})
}
