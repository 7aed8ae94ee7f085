package drive

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// recordMagic and recordVersion start every encoded Record.
const (
	recordMagic   = 0x53 // 'S'
	recordVersion = 1
)

// ErrCorruptRecord is returned when a stored metadata value cannot be decoded.
var ErrCorruptRecord = errors.New("corrupt metadata record")

// Record holds every version of one object key as stored on one drive.
// Versions are ordered newest first.
type Record struct {
	Versions []Version
}

// Version is one version of an object (or a delete marker) with the erasure
// layout used to store it. Every field but Inline is identical on all drives
// of the set; Inline holds this drive's own shard for small objects.
type Version struct {
	ID           string // storage.NullVersionID or a generated ID
	DeleteMarker bool
	ModTime      int64 // Unix nanoseconds
	Size         int64
	ETag         string
	ContentType  string
	StorageClass string
	Metadata     map[string]string
	Internal     map[string]string
	Checksums    map[string]string
	ChecksumType string
	// Erasure layout.
	Data, Parity int
	BlockSize    int64
	Bitrot       uint8   // bitrot hash algorithm
	Distribution []uint8 // shard index held by each position of the set
	DataDir      string  // "" when the data is inline or the version is a marker
	Parts        []Part
	Inline       []byte // this drive's shard (hashes and data) of an inline object
	IsInline     bool
}

// Part is one part of an object: a shard file in the version's data dir.
type Part struct {
	Number    int               `json:"n"`
	Size      int64             `json:"s"`
	ETag      string            `json:"e"`
	File      string            `json:"f"`
	ModTime   int64             `json:"t"`
	Checksums map[string]string `json:"c,omitempty"`
}

// Latest returns the newest version, or nil when r is empty.
func (r *Record) Latest() *Version {
	if r == nil || len(r.Versions) == 0 {
		return nil
	}
	return &r.Versions[0]
}

// Find returns the index of the version with the given ID, or -1.
func (r *Record) Find(id string) int {
	if r == nil {
		return -1
	}
	for i := range r.Versions {
		if r.Versions[i].ID == id {
			return i
		}
	}
	return -1
}

// Sort orders the versions newest first (stable for equal times).
func (r *Record) Sort() {
	sort.SliceStable(r.Versions, func(i, j int) bool { return r.Versions[i].ModTime > r.Versions[j].ModTime })
}

// DataDirs returns the distinct data dirs referenced by r.
func (r *Record) DataDirs() []string {
	if r == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range r.Versions {
		if v.DataDir != "" && !seen[v.DataDir] {
			seen[v.DataDir] = true
			out = append(out, v.DataDir)
		}
	}
	return out
}

const (
	flagDeleteMarker = 1 << iota
	flagInline
)

// EncodeRecord serialises r compactly: magic, format version, then each
// version's fields as uvarint-prefixed values.
func EncodeRecord(r *Record) []byte {
	b := make([]byte, 0, 256)
	b = append(b, recordMagic, recordVersion)
	b = binary.AppendUvarint(b, uint64(len(r.Versions)))
	for i := range r.Versions {
		v := &r.Versions[i]
		var flags uint64
		if v.DeleteMarker {
			flags |= flagDeleteMarker
		}
		if v.IsInline {
			flags |= flagInline
		}
		b = binary.AppendUvarint(b, flags)
		b = appendString(b, v.ID)
		b = binary.AppendVarint(b, v.ModTime)
		b = binary.AppendVarint(b, v.Size)
		b = appendString(b, v.ETag)
		b = appendString(b, v.ContentType)
		b = appendString(b, v.StorageClass)
		b = appendMap(b, v.Metadata)
		b = appendMap(b, v.Internal)
		b = appendMap(b, v.Checksums)
		b = appendString(b, v.ChecksumType)
		b = binary.AppendUvarint(b, uint64(v.Data))
		b = binary.AppendUvarint(b, uint64(v.Parity))
		b = binary.AppendVarint(b, v.BlockSize)
		b = append(b, v.Bitrot)
		b = appendBytes(b, v.Distribution)
		b = appendString(b, v.DataDir)
		b = binary.AppendUvarint(b, uint64(len(v.Parts)))
		for _, p := range v.Parts {
			b = binary.AppendUvarint(b, uint64(p.Number))
			b = binary.AppendVarint(b, p.Size)
			b = appendString(b, p.ETag)
			b = appendString(b, p.File)
			b = binary.AppendVarint(b, p.ModTime)
			b = appendMap(b, p.Checksums)
		}
		b = appendBytes(b, v.Inline)
	}
	return b
}

// latestIsLive reports whether the newest version of an encoded record is
// an object rather than a delete marker, reading only the record's first
// bytes (a listing asks this of one key per common prefix).
func latestIsLive(b []byte) bool {
	if len(b) < 4 || b[0] != recordMagic || b[1] != recordVersion {
		return false
	}
	n, k := binary.Uvarint(b[2:])
	if k <= 0 || n == 0 {
		return false
	}
	flags, j := binary.Uvarint(b[2+k:])
	return j > 0 && flags&flagDeleteMarker == 0
}

// DecodeRecord parses what EncodeRecord produced. It never panics: garbage
// yields an error wrapping ErrCorruptRecord.
func DecodeRecord(b []byte) (*Record, error) { return decodeRecord(b, false) }

// DecodeRecordMeta is DecodeRecord without the inline shards (left nil),
// for listings: it neither copies nor keeps inline data.
func DecodeRecordMeta(b []byte) (*Record, error) { return decodeRecord(b, true) }

func decodeRecord(b []byte, skipInline bool) (*Record, error) {
	d := decoder{b: b}
	if len(b) < 2 || b[0] != recordMagic {
		return nil, fmt.Errorf("%w: bad magic", ErrCorruptRecord)
	}
	if b[1] != recordVersion {
		return nil, fmt.Errorf("%w: unknown version %d", ErrCorruptRecord, b[1])
	}
	d.b = b[2:]
	n := d.count(8)
	r := &Record{Versions: make([]Version, 0, n)}
	for i := 0; i < n && d.err == nil; i++ {
		var v Version
		flags := d.uvarint()
		v.DeleteMarker = flags&flagDeleteMarker != 0
		v.IsInline = flags&flagInline != 0
		v.ID = d.string()
		v.ModTime = d.varint()
		v.Size = d.varint()
		v.ETag = d.string()
		v.ContentType = d.string()
		v.StorageClass = d.string()
		v.Metadata = d.strmap()
		v.Internal = d.strmap()
		v.Checksums = d.strmap()
		v.ChecksumType = d.string()
		v.Data = d.smallInt()
		v.Parity = d.smallInt()
		v.BlockSize = d.varint()
		v.Bitrot = d.byte()
		v.Distribution = d.bytes()
		v.DataDir = d.string()
		np := d.count(4)
		for j := 0; j < np && d.err == nil; j++ {
			var p Part
			p.Number = d.smallInt()
			p.Size = d.varint()
			p.ETag = d.string()
			p.File = d.string()
			p.ModTime = d.varint()
			p.Checksums = d.strmap()
			v.Parts = append(v.Parts, p)
		}
		if skipInline {
			d.skipBytes()
		} else {
			v.Inline = d.bytes()
		}
		r.Versions = append(r.Versions, v)
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrCorruptRecord, len(d.b))
	}
	return r, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, p []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

func appendMap(b []byte, m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendString(b, m[k])
	}
	return b
}

// decoder reads values with a sticky error; every length is checked against
// the bytes left so corrupt input can never cause a huge allocation or panic.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated or invalid %s", ErrCorruptRecord, what)
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) smallInt() int {
	v := d.uvarint()
	if v > 1<<20 {
		d.fail("integer")
		return 0
	}
	return int(v)
}

// count reads an element count; each element needs at least minSize bytes.
func (d *decoder) count(minSize int) int {
	v := d.uvarint()
	if v > uint64(len(d.b)/minSize+1) {
		d.fail("count")
		return 0
	}
	return int(v)
}

func (d *decoder) byte() uint8 {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.fail("byte")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("bytes")
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]byte, n)
	copy(out, d.b[:n])
	d.b = d.b[n:]
	return out
}

func (d *decoder) skipBytes() {
	n := d.uvarint()
	if d.err != nil {
		return
	}
	if n > uint64(len(d.b)) {
		d.fail("bytes")
		return
	}
	d.b = d.b[n:]
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.fail("string")
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) strmap() map[string]string {
	n := d.count(2)
	if n == 0 || d.err != nil {
		return nil
	}
	m := make(map[string]string, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := d.string()
		m[k] = d.string()
	}
	return m
}
