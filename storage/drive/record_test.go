package drive

import (
	"errors"
	"reflect"
	"testing"
)

func sampleRecord() *Record {
	return &Record{Versions: []Version{
		{ID: "v2", ModTime: 20, Size: 5, ETag: "abc", ContentType: "text/plain", Metadata: map[string]string{"x-amz-meta-a": "b"},
			Data: 2, Parity: 2, BlockSize: 1 << 20, Bitrot: 1, Distribution: []uint8{2, 3, 0, 1}, IsInline: true, Inline: []byte("shard")},
		{ID: "null", DeleteMarker: true, ModTime: 10, Data: 2, Parity: 2},
		{ID: "v0", ModTime: 5, Size: 10 << 20, DataDir: "0123abcd", Checksums: map[string]string{"CRC32": "AAAA"}, ChecksumType: "FULL_OBJECT",
			Parts: []Part{{Number: 1, Size: 5 << 20, ETag: "e1", File: "part.1"}, {Number: 2, Size: 5 << 20, ETag: "e2", File: "part.2", Checksums: map[string]string{"CRC32": "x"}}}},
	}}
}

func TestRecordRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		rec  *Record
	}{
		{"empty", &Record{Versions: []Version{}}},
		{"sample", sampleRecord()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeRecord(EncodeRecord(tt.rec))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.rec) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, tt.rec)
			}
		})
	}
}

func TestDecodeRecordGarbage(t *testing.T) {
	full := EncodeRecord(sampleRecord())
	tests := []struct {
		name string
		in   []byte
	}{
		{"nil", nil}, {"magic", []byte{0, 1}}, {"version", []byte{recordMagic, 9}},
		{"huge count", []byte{recordMagic, recordVersion, 0xff, 0xff, 0xff, 0x0f}},
		{"truncated", full[:len(full)/2]}, {"trailing", append(append([]byte{}, full...), 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeRecord(tt.in); !errors.Is(err, ErrCorruptRecord) {
				t.Fatalf("err = %v, want ErrCorruptRecord", err)
			}
		})
	}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(EncodeRecord(sampleRecord()))
	f.Add(EncodeRecord(&Record{}))
	f.Add([]byte{recordMagic, recordVersion, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		meta, merr := DecodeRecordMeta(b)
		r, err := DecodeRecord(b)
		if (merr == nil) != (err == nil) {
			t.Fatalf("DecodeRecordMeta err %v, DecodeRecord err %v", merr, err)
		}
		if err != nil {
			return
		}
		if len(meta.Versions) != len(r.Versions) {
			t.Fatal("DecodeRecordMeta and DecodeRecord disagree")
		}
		if live := r.Latest() != nil && !r.Latest().DeleteMarker; latestIsLive(b) != live {
			t.Fatalf("latestIsLive = %v, decoded latest live = %v", !live, live)
		}
		// What decodes must re-encode and decode to the same value.
		r2, err := DecodeRecord(EncodeRecord(r))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if len(r2.Versions) != len(r.Versions) {
			t.Fatalf("re-decode changed version count")
		}
	})
}

// TestLatestIsLive checks the header-only test listings use against a full decode.
func TestLatestIsLive(t *testing.T) {
	marker := &Record{Versions: []Version{{ID: "null", DeleteMarker: true, ModTime: 10}, {ID: "v1", ModTime: 5}}}
	live := sampleRecord()
	tests := []struct {
		name string
		b    []byte
		want bool
	}{
		{"live latest", EncodeRecord(live), true},
		{"delete marker latest", EncodeRecord(marker), false},
		{"no versions", EncodeRecord(&Record{}), false},
		{"empty", nil, false},
		{"bad magic", append([]byte{0x00}, EncodeRecord(live)[1:]...), false},
		{"unknown format", append([]byte{recordMagic, 99}, EncodeRecord(live)[2:]...), false},
		{"truncated count", []byte{recordMagic, recordVersion, 0x80}, false},
		{"truncated flags", []byte{recordMagic, recordVersion, 1, 0x80}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := latestIsLive(tt.b); got != tt.want {
				t.Fatalf("latestIsLive = %v, want %v", got, tt.want)
			}
			if r, err := DecodeRecord(tt.b); err == nil && tt.want != (r.Latest() != nil && !r.Latest().DeleteMarker) {
				t.Fatalf("disagrees with DecodeRecord: %+v", r.Latest())
			}
		})
	}
}
