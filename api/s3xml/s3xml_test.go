package s3xml

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/api/s3err"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func TestGolden(t *testing.T) {
	mod := Time(time.Date(2026, 1, 2, 3, 4, 5, 6000000, time.UTC))
	size := int64(42)
	owner := Owner{ID: "root", DisplayName: "root"}
	tests := []struct {
		name string
		v    any
	}{
		{"list_buckets", ListAllMyBucketsResult{Owner: owner, Buckets: []Bucket{{Name: "a", CreationDate: mod}, {Name: "b", CreationDate: mod, BucketRegion: "us-east-1"}}}},
		{"list_objects_v1", ListBucketResult{Name: "b", Prefix: "p/", Marker: "m", NextMarker: "p/z/", MaxKeys: 2, Delimiter: "/", IsTruncated: true,
			Contents:       []Object{{Key: "p/a&b", LastModified: mod, ETag: `"abc"`, Size: 3, StorageClass: "STANDARD"}},
			CommonPrefixes: []CommonPrefix{{Prefix: "p/z/"}}}},
		{"list_objects_v2", ListBucketResultV2{Name: "b", KeyCount: 1, MaxKeys: 1000, ContinuationToken: "dG9r", StartAfter: "a",
			Contents: []Object{{Key: "k", LastModified: mod, ETag: `"abc"`, Size: 3, Owner: &owner, StorageClass: "STANDARD", ChecksumAlgorithm: []string{"CRC32"}, ChecksumType: "FULL_OBJECT"}}}},
		{"list_versions", ListVersionsResult{Name: "b", MaxKeys: 1000, Entries: []VersionEntry{
			NewDeleteMarker(VersionEntry{Key: "k", VersionID: "v2", IsLatest: true, LastModified: mod, Owner: owner}),
			NewVersion(VersionEntry{Key: "k", VersionID: "null", LastModified: mod, ETag: `"abc"`, Size: &size, Owner: owner, StorageClass: "STANDARD"}),
		}}},
		{"location", LocationConstraintResult{Location: "eu-west-1"}},
		{"location_empty", LocationConstraintResult{}},
		{"versioning_empty", VersioningConfiguration{}},
		{"delete_result", DeleteResult{Deleted: []DeletedObject{{Key: "a"}, {Key: "b", VersionID: "v", DeleteMarker: true, DeleteMarkerVersionID: "v"}},
			Errors: []DeleteError{{Key: "c", Code: "AccessDenied", Message: "Access Denied."}}}},
		{"copy_object", CopyObjectResult{LastModified: mod, ETag: `"abc"`, Checksums: Checksums{ChecksumCRC32: "AAAAAA=="}}},
		{"copy_part", CopyPartResult{LastModified: mod, ETag: `"abc"`}},
		{"initiate", InitiateMultipartUploadResult{Bucket: "b", Key: "k", UploadID: "u"}},
		{"complete", CompleteMultipartUploadResult{Location: "http://h/b/k", Bucket: "b", Key: "k", ETag: `"abc-2"`, ChecksumType: "COMPOSITE", Checksums: Checksums{ChecksumCRC32C: "AAAAAA==-2"}}},
		{"list_parts", ListPartsResult{Bucket: "b", Key: "k", UploadID: "u", Initiator: owner, Owner: owner, StorageClass: "STANDARD", NextPartNumberMarker: 1, MaxParts: 1000,
			Parts: []Part{{PartNumber: 1, LastModified: mod, ETag: `"abc"`, Size: 5}}}},
		{"list_uploads", ListMultipartUploadsResult{Bucket: "b", MaxUploads: 1000, Uploads: []Upload{{Key: "k", UploadID: "u", Initiator: owner, Owner: owner, StorageClass: "STANDARD", Initiated: mod}}}},
		{"error", Error{Code: "NoSuchKey", Message: "The specified key does not exist.", BucketName: "b", Key: "k", Resource: "/b/k", RequestID: "1", HostID: "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.name+".xml")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("mismatch\ngot:  %s\nwant: %s", got, want)
			}
		})
	}
}

func TestDecodeDelete(t *testing.T) {
	tests := []struct {
		name string
		body string
		n    int
		code s3err.Code
	}{
		{"ok", `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b</Key><VersionId>v</VersionId></Object></Delete>`, 2, ""},
		{"no namespace", `<Delete><Object><Key>a</Key></Object></Delete>`, 1, ""},
		{"empty", ``, 0, s3err.MalformedXML},
		{"garbage", `not xml`, 0, s3err.MalformedXML},
		{"wrong root", `<Other><Object><Key>a</Key></Object></Other>`, 0, s3err.MalformedXML},
		{"no objects", `<Delete></Delete>`, 0, s3err.MalformedXML},
		{"trailing", `<Delete><Object><Key>a</Key></Object></Delete><Delete/>`, 0, s3err.MalformedXML},
		{"unclosed", `<Delete><Object><Key>a</Key></Object>`, 0, s3err.MalformedXML},
		{"too many", `<Delete>` + strings.Repeat(`<Object><Key>a</Key></Object>`, 1001) + `</Delete>`, 0, s3err.MalformedXML},
		{"too big", `<Delete>` + strings.Repeat(" ", MaxDeleteBody) + `</Delete>`, 0, s3err.MaxMessageLengthExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DecodeDelete(strings.NewReader(tt.body))
			if tt.code != "" {
				if got := s3err.From(err); got != tt.code {
					t.Fatalf("err = %v (%s), want %s", err, got, tt.code)
				}
				return
			}
			if err != nil || len(d.Objects) != tt.n {
				t.Fatalf("got %+v, %v", d, err)
			}
		})
	}
}

func TestDecodeCompleteMultipartUpload(t *testing.T) {
	tests := []struct {
		name string
		body string
		n    int
		code s3err.Code
	}{
		{"ok", `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"a"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part><Part><PartNumber>2</PartNumber><ETag>b</ETag></Part></CompleteMultipartUpload>`, 2, ""},
		{"empty", ``, 0, s3err.MalformedXML},
		{"no parts", `<CompleteMultipartUpload/>`, 0, s3err.MalformedXML},
		{"bad number", `<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part></CompleteMultipartUpload>`, 0, s3err.MalformedXML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeCompleteMultipartUpload(strings.NewReader(tt.body))
			if tt.code != "" {
				if got := s3err.From(err); got != tt.code {
					t.Fatalf("err = %v (%s), want %s", err, got, tt.code)
				}
				return
			}
			if err != nil || len(c.Parts) != tt.n {
				t.Fatalf("got %+v, %v", c, err)
			}
			if c.Parts[0].Map()["CRC32"] != "AAAAAA==" {
				t.Fatalf("checksum not decoded: %+v", c.Parts[0])
			}
		})
	}
}

func TestDecodeCreateBucketConfiguration(t *testing.T) {
	tests := []struct {
		name, body, want string
		code             s3err.Code
	}{
		{"empty", "", "", ""},
		{"region", `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`, "eu-west-1", ""},
		{"garbage", "<CreateBucketConfiguration>", "", s3err.MalformedXML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeCreateBucketConfiguration(strings.NewReader(tt.body))
			if tt.code != "" {
				if got := s3err.From(err); got != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil || c.LocationConstraint != tt.want {
				t.Fatalf("got %+v, %v", c, err)
			}
		})
	}
}

func TestDecodeVersioning(t *testing.T) {
	tests := []struct {
		name, body, want string
		ok               bool
	}{
		{"enabled", `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`, "Enabled", true},
		{"bogus", `<VersioningConfiguration><Status>On</Status></VersioningConfiguration>`, "", false},
		{"empty", ``, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := DecodeVersioning(strings.NewReader(tt.body))
			if (err == nil) != tt.ok || v.Status != tt.want {
				t.Fatalf("got %+v, %v", v, err)
			}
			var se *s3err.Error
			if err != nil && !errors.As(err, &se) {
				t.Fatalf("error %v is not an *s3err.Error", err)
			}
		})
	}
}
