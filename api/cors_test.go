package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestBucketCorsConfig(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "corsbkt")
	_, err := e.s3.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(b)})
	wantCode(t, err, "NoSuchCORSConfiguration")
	rules := []types.CORSRule{
		{ID: aws.String("web"), AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"GET", "PUT"},
			AllowedHeaders: []string{"x-amz-*", "content-type"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(600)},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
	}
	if _, err := e.s3.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(b), CORSConfiguration: &types.CORSConfiguration{CORSRules: rules}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.s3.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(b)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CORSRules) != 2 || aws.ToString(out.CORSRules[0].ID) != "web" || aws.ToInt32(out.CORSRules[0].MaxAgeSeconds) != 600 ||
		strings.Join(out.CORSRules[0].AllowedHeaders, ",") != "x-amz-*,content-type" || out.CORSRules[1].AllowedOrigins[0] != "*" {
		t.Fatalf("rules = %+v", out.CORSRules)
	}

	bad := []struct {
		name, body, code string
	}{
		{"no origin", `<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`, "MalformedXML"},
		{"no method", `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`, "MalformedXML"},
		{"no rules", `<CORSConfiguration></CORSConfiguration>`, "MalformedXML"},
		{"wrong root", `<CORS><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORS>`, "MalformedXML"},
		{"not xml", `{"CORSRules":[]}`, "MalformedXML"},
		{"bad method", `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>`, "InvalidRequest"},
		{"two wildcards", `<CORSConfiguration><CORSRule><AllowedOrigin>https://*.*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`, "InvalidRequest"},
		{"too many rules", `<CORSConfiguration>` + strings.Repeat(`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`, 101) + `</CORSConfiguration>`, "InvalidRequest"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(tc.body)
			resp, rb := do(t, signedRequest(t, http.MethodPut, e.srv.URL+"/"+b+"?cors", testSecretKey, body, map[string]string{"Content-MD5": md5b64(body)}))
			if got := errorCode(rb); resp.StatusCode != 400 || got != tc.code {
				t.Fatalf("status %d code %q, want 400 %s: %s", resp.StatusCode, got, tc.code, rb)
			}
			out, err := e.s3.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(b)})
			if err != nil || len(out.CORSRules) != 2 {
				t.Fatalf("configuration changed: %+v %v", out, err)
			}
		})
	}

	preflights := []struct {
		name, origin, method, headers string
		status                        int
		allowOrigin, allowHeaders     string
	}{
		{"subdomain put", "https://app.example.com", "PUT", "X-Amz-Date, Content-Type", 200, "https://app.example.com", "x-amz-date, content-type"},
		{"any origin get", "http://other.test", "GET", "", 200, "*", ""},
		{"header not allowed", "https://app.example.com", "PUT", "authorization", 403, "", ""},
		{"method not allowed", "http://other.test", "DELETE", "", 403, "", ""},
		{"no origin", "", "GET", "", 400, "", ""},
		{"no method", "http://other.test", "", "", 400, "", ""},
	}
	for _, tc := range preflights {
		t.Run("preflight "+tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodOptions, e.srv.URL+"/"+b+"/some/key", nil)
			for k, v := range map[string]string{"Origin": tc.origin, "Access-Control-Request-Method": tc.method, "Access-Control-Request-Headers": tc.headers} {
				if v != "" {
					req.Header.Set(k, v)
				}
			}
			resp, body := do(t, req)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tc.allowOrigin {
				t.Fatalf("Allow-Origin %q, want %q", got, tc.allowOrigin)
			}
			if got := resp.Header.Get("Access-Control-Allow-Headers"); got != tc.allowHeaders {
				t.Fatalf("Allow-Headers %q, want %q", got, tc.allowHeaders)
			}
			if tc.status == 403 && errorCode(body) != "AccessForbidden" {
				t.Fatalf("body %s", body)
			}
			if tc.name == "subdomain put" && (resp.Header.Get("Access-Control-Max-Age") != "600" ||
				resp.Header.Get("Access-Control-Allow-Methods") != "GET, PUT" || resp.Header.Get("Access-Control-Expose-Headers") != "ETag" ||
				resp.Header.Get("Access-Control-Allow-Credentials") != "true") {
				t.Fatalf("headers %v", resp.Header)
			}
		})
	}

	t.Run("actual request and its error carry the headers", func(t *testing.T) {
		e.put(t, b, "k", "v")
		for _, key := range []string{"k", "missing"} {
			resp, _ := do(t, signedRequest(t, http.MethodGet, e.srv.URL+"/"+b+"/"+key, testSecretKey, nil, map[string]string{"Origin": "https://app.example.com"}))
			if resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || !strings.Contains(resp.Header.Get("Vary"), "Origin") {
				t.Fatalf("%s: status %d headers %v", key, resp.StatusCode, resp.Header)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/"+b+"/k", nil)
		req.Header.Set("Origin", "http://elsewhere.test")
		resp, _ := do(t, req) // anonymous: denied, still answered with CORS headers
		if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("anonymous: status %d headers %v", resp.StatusCode, resp.Header)
		}
	})

	if _, err := e.s3.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String(b)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.s3.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(b)})
	wantCode(t, err, "NoSuchCORSConfiguration")
	req, _ := http.NewRequest(http.MethodOptions, e.srv.URL+"/"+b, nil)
	req.Header.Set("Origin", "http://other.test")
	req.Header.Set("Access-Control-Request-Method", "GET")
	if resp, body := do(t, req); resp.StatusCode != 403 || errorCode(body) != "AccessForbidden" {
		t.Fatalf("preflight without configuration: %d %s", resp.StatusCode, body)
	}
}
