package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/storage/erasure"
)

// TestMeasureList fills real buckets of two sizes on a 4-drive store and
// times their pages in turns: the delimited page must show the 1000
// "directories", every measured size needs timings, and a size that the
// population budget cannot cover is skipped with the reason.
func TestMeasureList(t *testing.T) {
	if testing.Short() {
		t.Skip("fills buckets")
	}
	ctx := context.Background()
	dir := t.TempDir()
	var drives []string
	for i := range 4 {
		drives = append(drives, filepath.Join(dir, "drive"+string(rune('1'+i))))
	}
	s, err := erasure.New(ctx, erasure.Config{Drives: drives, StandardParity: 2, RRSParity: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tests := []struct {
		sizes  []int
		budget time.Duration
		skip   []bool
	}{
		{[]int{1000, 2000}, time.Hour, []bool{false, false}},
		{[]int{3000, 1 << 30}, time.Hour, []bool{false, true}}, // sizes differ: one bucket per size
	}
	for _, tt := range tests {
		got, err := measureList(ctx, s, tt.sizes, 16, tt.budget, t.Logf)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range got {
			if skipped := r.Skipped != ""; skipped != tt.skip[i] {
				t.Fatalf("size %d: skipped %q, want skipped=%v", r.Keys, r.Skipped, tt.skip[i])
			}
			if r.Skipped != "" {
				if !strings.Contains(r.Skipped, "budget") {
					t.Errorf("size %d: skip reason %q", r.Keys, r.Skipped)
				}
				continue
			}
			if r.Keys != tt.sizes[i] || r.Entries != 1000 || r.Delimited <= 0 || r.Flat <= 0 || r.PopulateOp <= 0 {
				t.Errorf("size %d: %+v", tt.sizes[i], r)
			}
		}
	}
}
