package storagetest

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/silo-project/silo/storage"
)

func testBuckets(t *testing.T, s storage.Store) {
	ctx := t.Context()

	t.Run("CreateAndInfo", func(t *testing.T) {
		makeBucket(t, s, "alpha")
		info, err := s.GetBucketInfo(ctx, "alpha")
		if err != nil {
			t.Fatalf("GetBucketInfo: %v", err)
		}
		if info.Name != "alpha" || info.Created.IsZero() {
			t.Fatalf("GetBucketInfo = %+v, want name alpha and a creation time", info)
		}
	})

	t.Run("Exists", func(t *testing.T) {
		err := s.MakeBucket(ctx, "alpha", storage.MakeBucketOptions{})
		wantErr(t, "MakeBucket twice", err, storage.ErrBucketExists)
	})

	t.Run("InvalidNames", func(t *testing.T) {
		names := []string{"", "ab", strings.Repeat("a", 64), "Upper", "under_score",
			"-start", "end-", "a..b", "a.-b", "192.168.1.1", "sp ace", "slash/x"}
		for _, name := range names {
			t.Run(name, func(t *testing.T) {
				err := s.MakeBucket(ctx, name, storage.MakeBucketOptions{})
				wantErr(t, "MakeBucket("+name+")", err, storage.ErrInvalidBucketName)
			})
		}
	})

	t.Run("ListSorted", func(t *testing.T) {
		for _, b := range []string{"zeta", "mid.dle", "beta-1", "a0a"} {
			makeBucket(t, s, b)
		}
		list, err := s.ListBuckets(ctx)
		if err != nil {
			t.Fatalf("ListBuckets: %v", err)
		}
		var names []string
		for _, b := range list {
			names = append(names, b.Name)
			if b.Created.IsZero() {
				t.Errorf("bucket %q has no creation time", b.Name)
			}
		}
		want := []string{"a0a", "alpha", "beta-1", "mid.dle", "zeta"}
		if !slices.Equal(names, want) {
			t.Fatalf("ListBuckets = %v, want %v", names, want)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		_, err := s.GetBucketInfo(ctx, "missing")
		wantErr(t, "GetBucketInfo(missing)", err, storage.ErrBucketNotFound)
		err = s.DeleteBucket(ctx, "missing", storage.DeleteBucketOptions{})
		wantErr(t, "DeleteBucket(missing)", err, storage.ErrBucketNotFound)
		_, err = s.PutObject(ctx, "missing", "k", bytes.NewReader([]byte("x")), 1, storage.PutOptions{})
		wantErr(t, "PutObject(missing/k)", err, storage.ErrBucketNotFound)
		_, _, err = s.GetObject(ctx, "missing", "k", nil, storage.GetOptions{})
		wantErr(t, "GetObject(missing/k)", err, storage.ErrBucketNotFound)
		_, err = s.StatObject(ctx, "missing", "k", storage.GetOptions{})
		wantErr(t, "StatObject(missing/k)", err, storage.ErrBucketNotFound)
		_, err = s.ListObjects(ctx, "missing", storage.ListOptions{})
		wantErr(t, "ListObjects(missing)", err, storage.ErrBucketNotFound)
		_, err = s.ListObjectVersions(ctx, "missing", storage.ListVersionsOptions{})
		wantErr(t, "ListObjectVersions(missing)", err, storage.ErrBucketNotFound)
		_, err = s.NewMultipartUpload(ctx, "missing", "k", storage.PutOptions{})
		wantErr(t, "NewMultipartUpload(missing)", err, storage.ErrBucketNotFound)
		_, err = s.GetBucketConfig(ctx, "missing", storage.ConfigPolicy)
		wantErr(t, "GetBucketConfig(missing)", err, storage.ErrBucketNotFound)
	})

	t.Run("DeleteEmpty", func(t *testing.T) {
		makeBucket(t, s, "empty")
		if err := s.DeleteBucket(ctx, "empty", storage.DeleteBucketOptions{}); err != nil {
			t.Fatalf("DeleteBucket(empty): %v", err)
		}
		_, err := s.GetBucketInfo(ctx, "empty")
		wantErr(t, "GetBucketInfo after delete", err, storage.ErrBucketNotFound)
		// The name is free again and the new bucket starts empty.
		makeBucket(t, s, "empty")
		res, err := s.ListObjects(ctx, "empty", storage.ListOptions{})
		if err != nil || len(res.Objects) != 0 {
			t.Fatalf("ListObjects of re-created bucket = %+v, %v; want empty", res, err)
		}
	})

	// A bucket is non-empty while it holds an object, only a delete marker
	// or an older version, or only a multipart upload.
	nonEmpty := []struct {
		name   string
		bucket string
		fill   func(t *testing.T, bucket string)
	}{
		{"Object", "full-object", func(t *testing.T, bucket string) {
			put(t, s, bucket, "k", []byte("data"), storage.PutOptions{})
		}},
		{"DeleteMarker", "full-marker", func(t *testing.T, bucket string) {
			put(t, s, bucket, "k", []byte("data"), storage.PutOptions{Versioning: storage.VersioningEnabled})
			if _, err := s.DeleteObject(ctx, bucket, "k", storage.DeleteOptions{Versioning: storage.VersioningEnabled}); err != nil {
				t.Fatalf("DeleteObject: %v", err)
			}
		}},
		{"Upload", "full-upload", func(t *testing.T, bucket string) {
			if _, err := s.NewMultipartUpload(ctx, bucket, "k", storage.PutOptions{}); err != nil {
				t.Fatalf("NewMultipartUpload: %v", err)
			}
		}},
	}
	for _, tt := range nonEmpty {
		t.Run("DeleteNonEmpty/"+tt.name, func(t *testing.T) {
			makeBucket(t, s, tt.bucket)
			tt.fill(t, tt.bucket)
			err := s.DeleteBucket(ctx, tt.bucket, storage.DeleteBucketOptions{})
			wantErr(t, "DeleteBucket(non-empty)", err, storage.ErrBucketNotEmpty)
			if _, err := s.GetBucketInfo(ctx, tt.bucket); err != nil {
				t.Fatalf("bucket gone after refused delete: %v", err)
			}
			if err := s.DeleteBucket(ctx, tt.bucket, storage.DeleteBucketOptions{Force: true}); err != nil {
				t.Fatalf("DeleteBucket(Force): %v", err)
			}
			_, err = s.GetBucketInfo(ctx, tt.bucket)
			wantErr(t, "GetBucketInfo after forced delete", err, storage.ErrBucketNotFound)
			// Nothing of the old content survives into a bucket of the same name.
			makeBucket(t, s, tt.bucket)
			_, err = s.StatObject(ctx, tt.bucket, "k", storage.GetOptions{})
			wantErr(t, "StatObject in re-created bucket", err, storage.ErrObjectNotFound)
			uploads, err := s.ListMultipartUploads(ctx, tt.bucket, storage.ListUploadsOptions{})
			if err != nil || len(uploads.Uploads) != 0 {
				t.Fatalf("ListMultipartUploads in re-created bucket = %+v, %v; want none", uploads, err)
			}
			vers, err := s.ListObjectVersions(ctx, tt.bucket, storage.ListVersionsOptions{})
			if err != nil || len(vers.Versions) != 0 {
				t.Fatalf("ListObjectVersions in re-created bucket = %+v, %v; want none", vers, err)
			}
		})
	}
}
