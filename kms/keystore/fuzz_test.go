package keystore

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/silo-project/silo/kms"
)

// FuzzParseKeyFile feeds arbitrary key file contents to the parser: it
// fails cleanly or returns a 32-byte key it could unseal, never panics.
func FuzzParseKeyFile(f *testing.F) {
	root, err := kms.NewSecret(bytes.Repeat([]byte{4}, 32))
	if err != nil {
		f.Fatal(err)
	}
	sealed, err := root.Seal(bytes.Repeat([]byte{5}, 32), keyAD("k", "id1"))
	if err != nil {
		f.Fatal(err)
	}
	good, err := json.Marshal(keyFile{Version: fileVersion, Name: "k", ID: "id1", Created: time.Unix(0, 0), Sealed: sealed})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"version":1,"name":"k","id":"x","sealed":"AAAA"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, secret, used, err := parseKeyFile([]kms.Secret{root}, "k", data)
		if err == nil && (used != 0 || len(secret.Bytes()) != 32) {
			t.Fatalf("parseKeyFile accepted %q with root %d", data, used)
		}
	})
}
