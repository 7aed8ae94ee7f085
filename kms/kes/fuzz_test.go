package kes_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/kes"
)

// FuzzDecodeList feeds arbitrary server answers to the list decoder: it
// must fail cleanly or return names, never panic.
func FuzzDecodeList(f *testing.F) {
	f.Add([]byte(`{"names":["a","b"],"continue_at":"c"}`))
	f.Add([]byte(`{"name":"a","created_at":"2020-01-01T00:00:00Z"}{"name":"b"}`))
	f.Add([]byte(`{"names":null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := kes.DecodeList(bytes.NewReader(data))
		if err == nil && list.Names == nil && !bytes.Contains(data, []byte("names")) {
			t.Fatalf("DecodeList(%q) succeeded without names", data)
		}
	})
}

// FuzzClientAnswers lets a server answer every call with an arbitrary
// status and body: the client returns a result or an error, never panics,
// and never returns a data key that is not 32 bytes.
func FuzzClientAnswers(f *testing.F) {
	f.Add(200, []byte(`{"plaintext":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","ciphertext":"AQ=="}`))
	f.Add(200, []byte(`{"names":["a"]}`))
	f.Add(404, []byte(`{"message":"key does not exist"}`))
	f.Add(400, []byte(`decryption failed`))
	f.Add(503, []byte(``))
	f.Add(200, []byte(`{"plaintext":null}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 200 || status > 599 {
			return
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(status)
			_, _ = w.Write(body)
		}))
		defer srv.Close()
		c, err := kes.New(kes.Config{Endpoints: []string{srv.URL}, DefaultKey: "k", Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if dek, err := c.GenerateKey(ctx, "", kms.Context{"a": "b"}); err == nil && len(dek.Plaintext) != 32 {
			t.Fatalf("GenerateKey returned a %d-byte key", len(dek.Plaintext))
		}
		if plain, err := c.Decrypt(ctx, "", []byte{1, 2, 3}, nil); err == nil && len(plain) != 32 {
			t.Fatalf("Decrypt returned a %d-byte key", len(plain))
		}
		_, _ = c.ListKeys(ctx, "a*")
		_, _ = c.Status(ctx)
		_ = c.CreateKey(ctx, "x")
	})
}
