package erasure

import (
	"context"
	"time"

	"github.com/silo-project/silo/storage/drive"
)

// collectOrphans removes, once at start, the data dirs on disk that no
// committed record or upload references: leftovers of writes interrupted
// between the shard rename and the metadata commit. Writes of this process
// are never touched: their dirs are registered in s.writing from before the
// first shard file until the metadata commit (checked before the index), and
// dirs modified since the start are skipped as well.
func (s *Store) collectOrphans() {
	defer s.wg.Done()
	for _, st := range s.sets {
		for p, d := range st.list() {
			if d == nil {
				continue
			}
			removed := 0
			err := d.WalkDataDirs(func(dd string, mod time.Time) error {
				if err := s.ctx.Err(); err != nil {
					return err
				}
				if !mod.Before(s.started) || s.writing.has(dd) {
					return nil
				}
				indexed := true
				if err := d.View(s.ctx, func(tx *drive.Tx) error {
					indexed = tx.DataDirIndexed(dd)
					return nil
				}); err != nil {
					return err
				}
				if indexed {
					return nil
				}
				// Re-check under no lock is fine: an indexed dir is never
				// un-indexed and re-created with the same random ID.
				if err := d.RemoveDataDir(dd); err == nil {
					removed++
				}
				return nil
			})
			if err != nil && err != context.Canceled {
				s.log.Warn("orphan collection", "drive", st.paths[p], "err", err)
			}
			if removed > 0 {
				s.log.Info("removed orphan data dirs", "drive", st.paths[p], "count", removed)
			}
		}
	}
}
