package erasure

import (
	"context"
	"syscall"
	"time"
)

// DriveInfo describes one drive position of the deployment, for
// administrative reports (`mc admin info`).
type DriveInfo struct {
	Set, Position int
	Path          string
	// UUID is the drive's identity in the deployment's format.
	UUID string
	// Online is false when the drive is missing or failing.
	Online bool
	// Total, Used and Free are the file system's sizes in bytes, zero when
	// they could not be read.
	Total, Used, Free uint64
}

// Drives reports every drive position in set order. It never fails: a
// drive whose file system cannot be inspected is reported with zero sizes.
func (s *Store) Drives(ctx context.Context) []DriveInfo {
	var out []DriveInfo
	for _, st := range s.sets {
		for p, d := range st.list() {
			if ctx.Err() != nil {
				return out
			}
			di := DriveInfo{Set: st.index, Position: p, Path: st.paths[p], Online: d != nil && d.Online() == nil}
			if st.index < len(s.ref.Sets) && p < len(s.ref.Sets[st.index]) {
				di.UUID = s.ref.Sets[st.index][p]
			}
			var fs syscall.Statfs_t
			if err := syscall.Statfs(st.paths[p], &fs); err == nil {
				bs := uint64(fs.Bsize)
				di.Total = fs.Blocks * bs
				di.Free = fs.Bavail * bs
				di.Used = (fs.Blocks - fs.Bfree) * bs
			}
			out = append(out, di)
		}
	}
	return out
}

// Started returns when the store was opened.
func (s *Store) Started() time.Time { return s.started }
