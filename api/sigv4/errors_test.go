package sigv4

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/iam"
)

// TestVerifyErrors checks which sentinel each malformed request earns.
func TestVerifyErrors(t *testing.T) {
	at := mustTime(t, amzDateFormat, "20130524T000000Z")
	sig := strings.Repeat("a", 64)
	cred := "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"
	auth := func(c, sh string) string {
		return "AWS4-HMAC-SHA256 Credential=" + c + ", SignedHeaders=" + sh + ", Signature=" + sig
	}
	base := map[string]string{"x-amz-date": "20130524T000000Z", "x-amz-content-sha256": emptySHA256}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			if v == "-" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	presign := func(mod func(string) string) string {
		q := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=" + sig
		return "/test.txt?" + mod(q)
	}
	tests := []struct {
		name   string
		target string
		hdr    map[string]string
		err    error
	}{
		{"unsupported algorithm", "/", with(map[string]string{"Authorization": "AWS4-ECDSA-P256-SHA256 Credential=x"}), ErrUnsupportedAlgorithm},
		{"bearer token", "/", with(map[string]string{"Authorization": "Bearer abc"}), ErrUnsupportedAlgorithm},
		{"missing signature", "/", with(map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host"}), ErrAuthorizationHeaderMalformed},
		{"duplicate field", "/", with(map[string]string{"Authorization": auth(cred, "host") + ", Signature=" + sig}), ErrAuthorizationHeaderMalformed},
		{"short credential", "/", with(map[string]string{"Authorization": auth("AK/20130524/us-east-1/s3", "host")}), ErrAuthorizationHeaderMalformed},
		{"wrong service", "/", with(map[string]string{"Authorization": auth("AK/20130524/us-east-1/iam/aws4_request", "host")}), ErrAuthorizationHeaderMalformed},
		{"wrong terminator", "/", with(map[string]string{"Authorization": auth("AK/20130524/us-east-1/s3/aws5_request", "host")}), ErrAuthorizationHeaderMalformed},
		{"wrong region", "/", with(map[string]string{"Authorization": auth("AK/20130524/eu-west-1/s3/aws4_request", "host")}), ErrAuthorizationHeaderMalformed},
		{"scope date differs", "/", with(map[string]string{"Authorization": auth("AKIAIOSFODNN7EXAMPLE/20130523/us-east-1/s3/aws4_request", "host")}), ErrAuthorizationHeaderMalformed},
		{"host not signed", "/", with(map[string]string{"Authorization": auth(cred, "x-amz-date")}), ErrUnsignedHeaders},
		{"upper-case signed header", "/", with(map[string]string{"Authorization": auth(cred, "Host")}), ErrAuthorizationHeaderMalformed},
		{"no date", "/", with(map[string]string{"x-amz-date": "-", "Authorization": auth(cred, "host")}), ErrMissingDateHeader},
		{"bad date", "/", with(map[string]string{"x-amz-date": "yesterday", "Authorization": auth(cred, "host")}), ErrMalformedDate},
		{"bad content sha", "/", with(map[string]string{"x-amz-content-sha256": "abc", "Authorization": auth(cred, "host")}), ErrInvalidContentSHA256},
		{"unknown key", "/", with(map[string]string{"Authorization": auth("NOPE/20130524/us-east-1/s3/aws4_request", "host")}), ErrInvalidAccessKeyID},
		{"bad signature", "/", with(map[string]string{"Authorization": auth(cred, "host")}), ErrSignatureDoesNotMatch},
		{"v2 malformed", "/", with(map[string]string{"Authorization": "AWS nocolon"}), ErrMalformedV2Authorization},
		{"v2 no date", "/", map[string]string{"Authorization": "AWS AKIAIOSFODNN7EXAMPLE:abc="}, ErrMissingDateHeader},
		{"v2 unknown key", "/", map[string]string{"Authorization": "AWS NOPE:abc=", "Date": "Fri, 24 May 2013 00:00:00 GMT"}, ErrInvalidAccessKeyID},
		{"v2 bad signature", "/", map[string]string{"Authorization": "AWS AKIAIOSFODNN7EXAMPLE:abc=", "Date": "Fri, 24 May 2013 00:00:00 GMT"}, ErrSignatureDoesNotMatch},
		{"presign wrong algorithm", presign(func(q string) string { return strings.Replace(q, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", 1) }), nil, ErrInvalidPresign},
		{"presign missing date", presign(func(q string) string { return strings.Replace(q, "X-Amz-Date=20130524T000000Z&", "", 1) }), nil, ErrInvalidPresign},
		{"presign repeated signature", presign(func(q string) string { return q + "&X-Amz-Signature=" + sig }), nil, ErrInvalidPresign},
		{"presign wrong region", presign(func(q string) string { return strings.Replace(q, "us-east-1", "eu-west-1", 1) }), nil, ErrInvalidPresign},
		{"presign negative expiry", presign(func(q string) string { return strings.Replace(q, "X-Amz-Expires=86400", "X-Amz-Expires=-1", 1) }), nil, ErrInvalidPresign},
		{"presign no host signed", presign(func(q string) string { return strings.Replace(q, "SignedHeaders=host", "SignedHeaders=x-amz-date", 1) }), nil, ErrUnsignedHeaders},
		{"presign plus v2", presign(func(q string) string { return q + "&AWSAccessKeyId=x" }), nil, ErrAccessDeniedMixedAuth},
		{"v2 presign missing expires", "/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=abc", nil, ErrInvalidPresign},
		{"v2 presign bad expires", "/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=abc&Expires=soon", nil, ErrInvalidPresign},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReq("GET", "examplebucket.s3.amazonaws.com", tt.target, "", tt.hdr)
			_, err := verifierAt(at).Verify(r)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
		})
	}
}

// TestPresignNotYetValid: a presigned URL dated beyond the skew window is
// refused before it starts.
func TestPresignNotYetValid(t *testing.T) {
	at := mustTime(t, amzDateFormat, "20130523T234000Z")
	r := newReq("GET", "examplebucket.s3.amazonaws.com",
		"/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", "", nil)
	_, err := verifierAt(at).Verify(r)
	if !errors.Is(err, ErrRequestNotReadyYet) || !errors.Is(err, ErrRequestTimeTooSkewed) {
		t.Fatalf("err = %v", err)
	}
}

func TestChunkedLengths(t *testing.T) {
	body := "3\r\nabc\r\n0\r\n\r\n"
	tests := []struct {
		name string
		hdr  map[string]string
		err  error
	}{
		{"exact", map[string]string{"x-amz-decoded-content-length": "3"}, nil},
		{"declared longer", map[string]string{"x-amz-decoded-content-length": "4"}, ErrIncompleteBody},
		{"declared shorter", map[string]string{"x-amz-decoded-content-length": "2"}, ErrIncompleteBody},
		{"missing", nil, ErrMissingContentLength},
		{"not a number", map[string]string{"x-amz-decoded-content-length": "three"}, ErrMissingContentLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := map[string]string{"x-amz-content-sha256": streamingUnsignedTrail}
			for k, v := range tt.hdr {
				hdr[k] = v
			}
			r := newReq("PUT", "h", "/b/k", body, hdr)
			_, got, err := verifyAndRead(verifierAt(mustTime(t, amzDateFormat, "20130524T000000Z")), r)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err == nil && string(got) != "abc" {
				t.Fatalf("body %q", got)
			}
		})
	}
}

// TestAnyRegion: with no configured region every scope region is accepted
// (and still part of the signature).
func TestAnyRegion(t *testing.T) {
	v := NewVerifier(Config{Credentials: staticCreds{exampleAccessKey: exampleSecret},
		Now: func() time.Time { return mustTime(t, amzDateFormat, "20130524T000000Z") }})
	r := newReq("GET", "examplebucket.s3.amazonaws.com", "/test.txt", "", map[string]string{
		"Range": "bytes=0-9", "x-amz-content-sha256": emptySHA256, "x-amz-date": "20130524T000000Z",
		"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
	})
	if _, err := v.Verify(r); err != nil {
		t.Fatalf("us-east-1: %v", err)
	}
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "us-east-1", "eu-west-1", 1))
	if _, err := v.Verify(r); !errors.Is(err, ErrSignatureDoesNotMatch) {
		t.Fatalf("eu-west-1 with a us-east-1 signature: %v", err)
	}
}

// TestLookupErrorJoined: the CredentialLookup's own error stays visible.
func TestLookupErrorJoined(t *testing.T) {
	v := NewVerifier(Config{Region: "us-east-1", Credentials: iam.NewRootOnly(iam.Credentials{AccessKey: "root", SecretKey: "secret12345"})})
	r := newReq("GET", "h", "/", "", map[string]string{"Authorization": "AWS NOPE:abc=", "Date": time.Now().UTC().Format(http.TimeFormat)})
	_, err := v.Verify(r)
	if !errors.Is(err, ErrInvalidAccessKeyID) || !errors.Is(err, iam.ErrNoSuchAccessKey) {
		t.Fatalf("err = %v", err)
	}
}
