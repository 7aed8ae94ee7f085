package storagetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/silo-project/silo/storage"
)

// listingKeys are chosen to break any ordering that is not bytewise: upper
// before lower case, punctuation between them, multi-byte UTF-8 after ASCII,
// keys that are prefixes of others, and "directory" objects ending in "/".
func listingKeys() []string {
	keys := []string{
		"A", "Z", "a", "a b", "a+b", "a-b", "a.b", "a/1", "a/2", "a/b/3", "a/b/4", "a/c/", "a/c/5",
		"a0", "a~", "aé", "b", "c/", "c/d", "d/e/f", "e-1-2", "e-1-3", "e-2", "folder/", "folder/x",
		"é/x", "éa", "日本/語", "日本/z", "emoji😀", "percent%20sign", "tab\tkey", "~tilde",
		// The largest code points: a prefix successor computed by bumping
		// the last byte must still land after every key under the prefix.
		"max/\U0010FFFF/a", "max/\U0010FFFF/b", "max/\U0010FFFFz", "max/\uFFFF", "max/z",
	}
	for i := range 20 {
		for j := range 6 {
			keys = append(keys, fmt.Sprintf("deep/%02d/%02d", i, j))
		}
		keys = append(keys, fmt.Sprintf("deep/%02d-file", i))
	}
	slices.Sort(keys)
	return keys
}

// modelList is the reference ListObjects: every object and common prefix
// after marker, in order, as one slice of names (prefixes end in the delimiter).
func modelList(keys []string, opts storage.ListOptions) (objects, prefixes, entries []string) {
	seen := map[string]bool{}
	for _, k := range keys {
		if !strings.HasPrefix(k, opts.Prefix) || k <= opts.Marker {
			continue
		}
		if opts.Delimiter != "" {
			if i := strings.Index(k[len(opts.Prefix):], opts.Delimiter); i >= 0 {
				cp := k[:len(opts.Prefix)+i+len(opts.Delimiter)]
				if seen[cp] || strings.HasPrefix(opts.Marker, cp) {
					continue
				}
				seen[cp] = true
				prefixes = append(prefixes, cp)
				entries = append(entries, cp)
				continue
			}
		}
		objects = append(objects, k)
		entries = append(entries, k)
	}
	return objects, prefixes, entries
}

// populate writes empty objects (or the given content) concurrently.
func populate(t *testing.T, s storage.Store, bucket string, keys []string, content func(key string) []byte) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(keys))
	work := make(chan string)
	for range 16 {
		wg.Go(func() {
			for k := range work {
				var data []byte
				if content != nil {
					data = content(k)
				}
				if _, err := s.PutObject(t.Context(), bucket, k, strings.NewReader(string(data)), int64(len(data)), storage.PutOptions{}); err != nil {
					errs <- fmt.Errorf("PutObject(%q): %w", k, err)
				}
			}
		})
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// listAll pages through ListObjects with opts.MaxKeys per page and checks
// every page's shape, returning the concatenated entries.
func listAll(t *testing.T, s storage.Store, bucket string, opts storage.ListOptions, limit int) (objects []storage.ObjectInfo, prefixes, entries []string) {
	t.Helper()
	seenPrefix := map[string]bool{}
	for page := 0; ; page++ {
		if page > 5000 {
			t.Fatalf("listing %+v does not terminate", opts)
		}
		res, err := s.ListObjects(t.Context(), bucket, opts)
		if err != nil {
			t.Fatalf("ListObjects(%+v): %v", opts, err)
		}
		n := len(res.Objects) + len(res.CommonPrefixes)
		if n > limit {
			t.Fatalf("page %d of %+v has %d entries, limit %d", page, opts, n, limit)
		}
		var pageEntries []string
		for _, o := range res.Objects {
			pageEntries = append(pageEntries, o.Key)
		}
		for _, p := range res.CommonPrefixes {
			if seenPrefix[p] {
				t.Fatalf("page %d of %+v repeats common prefix %q", page, opts, p)
			}
			seenPrefix[p] = true
			pageEntries = append(pageEntries, p)
		}
		slices.Sort(pageEntries)
		objects = append(objects, res.Objects...)
		prefixes = append(prefixes, res.CommonPrefixes...)
		entries = append(entries, pageEntries...)
		if !res.IsTruncated {
			return objects, prefixes, entries
		}
		if n == 0 {
			t.Fatalf("page %d of %+v is empty but truncated", page, opts)
		}
		if last := pageEntries[len(pageEntries)-1]; res.NextMarker != last {
			t.Fatalf("page %d of %+v: NextMarker %q, want the last entry %q", page, opts, res.NextMarker, last)
		}
		opts.Marker = res.NextMarker
	}
}

func testListing(t *testing.T, s storage.Store) {
	const bucket = "listing"
	makeBucket(t, s, bucket)
	keys := listingKeys()
	content := func(k string) []byte { return []byte("content of " + k) }
	populate(t, s, bucket, keys, content)

	tests := []storage.ListOptions{
		{},
		{Delimiter: "/"},
		{Prefix: "a"},
		{Prefix: "a", Delimiter: "/"},
		{Prefix: "a/", Delimiter: "/"},
		{Prefix: "a/b/", Delimiter: "/"},
		{Prefix: "deep/", Delimiter: "/"},
		{Prefix: "deep/0", Delimiter: "/"},
		{Prefix: "deep/07/"},
		{Prefix: "e-", Delimiter: "-"},
		{Delimiter: "-"},
		{Prefix: "日本/", Delimiter: "/"},
		{Prefix: "é"},
		{Prefix: "nothing-here"},
		{Prefix: "a/c/", Delimiter: "/"},
		{Marker: "a0"},
		{Marker: "a/", Delimiter: "/"},
		{Marker: "deep/05/", Delimiter: "/", Prefix: "deep/"},
		{Marker: "zzz"},
		{Marker: "b", Prefix: "a"},
		{Delimiter: "b/"},
		{Prefix: "max/", Delimiter: "/"},
		{Prefix: "max/\U0010FFFF", Delimiter: "/"},
		{Marker: "max/\U0010FFFF/", Prefix: "max/", Delimiter: "/"},
	}
	for _, opts := range tests {
		wantObjects, wantPrefixes, wantEntries := modelList(keys, opts)
		for _, pageSize := range []int{0, 1, 3, 7} {
			name := fmt.Sprintf("prefix=%q,delim=%q,marker=%q/max=%d", opts.Prefix, opts.Delimiter, opts.Marker, pageSize)
			t.Run(name, func(t *testing.T) {
				o := opts
				o.MaxKeys = pageSize
				limit := pageSize
				if limit == 0 {
					limit = storage.MaxListKeys
				}
				objects, prefixes, entries := listAll(t, s, bucket, o, limit)
				if !slices.Equal(entries, wantEntries) {
					t.Fatalf("entries\n got %q\nwant %q", entries, wantEntries)
				}
				var gotKeys []string
				for _, obj := range objects {
					gotKeys = append(gotKeys, obj.Key)
					data := content(obj.Key)
					if obj.Size != int64(len(data)) || obj.ETag != MD5Hex(data) || obj.ModTime.IsZero() {
						t.Errorf("listed %q: size %d etag %q modtime %v, want %d %q and a time",
							obj.Key, obj.Size, obj.ETag, obj.ModTime, len(data), MD5Hex(data))
					}
				}
				if !slices.Equal(gotKeys, wantObjects) || !slices.Equal(prefixes, wantPrefixes) {
					t.Fatalf("objects %q prefixes %q, want %q %q", gotKeys, prefixes, wantObjects, wantPrefixes)
				}
			})
		}
	}

	t.Run("MaxKeysCap", func(t *testing.T) {
		const big = "listing-big"
		makeBucket(t, s, big)
		var many []string
		for i := range storage.MaxListKeys + 5 {
			many = append(many, fmt.Sprintf("k/%05d", i*7%1005))
		}
		populate(t, s, big, many, nil)
		slices.Sort(many)
		for _, maxKeys := range []int{0, storage.MaxListKeys, 5000} {
			res, err := s.ListObjects(t.Context(), big, storage.ListOptions{MaxKeys: maxKeys})
			if err != nil {
				t.Fatalf("ListObjects(MaxKeys %d): %v", maxKeys, err)
			}
			if len(res.Objects) != storage.MaxListKeys || !res.IsTruncated {
				t.Fatalf("ListObjects(MaxKeys %d) returned %d objects, truncated %v; want %d, true",
					maxKeys, len(res.Objects), res.IsTruncated, storage.MaxListKeys)
			}
			res, err = s.ListObjects(t.Context(), big, storage.ListOptions{MaxKeys: maxKeys, Marker: res.NextMarker})
			if err != nil || len(res.Objects) != 5 || res.IsTruncated {
				t.Fatalf("second page = %d objects, truncated %v, %v; want 5, false", len(res.Objects), res.IsTruncated, err)
			}
		}
		_, _, entries := listAll(t, s, big, storage.ListOptions{MaxKeys: 333}, 333)
		if !slices.Equal(entries, many) {
			t.Fatalf("paged listing of %d keys returned %d entries (or out of order)", len(many), len(entries))
		}
		res, err := s.ListObjects(t.Context(), big, storage.ListOptions{Delimiter: "/"})
		if err != nil || len(res.Objects) != 0 || !slices.Equal(res.CommonPrefixes, []string{"k/"}) || res.IsTruncated {
			t.Fatalf("delimited listing = %d objects %q truncated %v, %v; want just prefix k/",
				len(res.Objects), res.CommonPrefixes, res.IsTruncated, err)
		}
	})
}
