package drive

import (
	"context"
	"fmt"
	"reflect"
	"testing"
)

// FuzzScanMatchesWalk: for any prefix, start and limit, a "/"-delimited
// scan of live keys (answered from the dir index where it can be) returns
// exactly what a walk of the records returns. The namespace mixes levels
// with and without keys of their own, deleted keys, levels past
// maxDirDepth (one at that depth with only sub-prefixes) and keys with
// 0xFF bytes.
func FuzzScanMatchesWalk(f *testing.F) {
	for _, seed := range []struct {
		prefix, start string
		limit         uint8
	}{
		{"", "", 0}, {"a/", "", 3}, {"a", "a/b0", 1}, {"c/d/", "c/d/e/k1", 2},
		{"1/2/3/4/5/6/7/8/", "", 0}, {"x\xff/", "", 1}, {"", "zz", 5}, {"del/", "", 0},
		{"q/q/q/q/q/q/q/q/", "", 0}, {"q/q/q/q/q/q/q/", "", 0},
	} {
		f.Add(seed.prefix, seed.start, seed.limit)
	}
	ctx := context.Background()
	d := openTest(f)
	live := &Record{Versions: []Version{{ID: "v1", ModTime: 1}}}
	gone := &Record{Versions: []Version{{ID: "v2", ModTime: 2, DeleteMarker: true}, {ID: "v1", ModTime: 1}}}
	_, err := d.Update(ctx, func(tx *Tx) error {
		dirs := []string{"", "a/", "a/b/", "a/b/c/", "c/d/e/", "c/d/e/f/", "x\xff/", "x\xff/\xff/",
			"1/2/3/4/5/6/7/", "1/2/3/4/5/6/7/8/", "1/2/3/4/5/6/7/8/9/", "del/", "del/sub/",
			"q/q/q/q/q/q/q/q/r/", "q/q/q/q/q/q/q/q/s/"} // depth 8 holds only sub-prefixes
		for i, dir := range dirs {
			for k := range 3 {
				r := live
				if dir == "del/" || dir == "del/sub/" || (i+k)%4 == 0 {
					r = gone
				}
				if err := tx.PutRecord("b", fmt.Sprintf("%sk%d", dir, k), r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, prefix, start string, limit uint8) {
		o := ScanOptions{Prefix: prefix, Start: start, Delimiter: "/", Limit: int(limit % 8), SkipDeleted: true}
		_ = d.View(ctx, func(tx *Tx) error {
			got, gotMore, err := tx.Scan("b", o)
			if err != nil {
				t.Fatal(err)
			}
			walk := func(o ScanOptions) ([]Entry, bool) {
				es, more, err := scanCursor(tx.tx.Bucket(objBucket("b")).Cursor(), o, nil)
				if err != nil {
					t.Fatal(err)
				}
				return es, more
			}
			want, wantMore := walk(o)
			if !gotMore && wantMore && len(want) > 0 { // the walk's "more" may be a deleted key
				next, last := o, want[len(want)-1]
				if next.Start = last.Key + "\x00"; last.Prefix {
					next.Start = PrefixEnd(last.Key)
				}
				rest, _ := walk(next)
				wantMore = len(rest) > 0 && next.Start != ""
			}
			if !reflect.DeepEqual(entryKeys(got), entryKeys(want)) || gotMore != wantMore {
				t.Fatalf("prefix %q start %q limit %d: scan %q more=%v, walk %q more=%v", o.Prefix, o.Start, o.Limit, entryKeys(got), gotMore, entryKeys(want), wantMore)
			}
			return nil
		})
	})
}
