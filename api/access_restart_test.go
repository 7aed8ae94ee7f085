package api

import (
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/silo-project/silo/storage/erasure"
)

// TestAccessConfigSurvivesRestart: CORS rules, ACLs, ownership controls and
// the public access block are read back from the drives by a new store.
func TestAccessConfigSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	var drives []string
	for i := range 4 {
		drives = append(drives, filepath.Join(dir, "d"+strconv.Itoa(i)))
	}
	open := func() (*erasure.Store, *s3.Client, string) {
		st, err := erasure.New(t.Context(), erasure.Config{Drives: drives, StandardParity: -1, RRSParity: -1})
		if err != nil {
			t.Fatal(err)
		}
		srv := newTestServer(t, st, Config{}, nil)
		cli := s3.New(s3.Options{Region: testRegion, BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, "")})
		return st, cli, srv.URL
	}
	ctx := t.Context()
	st, cli, _ := open()
	b := aws.String("keep")
	steps := []func() error{
		func() error { _, err := cli.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); return err },
		func() error {
			_, err := cli.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: b, CORSConfiguration: &types.CORSConfiguration{
				CORSRules: []types.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}}}})
			return err
		},
		func() error {
			_, err := cli.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), ACL: types.ObjectCannedACLPublicRead, Body: http.NoBody})
			return err
		},
		func() error {
			_, err := cli.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{
				Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}}}})
			return err
		},
		func() error {
			_, err := cli.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b,
				PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true)}})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	st.Close()

	st, cli, url := open()
	t.Cleanup(func() { st.Close() })
	if out, err := cli.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b}); err != nil || len(out.CORSRules) != 1 {
		t.Fatalf("CORS after restart: %+v, %v", out, err)
	}
	if got := anonStatus(t, http.MethodGet, url+"/keep/k"); got != 200 {
		t.Fatalf("public-read object after restart: anonymous GET %d", got)
	}
	if out, err := cli.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b}); err != nil ||
		out.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipBucketOwnerPreferred {
		t.Fatalf("ownership after restart: %+v, %v", out, err)
	}
	if out, err := cli.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b}); err != nil ||
		!aws.ToBool(out.PublicAccessBlockConfiguration.BlockPublicPolicy) {
		t.Fatalf("public access block after restart: %+v, %v", out, err)
	}
}
