package e2e

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// TestStaleUploadsExpire: with MinIO's MINIO_API_STALE_UPLOADS_* settings
// shortened, an abandoned multipart upload disappears from
// ListMultipartUploads and its ID answers NoSuchUpload, while a finished
// object made from another upload stays.
func TestStaleUploadsExpire(t *testing.T) {
	t.Parallel()
	srv := startOwnServer(t, "stale-uploads", false,
		append(defaultServerEnv(), "MINIO_API_STALE_UPLOADS_EXPIRY=2s", "MINIO_API_STALE_UPLOADS_CLEANUP_INTERVAL=500ms"))
	ctx := context.Background()
	c := newAWSClient(srv, aws.RequestChecksumCalculationWhenRequired)
	bucket := uniqueBucket(t, "stale")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	upload := func(key string) *string {
		t.Helper()
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		return up.UploadId
	}
	abandoned := upload("abandoned")
	if _, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: aws.String("abandoned"), UploadId: abandoned,
		PartNumber: aws.Int32(1), Body: bytes.NewReader(randomData(5*mib, 1))}); err != nil {
		t.Fatal(err)
	}
	finished := upload("finished")
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: aws.String("finished"), UploadId: finished,
		PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte("done"))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket, Key: aws.String("finished"), UploadId: finished,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &bucket})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Uploads) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("upload %s still listed 20s after it started, with a 2s expiry", aws.ToString(out.Uploads[0].UploadId))
		}
		time.Sleep(200 * time.Millisecond)
	}
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: aws.String("abandoned"), UploadId: abandoned,
		PartNumber: aws.Int32(2), Body: bytes.NewReader([]byte("late"))})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchUpload" {
		t.Fatalf("UploadPart to the expired upload: %v, want NoSuchUpload", err)
	}
	assertObject(t, c, bucket, "finished", []byte("done"))
}
