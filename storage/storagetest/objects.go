package storagetest

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/storage"
)

func testObjects(t *testing.T, s storage.Store) {
	const bucket = "objects"
	makeBucket(t, s, bucket)
	ctx := t.Context()

	t.Run("Sizes", func(t *testing.T) {
		sizes := []int{0, 1, 4 * kib, 128*kib - 1, 128 * kib, 128*kib + 1, mib + 7, 10 * mib}
		for i, size := range sizes {
			for _, unknown := range []bool{false, true} {
				name := fmt.Sprintf("%d", size)
				if unknown {
					name += "/unknown-length"
				}
				t.Run(name, func(t *testing.T) {
					if unknown && size > 2*mib {
						t.Skip("known length covers the large size; keep the suite short")
					}
					key := "sizes/" + name
					data := Data(uint64(100+i), size)
					var r io.Reader = bytes.NewReader(data)
					n := int64(size)
					if unknown {
						r, n = hideLen{r}, -1
					}
					info, err := s.PutObject(ctx, bucket, key, r, n, storage.PutOptions{})
					if err != nil {
						t.Fatalf("PutObject: %v", err)
					}
					checkInfo(t, "PutObject info", info, bucket, key, data)
					if info.VersionID != storage.NullVersionID {
						t.Errorf("unversioned PutObject version = %q, want %q", info.VersionID, storage.NullVersionID)
					}
					got, ginfo := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
					checkBytes(t, "GetObject", got, data)
					checkInfo(t, "GetObject info", ginfo, bucket, key, data)
					sinfo, err := s.StatObject(ctx, bucket, key, storage.GetOptions{})
					if err != nil {
						t.Fatalf("StatObject: %v", err)
					}
					checkInfo(t, "StatObject info", sinfo, bucket, key, data)
					if !sinfo.IsLatest || sinfo.DeleteMarker {
						t.Errorf("StatObject IsLatest=%v DeleteMarker=%v, want true/false", sinfo.IsLatest, sinfo.DeleteMarker)
					}
				})
			}
		}
	})

	t.Run("SizeMismatch", func(t *testing.T) {
		old := Data(1, 300)
		tests := []struct {
			name     string
			body     int
			declared int64
			want     error
		}{
			{"short-small", 50, 100, storage.ErrIncompleteBody},
			{"long-small", 100, 50, storage.ErrEntityTooLarge},
			{"short-large", mib, 2*mib + 3, storage.ErrIncompleteBody},
			{"long-large", 2*mib + 3, mib, storage.ErrEntityTooLarge},
			{"empty-declared-one", 0, 1, storage.ErrIncompleteBody},
			{"one-declared-empty", 1, 0, storage.ErrEntityTooLarge},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				key := "mismatch/" + tt.name
				put(t, s, bucket, key, old, storage.PutOptions{})
				_, err := s.PutObject(ctx, bucket, key, bytes.NewReader(Data(2, tt.body)), tt.declared, storage.PutOptions{})
				wantErr(t, "PutObject", err, tt.want)
				got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
				checkBytes(t, "old version after failed put", got, old)
				// A fresh key stays absent after a failed put.
				_, err = s.PutObject(ctx, bucket, key+"-new", bytes.NewReader(Data(2, tt.body)), tt.declared, storage.PutOptions{})
				wantErr(t, "PutObject new key", err, tt.want)
				_, err = s.StatObject(ctx, bucket, key+"-new", storage.GetOptions{})
				wantErr(t, "StatObject after failed put", err, storage.ErrObjectNotFound)
			})
		}
	})

	t.Run("ReaderError", func(t *testing.T) {
		boom := errors.New("client went away")
		for _, size := range []int{10, 3 * mib} {
			t.Run(fmt.Sprint(size), func(t *testing.T) {
				key := fmt.Sprintf("readerr/%d", size)
				old := Data(3, 1000)
				put(t, s, bucket, key, old, storage.PutOptions{})
				_, err := s.PutObject(ctx, bucket, key, &failingReader{data: Data(4, size), err: boom}, int64(size)*2, storage.PutOptions{})
				wantErr(t, "PutObject with failing reader", err, boom)
				got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
				checkBytes(t, "old version after reader error", got, old)
			})
		}
	})

	t.Run("ContentMD5", func(t *testing.T) {
		for _, size := range []int{5, 200 * kib} {
			t.Run(fmt.Sprint(size), func(t *testing.T) {
				data := Data(5, size)
				sum := md5.Sum(data)
				key := fmt.Sprintf("md5/%d", size)
				info := put(t, s, bucket, key, data, storage.PutOptions{ContentMD5: sum[:]})
				checkInfo(t, "PutObject with good md5", info, bucket, key, data)
				bad := md5.Sum([]byte("something else"))
				_, err := s.PutObject(ctx, bucket, key, bytes.NewReader(Data(6, size)), int64(size), storage.PutOptions{ContentMD5: bad[:]})
				wantErr(t, "PutObject with bad md5", err, storage.ErrBadDigest)
				got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
				checkBytes(t, "content after bad digest", got, data)
			})
		}
	})

	t.Run("MetadataRoundTrip", func(t *testing.T) {
		meta := map[string]string{"x-amz-meta-color": "blue", "x-amz-meta-unicode": "ünï ✓",
			"cache-control": "no-cache", "content-encoding": "gzip", "content-disposition": "attachment"}
		internal := map[string]string{"x-silo-internal-sse": "sealed-key-bytes"}
		for _, size := range []int{10, 300 * kib} {
			t.Run(fmt.Sprint(size), func(t *testing.T) {
				key := fmt.Sprintf("meta/%d", size)
				mod := time.Date(2024, 2, 29, 12, 30, 0, 0, time.UTC)
				opts := storage.PutOptions{ContentType: "text/x-test; charset=utf-8", Metadata: meta,
					Internal: internal, StorageClass: storage.StorageClassStandard, ModTime: mod}
				put(t, s, bucket, key, Data(7, size), opts)
				info, err := s.StatObject(ctx, bucket, key, storage.GetOptions{})
				if err != nil {
					t.Fatalf("StatObject: %v", err)
				}
				if info.ContentType != opts.ContentType {
					t.Errorf("ContentType = %q, want %q", info.ContentType, opts.ContentType)
				}
				checkMap(t, "Metadata", info.Metadata, meta)
				checkMap(t, "Internal", info.Internal, internal)
				if !info.ModTime.Equal(mod) {
					t.Errorf("ModTime = %v, want %v", info.ModTime, mod)
				}
				if info.StorageClass != "" && info.StorageClass != storage.StorageClassStandard {
					t.Errorf("StorageClass = %q, want STANDARD", info.StorageClass)
				}
			})
		}
	})

	t.Run("StorageClass", func(t *testing.T) {
		for _, tt := range []struct {
			class string
			ok    bool
		}{{"", true}, {storage.StorageClassStandard, true}, {storage.StorageClassRRS, true}, {"GLACIER-ISH", false}} {
			t.Run(tt.class, func(t *testing.T) {
				data := Data(8, 150*kib)
				_, err := s.PutObject(ctx, bucket, "class/"+tt.class, bytes.NewReader(data), int64(len(data)),
					storage.PutOptions{StorageClass: tt.class})
				if !tt.ok {
					wantErr(t, "PutObject with bad class", err, storage.ErrInvalidStorageClass)
					return
				}
				if err != nil {
					t.Fatalf("PutObject: %v", err)
				}
				got, info := mustRead(t, s, bucket, "class/"+tt.class, nil, storage.GetOptions{})
				checkBytes(t, "GetObject", got, data)
				if tt.class == storage.StorageClassRRS && info.StorageClass != storage.StorageClassRRS {
					t.Errorf("StorageClass = %q, want %q", info.StorageClass, storage.StorageClassRRS)
				}
			})
		}
	})

	t.Run("Overwrite", func(t *testing.T) {
		// Alternate inline-sized and block-sized content on one key.
		sizes := []int{10, 2 * mib, 0, 200 * kib, 3, mib + 1}
		for i, size := range sizes {
			data := Data(uint64(20+i), size)
			info := put(t, s, bucket, "overwrite", data, storage.PutOptions{ContentType: fmt.Sprintf("type/%d", i)})
			checkInfo(t, "PutObject", info, bucket, "overwrite", data)
			got, ginfo := mustRead(t, s, bucket, "overwrite", nil, storage.GetOptions{})
			checkBytes(t, fmt.Sprintf("GetObject after write %d", i), got, data)
			if ginfo.ContentType != fmt.Sprintf("type/%d", i) {
				t.Fatalf("ContentType after write %d = %q", i, ginfo.ContentType)
			}
		}
		res, err := s.ListObjectVersions(ctx, bucket, storage.ListVersionsOptions{Prefix: "overwrite"})
		if err != nil {
			t.Fatalf("ListObjectVersions: %v", err)
		}
		if len(res.Versions) != 1 || res.Versions[0].VersionID != storage.NullVersionID {
			t.Fatalf("unversioned overwrites left versions %+v, want one null version", res.Versions)
		}
	})

	t.Run("PreCommit", func(t *testing.T) {
		for _, size := range []int{0, 1000, 2*mib + 5} {
			t.Run(fmt.Sprint(size), func(t *testing.T) {
				key := fmt.Sprintf("precommit/%d", size)
				old := Data(30, 77)
				put(t, s, bucket, key, old, storage.PutOptions{})
				data := Data(31, size)
				veto := errors.New("checksum mismatch")
				var seen storage.ObjectInfo
				_, err := s.PutObject(ctx, bucket, key, bytes.NewReader(data), int64(size), storage.PutOptions{
					PreCommit: func(info *storage.ObjectInfo) error { seen = *info; return veto }})
				wantErr(t, "PutObject vetoed by PreCommit", err, veto)
				if seen.Size != int64(size) || seen.ETag != MD5Hex(data) {
					t.Errorf("PreCommit saw size %d etag %q, want %d %q", seen.Size, seen.ETag, size, MD5Hex(data))
				}
				got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
				checkBytes(t, "old version after veto", got, old)

				// PreCommit may add checksums and metadata, which are stored.
				_, err = s.PutObject(ctx, bucket, key, bytes.NewReader(data), int64(size), storage.PutOptions{
					Metadata: map[string]string{"x-amz-meta-a": "1"},
					PreCommit: func(info *storage.ObjectInfo) error {
						info.Checksums = map[string]string{"CRC32": "AAAAAA=="}
						info.ChecksumType = "FULL_OBJECT"
						if info.Metadata == nil {
							info.Metadata = map[string]string{}
						}
						info.Metadata["x-amz-meta-b"] = "2"
						return nil
					}})
				if err != nil {
					t.Fatalf("PutObject with PreCommit: %v", err)
				}
				info, err := s.StatObject(ctx, bucket, key, storage.GetOptions{})
				if err != nil {
					t.Fatalf("StatObject: %v", err)
				}
				checkMap(t, "Checksums", info.Checksums, map[string]string{"CRC32": "AAAAAA=="})
				checkMap(t, "Metadata", info.Metadata, map[string]string{"x-amz-meta-a": "1", "x-amz-meta-b": "2"})
				if info.ChecksumType != "FULL_OBJECT" {
					t.Errorf("ChecksumType = %q, want FULL_OBJECT", info.ChecksumType)
				}
			})
		}
	})

	t.Run("Conditional", func(t *testing.T) {
		first := Data(40, 10)
		info := put(t, s, bucket, "cond", first, storage.PutOptions{IfNoneMatch: true})
		second := Data(41, 20)
		tests := []struct {
			name string
			opts storage.PutOptions
			want []error // nil means success
		}{
			{"IfNoneMatch-exists", storage.PutOptions{IfNoneMatch: true}, []error{storage.ErrPreconditionFailed}},
			{"IfMatch-wrong", storage.PutOptions{IfMatch: MD5Hex([]byte("nope"))}, []error{storage.ErrPreconditionFailed}},
			{"IfMatch-right", storage.PutOptions{IfMatch: info.ETag}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.PutObject(ctx, bucket, "cond", bytes.NewReader(second), int64(len(second)), tt.opts)
				if tt.want == nil {
					if err != nil {
						t.Fatalf("PutObject: %v", err)
					}
					got, _ := mustRead(t, s, bucket, "cond", nil, storage.GetOptions{})
					checkBytes(t, "content after conditional put", got, second)
					return
				}
				wantErr(t, "PutObject", err, tt.want...)
				got, _ := mustRead(t, s, bucket, "cond", nil, storage.GetOptions{})
				checkBytes(t, "content after refused put", got, first)
			})
		}
		t.Run("IfMatch-missing", func(t *testing.T) {
			_, err := s.PutObject(ctx, bucket, "cond-missing", bytes.NewReader(second), int64(len(second)),
				storage.PutOptions{IfMatch: MD5Hex(second)})
			wantErr(t, "PutObject IfMatch on missing key", err, storage.ErrPreconditionFailed, storage.ErrObjectNotFound)
			_, err = s.StatObject(ctx, bucket, "cond-missing", storage.GetOptions{})
			wantErr(t, "StatObject", err, storage.ErrObjectNotFound)
		})
		t.Run("GetPrecondition", func(t *testing.T) {
			_, _, err := s.GetObject(ctx, bucket, "cond", nil, storage.GetOptions{Precondition: func(info storage.ObjectInfo) error {
				if info.ETag != MD5Hex(second) {
					t.Errorf("Precondition saw etag %q, want %q", info.ETag, MD5Hex(second))
				}
				return storage.ErrNotModified
			}})
			wantErr(t, "GetObject with failing Precondition", err, storage.ErrNotModified)
		})
	})

	t.Run("InvalidKeys", func(t *testing.T) {
		keys := []string{"", strings.Repeat("k", storage.MaxKeyLength+1), "bad\xffutf8", "nul\x00byte",
			"..", "../escape", "a/../b", "a/./b", "."}
		for _, key := range keys {
			t.Run(fmt.Sprintf("%q", key), func(t *testing.T) {
				_, err := s.PutObject(ctx, bucket, key, bytes.NewReader([]byte("x")), 1, storage.PutOptions{})
				wantErr(t, "PutObject", err, storage.ErrInvalidObjectName)
				_, err = s.NewMultipartUpload(ctx, bucket, key, storage.PutOptions{})
				wantErr(t, "NewMultipartUpload", err, storage.ErrInvalidObjectName)
			})
		}
		t.Run("LongestValid", func(t *testing.T) {
			key := strings.Repeat("k", storage.MaxKeyLength)
			data := Data(50, 3)
			put(t, s, bucket, key, data, storage.PutOptions{})
			got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
			checkBytes(t, "GetObject", got, data)
		})
	})

	t.Run("PartNumberOfPlainObject", func(t *testing.T) {
		data := Data(60, 3000)
		put(t, s, bucket, "plain", data, storage.PutOptions{})
		got, _ := mustRead(t, s, bucket, "plain", nil, storage.GetOptions{PartNumber: 1})
		checkBytes(t, "GetObject partNumber=1", got, data)
		_, _, err := read(t, s, bucket, "plain", nil, storage.GetOptions{PartNumber: 2})
		wantErr(t, "GetObject partNumber=2", err, storage.ErrInvalidPartNumber)
	})
}
