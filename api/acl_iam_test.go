package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestOwnersAndGrantsWithUsers runs ACLs, owners and the public access
// block against a real iam.System: alice owns what she creates, bob gets
// nothing of it until alice grants it, public grants and policies obey
// the public access block.
func TestOwnersAndGrantsWithUsers(t *testing.T) {
	e := newIAMEnv(t)
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const aliceCreates = `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":["s3:CreateBucket"],"Resource":["arn:aws:s3:::alice-*"]},
	 {"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::alice-*/*"]}]}`
	must(e.sys.AddUser(ctx, "alice", "alicesecret"))
	must(e.sys.AddUser(ctx, "bob", "bobsecret"))
	must(e.sys.SetPolicy(ctx, "alice-creates", []byte(aliceCreates)))
	must(e.sys.AttachPolicies(ctx, []string{"alice-creates"}, "alice", ""))
	alice, bob := e.client("alice", "alicesecret", ""), e.client("bob", "bobsecret", "")
	aliceID, bobID := canonicalUser("alice"), canonicalUser("bob")

	const b = "alice-bucket"
	_, err := alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
	must(err)
	must(putObj(ctx, alice, b, "doc"))
	must(putObj(ctx, alice, b, "other"))

	t.Run("alice owns her bucket and objects", func(t *testing.T) {
		acl, err := alice.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(b)})
		if err != nil || aws.ToString(acl.Owner.ID) != aliceID.ID || aws.ToString(acl.Owner.DisplayName) != "alice" {
			t.Fatalf("GetBucketAcl by owner = %+v, %v", acl, err)
		}
		list, err := alice.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b), FetchOwner: aws.Bool(true)})
		if err != nil || len(list.Contents) != 2 || aws.ToString(list.Contents[0].Owner.ID) != aliceID.ID {
			t.Fatalf("ListObjectsV2 by owner = %+v, %v", list, err)
		}
		must(getObj(ctx, alice, b, "doc"))
		oacl, err := e.root.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("doc")})
		if err != nil || aws.ToString(oacl.Owner.DisplayName) != "alice" {
			t.Fatalf("GetObjectAcl = %+v, %v", oacl, err)
		}
		up, err := alice.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("mp")})
		must(err)
		parts, err := alice.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(b), Key: aws.String("mp"), UploadId: up.UploadId})
		if err != nil || aws.ToString(parts.Initiator.DisplayName) != "alice" || aws.ToString(parts.Owner.ID) != aliceID.ID {
			t.Fatalf("ListParts of alice's upload = %+v, %v", parts, err)
		}
		ups, err := e.root.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(b)})
		if err != nil || len(ups.Uploads) != 1 || aws.ToString(ups.Uploads[0].Owner.DisplayName) != "alice" {
			t.Fatalf("ListMultipartUploads = %+v, %v", ups, err)
		}
		_, err = alice.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("mp"), UploadId: up.UploadId})
		must(err)
		lb, err := alice.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil || aws.ToString(lb.Owner.ID) != aliceID.ID {
			t.Fatalf("ListBuckets owner = %+v, %v", lb, err)
		}
	})
	t.Run("bob is refused", func(t *testing.T) {
		wantCode(t, getObj(ctx, bob, b, "doc"), "AccessDenied")
		_, err := bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b)})
		wantCode(t, err, "AccessDenied")
		wantCode(t, putObj(ctx, bob, b, "bobs"), "AccessDenied")
		_, err = bob.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(b)})
		wantCode(t, err, "AccessDenied")
	})
	t.Run("grants let bob in", func(t *testing.T) {
		_, err := alice.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("doc"), GrantRead: aws.String(`id="` + bobID.ID + `"`)})
		must(err)
		must(getObj(ctx, bob, b, "doc"))
		wantCode(t, getObj(ctx, bob, b, "other"), "AccessDenied")
		_, err = alice.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(b), GrantWrite: aws.String(`id="` + bobID.ID + `"`)})
		must(err)
		must(putObj(ctx, bob, b, "bobs"))
		oacl, err := e.root.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("bobs")})
		if err != nil || aws.ToString(oacl.Owner.ID) != bobID.ID {
			t.Fatalf("object written by bob under a WRITE grant: %+v, %v", oacl, err)
		}
		_, err = alice.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLAuthenticatedRead})
		must(err)
		_, err = bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b)})
		must(err)
		if got := anonStatus(t, http.MethodGet, e.srv.URL+"/"+b); got != 403 {
			t.Fatalf("anonymous list of authenticated-read bucket: %d", got)
		}
	})
	t.Run("IgnorePublicAcls", func(t *testing.T) {
		_, err := e.root.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(b),
			PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)}})
		must(err)
		_, err = bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b)})
		wantCode(t, err, "AccessDenied")
		must(getObj(ctx, bob, b, "doc")) // a grant to bob himself is not public
	})

	t.Run("explicit deny beats a grant", func(t *testing.T) {
		deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":["arn:aws:iam::123456789012:user/bob"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::` + b + `/*"]}]}`
		_, err := e.root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b), Policy: aws.String(deny)})
		must(err)
		wantCode(t, getObj(ctx, bob, b, "doc"), "AccessDenied")
		_, err = e.root.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(b)})
		must(err)
		must(getObj(ctx, bob, b, "doc"))
	})
	t.Run("public policies", func(t *testing.T) {
		const pb = "polbkt"
		_, err := e.root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(pb)})
		must(err)
		must(putObj(ctx, e.root, pb, "k"))
		public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::polbkt/*"]}]}`
		toBob := strings.Replace(public, `"Principal":"*"`, `"Principal":{"AWS":["arn:aws:iam::123456789012:user/bob"]}`, 1)
		_, err = e.root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(pb), Policy: aws.String(public)})
		must(err)
		if got := anonStatus(t, http.MethodGet, e.srv.URL+"/"+pb+"/k"); got != 200 {
			t.Fatalf("anonymous GET under a public policy: %d", got)
		}
		_, err = e.root.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(pb),
			PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true), BlockPublicPolicy: aws.Bool(true)}})
		must(err)
		if got := anonStatus(t, http.MethodGet, e.srv.URL+"/"+pb+"/k"); got != 403 {
			t.Fatalf("RestrictPublicBuckets: anonymous GET %d", got)
		}
		_, err = e.root.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(pb), Key: aws.String("acl-public"), ACL: types.ObjectCannedACLPublicRead, Body: http.NoBody})
		must(err)
		if got := anonStatus(t, http.MethodGet, e.srv.URL+"/"+pb+"/acl-public"); got != 200 {
			t.Fatalf("RestrictPublicBuckets leaves public ACLs alone: anonymous GET %d", got)
		}
		_, err = e.root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(pb), Policy: aws.String(public)})
		wantCode(t, err, "AccessDenied")
		_, err = e.root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(pb), Policy: aws.String(toBob)})
		must(err)
		must(getObj(ctx, bob, pb, "k"))
	})
}
