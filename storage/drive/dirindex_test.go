package drive

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// storedDirIndex reads a bucket's dir index as dir -> counts (nil when the
// index is missing).
func storedDirIndex(t *testing.T, tx *Tx, bucket string) map[string]dirCounts {
	t.Helper()
	ib := tx.tx.Bucket(dirBucket(bucket))
	if ib == nil {
		return nil
	}
	got := map[string]dirCounts{}
	err := ib.ForEach(func(k, v []byte) error {
		c, ok := decodeDirCounts(v)
		if !ok || k[0] != dirKeyTag {
			return fmt.Errorf("bad entry %q = %x", k, v)
		}
		got[string(k[1:])] = c
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// recountDirIndex computes what the dir index must hold from the records.
func recountDirIndex(t *testing.T, tx *Tx, bucket string) map[string]dirCounts {
	t.Helper()
	want := map[string]dirCounts{}
	err := tx.tx.Bucket(objBucket(bucket)).ForEach(func(k, v []byte) error {
		if !latestIsLive(v) {
			return nil
		}
		return dirsOf(string(k), func(dir string, direct bool) error {
			c := want[dir]
			c.live++
			if direct {
				c.direct++
			}
			want[dir] = c
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// scanOptionsToCompare are delimited scans of live keys over the namespace
// of TestDirIndexFollowsRecords: levels with and without keys of their own,
// partial names, starts before, inside and after sub-prefixes, short pages.
func scanOptionsToCompare() []ScanOptions {
	var out []ScanOptions
	prefixes := []string{"", "a", "a/", "a/b", "a/b/", "a/b/c/", "c/", "c/d/", "c/d/e/", "c/d/e/f", "x/", "z",
		"1/2/3/4/5/6/", "1/2/3/4/5/6/7/", "1/2/3/4/5/6/7/8/", "1/2/3/4/5/6/7/8/9/", "1/2/3/4/5/6/7/8/9"}
	starts := []string{"", "a/", "a/b/", "a/b0", "a/k1", "c/d/e/k3", "c/d/e0", "c/d/e/", "c/e", "zz", "1/2/3/4/5/6/7/8/k2"}
	for _, p := range prefixes {
		for _, s := range starts {
			for _, limit := range []int{0, 1, 2, 5} {
				out = append(out, ScanOptions{Prefix: p, Start: s, Delimiter: "/", Limit: limit, SkipDeleted: true})
			}
		}
	}
	return out
}

// TestDirIndexFollowsRecords applies random puts, delete markers and
// removals over a nested namespace and checks after each transaction that
// the stored index equals a recount from the records, and that every
// delimited scan answers exactly what a walk of the records answers.
func TestDirIndexFollowsRecords(t *testing.T) {
	for seed := range uint64(5) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { dirIndexFollowsRecords(t, seed) })
	}
}

func dirIndexFollowsRecords(t *testing.T, seed uint64) {
	ctx := context.Background()
	d := openTest(t)
	rng := rand.New(rand.NewPCG(seed, 2))
	// Past maxDirDepth (8) too: 1/../8/ is the deepest indexed prefix.
	dirs := []string{"", "a/", "a/b/", "a/b/c/", "c/d/e/", "c/d/e/f/", "x/",
		"1/2/3/4/5/6/7/", "1/2/3/4/5/6/7/8/", "1/2/3/4/5/6/7/8/9/", "1/2/3/4/5/6/7/8/9/10/"}
	live := &Record{Versions: []Version{{ID: "v1", ModTime: 1}}}
	marker := &Record{Versions: []Version{{ID: "v2", ModTime: 2, DeleteMarker: true}, {ID: "v1", ModTime: 1}}}
	onlyMarker := &Record{Versions: []Version{{ID: "v3", ModTime: 3, DeleteMarker: true}}}
	opts := scanOptionsToCompare()
	fromIndex := 0
	for round := range 60 {
		_, err := d.Update(ctx, func(tx *Tx) error {
			for range 1 + rng.IntN(8) {
				key := dirs[rng.IntN(len(dirs))] + fmt.Sprintf("k%d", rng.IntN(4))
				var r *Record
				switch rng.IntN(5) {
				case 0, 1:
					r = live
				case 2:
					r = marker
				case 3:
					r = onlyMarker
				}
				if err := tx.PutRecord("b", key, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = d.View(ctx, func(tx *Tx) error {
			if got, want := storedDirIndex(t, tx, "b"), recountDirIndex(t, tx, "b"); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: dir index\n got %v\nwant %v", round, got, want)
			}
			for _, o := range opts {
				ib := tx.tx.Bucket(dirBucket("b"))
				if _, _, ok := scanDirIndex(ib.Cursor(), ib.Get(dirKey(levelOf(o.Prefix))), o); ok {
					fromIndex++
				}
				got, gotMore, err := tx.Scan("b", o)
				if err != nil {
					return err
				}
				want, wantMore, err := scanCursor(tx.tx.Bucket(objBucket("b")).Cursor(), o, nil)
				if err != nil {
					return err
				}
				// The walk of the records says "more" whenever a key follows,
				// live or not; the index may know that nothing does.
				if !gotMore && wantMore && len(want) > 0 {
					next := o
					last := want[len(want)-1]
					if next.Start = last.Key + "\x00"; last.Prefix {
						next.Start = PrefixEnd(last.Key)
					}
					rest, _, err := scanCursor(tx.tx.Bucket(objBucket("b")).Cursor(), next, nil)
					if err != nil {
						return err
					}
					wantMore = len(rest) > 0
				}
				if !reflect.DeepEqual(entryKeys(got), entryKeys(want)) || gotMore != wantMore {
					t.Fatalf("round %d, %+v:\n got %v more=%v\nwant %v more=%v (walk of the records)",
						round, o, entryKeys(got), gotMore, entryKeys(want), wantMore)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// The comparison means something only if the index answered often.
	if total := 60 * len(opts); fromIndex < total/5 {
		t.Fatalf("the index answered %d of %d scans; the namespace no longer exercises it", fromIndex, total)
	}
}

func entryKeys(es []Entry) []string {
	out := []string{}
	for _, e := range es {
		if e.Prefix {
			out = append(out, e.Key+" (prefix)")
		} else {
			out = append(out, e.Key)
		}
	}
	return out
}

// TestDirIndexRebuilt: a drive written before the index existed, or since
// by anything that does not keep it, gets it rebuilt at Open; an
// unreadable entry met by a write drops the index, listings stay right
// meanwhile, and the next Open rebuilds it.
func TestDirIndexRebuilt(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	rec := &Record{Versions: []Version{{ID: "null", ModTime: 1}}}
	put := func(d *Drive, keys ...string) {
		t.Helper()
		if _, err := d.Update(ctx, func(tx *Tx) error {
			for _, k := range keys {
				if err := tx.PutRecord("b", k, rec); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	put(d, "p/1", "p/2", "q/r/1", "top")
	rawUpdate := func(fn func(tx *bolt.Tx) error) { t.Helper(); d = reopen(t, d, fn) }
	wantIndex := func(when string) {
		t.Helper()
		_ = d.View(ctx, func(tx *Tx) error {
			got, want := storedDirIndex(t, tx, "b"), recountDirIndex(t, tx, "b")
			if got == nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: dir index %v, want %v", when, got, want)
			}
			return nil
		})
	}

	rawUpdate(func(tx *bolt.Tx) error { return tx.DeleteBucket(dirBucket("b")) })
	wantIndex("reopened without an index")

	// A build from before the index (or a tool) adds a live key and removes
	// one without touching the index: the stamp tells, and Open rebuilds.
	rawUpdate(func(tx *bolt.Tx) error {
		ob := tx.Bucket(objBucket("b"))
		if err := ob.Delete([]byte("q/r/1")); err != nil {
			return err
		}
		return ob.Put([]byte("new/1"), EncodeRecord(rec))
	})
	wantIndex("reopened after a write that did not keep the index")
	_ = d.View(ctx, func(tx *Tx) error {
		es, _, err := tx.Scan("b", ScanOptions{Delimiter: "/", SkipDeleted: true})
		if want := []string{"new/ (prefix)", "p/ (prefix)", "top"}; err != nil || !reflect.DeepEqual(entryKeys(es), want) {
			t.Fatalf("scan after the foreign write = %v, %v; want %v", entryKeys(es), err, want)
		}
		return nil
	})

	if _, err := d.Update(ctx, func(tx *Tx) error {
		return tx.tx.Bucket(dirBucket("b")).Put(dirKey("p/"), []byte{0xff})
	}); err != nil {
		t.Fatal(err)
	}
	put(d, "p/3")
	_ = d.View(ctx, func(tx *Tx) error {
		if got := storedDirIndex(t, tx, "b"); got != nil {
			t.Fatalf("index kept after a write met an unreadable entry: %v", got)
		}
		es, _, err := tx.Scan("b", ScanOptions{Delimiter: "/", SkipDeleted: true})
		if want := []string{"new/ (prefix)", "p/ (prefix)", "top"}; err != nil || !reflect.DeepEqual(entryKeys(es), want) {
			t.Fatalf("scan without index = %v, %v; want %v", entryKeys(es), err, want)
		}
		return nil
	})
	d = reopen(t, d, nil)
	wantIndex("reopened after the index was dropped")

	// Indexes built under another format (an entry the current rules would
	// never write, stamped by a commit of ours) are rebuilt too.
	if _, err := d.Update(ctx, func(tx *Tx) error {
		if err := tx.tx.Bucket([]byte(bktDirIndex)).Put([]byte(dirIndexFormatKey), []byte("1")); err != nil {
			return err
		}
		return tx.tx.Bucket(dirBucket("b")).Put(dirKey("stale/"), dirCounts{1, 1}.encode())
	}); err != nil {
		t.Fatal(err)
	}
	d = reopen(t, d, nil)
	wantIndex("reopened with indexes of an older format")
}

// reopen closes d, applies fn (when not nil) to its database directly, as
// something that does not know the dir index would, and opens it again.
func reopen(t *testing.T, d *Drive, fn func(tx *bolt.Tx) error) *Drive {
	t.Helper()
	root := d.Root()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if fn != nil {
		db, err := bolt.Open(filepath.Join(root, SysDir, dbFile), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(fn); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	d, err := Open(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestDirIndexPageCost: a delimited page of a level holding only
// sub-prefixes is answered from the index with one cursor move per entry,
// however many keys each sub-prefix holds.
func TestDirIndexPageCost(t *testing.T) {
	ctx := context.Background()
	for _, perPrefix := range []int{1, 300} {
		t.Run(fmt.Sprint(perPrefix, " keys per prefix"), func(t *testing.T) {
			d := openTest(t)
			putPrefixes(t, d, 200, perPrefix)
			_ = d.View(ctx, func(tx *Tx) error {
				ib := tx.tx.Bucket(dirBucket("b"))
				c := &countingCursor{c: ib.Cursor()}
				es, more, ok := scanDirIndex(c, ib.Get(dirKey("")), ScanOptions{Delimiter: "/", Limit: 100, SkipDeleted: true})
				if !ok || len(es) != 100 || !more || es[99].Key != "p0099/" || c.moves > 102 {
					t.Fatalf("index page: ok=%v, %d entries (more=%v) in %d cursor moves; want 100 ending at p0099/ in at most 102",
						ok, len(es), more, c.moves)
				}
				return nil
			})
		})
	}
}

// TestDeletedPrefixesCost: in a level that also holds keys of its own (so
// the records are walked), a common prefix whose keys are all delete
// markers costs one index lookup, not a walk of its keys.
func TestDeletedPrefixesCost(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	_, err := d.Update(ctx, func(tx *Tx) error {
		live := &Record{Versions: []Version{{ID: "v1", ModTime: 1}}}
		gone := &Record{Versions: []Version{{ID: "v2", ModTime: 2, DeleteMarker: true}, {ID: "v1", ModTime: 1}}}
		if err := tx.PutRecord("b", "top", live); err != nil {
			return err
		}
		for p := range 200 {
			r := live
			if p%2 == 1 {
				r = gone // every key of the odd prefixes is deleted
			}
			for k := range 300 {
				if err := tx.PutRecord("b", fmt.Sprintf("p%04d/k%04d", p, k), r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = d.View(ctx, func(tx *Tx) error {
		opts := ScanOptions{Delimiter: "/", SkipDeleted: true, Limit: 1000}
		c := &countingCursor{c: tx.tx.Bucket(objBucket("b")).Cursor()}
		es, _, err := scanCursor(c, opts, indexLive(tx.tx.Bucket(dirBucket("b"))))
		if err != nil {
			return err
		}
		if len(es) != 101 || es[0].Key != "p0000/" || es[1].Key != "p0002/" || es[100].Key != "top" || c.moves > 205 {
			t.Fatalf("page of %d entries (%v ... %v) took %d cursor moves; want the 100 live prefixes and top in at most 205",
				len(es), entryKeys(es[:min(2, len(es))]), entryKeys(es[max(0, len(es)-1):]), c.moves)
		}
		return nil
	})
}

// TestDirIndexDepthBound: a key of hundreds of levels adds entries down to
// maxDirDepth only, and a listing below that depth is still right.
func TestDirIndexDepthBound(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	key := strings.Repeat("a/", 500) + "k"
	rec := &Record{Versions: []Version{{ID: "null", ModTime: 1}}}
	if _, err := d.Update(ctx, func(tx *Tx) error { return tx.PutRecord("b", key, rec) }); err != nil {
		t.Fatal(err)
	}
	_ = d.View(ctx, func(tx *Tx) error {
		if got := storedDirIndex(t, tx, "b"); len(got) != maxDirDepth+1 {
			t.Fatalf("a key of 500 levels left %d index entries, want %d", len(got), maxDirDepth+1)
		}
		for _, depth := range []int{7, 8, 9, 499} {
			prefix := strings.Repeat("a/", depth)
			es, _, err := tx.Scan("b", ScanOptions{Prefix: prefix, Delimiter: "/", SkipDeleted: true})
			if err != nil || len(es) != 1 || es[0].Key != prefix+"a/" {
				t.Fatalf("listing at depth %d = %v, %v; want the one sub-prefix", depth, entryKeys(es), err)
			}
		}
		return nil
	})
}

// TestDirIndexOfDeletedBucket: a bucket deleted by something that does not
// know the index (an older build) leaves no index behind after Open, and a
// bucket created over a leftover index starts with an empty one.
func TestDirIndexOfDeletedBucket(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	rec := &Record{Versions: []Version{{ID: "null", ModTime: 1}}}
	if _, err := d.Update(ctx, func(tx *Tx) error { return tx.PutRecord("b", "x/y", rec) }); err != nil {
		t.Fatal(err)
	}
	d = reopen(t, d, func(tx *bolt.Tx) error { // what DeleteBucket did before the index
		for _, name := range [][]byte{objBucket("b"), uploadBucket("b")} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte(bktBuckets)).Delete([]byte("b"))
	})
	_ = d.View(ctx, func(tx *Tx) error {
		if tx.tx.Bucket(dirBucket("b")) != nil {
			t.Fatal("the index of a bucket deleted behind our back survived Open")
		}
		return nil
	})

	// A leftover index (however it came to be) does not leak into a new bucket.
	if _, err := d.Update(ctx, func(tx *Tx) error {
		ib, err := tx.tx.CreateBucket(dirBucket("b"))
		if err != nil {
			return err
		}
		return ib.Put(dirKey("x/"), dirCounts{1, 1}.encode())
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Update(ctx, func(tx *Tx) error { return tx.CreateBucket(BucketMeta{Name: "b", Created: 2}) }); err != nil {
		t.Fatal(err)
	}
	_ = d.View(ctx, func(tx *Tx) error {
		es, _, err := tx.Scan("b", ScanOptions{Delimiter: "/", SkipDeleted: true})
		if err != nil || len(es) != 0 {
			t.Fatalf("new bucket lists %v, %v; want nothing", entryKeys(es), err)
		}
		return nil
	})
}
