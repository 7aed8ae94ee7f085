package drive

import (
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestPageSize: a new metadata database gets pageSize pages, and a
// database made with 4 KiB pages (drives formatted before the change) opens
// with its own page size and keeps working.
func TestPageSize(t *testing.T) {
	tests := []struct {
		name     string
		existing int // page size of a database present before Open; 0 for none
		want     int
	}{
		{"new database", 0, pageSize},
		{"existing 4 KiB database", 4096, 4096},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if err := WriteFormat(root, Format{Version: FormatVersion, DeploymentID: "dep", Sets: [][]string{{"d0"}}, This: "d0"}); err != nil {
				t.Fatal(err)
			}
			if tt.existing > 0 {
				sys := filepath.Join(root, SysDir)
				if err := os.MkdirAll(sys, 0o700); err != nil {
					t.Fatal(err)
				}
				db, err := bolt.Open(filepath.Join(sys, dbFile), 0o600, &bolt.Options{PageSize: tt.existing})
				if err != nil {
					t.Fatal(err)
				}
				db.Close()
			}
			d, err := Open(t.Context(), root, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if got := d.db.Info().PageSize; got != tt.want {
				t.Fatalf("page size %d, want %d", got, tt.want)
			}
			if _, err := d.Update(t.Context(), func(tx *Tx) error { return tx.CreateBucket(BucketMeta{Name: "bkt"}) }); err != nil {
				t.Fatalf("write after open: %v", err)
			}
		})
	}
}
