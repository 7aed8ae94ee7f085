package sigv4

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/signer"
)

// minioPostForm builds a browser-POST form with minio-go's
// PresignedPostPolicy, lower-casing the field names as the API layer does.
func minioPostForm(t *testing.T, v2 bool, set func(p *minio.PostPolicy)) map[string]string {
	t.Helper()
	opts := &minio.Options{Region: "us-east-1", Creds: credentials.NewStaticV4(exampleAccessKey, exampleSecret, "")}
	if v2 {
		opts.Creds = credentials.NewStaticV2(exampleAccessKey, exampleSecret, "")
	}
	c, err := minio.New("127.0.0.1:9", opts)
	if err != nil {
		t.Fatal(err)
	}
	p := minio.NewPostPolicy()
	p.SetBucket("bucket")
	p.SetKey("uploads/photo.jpg")
	p.SetExpires(time.Now().Add(time.Hour).UTC())
	if set != nil {
		set(p)
	}
	_, data, err := c.PresignedPostPolicy(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	form := map[string]string{}
	for k, v := range data {
		form[strings.ToLower(k)] = v
	}
	return form
}

func TestVerifyPostPolicy(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}})
	withRange := func(p *minio.PostPolicy) {
		p.SetContentLengthRange(10, 1000)
		p.SetContentType("image/jpeg")
		p.SetUserMetadata("owner", "alice")
		p.SetSuccessStatusAction("201")
	}
	tests := []struct {
		name    string
		v2      bool
		set     func(p *minio.PostPolicy)
		bucket  string
		edit    func(f map[string]string)
		wantErr error
		scheme  string
	}{
		{name: "v4 minimal", scheme: SchemeV4Post},
		{name: "v4 with conditions", set: withRange, scheme: SchemeV4Post},
		{name: "v2", v2: true, set: withRange, scheme: SchemeV2Post},
		{name: "wrong bucket", bucket: "other", wantErr: ErrPostPolicyConditionFailed},
		{name: "key changed", edit: func(f map[string]string) { f["key"] = "elsewhere" }, wantErr: ErrPostPolicyConditionFailed},
		{name: "content type changed", set: withRange, edit: func(f map[string]string) { f["content-type"] = "text/html" }, wantErr: ErrPostPolicyConditionFailed},
		{name: "metadata changed", set: withRange, edit: func(f map[string]string) { f["x-amz-meta-owner"] = "mallory" }, wantErr: ErrPostPolicyConditionFailed},
		{name: "uncovered x-amz-meta field", edit: func(f map[string]string) { f["x-amz-meta-extra"] = "1" }, wantErr: ErrPostPolicyConditionFailed},
		{name: "x-ignore field allowed", edit: func(f map[string]string) { f["x-ignore-foo"] = "1" }, scheme: SchemeV4Post},
		{name: "policy tampered", edit: func(f map[string]string) {
			raw, _ := base64.StdEncoding.DecodeString(f["policy"])
			f["policy"] = base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(raw), "uploads/photo.jpg", "uploads/other.jpg", 1)))
		}, wantErr: ErrSignatureDoesNotMatch},
		{name: "signature tampered", edit: func(f map[string]string) { f["x-amz-signature"] = strings.Repeat("0", 64) }, wantErr: ErrSignatureDoesNotMatch},
		{name: "v2 signature tampered", v2: true, edit: func(f map[string]string) { f["signature"] = "AAAA" }, wantErr: ErrSignatureDoesNotMatch},
		{name: "expired", set: func(p *minio.PostPolicy) { p.SetExpires(time.Now().Add(-time.Minute).UTC()) }, wantErr: ErrPostPolicyExpired},
		{name: "unknown key", edit: func(f map[string]string) {
			f["x-amz-credential"] = strings.Replace(f["x-amz-credential"], exampleAccessKey, "NOPE", 1)
		}, wantErr: ErrInvalidAccessKeyID},
		{name: "policy missing", edit: func(f map[string]string) { delete(f, "policy") }, wantErr: ErrMalformedPOSTRequest},
		{name: "policy not base64", edit: func(f map[string]string) { f["policy"] = "%%%" }, wantErr: ErrSignatureDoesNotMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := minioPostForm(t, tt.v2, tt.set)
			if tt.edit != nil {
				tt.edit(form)
			}
			bucket := "bucket"
			if tt.bucket != "" {
				bucket = tt.bucket
			}
			p, err := v.VerifyPostPolicy(context.Background(), form, bucket)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if p.AccessKey != exampleAccessKey || p.Scheme != tt.scheme {
				t.Fatalf("policy %+v", p)
			}
			if tt.set != nil && (!p.ContentLengthRange.Set || p.ContentLengthRange.Min != 10 || p.ContentLengthRange.Max != 1000) {
				t.Fatalf("range %+v", p.ContentLengthRange)
			}
		})
	}
}

func TestPostPolicyDocument(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}})
	sign := func(doc string, extra map[string]string) map[string]string {
		b64 := base64.StdEncoding.EncodeToString([]byte(doc))
		f := map[string]string{"policy": b64, "awsaccesskeyid": exampleAccessKey, "signature": signer.PostPresignSignatureV2(b64, exampleSecret)}
		for k, v := range extra {
			f[k] = v
		}
		return f
	}
	exp := time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
	tests := []struct {
		name    string
		doc     string
		form    map[string]string
		wantErr error
	}{
		{"starts-with empty matches anything", `{"expiration":"` + exp + `","conditions":[["starts-with","$key",""],{"bucket":"b"}]}`, map[string]string{"key": "x"}, nil},
		{"eq", `{"expiration":"` + exp + `","conditions":[["eq","$acl","public-read"]]}`, map[string]string{"acl": "public-read"}, nil},
		{"eq fails", `{"expiration":"` + exp + `","conditions":[["eq","$acl","public-read"]]}`, map[string]string{"acl": "private"}, ErrPostPolicyConditionFailed},
		{"range as strings", `{"expiration":"` + exp + `","conditions":[["content-length-range","1","5"]]}`, nil, nil},
		{"range inverted", `{"expiration":"` + exp + `","conditions":[["content-length-range",5,1]]}`, nil, ErrInvalidPolicyDocument},
		{"unknown operator", `{"expiration":"` + exp + `","conditions":[["matches","$key","x"]]}`, nil, ErrInvalidPolicyDocument},
		{"no expiration", `{"conditions":[]}`, nil, ErrInvalidPolicyDocument},
		{"not json", `nope`, nil, ErrInvalidPolicyDocument},
		{"content-type list", `{"expiration":"` + exp + `","conditions":[["starts-with","$Content-Type","image/"]]}`, map[string]string{"content-type": "image/png, image/jpeg"}, nil},
		{"content-type list fails", `{"expiration":"` + exp + `","conditions":[["starts-with","$Content-Type","image/"]]}`, map[string]string{"content-type": "image/png, text/html"}, ErrPostPolicyConditionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.VerifyPostPolicy(context.Background(), sign(tt.doc, tt.form), "b")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
	p, err := v.VerifyPostPolicy(context.Background(), map[string]string{"key": "k"}, "b")
	if err != nil || !p.Anonymous {
		t.Fatalf("anonymous form: %+v, %v", p, err)
	}
	rng := &PostPolicy{ContentLengthRange: ContentLengthRange{Min: 2, Max: 4, Set: true}}
	for n, want := range map[int64]error{1: ErrEntityTooSmall, 2: nil, 4: nil, 5: ErrEntityTooLarge} {
		if err := rng.CheckContentLength(n); !errors.Is(err, want) {
			t.Errorf("CheckContentLength(%d) = %v, want %v", n, err, want)
		}
	}
}

// FuzzPostPolicy feeds arbitrary policy documents and form fields, signed
// with the right V2 key so that the document parser and the condition
// checks are reached; nothing may panic, and an accepted policy must have a
// future expiration.
func FuzzPostPolicy(f *testing.F) {
	f.Add(`{"expiration":"2099-01-01T00:00:00.000Z","conditions":[{"bucket":"b"},["starts-with","$key","u/"],["content-length-range",1,10]]}`, "key", "u/x")
	f.Add(`{"expiration":"2000-01-01T00:00:00Z","conditions":[]}`, "acl", "private")
	f.Add(`{"expiration":"2099-01-01T00:00:00Z","conditions":[["eq","$x-amz-meta-a","1"],{"Content-Type":"text/plain"}]}`, "x-amz-meta-a", "1")
	f.Add(`{"conditions":[[1,2,3]],"expiration":null}`, "", "")
	v := NewVerifier(Config{Region: "us-east-1", Credentials: staticCreds{exampleAccessKey: exampleSecret}})
	f.Fuzz(func(t *testing.T, doc, field, value string) {
		b64 := base64.StdEncoding.EncodeToString([]byte(doc))
		form := map[string]string{"policy": b64, "awsaccesskeyid": exampleAccessKey, "signature": signer.PostPresignSignatureV2(b64, exampleSecret)}
		if field != "" {
			form[strings.ToLower(field)] = value
		}
		p, err := v.VerifyPostPolicy(context.Background(), form, "b")
		if err == nil && !p.Expiration.After(time.Now()) {
			t.Fatalf("accepted expired policy %q", doc)
		}
		if err == nil && p.ContentLengthRange.Set && p.ContentLengthRange.Min > p.ContentLengthRange.Max {
			t.Fatalf("accepted inverted range %+v", p.ContentLengthRange)
		}
	})
}
