package storagetest

import (
	"fmt"
	"testing"

	"github.com/silo-project/silo/storage"
)

func testRanges(t *testing.T, s storage.Store) {
	const bucket = "ranges"
	makeBucket(t, s, bucket)

	objects := []struct {
		name string
		size int
	}{
		{"inline", 1000},
		{"blocks", 2*mib + 333},
	}
	for i, obj := range objects {
		t.Run(obj.name, func(t *testing.T) {
			data := Data(uint64(200+i), obj.size)
			put(t, s, bucket, obj.name, data, storage.PutOptions{})
			size := int64(obj.size)
			tests := []struct {
				name       string
				rng        storage.Range
				start, end int64 // expected inclusive bounds; start -1 means ErrInvalidRange
			}{
				{"first-byte", storage.Range{Start: 0, End: 0}, 0, 0},
				{"head", storage.Range{Start: 0, End: 99}, 0, 99},
				{"middle", storage.Range{Start: 100, End: 199}, 100, 199},
				{"last-byte", storage.Range{Start: size - 1, End: size - 1}, size - 1, size - 1},
				{"whole", storage.Range{Start: 0, End: size - 1}, 0, size - 1},
				{"open", storage.Range{Start: 500, End: -1}, 500, size - 1},
				{"open-from-zero", storage.Range{Start: 0, End: -1}, 0, size - 1},
				{"suffix", storage.Range{SuffixLength: 100}, size - 100, size - 1},
				{"suffix-one", storage.Range{SuffixLength: 1}, size - 1, size - 1},
				{"suffix-beyond-size", storage.Range{SuffixLength: size + 50}, 0, size - 1},
				{"end-beyond-size", storage.Range{Start: 10, End: size + 1000}, 10, size - 1},
				{"start-at-size", storage.Range{Start: size, End: size + 10}, -1, -1},
				{"start-beyond-size", storage.Range{Start: size + 5, End: -1}, -1, -1},
				{"end-before-start", storage.Range{Start: 50, End: 10}, -1, -1},
			}
			if obj.size > 2*mib {
				tests = append(tests, []struct {
					name       string
					rng        storage.Range
					start, end int64
				}{
					{"cross-1MiB", storage.Range{Start: mib - 10, End: mib + 10}, mib - 10, mib + 10},
					{"cross-2MiB", storage.Range{Start: 2*mib - 1, End: 2 * mib}, 2*mib - 1, 2 * mib},
					{"exact-block", storage.Range{Start: mib, End: 2*mib - 1}, mib, 2*mib - 1},
					{"block-end", storage.Range{Start: mib - 1, End: mib - 1}, mib - 1, mib - 1},
					{"block-start", storage.Range{Start: mib, End: mib}, mib, mib},
					{"spanning-three", storage.Range{Start: 100, End: 2*mib + 100}, 100, 2*mib + 100},
					{"suffix-across", storage.Range{SuffixLength: mib + 400}, size - mib - 400, size - 1},
				}...)
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					rng := tt.rng
					got, info, err := read(t, s, bucket, obj.name, &rng, storage.GetOptions{})
					if tt.start < 0 {
						wantErr(t, fmt.Sprintf("GetObject range %+v", rng), err, storage.ErrInvalidRange)
						return
					}
					if err != nil {
						t.Fatalf("GetObject range %+v: %v", rng, err)
					}
					checkBytes(t, fmt.Sprintf("range %+v", rng), got, data[tt.start:tt.end+1])
					if info.Size != size {
						t.Errorf("ranged GetObject info.Size = %d, want the object size %d", info.Size, size)
					}
				})
			}
		})
	}

	t.Run("empty-object", func(t *testing.T) {
		put(t, s, bucket, "empty", nil, storage.PutOptions{})
		for _, rng := range []storage.Range{{Start: 0, End: 0}, {Start: 0, End: -1}, {SuffixLength: 5}} {
			_, _, err := read(t, s, bucket, "empty", &rng, storage.GetOptions{})
			wantErr(t, fmt.Sprintf("GetObject range %+v of empty object", rng), err, storage.ErrInvalidRange)
		}
	})
}

func testStatDelete(t *testing.T, s storage.Store) {
	const bucket = "statdelete"
	makeBucket(t, s, bucket)
	ctx := t.Context()

	for _, size := range []int{0, 10, 200 * kib} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			key := fmt.Sprintf("obj-%d", size)
			data := Data(uint64(300+size), size)
			put(t, s, bucket, key, data, storage.PutOptions{})
			info, err := s.StatObject(ctx, bucket, key, storage.GetOptions{})
			if err != nil {
				t.Fatalf("StatObject: %v", err)
			}
			checkInfo(t, "StatObject", info, bucket, key, data)

			del, err := s.DeleteObject(ctx, bucket, key, storage.DeleteOptions{})
			if err != nil {
				t.Fatalf("DeleteObject: %v", err)
			}
			if del.DeleteMarker {
				t.Errorf("unversioned DeleteObject created a delete marker: %+v", del)
			}
			_, err = s.StatObject(ctx, bucket, key, storage.GetOptions{})
			wantErr(t, "StatObject after delete", err, storage.ErrObjectNotFound)
			_, _, err = read(t, s, bucket, key, nil, storage.GetOptions{})
			wantErr(t, "GetObject after delete", err, storage.ErrObjectNotFound)
			res, err := s.ListObjects(ctx, bucket, storage.ListOptions{Prefix: key})
			if err != nil || len(res.Objects) != 0 {
				t.Fatalf("ListObjects after delete = %+v, %v; want nothing", res.Objects, err)
			}
			vers, err := s.ListObjectVersions(ctx, bucket, storage.ListVersionsOptions{Prefix: key})
			if err != nil || len(vers.Versions) != 0 {
				t.Fatalf("ListObjectVersions after unversioned delete = %+v, %v; want nothing", vers.Versions, err)
			}
			// Deleting again is not an error on an unversioned bucket.
			if _, err := s.DeleteObject(ctx, bucket, key, storage.DeleteOptions{}); err != nil {
				t.Fatalf("DeleteObject of a missing key: %v", err)
			}
		})
	}

	t.Run("Missing", func(t *testing.T) {
		_, err := s.StatObject(ctx, bucket, "never-written", storage.GetOptions{})
		wantErr(t, "StatObject", err, storage.ErrObjectNotFound)
		_, _, err = read(t, s, bucket, "never-written", nil, storage.GetOptions{})
		wantErr(t, "GetObject", err, storage.ErrObjectNotFound)
		if _, err := s.DeleteObject(ctx, bucket, "never-written", storage.DeleteOptions{}); err != nil {
			t.Fatalf("DeleteObject of a never-written key: %v", err)
		}
	})

	t.Run("DeletePrecondition", func(t *testing.T) {
		data := Data(310, 40)
		put(t, s, bucket, "guarded", data, storage.PutOptions{})
		_, err := s.DeleteObject(ctx, bucket, "guarded", storage.DeleteOptions{Precondition: func(info storage.ObjectInfo) error {
			if info.ETag != MD5Hex(data) {
				t.Errorf("Precondition saw etag %q, want %q", info.ETag, MD5Hex(data))
			}
			return storage.ErrPreconditionFailed
		}})
		wantErr(t, "DeleteObject with failing Precondition", err, storage.ErrPreconditionFailed)
		got, _ := mustRead(t, s, bucket, "guarded", nil, storage.GetOptions{})
		checkBytes(t, "object after refused delete", got, data)
	})

	t.Run("PrefixIsNotObject", func(t *testing.T) {
		put(t, s, bucket, "dir/file", []byte("x"), storage.PutOptions{})
		for _, key := range []string{"dir", "dir/", "dir/fil", "dir/file/"} {
			_, err := s.StatObject(ctx, bucket, key, storage.GetOptions{})
			wantErr(t, "StatObject("+key+")", err, storage.ErrObjectNotFound)
		}
		if _, err := s.DeleteObject(ctx, bucket, "dir", storage.DeleteOptions{}); err != nil {
			t.Fatalf("DeleteObject(dir): %v", err)
		}
		if _, err := s.StatObject(ctx, bucket, "dir/file", storage.GetOptions{}); err != nil {
			t.Fatalf("deleting %q removed dir/file: %v", "dir", err)
		}
	})
}
