package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/silo-project/silo/api/s3err"
)

func TestParseOperation(t *testing.T) {
	s := &server{cfg: Config{Region: "us-east-1", Domains: []string{"s3.example.com"}}}
	tests := []struct {
		method, host, target string
		header               map[string]string
		name, action         string
		bucket, key          string
		code                 s3err.Code
	}{
		{"GET", "", "/", nil, "ListBuckets", "s3:ListAllMyBuckets", "", "", ""},
		{"PUT", "", "/", nil, "Unknown", "s3:Unknown", "", "", ""},
		{"PUT", "", "/bkt", nil, "CreateBucket", "s3:CreateBucket", "bkt", "", ""},
		{"HEAD", "", "/bkt", nil, "HeadBucket", "s3:ListBucket", "bkt", "", ""},
		{"DELETE", "", "/bkt/", nil, "DeleteBucket", "s3:DeleteBucket", "bkt", "", ""},
		{"GET", "", "/bkt", nil, "ListObjects", "s3:ListBucket", "bkt", "", ""},
		{"GET", "", "/bkt?list-type=2&prefix=a", nil, "ListObjectsV2", "s3:ListBucket", "bkt", "", ""},
		{"GET", "", "/bkt?list-type=1", nil, "ListObjects", "s3:ListBucket", "bkt", "", ""},
		{"GET", "", "/bkt?location", nil, "GetBucketLocation", "s3:GetBucketLocation", "bkt", "", ""},
		{"GET", "", "/bkt?versioning", nil, "GetBucketVersioning", "s3:GetBucketVersioning", "bkt", "", ""},
		{"PUT", "", "/bkt?versioning", nil, "PutBucketVersioning", "s3:PutBucketVersioning", "bkt", "", ""},
		{"GET", "", "/bkt?versions", nil, "ListObjectVersions", "s3:ListBucketVersions", "bkt", "", ""},
		{"GET", "", "/bkt?uploads", nil, "ListMultipartUploads", "s3:ListBucketMultipartUploads", "bkt", "", ""},
		{"POST", "", "/bkt?delete", nil, "DeleteObjects", "s3:DeleteObject", "bkt", "", ""},
		{"POST", "", "/bkt", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, "PostObject", "s3:PutObject", "bkt", "", ""},
		{"POST", "", "/bkt", nil, "Unknown", "s3:Unknown", "bkt", "", ""},
		{"GET", "", "/bkt?acl", nil, "GetBucketAcl", "s3:GetBucketAcl", "bkt", "", ""},
		{"PUT", "", "/bkt?tagging", nil, "PutBucketTagging", "s3:PutBucketTagging", "bkt", "", ""},
		{"DELETE", "", "/bkt?lifecycle", nil, "DeleteBucketLifecycleConfiguration", "s3:DeleteBucketLifecycleConfiguration", "bkt", "", ""},
		{"GET", "", "/bkt?policy", nil, "GetBucketPolicy", "s3:GetBucketPolicy", "bkt", "", ""},
		{"PUT", "", "/bkt?cors", nil, "PutBucketCors", "s3:PutBucketCORS", "bkt", "", ""},
		{"DELETE", "", "/bkt?cors", nil, "DeleteBucketCors", "s3:PutBucketCORS", "bkt", "", ""},
		{"OPTIONS", "", "/bkt/k", nil, "PreflightRequest", "s3:PreflightRequest", "bkt", "k", ""},
		{"OPTIONS", "", "/bkt", nil, "PreflightRequest", "s3:PreflightRequest", "bkt", "", ""},
		{"PUT", "", "/bkt?acl", nil, "PutBucketAcl", "s3:PutBucketAcl", "bkt", "", ""},
		{"PUT", "", "/bkt/k?acl", nil, "PutObjectAcl", "s3:PutObjectAcl", "bkt", "k", ""},
		{"DELETE", "", "/bkt?ownershipControls", nil, "DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls", "bkt", "", ""},
		{"GET", "", "/bkt?publicAccessBlock", nil, "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", "bkt", "", ""},
		{"DELETE", "", "/bkt?publicAccessBlock", nil, "DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", "bkt", "", ""},
		{"GET", "", "/bkt?requestPayment", nil, "GetBucketRequestPayment", "s3:GetBucketRequestPayment", "bkt", "", ""},
		{"PUT", "", "/bkt?requestPayment", nil, "PutBucketRequestPayment", "s3:PutBucketRequestPayment", "bkt", "", ""},
		{"GET", "", "/bkt?encryption", nil, "GetBucketEncryption", "s3:GetEncryptionConfiguration", "bkt", "", ""},
		{"GET", "", "/bkt?object-lock", nil, "GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", "bkt", "", ""},
		{"PUT", "", "/bkt?notification", nil, "PutBucketNotificationConfiguration", "s3:PutBucketNotificationConfiguration", "bkt", "", ""},
		{"PUT", "", "/bkt?replication", nil, "PutBucketReplication", "s3:PutBucketReplication", "bkt", "", ""},
		{"GET", "", "/bkt?website", nil, "GetBucketWebsite", "s3:GetBucketWebsite", "bkt", "", ""},
		{"GET", "", "/bkt?logging", nil, "GetBucketLogging", "s3:GetBucketLogging", "bkt", "", ""},

		{"PUT", "", "/bkt/a/b/c.txt", nil, "PutObject", "s3:PutObject", "bkt", "a/b/c.txt", ""},
		{"PUT", "", "/bkt/k", map[string]string{"x-amz-copy-source": "/src/k"}, "CopyObject", "s3:PutObject", "bkt", "k", ""},
		{"GET", "", "/bkt/k", nil, "GetObject", "s3:GetObject", "bkt", "k", ""},
		{"GET", "", "/bkt/k?versionId=abc&partNumber=1", nil, "GetObject", "s3:GetObjectVersion", "bkt", "k", ""},
		{"HEAD", "", "/bkt/k?versionId=abc", nil, "HeadObject", "s3:GetObjectVersion", "bkt", "k", ""},
		{"DELETE", "", "/bkt/k?versionId=abc", nil, "DeleteObject", "s3:DeleteObjectVersion", "bkt", "k", ""},
		{"PUT", "", "/bkt/k?tagging&versionId=abc", nil, "PutObjectTagging", "s3:PutObjectVersionTagging", "bkt", "k", ""},
		{"GET", "", "/bkt/k?retention&versionId=abc", nil, "GetObjectRetention", "s3:GetObjectRetention", "bkt", "k", ""},
		{"HEAD", "", "/bkt/k", nil, "HeadObject", "s3:GetObject", "bkt", "k", ""},
		{"DELETE", "", "/bkt/k", nil, "DeleteObject", "s3:DeleteObject", "bkt", "k", ""},
		{"POST", "", "/bkt/k?uploads", nil, "CreateMultipartUpload", "s3:PutObject", "bkt", "k", ""},
		{"PUT", "", "/bkt/k?partNumber=1&uploadId=u", nil, "UploadPart", "s3:PutObject", "bkt", "k", ""},
		{"PUT", "", "/bkt/k?partNumber=1&uploadId=u", map[string]string{"x-amz-copy-source": "/src/k"}, "UploadPartCopy", "s3:PutObject", "bkt", "k", ""},
		{"POST", "", "/bkt/k?uploadId=u", nil, "CompleteMultipartUpload", "s3:PutObject", "bkt", "k", ""},
		{"DELETE", "", "/bkt/k?uploadId=u", nil, "AbortMultipartUpload", "s3:AbortMultipartUpload", "bkt", "k", ""},
		{"GET", "", "/bkt/k?uploadId=u", nil, "ListParts", "s3:ListMultipartUploadParts", "bkt", "k", ""},
		{"GET", "", "/bkt/k?acl", nil, "GetObjectAcl", "s3:GetObjectAcl", "bkt", "k", ""},
		{"PUT", "", "/bkt/k?tagging", nil, "PutObjectTagging", "s3:PutObjectTagging", "bkt", "k", ""},
		{"GET", "", "/bkt/k?retention", nil, "GetObjectRetention", "s3:GetObjectRetention", "bkt", "k", ""},
		{"PUT", "", "/bkt/k?legal-hold", nil, "PutObjectLegalHold", "s3:PutObjectLegalHold", "bkt", "k", ""},
		{"POST", "", "/bkt/k?select&select-type=2", nil, "SelectObjectContent", "s3:SelectObjectContent", "bkt", "k", ""},
		{"POST", "", "/bkt/k?restore", nil, "RestoreObject", "s3:RestoreObject", "bkt", "k", ""},
		{"GET", "", "/bkt/k?attributes", nil, "GetObjectAttributes", "s3:GetObjectAttributes", "bkt", "k", ""},
		{"PATCH", "", "/bkt/k", nil, "Unknown", "s3:Unknown", "bkt", "k", ""},
		{"POST", "", "/bkt/k", nil, "Unknown", "s3:Unknown", "bkt", "k", ""},

		{"GET", "bkt.s3.example.com", "/", nil, "ListObjects", "s3:ListBucket", "bkt", "", ""},
		{"GET", "bkt.s3.example.com:9000", "/dir/key", nil, "GetObject", "s3:GetObject", "bkt", "dir/key", ""},
		{"PUT", "my.dotted.bkt.s3.example.com", "/k", nil, "PutObject", "s3:PutObject", "my.dotted.bkt", "k", ""},
		{"GET", "s3.example.com", "/bkt/k", nil, "GetObject", "s3:GetObject", "bkt", "k", ""},
		{"GET", "other.host", "/bkt/k", nil, "GetObject", "s3:GetObject", "bkt", "k", ""},

		{"GET", "", "/bkt/a//b", nil, "GetObject", "s3:GetObject", "bkt", "a//b", ""},
		{"GET", "", "/bkt/a%2Fb%20c", nil, "GetObject", "s3:GetObject", "bkt", "a/b c", ""},
		{"GET", "", "/Bad_Bucket/k", nil, "GetObject", "s3:GetObject", "Bad_Bucket", "k", s3err.InvalidBucketName},
		{"GET", "", "/bkt/" + strings.Repeat("k", 1025), nil, "GetObject", "s3:GetObject", "bkt", strings.Repeat("k", 1025), s3err.KeyTooLong},
		{"GET", "", "/bkt/a/../b", nil, "GetObject", "s3:GetObject", "bkt", "a/../b", s3err.InvalidObjectName},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.host+tt.target, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "http://localhost"+tt.target, nil)
			if tt.host != "" {
				r.Host = tt.host
			}
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			op, err := s.parseOperation(r)
			if got := s3err.From(err); err != nil && got != tt.code || err == nil && tt.code != "" {
				t.Fatalf("err = %v (%s), want %s", err, got, tt.code)
			}
			if op.Name != tt.name || op.Action != tt.action || op.Bucket != tt.bucket || op.Key != tt.key {
				t.Fatalf("got %s %s %q %q, want %s %s %q %q", op.Name, op.Action, op.Bucket, op.Key, tt.name, tt.action, tt.bucket, tt.key)
			}
			if op.handler == nil {
				t.Fatal("no handler")
			}
		})
	}
}

// TestUnimplementedAnswersNotImplemented checks that every sub-resource Silo
// does not serve is routed to NotImplemented for every method.
func TestUnimplementedAnswersNotImplemented(t *testing.T) {
	s := &server{cfg: Config{Region: "us-east-1"}}
	for _, sr := range unimplementedSubresources() {
		for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPost} {
			for _, path := range []string{"/bkt", "/bkt/key"} {
				if (path == "/bkt" && sr.bucket == "") || (path != "/bkt" && sr.object == "") {
					continue
				}
				if m == http.MethodGet && path == "/bkt" && sr.query == "requestPayment" {
					continue // served: GetBucketRequestPayment
				}
				r := httptest.NewRequest(m, path+"?"+sr.query, nil)
				op, err := s.parseOperation(r)
				if err != nil {
					t.Fatalf("%s %s?%s: %v", m, path, sr.query, err)
				}
				if got := s3err.From(op.handler(s, &call{r: r})); got != s3err.NotImplemented {
					t.Fatalf("%s %s?%s (%s) = %s, want NotImplemented", m, path, sr.query, op.Name, got)
				}
			}
		}
	}
}
