package api

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/silo-project/silo/api/sigv4"
)

// TestConditionKeys: the condition keys policies see come from the request.
func TestConditionKeys(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/b?prefix=home/&delimiter=/&max-keys=10&versionId=v1", nil)
	r.RemoteAddr = "10.1.2.3:5555"
	r.TLS = &tls.ConnectionState{}
	r.Header.Set("User-Agent", "aws-cli/2")
	r.Header.Set("Referer", "https://example.com/")
	r.Header.Set("x-amz-acl", "private")
	r.Header.Set("x-amz-server-side-encryption", "AES256")
	r.Header.Set("x-amz-object-lock-mode", "GOVERNANCE")
	r.Header.Set("x-amz-meta-secret", "not a condition")
	r.Header.Set("x-amz-tagging", "team=blue&env=prod")
	c := &call{r: r, auth: &sigv4.Result{AccessKey: "k", Scheme: sigv4.SchemeV4Presigned}}
	cond := iamRequest(c, "k", "s3:ListBucket", "b", "").Conditions
	want := map[string][]string{
		"aws:SourceIp": {"10.1.2.3"}, "aws:SecureTransport": {"true"}, "aws:UserAgent": {"aws-cli/2"},
		"aws:Referer": {"https://example.com/"}, "s3:prefix": {"home/"}, "s3:delimiter": {"/"}, "s3:max-keys": {"10"},
		"s3:versionId": {"v1"}, "s3:x-amz-acl": {"private"}, "s3:x-amz-server-side-encryption": {"AES256"},
		"s3:object-lock-mode": {"GOVERNANCE"}, "s3:signatureversion": {"AWS4-HMAC-SHA256"}, "s3:authType": {"REST-QUERY-STRING"},
		"s3:RequestObjectTag/team": {"blue"}, "s3:RequestObjectTag/env": {"prod"},
	}
	for k, v := range want {
		if !slices.Equal(cond[k], v) {
			t.Errorf("%s = %q, want %q", k, cond[k], v)
		}
	}
	if _, ok := cond["s3:x-amz-meta-secret"]; ok {
		t.Error("user metadata became a condition key")
	}
	if keys := cond["s3:RequestObjectTagKeys"]; len(keys) != 2 {
		t.Errorf("s3:RequestObjectTagKeys = %q", keys)
	}
}
