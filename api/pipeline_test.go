package api

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPipelineErrorsWithoutStorage(t *testing.T) {
	srv := newTestServer(t, noStore{}, Config{}, nil)
	tests := []struct {
		name, method, path, secret string
		unsigned                   bool
		header                     map[string]string
		status                     int
		code                       string
	}{
		{"wrong secret", "GET", "/bucket/key", "wrong-secret", false, nil, 403, "SignatureDoesNotMatch"},
		{"website not implemented", "GET", "/bucket?website", testSecretKey, false, nil, 501, "NotImplemented"},
		{"object torrent not implemented", "GET", "/bucket/key?torrent", testSecretKey, false, nil, 501, "NotImplemented"},
		{"lifecycle not implemented", "PUT", "/bucket?lifecycle", testSecretKey, false, nil, 501, "NotImplemented"},
		{"unknown method", "PATCH", "/bucket/key", testSecretKey, false, nil, 501, "NotImplemented"},
		{"invalid bucket name", "GET", "/Invalid_Bucket/key", testSecretKey, false, nil, 400, "InvalidBucketName"},
		{"reserved bucket silo", "PUT", "/silo", testSecretKey, false, nil, 400, "InvalidBucketName"},
		{"reserved bucket minio", "PUT", "/minio", testSecretKey, false, nil, 400, "InvalidBucketName"},
		{"bad max-keys", "GET", "/bucket?max-keys=abc", testSecretKey, false, nil, 400, "InvalidArgument"},
		{"bad encoding-type", "GET", "/bucket?list-type=2&encoding-type=xml", testSecretKey, false, nil, 400, "InvalidArgument"},
		{"bad part number", "PUT", "/bucket/key?partNumber=10001&uploadId=x", testSecretKey, false, nil, 400, "InvalidArgument"},
		{"bad content-md5", "PUT", "/bucket/key", testSecretKey, false, map[string]string{"Content-MD5": "!!"}, 400, "InvalidDigest"},
		{"sse-s3 without a kms", "PUT", "/bucket/key", testSecretKey, false, map[string]string{"x-amz-server-side-encryption": "AES256"}, 501, "NotImplemented"},
		{"bad storage class", "PUT", "/bucket/key", testSecretKey, false, map[string]string{"x-amz-storage-class": "GLACIER"}, 400, "InvalidStorageClass"},
		{"range and partNumber", "GET", "/bucket/key?partNumber=1", testSecretKey, false, map[string]string{"Range": "bytes=0-1"}, 400, "InvalidRequest"},
		{"delete objects without md5", "POST", "/bucket?delete", testSecretKey, false, nil, 400, "InvalidRequest"},
		{"bad copy source", "PUT", "/bucket/key", testSecretKey, false, map[string]string{"x-amz-copy-source": "nokey"}, 400, "InvalidArgument"},
	}
	idPattern := regexp.MustCompile(`^[0-9A-F]{16}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req *http.Request
			if tt.unsigned {
				req, _ = http.NewRequest(tt.method, srv.URL+tt.path, nil)
			} else {
				req = signedRequest(t, tt.method, srv.URL+tt.path, tt.secret, nil, tt.header)
			}
			resp, body := do(t, req)
			if resp.StatusCode != tt.status || errorCode(body) != tt.code {
				t.Fatalf("got %d %s (%s), want %d %s", resp.StatusCode, errorCode(body), body, tt.status, tt.code)
			}
			if id := resp.Header.Get("x-amz-request-id"); !idPattern.MatchString(id) || !strings.Contains(string(body), "<RequestId>"+id+"</RequestId>") {
				t.Fatalf("request id %q not in header and body %s", id, body)
			}
			if resp.Header.Get("Server") != "Silo" || resp.Header.Get("x-amz-id-2") == "" {
				t.Fatalf("missing Server/x-amz-id-2: %v", resp.Header)
			}
			if resp.Header.Get("Content-Type") != "application/xml" {
				t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestHeadErrorHasNoBody(t *testing.T) {
	srv := newTestServer(t, noStore{}, Config{}, nil)
	resp, body := do(t, signedRequest(t, "HEAD", srv.URL+"/bucket/key", "wrong", nil, nil))
	if resp.StatusCode != 403 || len(body) != 0 {
		t.Fatalf("got %d with %d bytes", resp.StatusCode, len(body))
	}
}

func TestRequestIDsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := newRequestID()
		if seen[id] {
			t.Fatalf("duplicate id %s", id)
		}
		seen[id] = true
	}
}

func TestHealth(t *testing.T) {
	tests := []struct {
		name   string
		health HealthReporter
		path   string
		status int
		quorum string
	}{
		{"live", fixedHealth{WriteQuorum: false}, "/minio/health/live", 200, ""},
		{"ready ok", fixedHealth{DrivesOnline: 4, DrivesTotal: 4, WriteQuorum: true}, "/minio/health/ready", 200, ""},
		{"ready down", fixedHealth{DrivesOnline: 1, DrivesTotal: 4}, "/minio/health/ready", 503, ""},
		{"cluster ok", fixedHealth{DrivesOnline: 4, DrivesTotal: 4, WriteQuorum: true}, "/minio/health/cluster", 200, "3"},
		{"cluster down", fixedHealth{DrivesOnline: 1, DrivesTotal: 4}, "/silo/health/cluster", 503, "3"},
		{"silo live", nil, "/silo/health/live", 200, ""},
		{"nil reporter ready", nil, "/silo/health/ready", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, noStore{}, Config{}, tt.health)
			for _, m := range []string{"GET", "HEAD"} {
				req, _ := http.NewRequest(m, srv.URL+tt.path, nil)
				resp, _ := do(t, req)
				if resp.StatusCode != tt.status {
					t.Fatalf("%s %s = %d, want %d", m, tt.path, resp.StatusCode, tt.status)
				}
				if tt.quorum != "" && resp.Header.Get("x-minio-write-quorum") != tt.quorum {
					t.Fatalf("x-minio-write-quorum = %q", resp.Header.Get("x-minio-write-quorum"))
				}
				if resp.Header.Get("x-amz-request-id") == "" {
					t.Fatal("no request id")
				}
			}
		})
	}
}

func TestSlowDownWhenSaturated(t *testing.T) {
	root := newTestServer(t, noStore{}, Config{MaxRequests: 1}, nil)
	_ = root
	// Fill the only slot from inside the package, then expect SlowDown.
	h, err := New(Config{MaxRequests: 1}, Deps{Store: noStore{}, Auth: nil, Authz: nil})
	if err == nil || h != nil {
		t.Fatal("New without Auth/Authz must fail")
	}
	srv := newTestServer(t, noStore{}, Config{MaxRequests: 1}, nil)
	s := srv.Config.Handler.(*server)
	s.slots <- struct{}{}
	defer func() { <-s.slots }()
	start := time.Now()
	resp, body := do(t, signedRequest(t, "GET", srv.URL+"/bucket?acl", testSecretKey, nil, nil))
	if resp.StatusCode != 503 || errorCode(body) != "SlowDown" {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
	if time.Since(start) < queueWait/2 {
		t.Fatal("did not wait for a slot")
	}
	// Health is not counted.
	req, _ := http.NewRequest("GET", srv.URL+"/minio/health/live", nil)
	if resp, _ := do(t, req); resp.StatusCode != 200 {
		t.Fatalf("health while saturated = %d", resp.StatusCode)
	}
}

func TestHealthPathOtherMethodIsS3(t *testing.T) {
	srv := newTestServer(t, noStore{}, Config{}, nil)
	resp, body := do(t, signedRequest(t, "POST", srv.URL+"/minio/health/live", testSecretKey, nil, nil))
	if resp.StatusCode != 501 || errorCode(body) != "NotImplemented" {
		t.Fatalf("POST health path: %d %s", resp.StatusCode, body)
	}
}
