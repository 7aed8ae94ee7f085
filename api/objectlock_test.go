package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"
)

// lockBucket creates a bucket with object lock.
func (e *env) lockBucket(t *testing.T, name string) string {
	t.Helper()
	_, err := e.s3.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name), ObjectLockEnabledForBucket: aws.Bool(true)})
	if err != nil {
		t.Fatalf("CreateBucket %s with object lock: %v", name, err)
	}
	return name
}

func TestObjectLockConfiguration(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	plain := e.bucket(t, "plain")
	_, err := e.s3.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(plain)})
	wantCode(t, err, "ObjectLockConfigurationNotFoundError")
	rule := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
		Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}
	_, err = e.s3.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(plain), ObjectLockConfiguration: rule})
	wantCode(t, err, "InvalidBucketState")
	_, err = e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(plain), Key: aws.String("k"), Body: strings.NewReader("x"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(time.Now().Add(time.Hour)), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	wantCode(t, err, "InvalidRequest")

	b := e.lockBucket(t, "locked")
	v, err := e.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b)})
	if err != nil || v.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("versioning of a lock bucket = %+v, %v", v, err)
	}
	_, err = e.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	wantCode(t, err, "InvalidBucketState")
	got, err := e.s3.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
	if err != nil || got.ObjectLockConfiguration.ObjectLockEnabled != types.ObjectLockEnabledEnabled || got.ObjectLockConfiguration.Rule != nil {
		t.Fatalf("GetObjectLockConfiguration = %+v, %v", got, err)
	}
	if _, err := e.s3.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(b), ObjectLockConfiguration: rule}); err != nil {
		t.Fatal(err)
	}
	bad := []struct{ name, body, code string }{
		{"no enabled", `<ObjectLockConfiguration><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>`, "MalformedXML"},
		{"bad mode", `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>FOREVER</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>`, "MalformedXML"},
		{"days and years", `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>`, "MalformedXML"},
		{"zero days", `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>0</Days></DefaultRetention></Rule></ObjectLockConfiguration>`, "InvalidArgument"},
		{"truncated", `<ObjectLockConfiguration><ObjectLockEnabled>`, "MalformedXML"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			req := signedRequest(t, http.MethodPut, e.srv.URL+"/"+b+"?object-lock", testSecretKey, []byte(tt.body), map[string]string{"Content-MD5": md5b64([]byte(tt.body))})
			resp, body := do(t, req)
			if errorCode(body) != tt.code {
				t.Fatalf("%d %s, want %s", resp.StatusCode, body, tt.code)
			}
		})
	}
	t.Run("digest required", func(t *testing.T) {
		body := `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`
		resp, out := do(t, signedRequest(t, http.MethodPut, e.srv.URL+"/"+b+"?object-lock", testSecretKey, []byte(body), nil))
		if errorCode(out) != "InvalidRequest" {
			t.Fatalf("%d %s", resp.StatusCode, out)
		}
	})
	got, err = e.s3.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
	if err != nil || got.ObjectLockConfiguration.Rule == nil || aws.ToInt32(got.ObjectLockConfiguration.Rule.DefaultRetention.Days) != 1 {
		t.Fatalf("configuration changed by bad input: %+v, %v", got, err)
	}
	put := e.put(t, b, "defaulted", "x")
	ret, err := e.s3.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("defaulted"), VersionId: put.VersionId})
	if err != nil || ret.Retention.Mode != types.ObjectLockRetentionModeGovernance ||
		ret.Retention.RetainUntilDate.Before(time.Now().Add(23*time.Hour)) {
		t.Fatalf("default retention = %+v, %v", ret, err)
	}
}

func TestObjectLockEnforcement(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.lockBucket(t, "enforced")
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	putLocked := func(key string, mode types.ObjectLockMode, hold types.ObjectLockLegalHoldStatus) string {
		t.Helper()
		in := &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(key), Body: strings.NewReader("data-" + key), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32}
		if mode != "" {
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = mode, aws.Time(until)
		}
		in.ObjectLockLegalHoldStatus = hold
		out, err := e.s3.PutObject(ctx, in)
		if err != nil {
			t.Fatalf("PutObject %s: %v", key, err)
		}
		return aws.ToString(out.VersionId)
	}
	intact := func(key, vid string) {
		t.Helper()
		if got, err := e.getBody(t, b, key, vid); err != nil || got != "data-"+key {
			t.Fatalf("%s@%s = %q, %v", key, vid, got, err)
		}
	}
	t.Run("headers and retention", func(t *testing.T) {
		vid := putLocked("comp", types.ObjectLockModeCompliance, "")
		head, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("comp")})
		if err != nil || head.ObjectLockMode != types.ObjectLockModeCompliance || !aws.ToTime(head.ObjectLockRetainUntilDate).Equal(until) {
			t.Fatalf("HeadObject = %+v, %v", head, err)
		}
		ret, err := e.s3.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("comp"), VersionId: aws.String(vid)})
		if err != nil || ret.Retention.Mode != types.ObjectLockRetentionModeCompliance {
			t.Fatalf("GetObjectRetention = %+v, %v", ret, err)
		}
	})
	t.Run("compliance refuses every deletion path", func(t *testing.T) {
		vid := putLocked("c2", types.ObjectLockModeCompliance, "")
		_, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("c2"), VersionId: aws.String(vid)})
		wantCode(t, err, "AccessDenied")
		_, err = e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("c2"), VersionId: aws.String(vid), BypassGovernanceRetention: aws.Bool(true)})
		wantCode(t, err, "AccessDenied")
		res, err := e.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b), BypassGovernanceRetention: aws.Bool(true),
			Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("c2"), VersionId: aws.String(vid)}}}})
		if err != nil || len(res.Errors) != 1 || aws.ToString(res.Errors[0].Code) != "AccessDenied" {
			t.Fatalf("DeleteObjects = %+v, %v", res, err)
		}
		_, err = e.s3.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("c2"), VersionId: aws.String(vid), BypassGovernanceRetention: aws.Bool(true),
			Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeCompliance, RetainUntilDate: aws.Time(until.Add(-time.Minute))}})
		wantCode(t, err, "AccessDenied")
		_, err = e.s3.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("c2"), VersionId: aws.String(vid),
			Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(until.Add(time.Hour))}})
		wantCode(t, err, "AccessDenied")
		resp, body := do(t, signedRequest(t, http.MethodDelete, e.srv.URL+"/"+b, testSecretKey, nil, map[string]string{"x-minio-force-delete": "true"}))
		if resp.StatusCode != 403 || errorCode(body) != "AccessDenied" {
			t.Fatalf("forced bucket delete: %d %s", resp.StatusCode, body)
		}
		// A delete marker hides the version without removing data.
		del, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("c2")})
		if err != nil || !aws.ToBool(del.DeleteMarker) {
			t.Fatalf("DeleteObject (marker) = %+v, %v", del, err)
		}
		intact("c2", vid)
		// Extending is allowed.
		_, err = e.s3.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("c2"), VersionId: aws.String(vid),
			Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeCompliance, RetainUntilDate: aws.Time(until.Add(time.Hour))}})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("governance bypass needs the header", func(t *testing.T) {
		vid := putLocked("gov", types.ObjectLockModeGovernance, "")
		_, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("gov"), VersionId: aws.String(vid)})
		wantCode(t, err, "AccessDenied")
		intact("gov", vid)
		if _, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("gov"), VersionId: aws.String(vid), BypassGovernanceRetention: aws.Bool(true)}); err != nil {
			t.Fatalf("bypass delete: %v", err)
		}
		_, err = e.getBody(t, b, "gov", vid)
		wantCode(t, err, "NoSuchVersion")
	})
	t.Run("legal hold", func(t *testing.T) {
		vid := putLocked("held", "", types.ObjectLockLegalHoldStatusOn)
		_, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("held"), VersionId: aws.String(vid), BypassGovernanceRetention: aws.Bool(true)})
		wantCode(t, err, "AccessDenied")
		hold, err := e.s3.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(b), Key: aws.String("held")})
		if err != nil || hold.LegalHold.Status != types.ObjectLockLegalHoldStatusOn {
			t.Fatalf("GetObjectLegalHold = %+v, %v", hold, err)
		}
		if _, err := e.s3.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(b), Key: aws.String("held"), VersionId: aws.String(vid),
			LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOff}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("held"), VersionId: aws.String(vid)}); err != nil {
			t.Fatalf("delete after release: %v", err)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		vid := putLocked("plainv", "", "")
		_, err := e.s3.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("plainv")})
		wantCode(t, err, "NoSuchObjectLockConfiguration")
		_, err = e.s3.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("plainv"), VersionId: aws.String(vid),
			Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(time.Now().Add(-time.Hour))}})
		wantCode(t, err, "InvalidArgument")
		body := `<Retention><Mode>FOREVER</Mode><RetainUntilDate>2099-01-01T00:00:00Z</RetainUntilDate></Retention>`
		resp, out := do(t, signedRequest(t, http.MethodPut, e.srv.URL+"/"+b+"/plainv?retention", testSecretKey, []byte(body), map[string]string{"Content-MD5": md5b64([]byte(body))}))
		if errorCode(out) != "MalformedXML" {
			t.Fatalf("bad mode: %d %s", resp.StatusCode, out)
		}
		body = `<LegalHold><Status>MAYBE</Status></LegalHold>`
		resp, out = do(t, signedRequest(t, http.MethodPut, e.srv.URL+"/"+b+"/plainv?legal-hold", testSecretKey, []byte(body), map[string]string{"Content-MD5": md5b64([]byte(body))}))
		if errorCode(out) != "MalformedXML" {
			t.Fatalf("bad hold: %d %s", resp.StatusCode, out)
		}
		_, err = e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader("x"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
			ObjectLockMode: "FOREVER", ObjectLockRetainUntilDate: aws.Time(until)})
		wantCode(t, err, "InvalidArgument")
		_, err = e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader("x"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
			ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(time.Now().Add(-time.Hour))})
		wantCode(t, err, "InvalidArgument")
		resp, out = do(t, signedRequest(t, http.MethodPut, e.srv.URL+"/"+b+"/k", testSecretKey, []byte("x"), map[string]string{
			"x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": until.Format(time.RFC3339)}))
		if errorCode(out) != "InvalidRequest" {
			t.Fatalf("lock PUT without digest: %d %s", resp.StatusCode, out)
		}
		_, err = e.getBody(t, b, "k", "")
		wantCode(t, err, "NoSuchKey")
		ret, err := e.s3.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("plainv")})
		if err == nil {
			t.Fatalf("retention appeared: %+v", ret)
		}
	})
	t.Run("multipart and copy carry lock headers", func(t *testing.T) {
		up, err := e.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("mp"),
			ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(until)})
		if err != nil {
			t.Fatal(err)
		}
		part, err := e.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(b), Key: aws.String("mp"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("data-mp")})
		if err != nil {
			t.Fatal(err)
		}
		done, err := e.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("mp"), UploadId: up.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("mp"), VersionId: done.VersionId})
		wantCode(t, err, "AccessDenied")
		cp, err := e.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("cp"), CopySource: aws.String(b + "/mp"),
			ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
		if err != nil {
			t.Fatal(err)
		}
		head, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("cp"), VersionId: cp.VersionId})
		if err != nil || head.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn || head.ObjectLockMode != "" {
			t.Fatalf("copy lock state = %+v, %v", head, err)
		}
	})
}

// TestGovernanceBypassNeedsPermission: the bypass header alone does not
// lift GOVERNANCE retention; the caller also needs s3:BypassGovernanceRetention.
func TestGovernanceBypassNeedsPermission(t *testing.T) {
	e := newIAMEnv(t)
	ctx := t.Context()
	if _, err := e.root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vault"), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	const base = `{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:GetObjectVersion","s3:DeleteObject","s3:DeleteObjectVersion"],"Resource":["arn:aws:s3:::vault/*"]}`
	for _, u := range []struct{ name, policy string }{
		{"plain", `{"Version":"2012-10-17","Statement":[` + base + `]}`},
		{"bypasser", `{"Version":"2012-10-17","Statement":[` + base + `,{"Effect":"Allow","Action":["s3:BypassGovernanceRetention"],"Resource":["arn:aws:s3:::vault/*"]}]}`},
	} {
		if err := e.sys.AddUser(ctx, u.name, u.name+"-secret"); err != nil {
			t.Fatal(err)
		}
		if err := e.sys.SetPolicy(ctx, u.name+"-policy", []byte(u.policy)); err != nil {
			t.Fatal(err)
		}
		if err := e.sys.AttachPolicies(ctx, []string{u.name + "-policy"}, u.name, ""); err != nil {
			t.Fatal(err)
		}
	}
	out, err := e.root.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("doc"), Body: strings.NewReader("x"),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32, ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(time.Now().Add(time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	del := func(c *s3.Client) error {
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vault"), Key: aws.String("doc"), VersionId: out.VersionId, BypassGovernanceRetention: aws.Bool(true)})
		return err
	}
	plain := e.client("plain", "plain-secret", "")
	wantCode(t, del(plain), "AccessDenied")
	// Lock headers need s3:GetObjectRetention, which plain lacks.
	head, err := plain.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("vault"), Key: aws.String("doc")})
	if err != nil || head.ObjectLockMode != "" || head.ObjectLockRetainUntilDate != nil {
		t.Fatalf("HeadObject by a user without s3:GetObjectRetention = %+v, %v", head, err)
	}
	head, err = e.root.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("vault"), Key: aws.String("doc")})
	if err != nil || head.ObjectLockMode != types.ObjectLockModeGovernance {
		t.Fatalf("HeadObject by root = %+v, %v", head, err)
	}
	// The refusal is the lock's: plain may delete an unlocked version.
	free, err := plain.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("free"), Body: strings.NewReader("y")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vault"), Key: aws.String("free"), VersionId: free.VersionId}); err != nil {
		t.Fatalf("plain user deleting an unlocked version: %v", err)
	}
	if err := del(e.client("bypasser", "bypasser-secret", "")); err != nil {
		t.Fatalf("delete with s3:BypassGovernanceRetention: %v", err)
	}
}

// TestForcedDeleteOfLockBucket: a forced deletion empties and removes a lock
// bucket whose versions are all unlocked (retention expired, hold released),
// and removes nothing while one version is locked.
func TestForcedDeleteOfLockBucket(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.lockBucket(t, "forced")
	force := func() int {
		resp, _ := do(t, signedRequest(t, http.MethodDelete, e.srv.URL+"/"+b, testSecretKey, nil, map[string]string{"x-minio-force-delete": "true"}))
		return resp.StatusCode
	}
	e.put(t, b, "a", "1")
	e.put(t, b, "a", "2")
	e.put(t, b, "dir/b", "3")
	if _, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("dir/b")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("pending")}); err != nil {
		t.Fatal(err)
	}
	held, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("held"), Body: strings.NewReader("h"),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32, ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	if err != nil {
		t.Fatal(err)
	}
	if got := force(); got != http.StatusForbidden {
		t.Fatalf("forced delete with a held version: %d", got)
	}
	list, err := e.s3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b)})
	if err != nil || len(list.Versions) != 4 || len(list.DeleteMarkers) != 1 {
		t.Fatalf("versions after the refused deletion = %d/%d, %v", len(list.Versions), len(list.DeleteMarkers), err)
	}
	if _, err := e.s3.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(b), Key: aws.String("held"), VersionId: held.VersionId,
		LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOff}}); err != nil {
		t.Fatal(err)
	}
	if got := force(); got != http.StatusNoContent {
		t.Fatalf("forced delete after release: %d", got)
	}
	_, err = e.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b)})
	if err == nil {
		t.Fatal("bucket still exists")
	}
}

// TestPostObjectLockFields: the x-amz-object-lock-* fields of a browser POST
// upload lock the new version as the headers of a PUT do (never silently
// dropped), and bad values are refused with nothing written.
func TestPostObjectLockFields(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	b := e.lockBucket(t, "postlock")
	until := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	for _, tt := range []struct {
		name   string
		fields map[string]string
		status int
		code   string
	}{
		{"governance", map[string]string{"object-lock-mode": "GOVERNANCE", "object-lock-retain-until-date": until}, 204, ""},
		{"legal-hold", map[string]string{"object-lock-legal-hold": "ON"}, 204, ""},
		{"mode-without-date", map[string]string{"object-lock-mode": "GOVERNANCE"}, 400, "InvalidArgument"},
		{"bad-mode", map[string]string{"object-lock-mode": "FOREVER", "object-lock-retain-until-date": until}, 400, "InvalidArgument"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			key := "k-" + tt.name
			resp, rb := e.postSigned(t, b, key, []byte("data"), func(p *minio.PostPolicy) error {
				for k, v := range tt.fields {
					if err := p.SetUserData(k, v); err != nil {
						return err
					}
				}
				return nil
			})
			if resp.StatusCode != tt.status || errorCode(rb) != tt.code {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, rb, tt.status, tt.code)
			}
			head, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String(key)})
			if tt.status != 204 {
				wantCode(t, err, "NotFound")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m := tt.fields["object-lock-mode"]; string(head.ObjectLockMode) != m {
				t.Fatalf("lock mode = %q, want %q", head.ObjectLockMode, m)
			}
			if h := tt.fields["object-lock-legal-hold"]; string(head.ObjectLockLegalHoldStatus) != h {
				t.Fatalf("legal hold = %q, want %q", head.ObjectLockLegalHoldStatus, h)
			}
			// Locked: a permanent delete of the version is refused.
			_, err = e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String(key), VersionId: head.VersionId})
			wantCode(t, err, "AccessDenied")
		})
	}
}
