package api

import (
	"net/http"
	"net/url"
	"strings"
)

// bucketFeatureRoutes are the rows of tagging, versioning and object lock
// (GetBucketVersioning and ListObjectVersions are in implementedRoutes).
// They come before the NotImplemented sub-resource rows.
func bucketFeatureRoutes() []route {
	return []route{
		{method: http.MethodPut, target: targetBucket, query: []string{"versioning"}, name: "PutBucketVersioning", action: "s3:PutBucketVersioning", handler: (*server).putBucketVersioning},
		{method: http.MethodGet, target: targetBucket, query: []string{"object-lock"}, name: "GetObjectLockConfiguration", action: "s3:GetBucketObjectLockConfiguration", handler: (*server).getObjectLockConfiguration},
		{method: http.MethodPut, target: targetBucket, query: []string{"object-lock"}, name: "PutObjectLockConfiguration", action: "s3:PutBucketObjectLockConfiguration", handler: (*server).putObjectLockConfiguration},
		{method: http.MethodGet, target: targetObject, query: []string{"retention"}, name: "GetObjectRetention", action: "s3:GetObjectRetention", handler: (*server).getObjectRetention},
		{method: http.MethodPut, target: targetObject, query: []string{"retention"}, name: "PutObjectRetention", action: "s3:PutObjectRetention", handler: (*server).putObjectRetention},
		{method: http.MethodGet, target: targetObject, query: []string{"legal-hold"}, name: "GetObjectLegalHold", action: "s3:GetObjectLegalHold", handler: (*server).getObjectLegalHold},
		{method: http.MethodPut, target: targetObject, query: []string{"legal-hold"}, name: "PutObjectLegalHold", action: "s3:PutObjectLegalHold", handler: (*server).putObjectLegalHold},
		{method: http.MethodGet, target: targetObject, query: []string{"tagging"}, name: "GetObjectTagging", action: "s3:GetObjectTagging", handler: (*server).getObjectTagging},
		{method: http.MethodPut, target: targetObject, query: []string{"tagging"}, name: "PutObjectTagging", action: "s3:PutObjectTagging", handler: (*server).putObjectTagging},
		{method: http.MethodDelete, target: targetObject, query: []string{"tagging"}, name: "DeleteObjectTagging", action: "s3:DeleteObjectTagging", handler: (*server).deleteObjectTagging},
		{method: http.MethodGet, target: targetBucket, query: []string{"tagging"}, name: "GetBucketTagging", action: "s3:GetBucketTagging", handler: (*server).getBucketTagging},
		{method: http.MethodPut, target: targetBucket, query: []string{"tagging"}, name: "PutBucketTagging", action: "s3:PutBucketTagging", handler: (*server).putBucketTagging},
		// S3 authorizes DeleteBucketTagging with s3:PutBucketTagging.
		{method: http.MethodDelete, target: targetBucket, query: []string{"tagging"}, name: "DeleteBucketTagging", action: "s3:PutBucketTagging", handler: (*server).deleteBucketTagging},
	}
}

// versionedAction returns the IAM action S3 checks when a request names a
// version (?versionId=): s3:GetObjectVersion for GetObject, and so on.
// Actions without a version form are returned unchanged.
func versionedAction(action string, q url.Values) string {
	if _, ok := q["versionId"]; !ok {
		return action
	}
	switch action {
	case "s3:GetObject", "s3:DeleteObject":
		return action + "Version"
	case "s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObjectTagging":
		return strings.TrimSuffix(action, "Tagging") + "VersionTagging"
	case "s3:GetObjectAcl", "s3:PutObjectAcl":
		return strings.TrimSuffix(action, "Acl") + "VersionAcl"
	}
	return action
}
