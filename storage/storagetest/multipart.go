package storagetest

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"

	"github.com/silo-project/silo/storage"
)

// MultipartETag is the ETag S3 gives an object completed from parts with
// these contents: md5 of the concatenated binary part MD5s, "-", count.
func MultipartETag(parts ...[]byte) string {
	h := md5.New()
	for _, p := range parts {
		sum := md5.Sum(p)
		h.Write(sum[:])
	}
	return fmt.Sprintf("%s-%d", hex.EncodeToString(h.Sum(nil)), len(parts))
}

// putPart uploads one part or fails the test.
func putPart(t *testing.T, s storage.Store, bucket, key, id string, n int, data []byte) storage.PartInfo {
	t.Helper()
	info, err := s.PutObjectPart(t.Context(), bucket, key, id, n, bytes.NewReader(data), int64(len(data)), storage.PartOptions{})
	if err != nil {
		t.Fatalf("PutObjectPart(%d, %d bytes): %v", n, len(data), err)
	}
	if info.Number != n || info.Size != int64(len(data)) || info.ETag != MD5Hex(data) {
		t.Fatalf("PutObjectPart(%d) = %+v, want size %d etag %s", n, info, len(data), MD5Hex(data))
	}
	return info
}

// newUpload starts an upload or fails the test.
func newUpload(t *testing.T, s storage.Store, bucket, key string, opts storage.PutOptions) string {
	t.Helper()
	id, err := s.NewMultipartUpload(t.Context(), bucket, key, opts)
	if err != nil || id == "" {
		t.Fatalf("NewMultipartUpload(%s): %q, %v", key, id, err)
	}
	return id
}

func testMultipart(t *testing.T, s storage.Store) {
	const bucket = "multipart"
	makeBucket(t, s, bucket)
	ctx := t.Context()
	p1 := Data(700, storage.MinPartSize)
	p2 := Data(701, storage.MinPartSize+3)
	p3 := Data(702, kib+7)

	t.Run("Complete", func(t *testing.T) {
		const key = "mp/object"
		meta := map[string]string{"x-amz-meta-k": "v"}
		id := newUpload(t, s, bucket, key, storage.PutOptions{ContentType: "video/x", Metadata: meta})
		putPart(t, s, bucket, key, id, 3, p3)
		putPart(t, s, bucket, key, id, 2, Data(799, 1000)) // replaced below
		putPart(t, s, bucket, key, id, 1, p1)
		putPart(t, s, bucket, key, id, 2, p2)

		lp, err := s.ListObjectParts(ctx, bucket, key, id, storage.ListPartsOptions{})
		if err != nil {
			t.Fatalf("ListObjectParts: %v", err)
		}
		var nums []int
		for i, p := range lp.Parts {
			nums = append(nums, p.Number)
			want := [][]byte{p1, p2, p3}[i]
			if p.Size != int64(len(want)) || p.ETag != MD5Hex(want) {
				t.Errorf("listed part %d: size %d etag %s, want %d %s", p.Number, p.Size, p.ETag, len(want), MD5Hex(want))
			}
		}
		if !slices.Equal(nums, []int{1, 2, 3}) || lp.IsTruncated {
			t.Fatalf("ListObjectParts numbers %v truncated %v, want [1 2 3] false", nums, lp.IsTruncated)
		}
		if lp.Upload.ContentType != "video/x" || lp.Upload.Key != key || lp.Upload.UploadID != id {
			t.Errorf("ListObjectParts upload = %+v", lp.Upload)
		}
		checkMap(t, "upload metadata", lp.Upload.Metadata, meta)

		// Page through the parts one at a time.
		var paged []int
		opts := storage.ListPartsOptions{MaxParts: 1}
		for range 10 {
			res, err := s.ListObjectParts(ctx, bucket, key, id, opts)
			if err != nil {
				t.Fatalf("ListObjectParts(%+v): %v", opts, err)
			}
			if len(res.Parts) > 1 {
				t.Fatalf("MaxParts 1 returned %d parts", len(res.Parts))
			}
			for _, p := range res.Parts {
				paged = append(paged, p.Number)
			}
			if !res.IsTruncated {
				break
			}
			if res.NextPartNumberMarker != res.Parts[len(res.Parts)-1].Number {
				t.Fatalf("NextPartNumberMarker %d, want %d", res.NextPartNumberMarker, res.Parts[len(res.Parts)-1].Number)
			}
			opts.PartNumberMarker = res.NextPartNumberMarker
		}
		if !slices.Equal(paged, []int{1, 2, 3}) {
			t.Fatalf("paged parts %v, want [1 2 3]", paged)
		}

		parts := []storage.CompletePart{{Number: 1, ETag: `"` + MD5Hex(p1) + `"`}, {Number: 2, ETag: MD5Hex(p2)}, {Number: 3, ETag: MD5Hex(p3)}}
		info, err := s.CompleteMultipartUpload(ctx, bucket, key, id, parts, storage.CompleteOptions{})
		if err != nil {
			t.Fatalf("CompleteMultipartUpload: %v", err)
		}
		whole := slices.Concat(p1, p2, p3)
		if want := MultipartETag(p1, p2, p3); info.ETag != want || info.Size != int64(len(whole)) {
			t.Fatalf("completed info etag %q size %d, want %q %d", info.ETag, info.Size, want, len(whole))
		}
		got, ginfo := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
		checkBytes(t, "completed object", got, whole)
		if ginfo.ContentType != "video/x" || ginfo.ETag != info.ETag {
			t.Errorf("GetObject info content type %q etag %q", ginfo.ContentType, ginfo.ETag)
		}
		checkMap(t, "object metadata", ginfo.Metadata, meta)
		if len(ginfo.Parts) != 3 || ginfo.Parts[1].Number != 2 || ginfo.Parts[1].Size != int64(len(p2)) {
			t.Errorf("object parts = %+v", ginfo.Parts)
		}
		for i, want := range [][]byte{p1, p2, p3} {
			got, pinfo := mustRead(t, s, bucket, key, nil, storage.GetOptions{PartNumber: i + 1})
			checkBytes(t, fmt.Sprintf("GetObject partNumber=%d", i+1), got, want)
			if pinfo.ETag != info.ETag {
				t.Errorf("partNumber GET etag %q, want the object's %q", pinfo.ETag, info.ETag)
			}
		}
		_, _, err = read(t, s, bucket, key, nil, storage.GetOptions{PartNumber: 4})
		wantErr(t, "GetObject partNumber=4", err, storage.ErrInvalidPartNumber)
		rng := storage.Range{Start: int64(len(p1)) - 5, End: int64(len(p1)+len(p2)) + 5}
		got, _ = mustRead(t, s, bucket, key, &rng, storage.GetOptions{})
		checkBytes(t, "range across parts", got, whole[rng.Start:rng.End+1])

		_, err = s.ListObjectParts(ctx, bucket, key, id, storage.ListPartsOptions{})
		wantErr(t, "ListObjectParts after complete", err, storage.ErrNoSuchUpload)
		_, err = s.PutObjectPart(ctx, bucket, key, id, 4, bytes.NewReader(p3), int64(len(p3)), storage.PartOptions{})
		wantErr(t, "PutObjectPart after complete", err, storage.ErrNoSuchUpload)
		ups, err := s.ListMultipartUploads(ctx, bucket, storage.ListUploadsOptions{Prefix: key})
		if err != nil || len(ups.Uploads) != 0 {
			t.Fatalf("ListMultipartUploads after complete = %+v, %v", ups.Uploads, err)
		}
	})

	t.Run("SubsetOfParts", func(t *testing.T) {
		const key = "mp/subset"
		id := newUpload(t, s, bucket, key, storage.PutOptions{})
		putPart(t, s, bucket, key, id, 1, p1)
		putPart(t, s, bucket, key, id, 2, p2)
		putPart(t, s, bucket, key, id, 5, p3)
		info, err := s.CompleteMultipartUpload(ctx, bucket, key, id,
			[]storage.CompletePart{{Number: 1, ETag: MD5Hex(p1)}, {Number: 5, ETag: MD5Hex(p3)}}, storage.CompleteOptions{})
		if err != nil {
			t.Fatalf("CompleteMultipartUpload: %v", err)
		}
		if info.ETag != MultipartETag(p1, p3) {
			t.Errorf("etag %q, want %q", info.ETag, MultipartETag(p1, p3))
		}
		got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
		checkBytes(t, "object of parts 1 and 5", got, slices.Concat(p1, p3))
		got, _ = mustRead(t, s, bucket, key, nil, storage.GetOptions{PartNumber: 2})
		checkBytes(t, "partNumber=2 is the second listed part", got, p3)
	})

	t.Run("CompleteErrors", func(t *testing.T) {
		const key = "mp/errors"
		small := Data(710, 100)
		id := newUpload(t, s, bucket, key, storage.PutOptions{})
		putPart(t, s, bucket, key, id, 1, small)
		putPart(t, s, bucket, key, id, 2, p3)
		putPart(t, s, bucket, key, id, 3, p1)
		tests := []struct {
			name  string
			parts []storage.CompletePart
			want  error
		}{
			{"wrong-etag", []storage.CompletePart{{Number: 3, ETag: MD5Hex(p3)}}, storage.ErrInvalidPart},
			{"missing-part", []storage.CompletePart{{Number: 3, ETag: MD5Hex(p1)}, {Number: 4, ETag: MD5Hex(p1)}}, storage.ErrInvalidPart},
			{"descending", []storage.CompletePart{{Number: 3, ETag: MD5Hex(p1)}, {Number: 2, ETag: MD5Hex(p3)}}, storage.ErrInvalidPartOrder},
			{"duplicate", []storage.CompletePart{{Number: 3, ETag: MD5Hex(p1)}, {Number: 3, ETag: MD5Hex(p1)}}, storage.ErrInvalidPartOrder},
			{"too-small", []storage.CompletePart{{Number: 1, ETag: MD5Hex(small)}, {Number: 3, ETag: MD5Hex(p1)}}, storage.ErrEntityTooSmall},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.CompleteMultipartUpload(ctx, bucket, key, id, tt.parts, storage.CompleteOptions{})
				wantErr(t, "CompleteMultipartUpload", err, tt.want)
				_, err = s.StatObject(ctx, bucket, key, storage.GetOptions{})
				wantErr(t, "StatObject after failed complete", err, storage.ErrObjectNotFound)
			})
		}
		// The upload survives failed completions; a small last part is fine.
		parts := []storage.CompletePart{{Number: 2, ETag: MD5Hex(p3)}}
		if _, err := s.CompleteMultipartUpload(ctx, bucket, key, id, parts, storage.CompleteOptions{}); err != nil {
			t.Fatalf("CompleteMultipartUpload after failures: %v", err)
		}
		got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
		checkBytes(t, "single small part", got, p3)
	})

	t.Run("ConditionalAndVersioned", func(t *testing.T) {
		const key = "mp/conditional"
		old := Data(720, 50)
		oldInfo := put(t, s, bucket, key, old, storage.PutOptions{})
		id := newUpload(t, s, bucket, key, storage.PutOptions{})
		putPart(t, s, bucket, key, id, 1, p3)
		parts := []storage.CompletePart{{Number: 1, ETag: MD5Hex(p3)}}
		_, err := s.CompleteMultipartUpload(ctx, bucket, key, id, parts, storage.CompleteOptions{IfNoneMatch: true})
		wantErr(t, "CompleteMultipartUpload IfNoneMatch on an existing key", err, storage.ErrPreconditionFailed)
		_, err = s.CompleteMultipartUpload(ctx, bucket, key, id, parts, storage.CompleteOptions{IfMatch: MD5Hex([]byte("other"))})
		wantErr(t, "CompleteMultipartUpload IfMatch wrong", err, storage.ErrPreconditionFailed)
		veto := fmt.Errorf("checksum mismatch")
		var seen storage.ObjectInfo
		_, err = s.CompleteMultipartUpload(ctx, bucket, key, id, parts, storage.CompleteOptions{
			PreCommit: func(info *storage.ObjectInfo) error { seen = *info; return veto }})
		wantErr(t, "CompleteMultipartUpload vetoed by PreCommit", err, veto)
		if seen.Size != int64(len(p3)) || seen.ETag != MultipartETag(p3) {
			t.Errorf("PreCommit saw size %d etag %q, want %d %q", seen.Size, seen.ETag, len(p3), MultipartETag(p3))
		}
		got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
		checkBytes(t, "object after refused completions", got, old)

		id = newUpload(t, s, bucket, key, storage.PutOptions{})
		putPart(t, s, bucket, key, id, 1, p3)
		info, err := s.CompleteMultipartUpload(ctx, bucket, key, id, parts,
			storage.CompleteOptions{IfMatch: oldInfo.ETag, Versioning: storage.VersioningEnabled})
		if err != nil {
			t.Fatalf("CompleteMultipartUpload IfMatch right, versioned: %v", err)
		}
		if info.VersionID == "" || info.VersionID == storage.NullVersionID {
			t.Errorf("versioned completion got version %q", info.VersionID)
		}
		checkVersions(t, s, bucket, key, []version{{id: info.VersionID, data: nil, marker: false}, {id: storage.NullVersionID, data: old}},
			map[string]string{info.VersionID: MultipartETag(p3)})
	})

	t.Run("PartErrors", func(t *testing.T) {
		const key = "mp/part-errors"
		id := newUpload(t, s, bucket, key, storage.PutOptions{})
		for _, n := range []int{0, -1, storage.MaxPartNumber + 1} {
			_, err := s.PutObjectPart(ctx, bucket, key, id, n, bytes.NewReader(p3), int64(len(p3)), storage.PartOptions{})
			wantErr(t, fmt.Sprintf("PutObjectPart(%d)", n), err, storage.ErrInvalidPartNumber)
		}
		bad := md5.Sum([]byte("other"))
		_, err := s.PutObjectPart(ctx, bucket, key, id, 1, bytes.NewReader(p3), int64(len(p3)), storage.PartOptions{ContentMD5: bad[:]})
		wantErr(t, "PutObjectPart with bad md5", err, storage.ErrBadDigest)
		_, err = s.PutObjectPart(ctx, bucket, key, id, 1, bytes.NewReader(p3), int64(len(p3))+1, storage.PartOptions{})
		wantErr(t, "PutObjectPart short body", err, storage.ErrIncompleteBody)
		_, err = s.PutObjectPart(ctx, bucket, key, "no-such-upload-id", 1, bytes.NewReader(p3), int64(len(p3)), storage.PartOptions{})
		wantErr(t, "PutObjectPart unknown upload", err, storage.ErrNoSuchUpload)
		info, err := s.PutObjectPart(ctx, bucket, key, id, storage.MaxPartNumber, hideLen{bytes.NewReader(p3)}, -1, storage.PartOptions{})
		if err != nil || info.Size != int64(len(p3)) || info.ETag != MD5Hex(p3) {
			t.Fatalf("PutObjectPart(10000, unknown length) = %+v, %v", info, err)
		}
		_, err = s.ListObjectParts(ctx, bucket, key, "no-such-upload-id", storage.ListPartsOptions{})
		wantErr(t, "ListObjectParts unknown upload", err, storage.ErrNoSuchUpload)
		_, err = s.CompleteMultipartUpload(ctx, bucket, key, "no-such-upload-id", nil, storage.CompleteOptions{})
		wantErr(t, "CompleteMultipartUpload unknown upload", err, storage.ErrNoSuchUpload)
		// An upload ID belongs to its key.
		_, err = s.ListObjectParts(ctx, bucket, "mp/other-key", id, storage.ListPartsOptions{})
		wantErr(t, "ListObjectParts with another key", err, storage.ErrNoSuchUpload)
	})

	t.Run("Abort", func(t *testing.T) {
		const key = "mp/abort"
		put(t, s, bucket, key, []byte("existing"), storage.PutOptions{})
		id := newUpload(t, s, bucket, key, storage.PutOptions{})
		putPart(t, s, bucket, key, id, 1, p3)
		if err := s.AbortMultipartUpload(ctx, bucket, key, id); err != nil {
			t.Fatalf("AbortMultipartUpload: %v", err)
		}
		_, err := s.ListObjectParts(ctx, bucket, key, id, storage.ListPartsOptions{})
		wantErr(t, "ListObjectParts after abort", err, storage.ErrNoSuchUpload)
		err = s.AbortMultipartUpload(ctx, bucket, key, id)
		wantErr(t, "AbortMultipartUpload twice", err, storage.ErrNoSuchUpload)
		_, err = s.PutObjectPart(ctx, bucket, key, id, 2, bytes.NewReader(p3), int64(len(p3)), storage.PartOptions{})
		wantErr(t, "PutObjectPart after abort", err, storage.ErrNoSuchUpload)
		_, err = s.CompleteMultipartUpload(ctx, bucket, key, id, []storage.CompletePart{{Number: 1, ETag: MD5Hex(p3)}}, storage.CompleteOptions{})
		wantErr(t, "CompleteMultipartUpload after abort", err, storage.ErrNoSuchUpload)
		got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
		checkBytes(t, "object untouched by aborted upload", got, []byte("existing"))
	})

	t.Run("ListUploads", func(t *testing.T) {
		const b = "uploads"
		makeBucket(t, s, b)
		type up struct{ key, id string }
		var want []up
		for _, key := range []string{"u/b", "u/a", "v/c", "u/b", "w", "u/a/deep"} {
			want = append(want, up{key, newUpload(t, s, b, key, storage.PutOptions{})})
		}
		// Key order, then initiation order within a key.
		slices.SortStableFunc(want, func(x, y up) int {
			switch {
			case x.key < y.key:
				return -1
			case x.key > y.key:
				return 1
			}
			return 0
		})
		for _, maxUploads := range []int{0, 1, 2, 5} {
			t.Run(fmt.Sprint(maxUploads), func(t *testing.T) {
				opts := storage.ListUploadsOptions{MaxUploads: maxUploads}
				var got []up
				for page := 0; ; page++ {
					if page > 20 {
						t.Fatal("ListMultipartUploads does not terminate")
					}
					res, err := s.ListMultipartUploads(ctx, b, opts)
					if err != nil {
						t.Fatalf("ListMultipartUploads(%+v): %v", opts, err)
					}
					if maxUploads > 0 && len(res.Uploads) > maxUploads {
						t.Fatalf("page of %d uploads, max %d", len(res.Uploads), maxUploads)
					}
					for _, u := range res.Uploads {
						got = append(got, up{u.Key, u.UploadID})
						if u.Initiated.IsZero() {
							t.Errorf("upload %s has no initiation time", u.UploadID)
						}
					}
					if !res.IsTruncated {
						break
					}
					last := res.Uploads[len(res.Uploads)-1]
					if res.NextKeyMarker != last.Key || res.NextUploadIDMarker != last.UploadID {
						t.Fatalf("next markers %q/%q, want %q/%q", res.NextKeyMarker, res.NextUploadIDMarker, last.Key, last.UploadID)
					}
					opts.KeyMarker, opts.UploadIDMarker = res.NextKeyMarker, res.NextUploadIDMarker
				}
				if !slices.Equal(got, want) {
					t.Fatalf("uploads\n got %v\nwant %v", got, want)
				}
			})
		}
		res, err := s.ListMultipartUploads(ctx, b, storage.ListUploadsOptions{Prefix: "u/", Delimiter: "/"})
		if err != nil {
			t.Fatalf("ListMultipartUploads(prefix u/, delimiter): %v", err)
		}
		var keys []string
		for _, u := range res.Uploads {
			keys = append(keys, u.Key)
		}
		if !slices.Equal(keys, []string{"u/a", "u/b", "u/b"}) || !slices.Equal(res.CommonPrefixes, []string{"u/a/"}) {
			t.Fatalf("delimited uploads = %v prefixes %v, want [u/a u/b u/b] [u/a/]", keys, res.CommonPrefixes)
		}
	})
}
