package api

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// anonStatus returns the status of an unsigned request.
func anonStatus(t *testing.T, method, url string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := do(t, req)
	return resp.StatusCode
}

// rawStatus sends a signed request and returns its status and error code.
func rawStatus(t *testing.T, method, url string, body []byte, header map[string]string) (int, string) {
	t.Helper()
	if header == nil {
		header = map[string]string{}
	}
	if body != nil {
		header["Content-MD5"] = md5b64(body)
	}
	resp, rb := do(t, signedRequest(t, method, url, testSecretKey, body, header))
	return resp.StatusCode, errorCode(rb)
}

func TestACLsAndPublicAccessBlock(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.bucket(t, "aclbkt")
	root := owner()

	acl, err := e.s3.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(b)})
	if err != nil || aws.ToString(acl.Owner.ID) != root.ID || len(acl.Grants) != 1 || acl.Grants[0].Permission != types.PermissionFullControl ||
		aws.ToString(acl.Grants[0].Grantee.ID) != root.ID || acl.Grants[0].Grantee.Type != types.TypeCanonicalUser {
		t.Fatalf("default bucket ACL = %+v, %v", acl, err)
	}
	if _, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("pub"), ACL: types.ObjectCannedACLPublicRead, Body: http.NoBody}); err != nil {
		t.Fatal(err)
	}
	e.put(t, b, "priv", "secret")
	pubURL, privURL := e.srv.URL+"/"+b+"/pub", e.srv.URL+"/"+b+"/priv"
	if got := anonStatus(t, http.MethodGet, pubURL); got != 200 {
		t.Fatalf("anonymous GET of public-read object: %d", got)
	}
	if got := anonStatus(t, http.MethodGet, privURL); got != 403 {
		t.Fatalf("anonymous GET of private object: %d", got)
	}
	if got := anonStatus(t, http.MethodGet, e.srv.URL+"/"+b); got != 403 {
		t.Fatalf("anonymous list of private bucket: %d", got)
	}
	oacl, err := e.s3.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("pub")})
	if err != nil || len(oacl.Grants) != 2 || aws.ToString(oacl.Grants[1].Grantee.URI) != groupAllUsers || oacl.Grants[1].Permission != types.PermissionRead {
		t.Fatalf("object ACL = %+v, %v", oacl, err)
	}

	t.Run("public access block", func(t *testing.T) {
		_, err := e.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(b)})
		wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")
		put := func(cfg types.PublicAccessBlockConfiguration) {
			t.Helper()
			if _, err := e.s3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(b), PublicAccessBlockConfiguration: &cfg}); err != nil {
				t.Fatal(err)
			}
		}
		put(types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)})
		out, err := e.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(b)})
		if err != nil || !aws.ToBool(out.PublicAccessBlockConfiguration.IgnorePublicAcls) || aws.ToBool(out.PublicAccessBlockConfiguration.BlockPublicAcls) {
			t.Fatalf("GetPublicAccessBlock = %+v, %v", out, err)
		}
		if got := anonStatus(t, http.MethodGet, pubURL); got != 403 {
			t.Fatalf("IgnorePublicAcls: anonymous GET %d", got)
		}
		put(types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)})
		if got := anonStatus(t, http.MethodGet, pubURL); got != 200 {
			t.Fatalf("BlockPublicAcls alone keeps existing grants: anonymous GET %d", got)
		}
		_, err = e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("pub2"), ACL: types.ObjectCannedACLPublicRead, Body: http.NoBody})
		wantCode(t, err, "AccessDenied")
		_, err = e.s3.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("priv"), ACL: types.ObjectCannedACLPublicReadWrite})
		wantCode(t, err, "AccessDenied")
		_, err = e.s3.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPublicRead})
		wantCode(t, err, "AccessDenied")
		if _, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("pub2")}); apiCode(err) == "" {
			t.Fatal("refused PutObject stored the object")
		}
		if _, err := e.s3.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
		_, err = e.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(b)})
		wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")
	})

	t.Run("bucket ACL", func(t *testing.T) {
		if _, err := e.s3.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPublicRead}); err != nil {
			t.Fatal(err)
		}
		if got := anonStatus(t, http.MethodGet, e.srv.URL+"/"+b+"?list-type=2"); got != 200 {
			t.Fatalf("anonymous list of public-read bucket: %d", got)
		}
		if got := anonStatus(t, http.MethodPut, e.srv.URL+"/"+b+"/anon"); got != 403 {
			t.Fatalf("anonymous PUT into public-read bucket: %d", got)
		}
		other := canonicalUser("alice")
		policy := &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(root.ID)}, Grants: []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(root.ID)}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(other.ID)}, Permission: types.PermissionRead},
		}}
		if _, err := e.s3.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(b), AccessControlPolicy: policy}); err != nil {
			t.Fatal(err)
		}
		out, err := e.s3.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(b)})
		if err != nil || len(out.Grants) != 2 || aws.ToString(out.Grants[1].Grantee.ID) != other.ID || out.Grants[1].Permission != types.PermissionRead {
			t.Fatalf("GetBucketAcl after body put = %+v, %v", out, err)
		}
		if got := anonStatus(t, http.MethodGet, e.srv.URL+"/"+b+"?list-type=2"); got != 403 {
			t.Fatalf("anonymous list after private ACL: %d", got)
		}
		status, code := rawStatus(t, http.MethodPut, e.srv.URL+"/"+b+"?acl", nil, map[string]string{"x-amz-grant-read": `id="` + other.ID + `", uri="` + groupAuthenticated + `"`})
		if status != 200 {
			t.Fatalf("grant headers: %d %s", status, code)
		}
		out, err = e.s3.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(b)})
		if err != nil || len(out.Grants) != 2 || aws.ToString(out.Grants[1].Grantee.URI) != groupAuthenticated {
			t.Fatalf("GetBucketAcl after grant headers = %+v, %v", out, err)
		}
	})

	t.Run("bad ACL input", func(t *testing.T) {
		url := e.srv.URL + "/" + b + "?acl"
		for _, tc := range []struct {
			name   string
			body   string
			header map[string]string
			code   string
		}{
			{"bad permission", `<AccessControlPolicy><Owner><ID>` + root.ID + `</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>x</ID></Grantee><Permission>ALL</Permission></Grant></AccessControlList></AccessControlPolicy>`, nil, "MalformedACLError"},
			{"not xml", `acl`, nil, "MalformedACLError"},
			{"canned and grant", "", map[string]string{"x-amz-acl": "private", "x-amz-grant-read": `id="x"`}, "InvalidRequest"},
			{"unknown canned", "", map[string]string{"x-amz-acl": "everyone"}, "InvalidArgument"},
			{"email grantee", "", map[string]string{"x-amz-grant-read": `emailAddress="a@b.c"`}, "UnresolvableGrantByEmailAddress"},
			{"unknown group", "", map[string]string{"x-amz-grant-read": `uri="http://example.com/g"`}, "InvalidArgument"},
			{"nothing", "", nil, "MissingSecurityHeader"},
			{"canned and body", `<AccessControlPolicy><AccessControlList></AccessControlList></AccessControlPolicy>`, map[string]string{"x-amz-acl": "private"}, "UnexpectedContent"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var body []byte
				if tc.body != "" {
					body = []byte(tc.body)
				}
				status, code := rawStatus(t, http.MethodPut, url, body, tc.header)
				if status != 400 || code != tc.code {
					t.Fatalf("got %d %s, want 400 %s", status, code, tc.code)
				}
			})
		}
	})

	t.Run("ownership controls", func(t *testing.T) {
		_, err := e.s3.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(b)})
		wantCode(t, err, "OwnershipControlsNotFoundError")
		enforce := &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(b), OwnershipControls: &types.OwnershipControls{
			Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}}
		_, err = e.s3.PutBucketOwnershipControls(ctx, enforce)
		wantCode(t, err, "InvalidBucketAclWithObjectOwnership")
		if _, err := e.s3.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPrivate}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s3.PutBucketOwnershipControls(ctx, enforce); err != nil {
			t.Fatal(err)
		}
		out, err := e.s3.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(b)})
		if err != nil || len(out.OwnershipControls.Rules) != 1 || out.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipBucketOwnerEnforced {
			t.Fatalf("GetBucketOwnershipControls = %+v, %v", out, err)
		}
		_, err = e.s3.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPublicRead})
		wantCode(t, err, "AccessControlListNotSupported")
		_, err = e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("x"), ACL: types.ObjectCannedACLPublicRead, Body: http.NoBody})
		wantCode(t, err, "AccessControlListNotSupported")
		if _, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("x"), ACL: types.ObjectCannedACLBucketOwnerFullControl, Body: http.NoBody}); err != nil {
			t.Fatal(err)
		}
		if got := anonStatus(t, http.MethodGet, pubURL); got != 403 {
			t.Fatalf("BucketOwnerEnforced leaves object ACLs active: anonymous GET %d", got)
		}
		if out, err := e.s3.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("pub")}); err != nil || len(out.Grants) != 1 {
			t.Fatalf("GetObjectAcl under BucketOwnerEnforced = %+v, %v", out, err)
		}
		for _, body := range []string{`<OwnershipControls><Rule><ObjectOwnership>Nobody</ObjectOwnership></Rule></OwnershipControls>`, `<OwnershipControls></OwnershipControls>`} {
			if status, code := rawStatus(t, http.MethodPut, e.srv.URL+"/"+b+"?ownershipControls", []byte(body), nil); status != 400 || code != "MalformedXML" {
				t.Fatalf("bad ownership %s: %d %s", body, status, code)
			}
		}
		if _, err := e.s3.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
		if got := anonStatus(t, http.MethodGet, pubURL); got != 200 {
			t.Fatalf("ACLs back after DeleteBucketOwnershipControls: anonymous GET %d", got)
		}
	})

	t.Run("request payment", func(t *testing.T) {
		out, err := e.s3.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: aws.String(b)})
		if err != nil || out.Payer != types.PayerBucketOwner {
			t.Fatalf("GetBucketRequestPayment = %+v, %v", out, err)
		}
		_, err = e.s3.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: aws.String(b),
			RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: types.PayerRequester}})
		wantCode(t, err, "NotImplemented")
	})
	t.Run("bad public access block", func(t *testing.T) {
		good := []byte(`<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>`)
		resp, rb := do(t, signedRequest(t, http.MethodPut, e.srv.URL+"/"+b+"?publicAccessBlock", testSecretKey, good, map[string]string{"Content-MD5": md5b64([]byte("other"))}))
		if resp.StatusCode != 400 || errorCode(rb) != "BadDigest" {
			t.Fatalf("wrong Content-MD5: %d %s", resp.StatusCode, rb)
		}
		for _, body := range []string{`<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>`, `<Other/>`, `{`} {
			if status, code := rawStatus(t, http.MethodPut, e.srv.URL+"/"+b+"?publicAccessBlock", []byte(body), nil); status != 400 || code != "MalformedXML" {
				t.Fatalf("bad block %s: %d %s", body, status, code)
			}
		}
	})

	t.Run("create bucket with ACL", func(t *testing.T) {
		if _, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("pubbkt"), ACL: types.BucketCannedACLPublicRead}); err != nil {
			t.Fatal(err)
		}
		if got := anonStatus(t, http.MethodGet, e.srv.URL+"/pubbkt"); got != 200 {
			t.Fatalf("anonymous list of bucket created public-read: %d", got)
		}
		_, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("enfbkt"), ACL: types.BucketCannedACLPublicRead,
			ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced})
		wantCode(t, err, "InvalidBucketAclWithObjectOwnership")
		if _, err := e.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("enfbkt")}); err == nil {
			t.Fatal("refused CreateBucket made the bucket")
		}
		// Deleting the bucket deletes its configuration with it.
		if _, err := e.s3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("pubbkt"),
			PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}}); err != nil {
			t.Fatal(err)
		}
		for _, f := range []func() error{
			func() error {
				_, err := e.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("pubbkt")})
				return err
			},
			func() error {
				_, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("pubbkt")})
				return err
			},
		} {
			if err := f(); err != nil {
				t.Fatal(err)
			}
		}
		if got := anonStatus(t, http.MethodGet, e.srv.URL+"/pubbkt"); got != 403 {
			t.Fatalf("recreated bucket kept the public ACL: anonymous list %d", got)
		}
		_, err = e.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("pubbkt")})
		wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")
	})
}
