package api

import "net/http"

// accessRoutes are the rows of CORS, ACLs, object ownership and the public
// access block, matched before the generic verbs.
func accessRoutes() []route {
	return []route{
		{method: http.MethodGet, target: targetBucket, query: []string{"cors"}, name: "GetBucketCors", action: "s3:GetBucketCORS", handler: (*server).getBucketCors},
		{method: http.MethodPut, target: targetBucket, query: []string{"cors"}, name: "PutBucketCors", action: "s3:PutBucketCORS", handler: (*server).putBucketCors},
		{method: http.MethodDelete, target: targetBucket, query: []string{"cors"}, name: "DeleteBucketCors", action: "s3:PutBucketCORS", handler: (*server).deleteBucketCors},
		{method: http.MethodGet, target: targetBucket, query: []string{"acl"}, name: "GetBucketAcl", action: "s3:GetBucketAcl", handler: (*server).getBucketAcl},
		{method: http.MethodPut, target: targetBucket, query: []string{"acl"}, name: "PutBucketAcl", action: "s3:PutBucketAcl", handler: (*server).putBucketAcl},
		{method: http.MethodGet, target: targetObject, query: []string{"acl"}, name: "GetObjectAcl", action: "s3:GetObjectAcl", handler: (*server).getObjectAcl},
		{method: http.MethodPut, target: targetObject, query: []string{"acl"}, name: "PutObjectAcl", action: "s3:PutObjectAcl", handler: (*server).putObjectAcl},
		{method: http.MethodGet, target: targetBucket, query: []string{"ownershipControls"}, name: "GetBucketOwnershipControls", action: "s3:GetBucketOwnershipControls", handler: (*server).getBucketOwnershipControls},
		{method: http.MethodPut, target: targetBucket, query: []string{"ownershipControls"}, name: "PutBucketOwnershipControls", action: "s3:PutBucketOwnershipControls", handler: (*server).putBucketOwnershipControls},
		{method: http.MethodDelete, target: targetBucket, query: []string{"ownershipControls"}, name: "DeleteBucketOwnershipControls", action: "s3:PutBucketOwnershipControls", handler: (*server).deleteBucketOwnershipControls},
		{method: http.MethodGet, target: targetBucket, query: []string{"publicAccessBlock"}, name: "GetPublicAccessBlock", action: "s3:GetBucketPublicAccessBlock", handler: (*server).getPublicAccessBlock},
		{method: http.MethodPut, target: targetBucket, query: []string{"publicAccessBlock"}, name: "PutPublicAccessBlock", action: "s3:PutBucketPublicAccessBlock", handler: (*server).putPublicAccessBlock},
		{method: http.MethodDelete, target: targetBucket, query: []string{"publicAccessBlock"}, name: "DeletePublicAccessBlock", action: "s3:PutBucketPublicAccessBlock", handler: (*server).deletePublicAccessBlock},
		{method: http.MethodGet, target: targetBucket, query: []string{"requestPayment"}, name: "GetBucketRequestPayment", action: "s3:GetBucketRequestPayment", handler: (*server).getBucketRequestPayment},
		// Browser preflights carry no credentials: the CORS rules answer them.
		{method: http.MethodOptions, target: targetBucket, name: "PreflightRequest", action: "s3:PreflightRequest", handler: (*server).preflight, selfAuth: true},
		{method: http.MethodOptions, target: targetObject, name: "PreflightRequest", action: "s3:PreflightRequest", handler: (*server).preflight, selfAuth: true},
	}
}
