package e2e

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestAWSSDKManyKeys crosses the 1000-key page limit: ListObjectsV2 and
// ListObjects (v1) pagination, and DeleteObjects at and over its 1000-key
// limit.
func TestAWSSDKManyKeys(t *testing.T) {
	t.Parallel()
	srv := httpServer(t)
	ctx := context.Background()
	c := newAWSClient(srv, aws.RequestChecksumCalculationWhenRequired)
	bucket := uniqueBucket(t, "many")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	const n = 1100
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("k/%05d", i)
	}
	work := make(chan string)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for k := range work {
				if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
					errs <- fmt.Errorf("PutObject %s: %w", k, err)
				}
			}
		})
	}
	for _, k := range want {
		work <- k
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	t.Run("list-v2", func(t *testing.T) {
		first, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
		if err != nil {
			t.Fatalf("ListObjectsV2: %v", err)
		}
		if len(first.Contents) != 1000 || !aws.ToBool(first.IsTruncated) || first.NextContinuationToken == nil {
			t.Fatalf("first page: %d keys, truncated %v", len(first.Contents), aws.ToBool(first.IsTruncated))
		}
		second, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, ContinuationToken: first.NextContinuationToken})
		if err != nil {
			t.Fatalf("ListObjectsV2 page 2: %v", err)
		}
		var got []string
		for _, o := range append(first.Contents, second.Contents...) {
			got = append(got, aws.ToString(o.Key))
		}
		if aws.ToBool(second.IsTruncated) || !slices.Equal(got, want) {
			t.Errorf("v2 listing: %d keys (truncated %v), want %d in order", len(got), aws.ToBool(second.IsTruncated), n)
		}
	})
	t.Run("list-v1", func(t *testing.T) {
		var got []string
		var marker *string
		for page := 0; page < 10; page++ {
			out, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: &bucket, Marker: marker, MaxKeys: aws.Int32(400)})
			if err != nil {
				t.Fatalf("ListObjects: %v", err)
			}
			for _, o := range out.Contents {
				got = append(got, aws.ToString(o.Key))
			}
			if !aws.ToBool(out.IsTruncated) {
				break
			}
			marker = out.Contents[len(out.Contents)-1].Key
		}
		if !slices.Equal(got, want) {
			t.Errorf("v1 listing: %d keys, want %d in order", len(got), n)
		}
	})
	t.Run("delete-objects-limit", func(t *testing.T) {
		ids := make([]types.ObjectIdentifier, 0, 1001)
		for _, k := range want[:1001] {
			ids = append(ids, types.ObjectIdentifier{Key: aws.String(k)})
		}
		_, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &bucket, Delete: &types.Delete{Objects: ids}})
		wantAPIError(t, err, "MalformedXML", http.StatusBadRequest)
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String("k/00000")})
		if err != nil || len(out.Contents) != 1 {
			t.Fatalf("a refused DeleteObjects removed objects: %v %d", err, len(out.Contents))
		}
		for _, batch := range [][]types.ObjectIdentifier{ids[:1000], {ids[1000]}} {
			del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &bucket, Delete: &types.Delete{Objects: batch, Quiet: aws.Bool(true)}})
			if err != nil {
				t.Fatalf("DeleteObjects %d keys: %v", len(batch), err)
			}
			if len(del.Errors) > 0 || len(del.Deleted) != 0 {
				t.Errorf("quiet DeleteObjects: %d errors, %d deleted entries (quiet mode reports none)", len(del.Errors), len(del.Deleted))
			}
		}
		var rest []types.ObjectIdentifier
		for _, k := range want[1001:] {
			rest = append(rest, types.ObjectIdentifier{Key: aws.String(k)})
		}
		if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &bucket, Delete: &types.Delete{Objects: rest}}); err != nil {
			t.Fatalf("DeleteObjects: %v", err)
		}
		out, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
		if err != nil || len(out.Contents) != 0 {
			t.Fatalf("after deleting everything: %v, %d keys left", err, len(out.Contents))
		}
		if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket}); err != nil {
			t.Errorf("DeleteBucket: %v", err)
		}
	})
}
