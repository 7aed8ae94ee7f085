package sigv4

import (
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestAWSSigV4Suite checks canonicalisation against vectors of AWS's
// aws-sig-v4-test-suite (service "service", region us-east-1, AKIDEXAMPLE,
// 20150830T123600Z). Verify only accepts service "s3", so these exercise
// the canonical request and signature functions it is built from.
func TestAWSSigV4Suite(t *testing.T) {
	const (
		secret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
		amzDate = "20150830T123600Z"
		scope   = "20150830/us-east-1/service/aws4_request"
	)
	type hdr struct{ k, v string }
	tests := []struct {
		name, method, target string
		headers              []hdr
		signed               []string
		want                 string
	}{
		{"get-vanilla", "GET", "/", nil, nil, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"post-vanilla", "POST", "/", nil, nil, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{"get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", nil, nil, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
		{"post-vanilla-query", "POST", "/?Param1=value1", nil, nil, "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
		{"get-vanilla-utf8-query", "GET", "/?%E1%88%B4=bar", nil, nil, "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
		{"get-vanilla-query-unreserved", "GET", "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", nil, nil, "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
		{"get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", nil, nil, "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
		{"get-utf8", "GET", "/%E1%88%B4", nil, nil, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
		{"get-space", "GET", "/example%20space/", nil, nil, "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
		{"get-header-key-duplicate", "GET", "/", []hdr{{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}, []string{"my-header1"}, "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
		{"get-header-value-order", "GET", "/", []hdr{{"My-Header1", "value4"}, {"My-Header1", "value1"}, {"My-Header1", "value3"}, {"My-Header1", "value2"}}, []string{"my-header1"}, "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
		{"get-header-value-trim", "GET", "/", []hdr{{"My-Header1", " value1"}, {"My-Header2", ` "a   b   c"`}}, []string{"my-header1", "my-header2"}, "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
		{"post-header-key-sort", "POST", "/", []hdr{{"My-Header1", "value1"}}, []string{"my-header1"}, "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
	}
	key := signingKey(secret, "20150830", "us-east-1", "service")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			r.Host = "example.amazonaws.com"
			r.Header = http.Header{}
			for _, h := range tt.headers {
				r.Header.Add(h.k, h.v)
			}
			r.Header.Set("X-Amz-Date", amzDate)
			signed := append(append([]string{"host"}, tt.signed...), "x-amz-date")
			creq := canonicalRequest(r, canonicalQuery(parseQuery(r.URL.RawQuery), ""), signed, emptySHA256)
			got := hex.EncodeToString(hmacSHA256(key, stringToSign(amzDate, scope, creq)))
			if got != tt.want {
				t.Fatalf("signature %s, want %s\ncanonical request:\n%s", got, tt.want, creq)
			}
		})
	}
}

// TestSigningKeyExample is the AWS documentation's key derivation example.
func TestSigningKeyExample(t *testing.T) {
	got := hex.EncodeToString(signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam"))
	if want := "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestURIEncode(t *testing.T) {
	tests := []struct{ in, path, query string }{
		{"a b", "a%20b", "a%20b"},
		{"a+b", "a%2Bb", "a%2Bb"},
		{"a/b", "a/b", "a%2Fb"},
		{"~-._", "~-._", "~-._"},
		{"*", "%2A", "%2A"},
		{"ü", "%C3%BC", "%C3%BC"},
		{"=&?#%", "%3D%26%3F%23%25", "%3D%26%3F%23%25"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := uriEncode(tt.in, true); got != tt.path {
				t.Errorf("path %q, want %q", got, tt.path)
			}
			if got := uriEncode(tt.in, false); got != tt.query {
				t.Errorf("query %q, want %q", got, tt.query)
			}
		})
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"", ""},
		{"acl", "acl="},
		{"b=2&a=1&a=0", "a=0&a=1&b=2"},
		{"prefix=a%20b&x=", "prefix=a%20b&x="},
		{"prefix=a+b", "prefix=a%20b"},
		{"k=%2B", "k=%2B"},
		{"X-Amz-Signature=abc&z=1", "z=1"},
		{"&&a=1&", "a=1"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := canonicalQuery(parseQuery(tt.raw), qSignature); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
