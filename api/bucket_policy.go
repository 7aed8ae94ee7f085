package api

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/iam/policy"
	"github.com/silo-project/silo/storage"
)

// BucketPolicies stores and checks bucket policies; *iam.System implements
// it. The S3 layer finds it by asserting the Authorizer, and answers
// NotImplemented for bucket policy requests when the Authorizer lacks it.
type BucketPolicies interface {
	SetBucketPolicy(ctx context.Context, bucket string, doc []byte) error
	BucketPolicy(ctx context.Context, bucket string) ([]byte, error)
	DeleteBucketPolicy(ctx context.Context, bucket string) error
	BucketPolicyIsPublic(ctx context.Context, bucket string) (bool, error)
	// ForgetBucket drops what is cached about a created or deleted bucket.
	ForgetBucket(bucket string)
}

// bucketPolicies returns the policy store after checking that the
// request's bucket exists.
func (s *server) bucketPolicies(c *call) (BucketPolicies, error) {
	bp, ok := s.authz.(BucketPolicies)
	if !ok {
		return nil, s3err.New(s3err.NotImplemented, "")
	}
	if _, err := s.store.GetBucketInfo(c.ctx, c.op.Bucket); err != nil {
		return nil, err
	}
	return bp, nil
}

// forgetBucket tells the IAM layer that a bucket was created or deleted.
func (s *server) forgetBucket(c *call) {
	if c.op == nil || (c.op.Name != "CreateBucket" && c.op.Name != "DeleteBucket") {
		return
	}
	if bp, ok := s.authz.(BucketPolicies); ok {
		bp.ForgetBucket(c.op.Bucket)
	}
}

// malformedPolicy gives policy errors their S3 code and reason.
func malformedPolicy(err error) error {
	var me *policy.MalformedError
	if errors.As(err, &me) {
		return s3err.Wrap(s3err.MalformedPolicy, me.Reason, err)
	}
	return err
}

// putBucketPolicy serves PutBucketPolicy: the document is validated for
// this bucket (Principal required, resources inside the bucket, at most
// 20 KiB) and stored.
func (s *server) putBucketPolicy(c *call) error {
	bp, err := s.bucketPolicies(c)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(c.body(), policy.MaxBucketPolicySize+1))
	if err != nil {
		return err
	}
	if len(body) > policy.MaxBucketPolicySize {
		return s3err.New(s3err.MalformedPolicy, "Policy exceeds the maximum allowed document size.")
	}
	if len(body) == 0 {
		return s3err.New(s3err.MalformedPolicy, "Policies must be valid JSON and the first byte must be '{'")
	}
	if err := s.checkBucketPolicy(c.ctx, c.op.Bucket, body); err != nil {
		return err
	}
	if err := bp.SetBucketPolicy(c.ctx, c.op.Bucket, body); err != nil {
		return malformedPolicy(err)
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// getBucketPolicy serves GetBucketPolicy: the stored JSON document.
func (s *server) getBucketPolicy(c *call) error {
	bp, err := s.bucketPolicies(c)
	if err != nil {
		return err
	}
	doc, err := bp.BucketPolicy(c.ctx, c.op.Bucket)
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(doc)
	return nil
}

// deleteBucketPolicy serves DeleteBucketPolicy (204 even when none was set).
func (s *server) deleteBucketPolicy(c *call) error {
	bp, err := s.bucketPolicies(c)
	if err != nil {
		return err
	}
	if err := bp.DeleteBucketPolicy(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// getBucketPolicyStatus serves GetBucketPolicyStatus: public when a
// statement allows everyone without conditions. A bucket without policy
// answers NoSuchBucketPolicy, as S3 does.
func (s *server) getBucketPolicyStatus(c *call) error {
	bp, err := s.bucketPolicies(c)
	if err != nil {
		return err
	}
	if _, err := bp.BucketPolicy(c.ctx, c.op.Bucket); err != nil {
		return err
	}
	public, err := bp.BucketPolicyIsPublic(c.ctx, c.op.Bucket)
	if err != nil {
		return err
	}
	return s.writeXML(c.w, http.StatusOK, s3xml.PolicyStatus{IsPublic: public})
}

// listVisibleOnly lets a signed ListBuckets denied s3:ListAllMyBuckets go on
// with only the buckets the caller may see (MinIO's behaviour). An explicit
// deny (a Deny statement, a disabled parent) refuses the whole listing.
func (s *server) listVisibleOnly(c *call, err error) bool {
	if c.op.Name != "ListBuckets" || !c.signed() || !errors.Is(err, iam.ErrAccessDenied) || errors.Is(err, iam.ErrExplicitDeny) {
		return false
	}
	c.visibleOnly = true
	return true
}

// bucketVisible reports whether the caller of a filtered ListBuckets may
// see bucket: it may list it or locate it.
func (s *server) bucketVisible(c *call, bucket string) bool {
	return s.authorize(c, "s3:ListBucket", bucket, "") == nil || s.authorize(c, "s3:GetBucketLocation", bucket, "") == nil
}

// authConditions adds the signature condition keys: s3:signatureversion
// ("AWS4-HMAC-SHA256" or "AWS") and s3:authType ("REST-HEADER",
// "REST-QUERY-STRING", or "POST" for browser uploads).
func authConditions(cond map[string][]string, scheme string) {
	switch scheme {
	case sigv4.SchemeV4Header:
		cond["s3:signatureversion"], cond["s3:authType"] = []string{"AWS4-HMAC-SHA256"}, []string{"REST-HEADER"}
	case sigv4.SchemeV4Presigned:
		cond["s3:signatureversion"], cond["s3:authType"] = []string{"AWS4-HMAC-SHA256"}, []string{"REST-QUERY-STRING"}
	case sigv4.SchemeV2Header:
		cond["s3:signatureversion"], cond["s3:authType"] = []string{"AWS"}, []string{"REST-HEADER"}
	case sigv4.SchemeV2Presigned:
		cond["s3:signatureversion"], cond["s3:authType"] = []string{"AWS"}, []string{"REST-QUERY-STRING"}
	}
}

// existingTagsReader is implemented by *iam.System.
type existingTagsReader interface {
	NeedsExistingObjectTags(ctx context.Context, req iam.Request) bool
}

// existingTagActions are the object actions whose s3:ExistingObjectTag
// conditions S3 evaluates against the stored object.
func existingTagAction(action string) bool {
	switch action {
	case "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging",
		"s3:PutObjectTagging", "s3:PutObjectVersionTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging",
		"s3:GetObjectAcl", "s3:PutObjectAcl", "s3:GetObjectRetention", "s3:PutObjectRetention",
		"s3:GetObjectLegalHold", "s3:PutObjectLegalHold", "s3:DeleteObject", "s3:DeleteObjectVersion":
		return true
	}
	return false
}

// existingTagConditions returns the s3:ExistingObjectTag/<key> values of the
// object the request names, read only when a policy of the caller needs them.
func (s *server) existingTagConditions(c *call, req iam.Request) map[string][]string {
	r, ok := s.authz.(existingTagsReader)
	if !ok || req.Key == "" || !existingTagAction(req.Action) || !r.NeedsExistingObjectTags(c.ctx, req) {
		return nil
	}
	info, err := s.store.StatObject(c.ctx, req.Bucket, req.Key, storage.GetOptions{VersionID: c.r.URL.Query().Get("versionId")})
	if err != nil {
		return nil
	}
	return tagConditions("s3:ExistingObjectTag", objectTags(info))
}
