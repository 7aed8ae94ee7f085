package api

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/storage"
)

// target is what a request addresses.
type target int

const (
	targetService target = iota // no bucket: ListBuckets
	targetBucket                // a bucket, no key
	targetObject                // a key within a bucket
)

// handlerFunc serves one operation; a returned error is written by the caller.
type handlerFunc func(s *server, c *call) error

// route is one row of the operation table. The first row whose method,
// target, query parameters and match function all agree wins, so specific
// rows come before generic ones.
type route struct {
	method  string // "" matches any method
	target  target
	query   []string // "name" (present) or "name=value"
	match   func(r *http.Request) bool
	name    string
	action  string
	handler handlerFunc
	// selfAuth marks operations that authenticate inside the handler (POST policy).
	selfAuth bool
}

// operation is a request parsed once: which S3 API it is, the IAM action it
// needs and the bucket and key it names.
type operation struct {
	Name     string
	Action   string
	Bucket   string
	Key      string
	handler  handlerFunc
	selfAuth bool
}

// hasCopySource matches requests with x-amz-copy-source.
func hasCopySource(r *http.Request) bool { return r.Header.Get("x-amz-copy-source") != "" }

// isForm matches browser POST uploads.
func isForm(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/form-data")
}

// implementedRoutes are the operations Silo serves.
func implementedRoutes() []route {
	return []route{
		{method: http.MethodGet, target: targetService, name: "ListBuckets", action: "s3:ListAllMyBuckets", handler: (*server).listBuckets},

		{method: http.MethodGet, target: targetBucket, query: []string{"location"}, name: "GetBucketLocation", action: "s3:GetBucketLocation", handler: (*server).getBucketLocation},
		{method: http.MethodGet, target: targetBucket, query: []string{"versioning"}, name: "GetBucketVersioning", action: "s3:GetBucketVersioning", handler: (*server).getBucketVersioning},
		{method: http.MethodGet, target: targetBucket, query: []string{"versions"}, name: "ListObjectVersions", action: "s3:ListBucketVersions", handler: (*server).listObjectVersions},
		{method: http.MethodGet, target: targetBucket, query: []string{"uploads"}, name: "ListMultipartUploads", action: "s3:ListBucketMultipartUploads", handler: (*server).listMultipartUploads},
		{method: http.MethodPost, target: targetBucket, query: []string{"delete"}, name: "DeleteObjects", action: "s3:DeleteObject", handler: (*server).deleteObjects},
		{method: http.MethodGet, target: targetBucket, query: []string{"encryption"}, name: "GetBucketEncryption", action: "s3:GetEncryptionConfiguration", handler: (*server).getBucketEncryption},
		{method: http.MethodPut, target: targetBucket, query: []string{"encryption"}, name: "PutBucketEncryption", action: "s3:PutEncryptionConfiguration", handler: (*server).putBucketEncryption},
		{method: http.MethodDelete, target: targetBucket, query: []string{"encryption"}, name: "DeleteBucketEncryption", action: "s3:PutEncryptionConfiguration", handler: (*server).deleteBucketEncryption},

		{method: http.MethodPut, target: targetObject, query: []string{"partNumber", "uploadId"}, match: hasCopySource, name: "UploadPartCopy", action: "s3:PutObject", handler: (*server).uploadPartCopy},
		{method: http.MethodPut, target: targetObject, query: []string{"partNumber", "uploadId"}, name: "UploadPart", action: "s3:PutObject", handler: (*server).uploadPart},
		{method: http.MethodPost, target: targetObject, query: []string{"uploads"}, name: "CreateMultipartUpload", action: "s3:PutObject", handler: (*server).createMultipartUpload},
		{method: http.MethodPost, target: targetObject, query: []string{"uploadId"}, name: "CompleteMultipartUpload", action: "s3:PutObject", handler: (*server).completeMultipartUpload},
		{method: http.MethodDelete, target: targetObject, query: []string{"uploadId"}, name: "AbortMultipartUpload", action: "s3:AbortMultipartUpload", handler: (*server).abortMultipartUpload},
		{method: http.MethodGet, target: targetObject, query: []string{"uploadId"}, name: "ListParts", action: "s3:ListMultipartUploadParts", handler: (*server).listParts},
	}
}

// genericRoutes are the plain verbs on buckets and objects, matched after
// every subresource row.
func genericRoutes() []route {
	return []route{
		{method: http.MethodGet, target: targetBucket, query: []string{"list-type=2"}, name: "ListObjectsV2", action: "s3:ListBucket", handler: (*server).listObjectsV2},
		{method: http.MethodGet, target: targetBucket, name: "ListObjects", action: "s3:ListBucket", handler: (*server).listObjectsV1},
		{method: http.MethodHead, target: targetBucket, name: "HeadBucket", action: "s3:ListBucket", handler: (*server).headBucket},
		{method: http.MethodPut, target: targetBucket, name: "CreateBucket", action: "s3:CreateBucket", handler: (*server).createBucket},
		{method: http.MethodDelete, target: targetBucket, name: "DeleteBucket", action: "s3:DeleteBucket", handler: (*server).deleteBucket},
		{method: http.MethodPost, target: targetBucket, match: isForm, name: "PostObject", action: "s3:PutObject", handler: (*server).postObject, selfAuth: true},

		{method: http.MethodPut, target: targetObject, match: hasCopySource, name: "CopyObject", action: "s3:PutObject", handler: (*server).copyObject},
		{method: http.MethodPut, target: targetObject, name: "PutObject", action: "s3:PutObject", handler: (*server).putObject},
		{method: http.MethodGet, target: targetObject, name: "GetObject", action: "s3:GetObject", handler: (*server).getObject},
		{method: http.MethodHead, target: targetObject, name: "HeadObject", action: "s3:GetObject", handler: (*server).headObject},
		{method: http.MethodDelete, target: targetObject, name: "DeleteObject", action: "s3:DeleteObject", handler: (*server).deleteObject},
	}
}

// subresource is an S3 sub-resource Silo does not implement yet, with the
// suffix of its operation names on buckets and on objects ("" when S3 has
// no such operation on that target).
type subresource struct {
	query, bucket, object string
}

func unimplementedSubresources() []subresource {
	return []subresource{
		{"lifecycle", "BucketLifecycleConfiguration", ""},
		{"notification", "BucketNotificationConfiguration", ""},
		{"replication", "BucketReplication", ""},
		{"website", "BucketWebsite", ""},
		{"logging", "BucketLogging", ""},
		{"accelerate", "BucketAccelerateConfiguration", ""},
		{"analytics", "BucketAnalyticsConfiguration", ""},
		{"inventory", "BucketInventoryConfiguration", ""},
		{"metrics", "BucketMetricsConfiguration", ""},
		{"intelligent-tiering", "BucketIntelligentTieringConfiguration", ""},
		{"requestPayment", "BucketRequestPayment", ""},
		{"metadataTable", "BucketMetadataTableConfiguration", ""},
		{"session", "CreateSession", ""},
		{"torrent", "", "ObjectTorrent"},
		{"restore", "", "RestoreObject"},
		{"select", "", "SelectObjectContent"},
		{"attributes", "", "ObjectAttributes"},
		{"renameObject", "", "RenameObject"},
	}
}

// verbPrefix is the operation-name prefix S3 uses for a method.
func verbPrefix(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead:
		return "Get"
	case http.MethodPut:
		return "Put"
	case http.MethodDelete:
		return "Delete"
	}
	return ""
}

// unimplementedRoutes answer NotImplemented for every sub-resource Silo
// does not serve, whatever the method.
func unimplementedRoutes() []route {
	var out []route
	for _, sr := range unimplementedSubresources() {
		for _, t := range []struct {
			target target
			suffix string
		}{{targetBucket, sr.bucket}, {targetObject, sr.object}} {
			if t.suffix == "" {
				continue
			}
			out = append(out, route{target: t.target, query: []string{sr.query}, name: t.suffix, handler: (*server).notImplemented})
		}
	}
	return out
}

// routes is the whole table in match order.
func routes() []route {
	rs := append(implementedRoutes(), accessRoutes()...)
	rs = append(rs, bucketFeatureRoutes()...)
	rs = append(rs, iamRoutes()...)
	rs = append(rs, unimplementedRoutes()...)
	return append(rs, genericRoutes()...)
}

// matches reports whether rt serves r addressing t; q is r's query, parsed
// once for all routes (parsing it per route was three quarters of the
// query parsing of a GET).
func (rt route) matches(r *http.Request, t target, q url.Values) bool {
	if rt.target != t || (rt.method != "" && rt.method != r.Method) {
		return false
	}
	for _, want := range rt.query {
		name, value, hasValue := strings.Cut(want, "=")
		if _, ok := q[name]; !ok {
			return false
		}
		if hasValue && q.Get(name) != value {
			return false
		}
	}
	return rt.match == nil || rt.match(r)
}

// splitHost returns the bucket named by a virtual-host-style Host header, or
// "" for a path-style request.
func (s *server) bucketFromHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range s.cfg.Domains {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if d != "" && strings.HasSuffix(host, "."+d) {
			return strings.TrimSuffix(host, "."+d)
		}
	}
	return ""
}

// parseOperation resolves r into an operation: bucket and key from the Host
// and path, then the first matching row of the table. Requests matching no
// row get NotImplemented.
func (s *server) parseOperation(r *http.Request) (*operation, error) {
	path := r.URL.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	var bucket, key string
	if b := s.bucketFromHost(r.Host); b != "" {
		bucket, key = b, path[1:]
	} else {
		bucket, key, _ = strings.Cut(path[1:], "/")
	}
	t := targetService
	switch {
	case bucket == "" && key == "":
	case key == "":
		t = targetBucket
	default:
		t = targetObject
	}
	op := &operation{Bucket: bucket, Key: key}
	table := s.table
	if table == nil {
		table = routes()
	}
	q := r.URL.Query()
	for _, rt := range table {
		if rt.matches(r, t, q) {
			op.Name, op.Action, op.handler, op.selfAuth = rt.name, rt.action, rt.handler, rt.selfAuth
			if rt.handler == nil || op.Name == "" {
				break
			}
			if rt.action == "" {
				op.Name = verbPrefix(r.Method) + rt.name
				if strings.HasPrefix(rt.name, "Restore") || strings.HasPrefix(rt.name, "Select") ||
					strings.HasPrefix(rt.name, "Create") || strings.HasPrefix(rt.name, "Rename") {
					op.Name = rt.name
				}
				op.Action = "s3:" + op.Name
			}
			break
		}
	}
	if op.handler == nil {
		op.Name, op.Action, op.handler = "Unknown", "s3:Unknown", (*server).notImplemented
	}
	op.Action = versionedAction(op.Action, r.URL.Query())
	if t == targetService {
		return op, nil
	}
	if err := storage.CheckBucketName(bucket); err != nil {
		return op, s3err.Wrap(s3err.InvalidBucketName, "", err)
	}
	if t == targetObject {
		if len(key) > storage.MaxKeyLength {
			return op, s3err.New(s3err.KeyTooLong, "")
		}
		if err := storage.CheckObjectName(key); err != nil {
			return op, s3err.Wrap(s3err.InvalidObjectName, "", err)
		}
	}
	return op, nil
}

// newRouter builds the mux: health endpoints first (unauthenticated, not
// counted), then every other request goes through the S3 pipeline.
func (s *server) newRouter() *mux.Router {
	m := mux.NewRouter().SkipClean(true)
	for _, prefix := range []string{"/minio/health", "/silo/health"} {
		m.HandleFunc(prefix+"/live", s.healthLive).Methods(http.MethodGet, http.MethodHead)
		m.HandleFunc(prefix+"/ready", s.healthReady).Methods(http.MethodGet, http.MethodHead)
		m.HandleFunc(prefix+"/cluster", s.healthCluster).Methods(http.MethodGet, http.MethodHead)
	}
	m.MatcherFunc(func(*http.Request, *mux.RouteMatch) bool { return true }).Handler(http.HandlerFunc(s.serveS3))
	return m
}

// notImplemented answers operations S3 defines but Silo does not serve yet.
func (s *server) notImplemented(*call) error {
	return s3err.New(s3err.NotImplemented, "")
}
