package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const curlBin = "/usr/bin/curl"

// curlHead runs curl with args against srv and returns the status line and
// the response headers (lower-case names) it printed with -D -.
func curlHead(t *testing.T, srv *server, args ...string) (int, http.Header) {
	t.Helper()
	full := append([]string{"-sS", "-o", "/dev/null", "-D", "-"}, args...)
	if srv.tls {
		full = append([]string{"--cacert", srv.caFile}, full...)
	}
	r := mustRun(t, clientEnv(t.TempDir()), "", curlBin, full...)
	h := http.Header{}
	status := 0
	for _, line := range strings.Split(r.stdout, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "HTTP/") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				status, _ = strconv.Atoi(f[1])
			}
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			h.Add(k, strings.TrimSpace(v))
		}
	}
	return status, h
}

// TestCORS sets CORS rules with the AWS CLI, reads them back, answers
// browser-style preflights sent with curl from them and adds the CORS
// headers to actual requests, error responses included.
func TestCORS(t *testing.T) {
	t.Parallel()
	requireTool(t, awsBin)
	requireTool(t, curlBin)
	eachServer(t, func(t *testing.T, srv *server) {
		a := newAWSCLI(t, srv)
		b := uniqueBucket(t, "cors")
		a.must(t, "s3api", "create-bucket", "--bucket", b)
		a.wantFail(t, "NoSuchCORSConfiguration", "s3api", "get-bucket-cors", "--bucket", b)

		cfg := `{"CORSRules":[
			{"ID":"app","AllowedOrigins":["https://*.example.com"],"AllowedMethods":["GET","PUT","HEAD"],
			 "AllowedHeaders":["*"],"ExposeHeaders":["ETag","x-amz-request-id"],"MaxAgeSeconds":3000},
			{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}`
		file := filepath.Join(t.TempDir(), "cors.json")
		if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		a.must(t, "s3api", "put-bucket-cors", "--bucket", b, "--cors-configuration", "file://"+file)
		r := a.must(t, "s3api", "get-bucket-cors", "--bucket", b)
		var got struct {
			CORSRules []struct {
				ID             string
				AllowedOrigins []string
				AllowedMethods []string
				AllowedHeaders []string
				ExposeHeaders  []string
				MaxAgeSeconds  int
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("get-bucket-cors output: %v\n%s", err, r.stdout)
		}
		if len(got.CORSRules) != 2 || got.CORSRules[0].ID != "app" || got.CORSRules[0].MaxAgeSeconds != 3000 ||
			strings.Join(got.CORSRules[0].AllowedMethods, ",") != "GET,PUT,HEAD" || got.CORSRules[1].AllowedOrigins[0] != "*" {
			t.Fatalf("get-bucket-cors = %+v", got)
		}

		bad := filepath.Join(t.TempDir(), "bad.json")
		if err := os.WriteFile(bad, []byte(`{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["PATCH"]}]}`), 0o600); err != nil {
			t.Fatal(err)
		}
		a.wantFail(t, "InvalidRequest", "s3api", "put-bucket-cors", "--bucket", b, "--cors-configuration", "file://"+bad)
		if r := a.must(t, "s3api", "get-bucket-cors", "--bucket", b); !strings.Contains(r.stdout, `"app"`) {
			t.Errorf("configuration changed by a refused put:\n%s", r.stdout)
		}

		objURL := srv.endpoint + "/" + b + "/index.html"
		t.Run("preflight allowed", func(t *testing.T) {
			status, h := curlHead(t, srv, "-X", "OPTIONS", "-H", "Origin: https://app.example.com",
				"-H", "Access-Control-Request-Method: PUT", "-H", "Access-Control-Request-Headers: content-type, x-amz-date", objURL)
			want := map[string]string{
				"Access-Control-Allow-Origin":      "https://app.example.com",
				"Access-Control-Allow-Methods":     "GET, PUT, HEAD",
				"Access-Control-Allow-Headers":     "content-type, x-amz-date",
				"Access-Control-Expose-Headers":    "ETag, x-amz-request-id",
				"Access-Control-Max-Age":           "3000",
				"Access-Control-Allow-Credentials": "true",
			}
			if status != http.StatusOK {
				t.Fatalf("status %d, headers %v", status, h)
			}
			for k, v := range want {
				if h.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, h.Get(k), v)
				}
			}
			if !strings.Contains(h.Get("Vary"), "Origin") {
				t.Errorf("Vary = %q", h.Get("Vary"))
			}
		})
		t.Run("preflight refused", func(t *testing.T) {
			for _, tc := range []struct {
				name   string
				args   []string
				status int
			}{
				{"method not allowed", []string{"-H", "Origin: https://evil.test", "-H", "Access-Control-Request-Method: DELETE"}, 403},
				{"no origin", []string{"-H", "Access-Control-Request-Method: GET"}, 400},
				{"no method", []string{"-H", "Origin: https://app.example.com"}, 400},
			} {
				status, h := curlHead(t, srv, append(append([]string{"-X", "OPTIONS"}, tc.args...), objURL)...)
				if status != tc.status || h.Get("Access-Control-Allow-Origin") != "" {
					t.Errorf("%s: status %d (want %d), Allow-Origin %q", tc.name, status, tc.status, h.Get("Access-Control-Allow-Origin"))
				}
			}
		})
		t.Run("actual requests", func(t *testing.T) {
			// Anonymous GET: denied, and the denial still carries the CORS headers.
			status, h := curlHead(t, srv, "-H", "Origin: https://www.example.com", objURL)
			if status != http.StatusForbidden || h.Get("Access-Control-Allow-Origin") != "https://www.example.com" ||
				h.Get("Access-Control-Expose-Headers") != "ETag, x-amz-request-id" {
				t.Errorf("anonymous GET: status %d headers %v", status, h)
			}
			status, h = curlHead(t, srv, "-H", "Origin: https://www.example.com", srv.endpoint+"/"+b)
			if status != http.StatusForbidden || h.Get("Access-Control-Allow-Origin") != "https://www.example.com" {
				t.Errorf("anonymous list: status %d headers %v", status, h)
			}
		})

		a.must(t, "s3api", "delete-bucket-cors", "--bucket", b)
		a.wantFail(t, "NoSuchCORSConfiguration", "s3api", "get-bucket-cors", "--bucket", b)
		status, _ := curlHead(t, srv, "-X", "OPTIONS", "-H", "Origin: https://app.example.com", "-H", "Access-Control-Request-Method: GET", objURL)
		if status != http.StatusForbidden {
			t.Errorf("preflight after delete-bucket-cors: status %d, want 403", status)
		}
		a.must(t, "s3api", "delete-bucket", "--bucket", b)
	})
}
