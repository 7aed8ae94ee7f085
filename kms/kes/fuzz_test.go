package kes_test

import (
	"bytes"
	"testing"

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
