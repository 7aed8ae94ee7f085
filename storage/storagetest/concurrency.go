package storagetest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/silo-project/silo/storage"
)

func testBucketConfigs(t *testing.T, s storage.Store) {
	const bucket = "configs"
	makeBucket(t, s, bucket)
	makeBucket(t, s, "configs-other")
	ctx := t.Context()

	for _, kind := range storage.ConfigKinds() {
		t.Run(string(kind), func(t *testing.T) {
			_, err := s.GetBucketConfig(ctx, bucket, kind)
			wantErr(t, "GetBucketConfig before put", err, storage.ErrConfigNotFound)
			for i, doc := range [][]byte{
				[]byte(fmt.Sprintf(`<Configuration kind="%s">first</Configuration>`, kind)),
				[]byte(fmt.Sprintf(`{"kind":%q,"n":2,"binary":"\u00ff"}`, kind)),
				append([]byte{0, 1, 2, 0xff}, bytes.Repeat([]byte("x"), 64*kib)...),
			} {
				if err := s.PutBucketConfig(ctx, bucket, kind, doc); err != nil {
					t.Fatalf("PutBucketConfig #%d: %v", i, err)
				}
				got, err := s.GetBucketConfig(ctx, bucket, kind)
				if err != nil {
					t.Fatalf("GetBucketConfig #%d: %v", i, err)
				}
				checkBytes(t, fmt.Sprintf("config document #%d", i), got, doc)
			}
			_, err = s.GetBucketConfig(ctx, "configs-other", kind)
			wantErr(t, "GetBucketConfig of another bucket", err, storage.ErrConfigNotFound)
			if err := s.DeleteBucketConfig(ctx, bucket, kind); err != nil {
				t.Fatalf("DeleteBucketConfig: %v", err)
			}
			_, err = s.GetBucketConfig(ctx, bucket, kind)
			wantErr(t, "GetBucketConfig after delete", err, storage.ErrConfigNotFound)
			if err := s.DeleteBucketConfig(ctx, bucket, kind); err != nil {
				t.Fatalf("DeleteBucketConfig of a missing document: %v", err)
			}
		})
	}

	t.Run("KindsIndependent", func(t *testing.T) {
		kinds := storage.ConfigKinds()
		for _, kind := range kinds {
			if err := s.PutBucketConfig(ctx, bucket, kind, []byte("doc "+kind)); err != nil {
				t.Fatalf("PutBucketConfig(%s): %v", kind, err)
			}
		}
		if err := s.DeleteBucketConfig(ctx, bucket, kinds[0]); err != nil {
			t.Fatalf("DeleteBucketConfig: %v", err)
		}
		for _, kind := range kinds[1:] {
			got, err := s.GetBucketConfig(ctx, bucket, kind)
			if err != nil || string(got) != "doc "+string(kind) {
				t.Fatalf("GetBucketConfig(%s) = %q, %v", kind, got, err)
			}
		}
	})

	t.Run("MissingBucket", func(t *testing.T) {
		err := s.PutBucketConfig(ctx, "no-such-bucket", storage.ConfigPolicy, []byte("{}"))
		wantErr(t, "PutBucketConfig", err, storage.ErrBucketNotFound)
		_, err = s.GetBucketConfig(ctx, "no-such-bucket", storage.ConfigPolicy)
		wantErr(t, "GetBucketConfig", err, storage.ErrBucketNotFound)
	})

	t.Run("GoneWithBucket", func(t *testing.T) {
		const b = "configs-gone"
		makeBucket(t, s, b)
		if err := s.PutBucketConfig(ctx, b, storage.ConfigTagging, []byte("tags")); err != nil {
			t.Fatalf("PutBucketConfig: %v", err)
		}
		if err := s.DeleteBucket(ctx, b, storage.DeleteBucketOptions{}); err != nil {
			t.Fatalf("DeleteBucket: %v", err)
		}
		makeBucket(t, s, b)
		_, err := s.GetBucketConfig(ctx, b, storage.ConfigTagging)
		wantErr(t, "GetBucketConfig of a re-created bucket", err, storage.ErrConfigNotFound)
	})
}

func testConcurrency(t *testing.T, s storage.Store) {
	const bucket = "concurrency"
	makeBucket(t, s, bucket)
	ctx := t.Context()
	sizes := []int{0, 100, 4 * kib, 130 * kib, 600 * kib, mib + 100}

	t.Run("DifferentKeys", func(t *testing.T) {
		const writers = 24
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Go(func() {
				data := Data(uint64(800+i), sizes[i%len(sizes)])
				key := fmt.Sprintf("diff/%02d", i)
				if _, err := s.PutObject(ctx, bucket, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{}); err != nil {
					errs <- fmt.Errorf("PutObject(%s): %w", key, err)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for i := range writers {
			key := fmt.Sprintf("diff/%02d", i)
			got, info := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
			data := Data(uint64(800+i), sizes[i%len(sizes)])
			checkBytes(t, key, got, data)
			checkInfo(t, key, info, bucket, key, data)
		}
		res, err := s.ListObjects(ctx, bucket, storage.ListOptions{Prefix: "diff/"})
		if err != nil || len(res.Objects) != writers {
			t.Fatalf("ListObjects after parallel puts: %d objects, %v; want %d", len(res.Objects), err, writers)
		}
	})

	// Writers race on one key while readers read it: every read sees one
	// complete write and the final state is exactly one of the writes.
	for _, versioning := range []storage.VersioningState{storage.VersioningUnset, storage.VersioningEnabled} {
		t.Run(fmt.Sprintf("SameKey/versioning=%d", versioning), func(t *testing.T) {
			const writers = 12
			key := fmt.Sprintf("same/%d", versioning)
			contents := map[string][]byte{}
			for i := range writers {
				data := Data(uint64(900+i), sizes[i%len(sizes)])
				contents[MD5Hex(data)] = data
			}
			first := Data(899, 10)
			contents[MD5Hex(first)] = first
			put(t, s, bucket, key, first, storage.PutOptions{Versioning: versioning})

			var wg sync.WaitGroup
			errs := make(chan error, 4*writers)
			done := make(chan struct{})
			for i := range writers {
				wg.Go(func() {
					data := Data(uint64(900+i), sizes[i%len(sizes)])
					if _, err := s.PutObject(ctx, bucket, key, bytes.NewReader(data), int64(len(data)), storage.PutOptions{Versioning: versioning}); err != nil {
						errs <- fmt.Errorf("PutObject #%d: %w", i, err)
					}
				})
			}
			var readers sync.WaitGroup
			for range 3 {
				readers.Go(func() {
					for {
						select {
						case <-done:
							return
						default:
						}
						got, info, err := read(t, s, bucket, key, nil, storage.GetOptions{})
						if err != nil {
							errs <- fmt.Errorf("concurrent GetObject: %w", err)
							return
						}
						want, ok := contents[info.ETag]
						if !ok || !bytes.Equal(got, want) {
							errs <- fmt.Errorf("concurrent GetObject returned %d bytes with etag %s: not one of the writes", len(got), info.ETag)
							return
						}
					}
				})
			}
			wg.Wait()
			close(done)
			readers.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			got, info := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
			want, ok := contents[MD5Hex(got)]
			if !ok || !bytes.Equal(got, want) || info.ETag != MD5Hex(got) {
				t.Fatalf("final content (%d bytes, etag %s) is not one of the writes", len(got), info.ETag)
			}
			res, err := s.ListObjectVersions(ctx, bucket, storage.ListVersionsOptions{Prefix: key})
			if err != nil {
				t.Fatalf("ListObjectVersions: %v", err)
			}
			wantVersions := 1
			if versioning == storage.VersioningEnabled {
				wantVersions = writers + 1
			}
			if len(res.Versions) != wantVersions {
				t.Fatalf("%d versions after %d racing writes, want %d", len(res.Versions), writers, wantVersions)
			}
			if res.Versions[0].ETag != info.ETag {
				t.Fatalf("listed latest etag %s, GetObject etag %s", res.Versions[0].ETag, info.ETag)
			}
			for _, v := range res.Versions {
				if _, ok := contents[v.ETag]; !ok {
					t.Fatalf("version %s has etag %s, not one of the writes", v.VersionID, v.ETag)
				}
			}
		})
	}
}
