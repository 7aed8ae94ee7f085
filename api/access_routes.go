package api

import "net/http"

// accessRoutes are the rows of CORS, ACLs, object ownership and the public
// access block, matched before the generic verbs.
func accessRoutes() []route {
	return []route{
		{method: http.MethodGet, target: targetBucket, query: []string{"cors"}, name: "GetBucketCors", action: "s3:GetBucketCORS", handler: (*server).getBucketCors},
		{method: http.MethodPut, target: targetBucket, query: []string{"cors"}, name: "PutBucketCors", action: "s3:PutBucketCORS", handler: (*server).putBucketCors},
		{method: http.MethodDelete, target: targetBucket, query: []string{"cors"}, name: "DeleteBucketCors", action: "s3:PutBucketCORS", handler: (*server).deleteBucketCors},
		// Browser preflights carry no credentials: the CORS rules answer them.
		{method: http.MethodOptions, target: targetBucket, name: "PreflightRequest", action: "s3:PreflightRequest", handler: (*server).preflight, selfAuth: true},
		{method: http.MethodOptions, target: targetObject, name: "PreflightRequest", action: "s3:PreflightRequest", handler: (*server).preflight, selfAuth: true},
	}
}
