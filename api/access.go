package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/iam/policy"
	"github.com/silo-project/silo/storage"
)

// bucketACL returns the stored ACL of bucket, or the private ACL of root
// (the owner of buckets created before owners were recorded).
func (s *server) bucketACL(ctx context.Context, bucket string) (acl, error) {
	doc, err := s.store.GetBucketConfig(ctx, bucket, storage.ConfigACL)
	if errors.Is(err, storage.ErrConfigNotFound) {
		return privateACL(owner()), nil
	}
	if err != nil {
		return acl{}, err
	}
	return decodeACL(doc)
}

// objectACL returns the ACL of an object version: the stored one, or the
// private ACL of the bucket's owner.
func objectACL(info storage.ObjectInfo, bucket acl) (acl, error) {
	if doc, ok := info.Internal[internalACL]; ok {
		return decodeACL([]byte(doc))
	}
	return privateACL(bucket.Owner), nil
}

// objectOwnership returns the bucket's ObjectOwnership setting, "" when
// it has no ownership controls (ACLs enabled, writers own their objects).
func (s *server) objectOwnership(ctx context.Context, bucket string) (string, error) {
	doc, err := s.store.GetBucketConfig(ctx, bucket, storage.ConfigOwnership)
	if errors.Is(err, storage.ErrConfigNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	oc, err := s3xml.DecodeOwnershipControls(bytes.NewReader(doc))
	if err != nil {
		return "", err
	}
	return oc.Rules[0].ObjectOwnership, nil
}

// publicAccessBlock returns the bucket's public access block; all false
// when none is set.
func (s *server) publicAccessBlock(ctx context.Context, bucket string) (s3xml.PublicAccessBlockConfiguration, error) {
	doc, err := s.store.GetBucketConfig(ctx, bucket, storage.ConfigPublicAccessBlock)
	if errors.Is(err, storage.ErrConfigNotFound) {
		return s3xml.PublicAccessBlockConfiguration{}, nil
	}
	if err != nil {
		return s3xml.PublicAccessBlockConfiguration{}, err
	}
	return s3xml.DecodePublicAccessBlock(bytes.NewReader(doc))
}

// checkBucketPolicy enforces BlockPublicPolicy on a bucket policy about
// to be stored: AccessDenied when the bucket blocks public policies and
// doc is public. PutBucketPolicy calls it before storing doc.
func (s *server) checkBucketPolicy(ctx context.Context, bucket string, doc []byte) error {
	pab, err := s.publicAccessBlock(ctx, bucket)
	if err != nil || !pab.BlockPublicPolicy {
		return err
	}
	public, err := policy.IsPublicBucketPolicy(doc, bucket)
	if err != nil {
		return nil // malformed: the policy store reports it
	}
	if public {
		return s3err.New(s3err.AccessDenied, "User is not authorized to perform s3:PutBucketPolicy because public policies are blocked by the BlockPublicPolicy block public access setting.")
	}
	return nil
}

// publicPolicy reports whether bucket has a public bucket policy; without
// bucket policy support (iam.RootOnly) nothing is public.
func (s *server) publicPolicy(ctx context.Context, bucket string) (bool, error) {
	bp, ok := s.authz.(BucketPolicies)
	if !ok {
		return false, nil
	}
	return bp.BucketPolicyIsPublic(ctx, bucket)
}

// checkAccess completes the Authorizer's answer authzErr to req with the
// bucket's access controls: RestrictPublicBuckets takes from anonymous
// callers what a public bucket policy gave them, and ACL grants (bucket
// and object, minus public grants under IgnorePublicAcls, none under
// BucketOwnerEnforced but the owner's) allow what IAM alone did not,
// unless IAM refused explicitly (iam.ErrExplicitDeny).
func (s *server) checkAccess(c *call, req iam.Request, authzErr error) error {
	if req.Bucket == "" {
		return authzErr
	}
	if authzErr == nil {
		if !req.Anonymous {
			return nil
		}
		pab, err := s.publicAccessBlock(c.ctx, req.Bucket)
		if err != nil || !pab.RestrictPublicBuckets {
			return ignoreMissing(err)
		}
		public, err := s.publicPolicy(c.ctx, req.Bucket)
		if err != nil {
			return err
		}
		if !public {
			return nil
		}
		// The public policy grants nothing; an ACL grant still may.
		authzErr = fmt.Errorf("public bucket policy restricted by RestrictPublicBuckets: %w", iam.ErrAccessDenied)
	}
	if !errors.Is(authzErr, iam.ErrAccessDenied) || errors.Is(authzErr, iam.ErrExplicitDeny) {
		return authzErr
	}
	ok, err := s.aclAllows(c, req)
	if err != nil {
		s.log.Debug("acl evaluation failed", "request_id", c.reqID, "err", err)
		return authzErr
	}
	if ok {
		return nil
	}
	return authzErr
}

// ignoreMissing drops the not-found errors of a bucket that went away
// while its request was authorized; the handler reports them.
func ignoreMissing(err error) error {
	if errors.Is(err, storage.ErrBucketNotFound) {
		return nil
	}
	return err
}

// aclPermission returns the ACL permission an action needs and whether it
// is checked on the object's ACL (else on the bucket's); "" when ACLs
// cannot grant it.
func aclPermission(action string) (perm string, onObject bool) {
	switch action {
	case "s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads":
		return s3xml.PermRead, false
	case "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts":
		return s3xml.PermWrite, false
	case "s3:GetBucketAcl":
		return s3xml.PermReadACP, false
	case "s3:PutBucketAcl":
		return s3xml.PermWriteACP, false
	case "s3:GetObject", "s3:GetObjectVersion":
		return s3xml.PermRead, true
	case "s3:GetObjectAcl", "s3:GetObjectVersionAcl":
		return s3xml.PermReadACP, true
	case "s3:PutObjectAcl", "s3:PutObjectVersionAcl":
		return s3xml.PermWriteACP, true
	}
	return "", false
}

// aclAllows reports whether the ACLs of the bucket (or of the object, for
// object reads and ACL calls) grant the caller what req asks.
func (s *server) aclAllows(c *call, req iam.Request) (bool, error) {
	perm, onObject := aclPermission(req.Action)
	if perm == "" {
		return false, nil
	}
	who, err := s.caller(c)
	if err != nil {
		return false, err
	}
	bucketACL, err := s.bucketACL(c.ctx, req.Bucket)
	if err != nil {
		return false, err
	}
	ownership, err := s.objectOwnership(c.ctx, req.Bucket)
	if err != nil {
		return false, err
	}
	if ownership == s3xml.OwnershipBucketOwnerEnforced {
		// ACLs are disabled: the bucket owner keeps full control of all.
		return !who.anonymous && who.id.ID == bucketACL.Owner.ID, nil
	}
	pab, err := s.publicAccessBlock(c.ctx, req.Bucket)
	if err != nil {
		return false, err
	}
	if !onObject {
		return bucketACL.permits(who, perm, pab.IgnorePublicAcls), nil
	}
	opts := storage.GetOptions{}
	if req.Bucket == c.op.Bucket && req.Key == c.op.Key {
		opts.VersionID = c.r.URL.Query().Get("versionId")
	}
	info, err := s.store.StatObject(c.ctx, req.Bucket, req.Key, opts)
	if err != nil {
		return false, err
	}
	objACL, err := objectACL(info, bucketACL)
	if err != nil {
		return false, err
	}
	return objACL.permits(who, perm, pab.IgnorePublicAcls), nil
}

// blockPublicACL refuses a public ACL on a bucket whose public access
// block sets BlockPublicAcls.
func (s *server) blockPublicACL(ctx context.Context, bucket string, a acl) error {
	if !a.isPublic() {
		return nil
	}
	pab, err := s.publicAccessBlock(ctx, bucket)
	if err != nil {
		return err
	}
	if pab.BlockPublicAcls {
		return s3err.New(s3err.AccessDenied, "")
	}
	return nil
}

// hasACLHeaders reports whether h names an ACL (x-amz-acl or x-amz-grant-*).
func hasACLHeaders(h http.Header) bool {
	if h.Get("x-amz-acl") != "" {
		return true
	}
	for _, gh := range grantHeaders() {
		if h.Get(gh.header) != "" {
			return true
		}
	}
	return false
}

// objectWriteACL records the owner and ACL of an object being written
// (PutObject, CopyObject, CreateMultipartUpload, POST) in opts.Internal,
// following the bucket's object ownership: the writer owns the object,
// or the bucket owner under BucketOwnerEnforced (where only owner-only
// ACLs are accepted) and under BucketOwnerPreferred with
// bucket-owner-full-control. Root writing without ACL headers stores
// nothing (the object is the bucket owner's, private).
func (s *server) objectWriteACL(c *call, h http.Header, opts *storage.PutOptions) error {
	who, err := s.caller(c)
	if err != nil {
		return err
	}
	headers := hasACLHeaders(h)
	if who.root && !headers {
		return nil
	}
	bucketACL, err := s.bucketACL(c.ctx, c.op.Bucket)
	if err != nil {
		return err
	}
	ownership, err := s.objectOwnership(c.ctx, c.op.Bucket)
	if err != nil {
		return err
	}
	objOwner := who.id
	canned := h.Get("x-amz-acl")
	switch {
	case who.anonymous, ownership == s3xml.OwnershipBucketOwnerEnforced,
		ownership == s3xml.OwnershipBucketOwnerPreferred && canned == "bucket-owner-full-control":
		objOwner = bucketACL.Owner
	}
	a, explicit, err := requestedACL(h, objOwner, bucketACL.Owner)
	if err != nil {
		return err
	}
	if ownership == s3xml.OwnershipBucketOwnerEnforced {
		if explicit && !a.isOwnerOnly() {
			return s3err.New(s3err.AccessControlListNotSupported, "")
		}
		return nil
	}
	if err := s.blockPublicACL(c.ctx, c.op.Bucket, a); err != nil {
		return err
	}
	if !explicit && objOwner.ID == bucketACL.Owner.ID {
		return nil
	}
	doc, err := a.encode()
	if err != nil {
		return err
	}
	if opts.Internal == nil {
		opts.Internal = map[string]string{}
	}
	opts.Internal[internalACL] = doc
	return nil
}

// newBucketAccess is what CreateBucket records besides the bucket: its
// ACL (nil when root creates a private bucket) and ownership controls.
type newBucketAccess struct {
	acl       *acl
	ownership string
}

// bucketAccessOnCreate reads x-amz-acl, x-amz-grant-* and
// x-amz-object-ownership of a CreateBucket request, before the bucket is made.
func (s *server) bucketAccessOnCreate(c *call) (newBucketAccess, error) {
	who, err := s.caller(c)
	if err != nil {
		return newBucketAccess{}, err
	}
	out := newBucketAccess{ownership: c.r.Header.Get("x-amz-object-ownership")}
	if out.ownership != "" && !s3xml.IsObjectOwnership(out.ownership) {
		return newBucketAccess{}, s3err.New(s3err.InvalidArgument, "Invalid x-amz-object-ownership header: "+out.ownership)
	}
	a, explicit, err := requestedACL(c.r.Header, who.id, who.id)
	if err != nil {
		return newBucketAccess{}, err
	}
	if out.ownership == s3xml.OwnershipBucketOwnerEnforced && explicit && !a.isOwnerOnly() {
		return newBucketAccess{}, s3err.New(s3err.InvalidBucketACLWithObjectOwnership, "")
	}
	if explicit || !who.root {
		out.acl = &a
	}
	return out, nil
}

// save stores what bucketAccessOnCreate read, once the bucket exists.
func (s *server) saveBucketAccess(c *call, nb newBucketAccess) error {
	if nb.ownership != "" {
		doc, err := s3xml.Marshal(s3xml.OwnershipControls{Rules: []s3xml.OwnershipRule{{ObjectOwnership: nb.ownership}}})
		if err != nil {
			return err
		}
		if err := s.store.PutBucketConfig(c.ctx, c.op.Bucket, storage.ConfigOwnership, doc); err != nil {
			return err
		}
	}
	if nb.acl == nil {
		return nil
	}
	doc, err := nb.acl.encode()
	if err != nil {
		return err
	}
	return s.store.PutBucketConfig(c.ctx, c.op.Bucket, storage.ConfigACL, []byte(doc))
}

// bucketOwner returns the owner recorded for bucket (root when none);
// ErrBucketNotFound for a missing bucket.
func (s *server) bucketOwner(ctx context.Context, bucket string) (s3xml.Owner, error) {
	a, err := s.bucketACL(ctx, bucket)
	return a.Owner, err
}

// objectOwner returns the owner recorded with an object version, or
// bucketOwner when it records none.
func objectOwner(info storage.ObjectInfo, bucketOwner s3xml.Owner) s3xml.Owner {
	return recordedOwner(info.Internal, bucketOwner)
}

// recordedOwner returns the owner in the internal metadata of an object
// or upload, or fallback when none is recorded.
func recordedOwner(internal map[string]string, fallback s3xml.Owner) s3xml.Owner {
	if doc, ok := internal[internalACL]; ok {
		if a, err := decodeACL([]byte(doc)); err == nil {
			return a.Owner
		}
	}
	return fallback
}
