package storagetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/silo-project/silo/storage"
)

// version is what the suite expects of one entry of ListObjectVersions.
type version struct {
	id     string
	marker bool
	data   []byte
}

// checkVersions lists key's versions and compares them, newest first.
// etags overrides the expected ETag of a version (multipart objects).
func checkVersions(t *testing.T, s storage.Store, bucket, key string, want []version, etags ...map[string]string) {
	t.Helper()
	res, err := s.ListObjectVersions(t.Context(), bucket, storage.ListVersionsOptions{Prefix: key})
	if err != nil {
		t.Fatalf("ListObjectVersions: %v", err)
	}
	var got []storage.ObjectInfo
	for _, v := range res.Versions {
		if v.Key == key {
			got = append(got, v)
		}
	}
	describe := func() string {
		s := ""
		for _, v := range got {
			s += fmt.Sprintf("{%s marker=%v latest=%v} ", v.VersionID, v.DeleteMarker, v.IsLatest)
		}
		return s
	}
	if len(got) != len(want) {
		t.Fatalf("versions of %q: got %s, want %d versions", key, describe(), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.VersionID != w.id || g.DeleteMarker != w.marker || g.IsLatest != (i == 0) {
			t.Fatalf("versions of %q: got %s; entry %d want id %s marker %v", key, describe(), i, w.id, w.marker)
		}
		if override := firstOverride(etags, w.id); override != "" {
			if g.ETag != override {
				t.Fatalf("version %s: etag %q, want %q", w.id, g.ETag, override)
			}
			continue
		}
		if !w.marker && (g.Size != int64(len(w.data)) || g.ETag != MD5Hex(w.data)) {
			t.Fatalf("version %s: size %d etag %q, want %d %q", w.id, g.Size, g.ETag, len(w.data), MD5Hex(w.data))
		}
	}
}

func firstOverride(etags []map[string]string, id string) string {
	for _, m := range etags {
		if e, ok := m[id]; ok {
			return e
		}
	}
	return ""
}

func testVersions(t *testing.T, s storage.Store) {
	const bucket = "versions"
	makeBucket(t, s, bucket)
	ctx := t.Context()
	en := storage.PutOptions{Versioning: storage.VersioningEnabled}
	const key = "doc"

	null0 := Data(400, 100)
	v1data := Data(401, 200*kib)
	v2data := Data(402, 30)
	var v1, v2, marker string

	t.Run("NullThenEnabled", func(t *testing.T) {
		info := put(t, s, bucket, key, null0, storage.PutOptions{})
		if info.VersionID != storage.NullVersionID {
			t.Fatalf("unversioned write got version %q", info.VersionID)
		}
		v1 = put(t, s, bucket, key, v1data, en).VersionID
		v2 = put(t, s, bucket, key, v2data, en).VersionID
		if v1 == "" || v2 == "" || v1 == v2 || v1 == storage.NullVersionID || v2 == storage.NullVersionID {
			t.Fatalf("versioned writes got IDs %q and %q, want two distinct generated IDs", v1, v2)
		}
		checkVersions(t, s, bucket, key, []version{{id: v2, data: v2data}, {id: v1, data: v1data}, {id: storage.NullVersionID, data: null0}})
	})

	t.Run("GetByVersion", func(t *testing.T) {
		for _, tt := range []struct {
			id   string
			data []byte
		}{{"", v2data}, {v2, v2data}, {v1, v1data}, {storage.NullVersionID, null0}} {
			got, info := mustRead(t, s, bucket, key, nil, storage.GetOptions{VersionID: tt.id})
			checkBytes(t, "GetObject version "+tt.id, got, tt.data)
			if want := tt.id; want != "" && info.VersionID != want {
				t.Errorf("GetObject(%s) info version %q", want, info.VersionID)
			}
			sinfo, err := s.StatObject(ctx, bucket, key, storage.GetOptions{VersionID: tt.id})
			if err != nil {
				t.Fatalf("StatObject(%s): %v", tt.id, err)
			}
			checkInfo(t, "StatObject "+tt.id, sinfo, bucket, key, tt.data)
			if sinfo.IsLatest != (tt.id == "" || tt.id == v2) {
				t.Errorf("StatObject(%s).IsLatest = %v", tt.id, sinfo.IsLatest)
			}
		}
		rng := storage.Range{Start: 1000, End: 1999}
		got, _ := mustRead(t, s, bucket, key, &rng, storage.GetOptions{VersionID: v1})
		checkBytes(t, "ranged GetObject of an old version", got, v1data[1000:2000])
	})

	t.Run("DeleteMarker", func(t *testing.T) {
		del, err := s.DeleteObject(ctx, bucket, key, storage.DeleteOptions{Versioning: storage.VersioningEnabled})
		if err != nil {
			t.Fatalf("DeleteObject: %v", err)
		}
		marker = del.VersionID
		if !del.DeleteMarker || marker == "" || marker == storage.NullVersionID || marker == v1 || marker == v2 {
			t.Fatalf("DeleteObject on a versioned bucket = %+v, want a new delete marker", del)
		}
		_, _, err = read(t, s, bucket, key, nil, storage.GetOptions{})
		wantErr(t, "GetObject latest delete marker", err, storage.ErrObjectNotFound)
		info, err := s.StatObject(ctx, bucket, key, storage.GetOptions{})
		wantErr(t, "StatObject latest delete marker", err, storage.ErrObjectNotFound)
		if !info.DeleteMarker {
			t.Errorf("StatObject of a delete marker returned %+v, want DeleteMarker set", info)
		}
		_, _, err = read(t, s, bucket, key, nil, storage.GetOptions{VersionID: marker})
		wantErr(t, "GetObject of the marker's version", err, storage.ErrMethodNotAllowed)
		_, err = s.StatObject(ctx, bucket, key, storage.GetOptions{VersionID: marker})
		wantErr(t, "StatObject of the marker's version", err, storage.ErrMethodNotAllowed)
		res, err := s.ListObjects(ctx, bucket, storage.ListOptions{Prefix: key})
		if err != nil || len(res.Objects) != 0 {
			t.Fatalf("ListObjects shows a deleted key: %+v, %v", res.Objects, err)
		}
		checkVersions(t, s, bucket, key, []version{{id: marker, marker: true}, {id: v2, data: v2data},
			{id: v1, data: v1data}, {id: storage.NullVersionID, data: null0}})
		got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{VersionID: v2})
		checkBytes(t, "older version behind a marker", got, v2data)
	})

	t.Run("RemoveMarker", func(t *testing.T) {
		del, err := s.DeleteObject(ctx, bucket, key, storage.DeleteOptions{VersionID: marker, Versioning: storage.VersioningEnabled})
		if err != nil {
			t.Fatalf("DeleteObject(marker): %v", err)
		}
		if del.VersionID != marker || !del.DeleteMarker {
			t.Errorf("removing the marker returned %+v, want its version and DeleteMarker", del)
		}
		got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
		checkBytes(t, "latest after removing the marker", got, v2data)
		res, err := s.ListObjects(ctx, bucket, storage.ListOptions{Prefix: key})
		if err != nil || len(res.Objects) != 1 || res.Objects[0].ETag != MD5Hex(v2data) {
			t.Fatalf("ListObjects after removing the marker = %+v, %v", res.Objects, err)
		}
	})

	t.Run("RemoveVersion", func(t *testing.T) {
		if _, err := s.DeleteObject(ctx, bucket, key, storage.DeleteOptions{VersionID: v1, Versioning: storage.VersioningEnabled}); err != nil {
			t.Fatalf("DeleteObject(v1): %v", err)
		}
		_, _, err := read(t, s, bucket, key, nil, storage.GetOptions{VersionID: v1})
		wantErr(t, "GetObject of a removed version", err, storage.ErrVersionNotFound)
		_, err = s.StatObject(ctx, bucket, key, storage.GetOptions{VersionID: v1})
		wantErr(t, "StatObject of a removed version", err, storage.ErrVersionNotFound)
		_, err = s.StatObject(ctx, bucket, key, storage.GetOptions{VersionID: "00000000-0000-0000-0000-000000000000"})
		wantErr(t, "StatObject of a made-up version", err, storage.ErrVersionNotFound, storage.ErrInvalidVersionID)
		checkVersions(t, s, bucket, key, []version{{id: v2, data: v2data}, {id: storage.NullVersionID, data: null0}})
	})

	t.Run("Suspended", func(t *testing.T) {
		sus := storage.PutOptions{Versioning: storage.VersioningSuspended}
		null1 := Data(403, 150*kib)
		info := put(t, s, bucket, key, null1, sus)
		if info.VersionID != storage.NullVersionID {
			t.Fatalf("suspended write got version %q, want null", info.VersionID)
		}
		checkVersions(t, s, bucket, key, []version{{id: storage.NullVersionID, data: null1}, {id: v2, data: v2data}})
		del, err := s.DeleteObject(ctx, bucket, key, storage.DeleteOptions{Versioning: storage.VersioningSuspended})
		if err != nil {
			t.Fatalf("DeleteObject(suspended): %v", err)
		}
		if !del.DeleteMarker || del.VersionID != storage.NullVersionID {
			t.Fatalf("suspended delete = %+v, want a null delete marker", del)
		}
		checkVersions(t, s, bucket, key, []version{{id: storage.NullVersionID, marker: true}, {id: v2, data: v2data}})
		_, _, err = read(t, s, bucket, key, nil, storage.GetOptions{VersionID: storage.NullVersionID})
		wantErr(t, "GetObject of the null marker", err, storage.ErrMethodNotAllowed)
		got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{VersionID: v2})
		checkBytes(t, "v2 after suspended delete", got, v2data)
	})

	t.Run("RemoveNullVersion", func(t *testing.T) {
		del, err := s.DeleteObject(ctx, bucket, key, storage.DeleteOptions{VersionID: storage.NullVersionID, Versioning: storage.VersioningSuspended})
		if err != nil {
			t.Fatalf("DeleteObject(null): %v", err)
		}
		if del.VersionID != storage.NullVersionID {
			t.Errorf("DeleteObject(null) returned version %q", del.VersionID)
		}
		checkVersions(t, s, bucket, key, []version{{id: v2, data: v2data}})
		got, _ := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
		checkBytes(t, "latest after removing the null marker", got, v2data)
	})

	t.Run("ListSkipsDeleted", func(t *testing.T) {
		// Every other key's latest version is a delete marker, and a whole
		// run of keys in the middle is deleted: pages must still fill up.
		var live []string
		for i := range 40 {
			k := fmt.Sprintf("skip/%02d", i)
			put(t, s, bucket, k, []byte(k), en)
			if i%2 == 0 || (i >= 10 && i < 30) {
				if _, err := s.DeleteObject(ctx, bucket, k, storage.DeleteOptions{Versioning: storage.VersioningEnabled}); err != nil {
					t.Fatalf("DeleteObject(%s): %v", k, err)
				}
				continue
			}
			live = append(live, k)
		}
		for _, maxKeys := range []int{1, 2, 3, 1000} {
			opts := storage.ListOptions{Prefix: "skip/", MaxKeys: maxKeys}
			var got []string
			for page := 0; ; page++ {
				if page > 100 {
					t.Fatal("ListObjects does not terminate")
				}
				res, err := s.ListObjects(ctx, bucket, opts)
				if err != nil {
					t.Fatalf("ListObjects(%+v): %v", opts, err)
				}
				for _, o := range res.Objects {
					got = append(got, o.Key)
				}
				if !res.IsTruncated {
					break
				}
				if len(res.Objects) == 0 {
					t.Fatalf("ListObjects(%+v) returned an empty truncated page", opts)
				}
				opts.Marker = res.NextMarker
			}
			if !slices.Equal(got, live) {
				t.Fatalf("MaxKeys %d: listed %v, want %v", maxKeys, got, live)
			}
		}
	})

	t.Run("ListVersionsPagination", func(t *testing.T) {
		type entry struct{ key, id string }
		var want []entry
		for k := range 5 {
			key := fmt.Sprintf("pv/%c", 'a'+k)
			var ids []string
			for i := range k%3 + 1 {
				ids = append(ids, put(t, s, bucket, key, Data(uint64(500+10*k+i), 10+i), en).VersionID)
			}
			if k%2 == 1 {
				del, err := s.DeleteObject(ctx, bucket, key, storage.DeleteOptions{Versioning: storage.VersioningEnabled})
				if err != nil {
					t.Fatalf("DeleteObject: %v", err)
				}
				ids = append(ids, del.VersionID)
			}
			for i := len(ids) - 1; i >= 0; i-- {
				want = append(want, entry{key, ids[i]})
			}
		}
		for _, maxKeys := range []int{0, 1, 2, 3, 4, 100} {
			t.Run(fmt.Sprint(maxKeys), func(t *testing.T) {
				opts := storage.ListVersionsOptions{Prefix: "pv/", MaxKeys: maxKeys}
				var got []entry
				for page := 0; ; page++ {
					if page > 100 {
						t.Fatal("ListObjectVersions does not terminate")
					}
					res, err := s.ListObjectVersions(ctx, bucket, opts)
					if err != nil {
						t.Fatalf("ListObjectVersions(%+v): %v", opts, err)
					}
					if maxKeys > 0 && len(res.Versions) > maxKeys {
						t.Fatalf("page of %d versions, MaxKeys %d", len(res.Versions), maxKeys)
					}
					for _, v := range res.Versions {
						got = append(got, entry{v.Key, v.VersionID})
					}
					if !res.IsTruncated {
						break
					}
					if len(res.Versions) == 0 {
						t.Fatal("empty truncated page")
					}
					last := res.Versions[len(res.Versions)-1]
					if res.NextKeyMarker != last.Key || res.NextVersionIDMarker != last.VersionID {
						t.Fatalf("next markers %q/%q, want the last entry %q/%q",
							res.NextKeyMarker, res.NextVersionIDMarker, last.Key, last.VersionID)
					}
					opts.KeyMarker, opts.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
				}
				if !slices.Equal(got, want) {
					t.Fatalf("versions\n got %v\nwant %v", got, want)
				}
			})
		}
		res, err := s.ListObjectVersions(ctx, bucket, storage.ListVersionsOptions{Delimiter: "/"})
		if err != nil || !slices.Equal(res.CommonPrefixes, []string{"pv/", "skip/"}) {
			t.Fatalf("delimited ListObjectVersions prefixes = %q, %v; want [pv/ skip/]", res.CommonPrefixes, err)
		}
		// KeyMarker alone starts after every version of that key.
		res, err = s.ListObjectVersions(ctx, bucket, storage.ListVersionsOptions{Prefix: "pv/", KeyMarker: "pv/c"})
		if err != nil || len(res.Versions) == 0 || res.Versions[0].Key != "pv/d" {
			t.Fatalf("ListObjectVersions after key marker pv/c = %+v, %v; want to start at pv/d", res.Versions, err)
		}
	})
}

func testUpdateMetadata(t *testing.T, s storage.Store) {
	const bucket = "update"
	makeBucket(t, s, bucket)
	ctx := t.Context()

	for _, size := range []int{5, 300 * kib} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			key := fmt.Sprintf("obj-%d", size)
			data := Data(uint64(600+size), size)
			put(t, s, bucket, key, data, storage.PutOptions{ContentType: "a/b", Metadata: map[string]string{"x-amz-meta-old": "1"}})
			info, err := s.UpdateObjectMetadata(ctx, bucket, key, storage.UpdateMetadataOptions{Update: func(info *storage.ObjectInfo) error {
				info.ContentType = "c/d"
				info.Metadata = map[string]string{"x-amz-meta-new": "2"}
				info.Internal = map[string]string{"tags": "k=v"}
				return nil
			}})
			if err != nil {
				t.Fatalf("UpdateObjectMetadata: %v", err)
			}
			if info.ContentType != "c/d" {
				t.Errorf("returned ContentType %q", info.ContentType)
			}
			got, ginfo := mustRead(t, s, bucket, key, nil, storage.GetOptions{})
			checkBytes(t, "content after metadata update", got, data)
			checkInfo(t, "info after update", ginfo, bucket, key, data)
			if ginfo.ContentType != "c/d" {
				t.Errorf("ContentType after update = %q", ginfo.ContentType)
			}
			checkMap(t, "Metadata after update", ginfo.Metadata, map[string]string{"x-amz-meta-new": "2"})
			checkMap(t, "Internal after update", ginfo.Internal, map[string]string{"tags": "k=v"})

			veto := fmt.Errorf("no")
			_, err = s.UpdateObjectMetadata(ctx, bucket, key, storage.UpdateMetadataOptions{Update: func(info *storage.ObjectInfo) error {
				info.ContentType = "e/f"
				return veto
			}})
			wantErr(t, "UpdateObjectMetadata vetoed", err, veto)
			sinfo, err := s.StatObject(ctx, bucket, key, storage.GetOptions{})
			if err != nil || sinfo.ContentType != "c/d" {
				t.Fatalf("ContentType after vetoed update = %q, %v", sinfo.ContentType, err)
			}
		})
	}

	t.Run("Missing", func(t *testing.T) {
		_, err := s.UpdateObjectMetadata(ctx, bucket, "missing", storage.UpdateMetadataOptions{Update: func(*storage.ObjectInfo) error { return nil }})
		wantErr(t, "UpdateObjectMetadata(missing)", err, storage.ErrObjectNotFound)
	})

	t.Run("OneVersion", func(t *testing.T) {
		en := storage.PutOptions{Versioning: storage.VersioningEnabled, ContentType: "orig"}
		v1 := put(t, s, bucket, "ver", Data(610, 10), en).VersionID
		v2 := put(t, s, bucket, "ver", Data(611, 10), en).VersionID
		_, err := s.UpdateObjectMetadata(ctx, bucket, "ver", storage.UpdateMetadataOptions{VersionID: v1,
			Update: func(info *storage.ObjectInfo) error { info.ContentType = "changed"; return nil }})
		if err != nil {
			t.Fatalf("UpdateObjectMetadata(v1): %v", err)
		}
		for _, tt := range []struct{ id, want string }{{v1, "changed"}, {v2, "orig"}} {
			info, err := s.StatObject(ctx, bucket, "ver", storage.GetOptions{VersionID: tt.id})
			if err != nil || info.ContentType != tt.want {
				t.Fatalf("version %s ContentType = %q, %v; want %q", tt.id, info.ContentType, err, tt.want)
			}
		}
	})
}
