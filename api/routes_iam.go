package api

import (
	"net/http"
	"strings"
)

// iamRoutes are the rows of bucket policies and STS.
func iamRoutes() []route {
	return []route{
		{method: http.MethodGet, target: targetBucket, query: []string{"policy"}, name: "GetBucketPolicy", action: "s3:GetBucketPolicy", handler: (*server).getBucketPolicy},
		{method: http.MethodPut, target: targetBucket, query: []string{"policy"}, name: "PutBucketPolicy", action: "s3:PutBucketPolicy", handler: (*server).putBucketPolicy},
		{method: http.MethodDelete, target: targetBucket, query: []string{"policy"}, name: "DeleteBucketPolicy", action: "s3:DeleteBucketPolicy", handler: (*server).deleteBucketPolicy},
		{method: http.MethodGet, target: targetBucket, query: []string{"policyStatus"}, name: "GetBucketPolicyStatus", action: "s3:GetBucketPolicyStatus", handler: (*server).getBucketPolicyStatus},
		// STS: a signed form POST to the service root; the handler authenticates.
		{method: http.MethodPost, target: targetService, match: isSTSForm, name: "STS", action: "sts:AssumeRole", handler: (*server).sts, selfAuth: true},
	}
}

// isSTSForm matches STS requests: URL-encoded form POSTs to the service root.
func isSTSForm(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/x-www-form-urlencoded")
}
