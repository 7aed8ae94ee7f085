package api

import "net/http"

// bucketFeatureRoutes are the rows of tagging, versioning and object lock.
// They come before the NotImplemented sub-resource rows.
func bucketFeatureRoutes() []route {
	return []route{
		{method: http.MethodGet, target: targetObject, query: []string{"tagging"}, name: "GetObjectTagging", action: "s3:GetObjectTagging", handler: (*server).getObjectTagging},
		{method: http.MethodPut, target: targetObject, query: []string{"tagging"}, name: "PutObjectTagging", action: "s3:PutObjectTagging", handler: (*server).putObjectTagging},
		{method: http.MethodDelete, target: targetObject, query: []string{"tagging"}, name: "DeleteObjectTagging", action: "s3:DeleteObjectTagging", handler: (*server).deleteObjectTagging},
		{method: http.MethodGet, target: targetBucket, query: []string{"tagging"}, name: "GetBucketTagging", action: "s3:GetBucketTagging", handler: (*server).getBucketTagging},
		{method: http.MethodPut, target: targetBucket, query: []string{"tagging"}, name: "PutBucketTagging", action: "s3:PutBucketTagging", handler: (*server).putBucketTagging},
		// S3 authorizes DeleteBucketTagging with s3:PutBucketTagging.
		{method: http.MethodDelete, target: targetBucket, query: []string{"tagging"}, name: "DeleteBucketTagging", action: "s3:PutBucketTagging", handler: (*server).deleteBucketTagging},
	}
}
