package drive

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// TestGroupCommit runs many concurrent changes, some failing: every
// successful one is committed and visible after reopening the database, no
// failing one leaves an effect, and each caller gets its own error.
func TestGroupCommit(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	errBoom := errors.New("boom")
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = d.Update(ctx, func(tx *Tx) error {
				// Write first, then fail: the partial change must vanish.
				key := fmt.Sprintf("k%03d", i)
				if err := tx.PutRecord("b", key, &Record{Versions: []Version{{ID: "null", ModTime: int64(i + 1), DataDir: fmt.Sprintf("dd%03d", i)}}}); err != nil {
					return err
				}
				if i%7 == 3 {
					return fmt.Errorf("change %d: %w", i, errBoom)
				}
				return nil
			})
		})
	}
	wg.Wait()
	root := d.Root()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d2, err := Open(ctx, root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	err = d2.View(ctx, func(tx *Tx) error {
		for i := range n {
			r, err := tx.Record("b", fmt.Sprintf("k%03d", i))
			if err != nil {
				return err
			}
			failing := i%7 == 3
			switch {
			case failing && !errors.Is(errs[i], errBoom):
				t.Errorf("change %d: error %v, want its own", i, errs[i])
			case !failing && errs[i] != nil:
				t.Errorf("change %d: unexpected error %v", i, errs[i])
			case failing && (r != nil || tx.DataDirIndexed(fmt.Sprintf("dd%03d", i))):
				t.Errorf("change %d failed but left its record or index entry", i)
			case !failing && (r == nil || r.Versions[0].ModTime != int64(i+1) || !tx.DataDirIndexed(fmt.Sprintf("dd%03d", i))):
				t.Errorf("change %d succeeded but its record is %+v", i, r)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGroupCommitFreedDirs: the data dirs a change frees are returned to
// that caller only.
func TestGroupCommitFreedDirs(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	put := func(key, dd string) []string {
		t.Helper()
		freed, err := d.Update(ctx, func(tx *Tx) error {
			return tx.PutRecord("b", key, &Record{Versions: []Version{{ID: "null", ModTime: 1, DataDir: dd}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		return freed
	}
	put("x", "ddx1")
	put("y", "ddy1")
	var fx, fy []string
	var wg sync.WaitGroup
	wg.Go(func() { fx = put("x", "ddx2") })
	wg.Go(func() { fy = put("y", "ddy2") })
	wg.Wait()
	if fmt.Sprint(fx) != "[ddx1]" || fmt.Sprint(fy) != "[ddy1]" {
		t.Fatalf("freed dirs: x %v, y %v; want [ddx1] and [ddy1]", fx, fy)
	}
}

// TestGroupCommitGroups: concurrent changes share transactions, and
// CommitStats counts every change once.
func TestGroupCommitGroups(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	const n = 64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := d.Update(ctx, func(tx *Tx) error {
				return tx.PutRecord("b", fmt.Sprintf("g%03d", i), &Record{Versions: []Version{{ID: "null", ModTime: 1}}})
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	groups, changes := d.CommitStats()
	if changes < n || groups >= changes {
		t.Fatalf("CommitStats = %d groups, %d changes; want >= %d changes in fewer groups", groups, changes, n)
	}
	// A lone change commits alone.
	if _, err := d.Update(ctx, func(tx *Tx) error { return tx.PutRecord("b", "lone", nil) }); err != nil {
		t.Fatal(err)
	}
	if g2, c2 := d.CommitStats(); g2 != groups+1 || c2 != changes+1 {
		t.Fatalf("lone change: CommitStats = %d, %d; want %d, %d", g2, c2, groups+1, changes+1)
	}
}
