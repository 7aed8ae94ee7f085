package s3xml

import (
	"bytes"
	"errors"
	"testing"

	"github.com/silo-project/silo/api/s3err"
)

// checkFuzzErr fails unless err is nil or an S3 error (never a panic or an
// untyped error that would become InternalError).
func checkFuzzErr(t *testing.T, err error) {
	t.Helper()
	var se *s3err.Error
	if err != nil && !errors.As(err, &se) {
		t.Fatalf("untyped error %v", err)
	}
}

func FuzzDecodeDelete(f *testing.F) {
	f.Add([]byte(`<Delete><Quiet>true</Quiet><Object><Key>a</Key><VersionId>v</VersionId></Object></Delete>`))
	f.Add([]byte(`<Delete/>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodeDelete(bytes.NewReader(b))
		checkFuzzErr(t, err)
		if err == nil && (len(d.Objects) == 0 || len(d.Objects) > MaxDeleteObjects) {
			t.Fatalf("accepted %d objects", len(d.Objects))
		}
	})
}

func FuzzDecodeCompleteMultipartUpload(f *testing.F) {
	f.Add([]byte(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"a"</ETag></Part></CompleteMultipartUpload>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeCompleteMultipartUpload(bytes.NewReader(b))
		checkFuzzErr(t, err)
		if err == nil && len(c.Parts) == 0 {
			t.Fatal("accepted no parts")
		}
	})
}

func FuzzDecodeCreateBucketConfiguration(f *testing.F) {
	f.Add([]byte(`<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := DecodeCreateBucketConfiguration(bytes.NewReader(b))
		checkFuzzErr(t, err)
	})
}

func FuzzDecodeVersioning(f *testing.F) {
	f.Add([]byte(`<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := DecodeVersioning(bytes.NewReader(b))
		checkFuzzErr(t, err)
	})
}
