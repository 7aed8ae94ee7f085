package erasure_test

import (
	"testing"
	"time"
)

func TestDrivesInfo(t *testing.T) {
	drives := makeDrives(t, 4)
	s := openStore(t, drives, 4, 2)
	infos := s.Drives(t.Context())
	if len(infos) != 4 {
		t.Fatalf("Drives() = %d entries, want 4", len(infos))
	}
	seen := map[string]bool{}
	for i, d := range infos {
		t.Run(d.Path, func(t *testing.T) {
			if d.Path != drives[i] || d.Position != i || d.Set != 0 {
				t.Fatalf("drive %d = %+v, want path %s position %d set 0", i, d, drives[i], i)
			}
			if !d.Online || d.UUID == "" || seen[d.UUID] {
				t.Fatalf("drive %d: online %v, uuid %q (duplicate %v)", i, d.Online, d.UUID, seen[d.UUID])
			}
			if d.Total == 0 || d.Free > d.Total || d.Used > d.Total {
				t.Fatalf("drive %d sizes: total %d used %d free %d", i, d.Total, d.Used, d.Free)
			}
		})
		seen[d.UUID] = true
	}
	if st := s.Started(); st.IsZero() || st.After(time.Now()) {
		t.Fatalf("Started() = %v", st)
	}
}
