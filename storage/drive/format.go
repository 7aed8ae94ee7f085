package drive

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// FormatVersion is the version of the format record written by this code.
const FormatVersion = 1

// SysDir is the directory under a drive root that holds everything Silo writes.
const SysDir = ".silo.sys"

const formatFile = "format.json"

// ErrUnformatted is returned by ReadFormat when the drive carries no format record.
var ErrUnformatted = errors.New("drive is not formatted")

// Format is the identity record of a drive: which deployment it belongs to,
// the layout of every erasure set (drive IDs in order) and its own ID.
type Format struct {
	Version      int        `json:"version"`
	DeploymentID string     `json:"deploymentID"`
	Sets         [][]string `json:"sets"`
	This         string     `json:"this"`
}

// Position returns the set and the index within that set of f.This.
func (f Format) Position() (set, index int, ok bool) {
	for s, ids := range f.Sets {
		for i, id := range ids {
			if id == f.This {
				return s, i, true
			}
		}
	}
	return 0, 0, false
}

// SameLayout reports whether f and g describe the same deployment and layout.
func (f Format) SameLayout(g Format) bool {
	if f.DeploymentID != g.DeploymentID || len(f.Sets) != len(g.Sets) {
		return false
	}
	for s := range f.Sets {
		if len(f.Sets[s]) != len(g.Sets[s]) {
			return false
		}
		for i := range f.Sets[s] {
			if f.Sets[s][i] != g.Sets[s][i] {
				return false
			}
		}
	}
	return true
}

// ReadFormat reads the format record of the drive at root. It returns
// ErrUnformatted when there is none, or another error when the drive cannot
// be read or the record is corrupt.
func ReadFormat(root string) (Format, error) {
	var f Format
	b, err := os.ReadFile(filepath.Join(root, SysDir, formatFile))
	if errors.Is(err, os.ErrNotExist) {
		return f, ErrUnformatted
	}
	if err != nil {
		return f, fmt.Errorf("read format of %s: %w", root, err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("decode format of %s: %w", root, err)
	}
	if f.Version != FormatVersion || f.DeploymentID == "" || f.This == "" {
		return f, fmt.Errorf("format of %s: unsupported version %d or missing IDs", root, f.Version)
	}
	if _, _, ok := f.Position(); !ok {
		return f, fmt.Errorf("format of %s: own ID %q not in layout", root, f.This)
	}
	return f, nil
}

// WriteFormat writes f as the format record of the drive at root, atomically
// (temporary file, fsync, rename, fsync of the directory). It creates the
// system directory when needed.
func WriteFormat(root string, f Format) error {
	dir := filepath.Join(root, SysDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write format: %w", err)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("write format: %w", err)
	}
	tmp := filepath.Join(dir, formatFile+".tmp")
	if err := writeFileSync(tmp, b); err != nil {
		return fmt.Errorf("write format: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, formatFile)); err != nil {
		return fmt.Errorf("write format: %w", err)
	}
	return syncDir(dir)
}

// Wipe removes everything Silo stored on the drive at root (used before
// re-formatting a drive that holds a partial, unformatted system directory).
func Wipe(root string) error {
	if err := os.RemoveAll(filepath.Join(root, SysDir)); err != nil {
		return fmt.Errorf("wipe %s: %w", root, err)
	}
	return nil
}

func writeFileSync(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	return nil
}
