package drive

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to begin writing [off, off+n) of f to the
// disk without waiting for it (sync_file_range SYNC_FILE_RANGE_WRITE), so
// that the fsync at commit finds little left to flush. It promises nothing
// about durability; the commit's fsync still does. Errors are ignored: the
// fsync reports any real write failure.
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
