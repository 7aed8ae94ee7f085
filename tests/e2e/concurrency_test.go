package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestConcurrentOverwrite: writers overwrite one key while readers read it.
// Every read returns exactly one of the written versions, whole (never a mix
// of two, never a torn object), and the final object is one of them.
func TestConcurrentOverwrite(t *testing.T) {
	t.Parallel()
	srv := httpServer(t)
	ctx := context.Background()
	c := newAWSClient(srv, aws.RequestChecksumCalculationWhenSupported)
	bucket := uniqueBucket(t, "race")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	const writers, rounds, readers = 4, 4, 4
	// Sizes on both sides of the inline threshold.
	versions := map[string]int{}
	var payloads [][]byte
	for w := range writers {
		for r := range rounds {
			size := 64<<10 + (w*rounds+r)*(96<<10)
			p := randomData(size, uint64(1000+w*rounds+r))
			payloads = append(payloads, p)
			versions[sha256Hex(p)] = w*rounds + r
		}
	}
	key := "contended"
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(payloads[0])}); err != nil {
		t.Fatalf("PutObject: %v", err)
	}

	errs := make(chan error, 256)
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				p := payloads[w*rounds+r]
				if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(p)}); err != nil {
					errs <- fmt.Errorf("writer %d PutObject: %w", w, err)
				}
			}
		})
	}
	var rg sync.WaitGroup
	for range readers {
		rg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key, ChecksumMode: types.ChecksumModeEnabled})
				if err != nil {
					errs <- fmt.Errorf("GetObject: %w", err)
					return
				}
				sha, n, err := readerSHA256(out.Body)
				out.Body.Close()
				if err != nil {
					errs <- fmt.Errorf("GetObject body: %w", err)
					return
				}
				if _, ok := versions[sha]; !ok {
					errs <- fmt.Errorf("GetObject returned %d bytes that match no written version", n)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	rg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	if err := errors.Join(all...); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatalf("final GetObject: %v", err)
	}
	sha, _, err := readerSHA256(out.Body)
	out.Body.Close()
	if _, ok := versions[sha]; err != nil || !ok {
		t.Errorf("final object matches no written version (err %v)", err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	if v, ok := versions[sha]; ok && aws.ToInt64(head.ContentLength) != int64(len(payloads[v])) {
		t.Errorf("HeadObject length %d, but the body is version %d of %d bytes", aws.ToInt64(head.ContentLength), v, len(payloads[v]))
	}
}
