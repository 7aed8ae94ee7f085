package checksum

import (
	"bytes"
	"io"
	"net/http"
	"testing"
)

// FuzzChecksumHeaders feeds arbitrary checksum headers, trailers and
// payloads to NewReader; it must never panic, and a Reader that accepts its
// own computed sum must verify.
func FuzzChecksumHeaders(f *testing.F) {
	f.Add("x-amz-checksum-crc32", "AAAAAA==", "", "", "", []byte("data"))
	f.Add("x-amz-checksum-sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "sha256", "", "", []byte(""))
	f.Add("", "", "CRC32C", "x-amz-checksum-crc32c", "AAAAAA==", []byte("x"))
	f.Add("x-amz-checksum-crc64nvme", "!!", "crc64nvme", "x-amz-checksum-crc64nvme", "=", []byte{0})
	f.Fuzz(func(t *testing.T, name, value, sdk, trailer, tvalue string, payload []byte) {
		h := http.Header{}
		if name != "" {
			h.Set(name, value)
		}
		if sdk != "" {
			h.Set("x-amz-sdk-checksum-algorithm", sdk)
		}
		if trailer != "" {
			h.Set("x-amz-trailer", trailer)
		}
		th := http.Header{}
		if trailer != "" && tvalue != "" {
			th.Set(trailer, tvalue)
		}
		r, err := NewReader(bytes.NewReader(payload), h, func() http.Header { return th })
		if err != nil {
			return
		}
		got, _ := io.ReadAll(r)
		if !bytes.Equal(got, payload) {
			t.Fatal("payload altered")
		}
		if a := r.Algorithm(); a != "" {
			if err := Validate(a, r.Sums()[string(a)]); err != nil {
				t.Fatalf("computed sum invalid: %v", err)
			}
		}
	})
}
