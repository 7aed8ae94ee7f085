package checksum

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func sumOf(a Algorithm, data []byte) string {
	h := a.New()
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func TestCRC64NVMEVectors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want uint64
	}{
		{"check 123456789", []byte("123456789"), 0xAE8B14860A799888},
		{"hello world!", []byte("hello world!"), 0xd9160d1fa8e418e3},
		{"32 zeros", make([]byte, 32), 0xCF3473434D4ECF3B},
		{"aaaaaaaaaa", []byte("aaaaaaaaaa"), 0x0C1A80036D65C555},
		{"4096 zeros", make([]byte, 4096), 0x6482D367EB22B64E},
		{"4096 ones", bytes.Repeat([]byte{0xff}, 4096), 0xC0DDBA7302ECA3AC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := CRC64NVME.New()
			h.Write(tt.in)
			if got := binary.BigEndian.Uint64(h.Sum(nil)); got != tt.want {
				t.Fatalf("got %#x, want %#x", got, tt.want)
			}
		})
	}
}

func TestAlgorithmVectors(t *testing.T) {
	// "123456789" check values of each CRC, and SHA digests of "".
	tests := []struct {
		alg  Algorithm
		in   string
		want string // hex
	}{
		{CRC32, "123456789", "cbf43926"},
		{CRC32C, "123456789", "e3069283"},
		{CRC64NVME, "123456789", "ae8b14860a799888"},
		{SHA1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	for _, tt := range tests {
		t.Run(string(tt.alg), func(t *testing.T) {
			h := tt.alg.New()
			h.Write([]byte(tt.in))
			got := h.Sum(nil)
			if hexs := hexString(got); hexs != tt.want {
				t.Fatalf("got %s, want %s", hexs, tt.want)
			}
			if len(got) != tt.alg.Size() {
				t.Fatalf("size %d, want %d", len(got), tt.alg.Size())
			}
		})
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&15])
	}
	return sb.String()
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Algorithm
		err  error
	}{
		{"crc32", CRC32, nil},
		{"CRC32C", CRC32C, nil},
		{"Crc64Nvme", CRC64NVME, nil},
		{"sha1", SHA1, nil},
		{"SHA256", SHA256, nil},
		{"md5", "", ErrInvalidAlgorithm},
		{"", "", ErrInvalidAlgorithm},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("Parse(%q) = %q, %v", tt.in, got, err)
			}
			if got != "" && got.Header() != "x-amz-checksum-"+strings.ToLower(tt.in) {
				t.Fatalf("Header = %q", got.Header())
			}
		})
	}
}

func TestReader(t *testing.T) {
	payload := []byte("Hello world, this is a payload.")
	good := sumOf(CRC32, payload)
	bad := sumOf(CRC32, []byte("other"))
	tests := []struct {
		name     string
		hdr      map[string]string
		trailers http.Header
		newErr   error
		readErr  error
		alg      Algorithm
	}{
		{name: "none", hdr: nil},
		{name: "header ok", hdr: map[string]string{"x-amz-checksum-crc32": good}, alg: CRC32},
		{name: "header mismatch", hdr: map[string]string{"x-amz-checksum-crc32": bad}, readErr: ErrBadDigest, alg: CRC32},
		{name: "sha256 ok", hdr: map[string]string{"x-amz-checksum-sha256": sumOf(SHA256, payload)}, alg: SHA256},
		{name: "crc64 ok", hdr: map[string]string{"x-amz-checksum-crc64nvme": sumOf(CRC64NVME, payload)}, alg: CRC64NVME},
		{name: "sdk algorithm only", hdr: map[string]string{"x-amz-sdk-checksum-algorithm": "crc32c"}, alg: CRC32C},
		{name: "sdk algorithm invalid", hdr: map[string]string{"x-amz-sdk-checksum-algorithm": "md5"}, newErr: ErrInvalidAlgorithm},
		{name: "sdk algorithm conflicts", hdr: map[string]string{"x-amz-sdk-checksum-algorithm": "sha1", "x-amz-checksum-crc32": good}, newErr: ErrInvalidAlgorithm},
		{name: "bad base64", hdr: map[string]string{"x-amz-checksum-crc32": "!!!"}, newErr: ErrInvalidChecksum},
		{name: "wrong length", hdr: map[string]string{"x-amz-checksum-crc32": sumOf(SHA1, payload)}, newErr: ErrInvalidChecksum},
		{name: "two algorithms", hdr: map[string]string{"x-amz-checksum-crc32": good, "x-amz-checksum-sha1": sumOf(SHA1, payload)}, newErr: ErrMultipleChecksums},
		{name: "trailer ok", hdr: map[string]string{"x-amz-trailer": "x-amz-checksum-crc32"}, trailers: http.Header{"X-Amz-Checksum-Crc32": {good}}, alg: CRC32},
		{name: "trailer mismatch", hdr: map[string]string{"x-amz-trailer": "x-amz-checksum-crc32"}, trailers: http.Header{"X-Amz-Checksum-Crc32": {bad}}, readErr: ErrBadDigest, alg: CRC32},
		{name: "trailer missing", hdr: map[string]string{"x-amz-trailer": "x-amz-checksum-crc32"}, readErr: ErrMalformedTrailer, alg: CRC32},
		{name: "trailer malformed value", hdr: map[string]string{"x-amz-trailer": "x-amz-checksum-crc32"}, trailers: http.Header{"X-Amz-Checksum-Crc32": {"zz"}}, readErr: ErrInvalidChecksum, alg: CRC32},
		{name: "trailer not checksum", hdr: map[string]string{"x-amz-trailer": "x-amz-meta-foo"}, newErr: ErrMalformedTrailer},
		{name: "trailer unknown alg", hdr: map[string]string{"x-amz-trailer": "x-amz-checksum-md5"}, newErr: ErrMalformedTrailer},
		{name: "trailer and header differ", hdr: map[string]string{"x-amz-trailer": "x-amz-checksum-crc32c", "x-amz-checksum-crc32": good}, newErr: ErrMultipleChecksums},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.hdr {
				h.Set(k, v)
			}
			r, err := NewReader(bytes.NewReader(payload), h, func() http.Header { return tt.trailers })
			if !errors.Is(err, tt.newErr) {
				t.Fatalf("NewReader err = %v, want %v", err, tt.newErr)
			}
			if err != nil {
				return
			}
			got, err := io.ReadAll(iotestOneByte(r))
			if !errors.Is(err, tt.readErr) {
				t.Fatalf("read err = %v, want %v", err, tt.readErr)
			}
			if !bytes.Equal(got, payload) {
				t.Fatalf("payload altered")
			}
			if r.Algorithm() != tt.alg {
				t.Fatalf("Algorithm = %q, want %q", r.Algorithm(), tt.alg)
			}
			if tt.alg != "" && tt.readErr == nil && r.Sums()[string(tt.alg)] != sumOf(tt.alg, payload) {
				t.Fatalf("Sums = %v", r.Sums())
			}
			if tt.alg == "" && len(r.Sums()) != 0 {
				t.Fatalf("Sums = %v, want empty", r.Sums())
			}
		})
	}
}

// iotestOneByte reads one byte at a time to exercise many Read calls.
func iotestOneByte(r io.Reader) io.Reader { return &oneByte{r} }

type oneByte struct{ r io.Reader }

func (o *oneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

func TestComposite(t *testing.T) {
	parts := [][]byte{[]byte("part one data"), []byte("part two"), []byte("3")}
	for _, a := range Algorithms() {
		t.Run(string(a), func(t *testing.T) {
			var sums []string
			h := a.New()
			for _, p := range parts {
				s := sumOf(a, p)
				sums = append(sums, s)
				raw, _ := base64.StdEncoding.DecodeString(s)
				h.Write(raw)
			}
			want := base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-3"
			got, err := Composite(a, sums)
			if err != nil || got != want {
				t.Fatalf("Composite = %q, %v; want %q", got, err, want)
			}
			if _, err := Composite(a, []string{"bad!"}); !errors.Is(err, ErrInvalidChecksum) {
				t.Fatalf("bad part: err = %v", err)
			}
		})
	}
}

func TestCombineFullObject(t *testing.T) {
	chunks := [][]byte{
		bytes.Repeat([]byte("a"), 5<<20+3),
		[]byte("second part"),
		{},
		bytes.Repeat([]byte{0, 1, 2, 0xff}, 1000),
		[]byte("x"),
	}
	var whole []byte
	for _, c := range chunks {
		whole = append(whole, c...)
	}
	for _, a := range []Algorithm{CRC32, CRC32C, CRC64NVME} {
		t.Run(string(a), func(t *testing.T) {
			var parts []PartSum
			for _, c := range chunks {
				parts = append(parts, PartSum{Sum: sumOf(a, c), Size: int64(len(c))})
			}
			got, err := CombineFullObject(a, parts)
			if err != nil {
				t.Fatal(err)
			}
			if want := sumOf(a, whole); got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
			one, err := CombineFullObject(a, parts[:1])
			if err != nil || one != parts[0].Sum {
				t.Fatalf("single part: %s, %v", one, err)
			}
			empty, err := CombineFullObject(a, nil)
			if err != nil || empty != sumOf(a, nil) {
				t.Fatalf("no parts: %s, %v", empty, err)
			}
		})
	}
	for _, a := range []Algorithm{SHA1, SHA256, "MD5"} {
		t.Run("unsupported "+string(a), func(t *testing.T) {
			if _, err := CombineFullObject(a, nil); !errors.Is(err, ErrInvalidAlgorithm) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}
