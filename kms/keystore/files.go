package keystore

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/silo-project/silo/kms"
)

// File layout in each directory:
//
//	<name>.key    one master key, JSON (keyFile), its material sealed under the root key
//	root.check    a random value sealed under the root key: a wrong root key is
//	              reported at start instead of as ErrDecrypt on every request
const (
	keyExt        = ".key"
	rootCheckFile = "root.check"
	fileVersion   = 1
	maxFileSize   = 64 << 10
)

// keyFile is the on-disk record of one master key. ID is random per
// creation, so copies of a deleted and re-created key are told apart.
type keyFile struct {
	Version int       `json:"version"`
	Name    string    `json:"name"`
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Sealed  []byte    `json:"sealed"` // root.Seal(key, keyAD(name, id))
}

// keyAD binds a sealed master key to its name and ID, so a file renamed or
// copied under another name does not unseal.
func keyAD(name, id string) []byte {
	return []byte("silo-kms-master-key\x00" + name + "\x00" + id)
}

const rootCheckAD = "silo-kms-root-check"

func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// parseKeyFile decodes and unseals a key file read from disk with the
// first of roots that opens it; used is that root's index.
func parseKeyFile(roots []kms.Secret, name string, data []byte) (kf keyFile, secret kms.Secret, used int, err error) {
	if err := json.Unmarshal(data, &kf); err != nil {
		return kf, secret, 0, fmt.Errorf("key file %q: %w", name, err)
	}
	if kf.Version != fileVersion || kf.Name != name || kf.ID == "" {
		return kf, secret, 0, fmt.Errorf("key file %q: version %d, name %q: not a key file of this name", name, kf.Version, kf.Name)
	}
	var raw []byte
	for used = range roots {
		if raw, err = roots[used].Unseal(kf.Sealed, keyAD(kf.Name, kf.ID)); err == nil {
			break
		}
	}
	if err != nil {
		return kf, secret, 0, fmt.Errorf("key file %q: %w", name, err)
	}
	if secret, err = kms.NewSecret(raw); err != nil {
		return kf, secret, 0, fmt.Errorf("key file %q: %w", name, err)
	}
	return kf, secret, used, nil
}

// dirContent is what one directory holds.
type dirContent struct {
	keys    map[string][]byte // raw key files by key name
	deleted map[string]bool   // tombstones: "name\x00id"
	check   []byte            // the root check, nil when absent
}

// readDir reads the key files, tombstones and root check of one directory.
func readDir(dir string) (dirContent, error) {
	c := dirContent{keys: map[string][]byte{}, deleted: map[string]bool{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return c, err
	}
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		if name, id, ok := parseTombstone(n); ok {
			c.deleted[name+"\x00"+id] = true
			continue
		}
		switch {
		case n == rootCheckFile:
			if c.check, err = readSmall(filepath.Join(dir, n)); err != nil {
				return c, err
			}
		case strings.HasSuffix(n, keyExt) && kms.ValidKeyName(strings.TrimSuffix(n, keyExt)):
			data, err := readSmall(filepath.Join(dir, n))
			if err != nil {
				return c, err
			}
			c.keys[strings.TrimSuffix(n, keyExt)] = data
		}
	}
	return c, nil
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("%s: %d bytes, too large for a key file", path, st.Size())
	}
	buf := make([]byte, st.Size())
	if _, err := f.ReadAt(buf, 0); err != nil && st.Size() > 0 {
		return nil, err
	}
	return buf, nil
}

// writeAtomic writes data to dir/name through a synced temporary file and a
// rename, then syncs the directory: a crash leaves the old file or the new.
func writeAtomic(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-"+name+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

// removeSynced removes dir/name (absent is fine) and syncs the directory.
func removeSynced(dir, name string) error {
	if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// tombstoneExt marks a deleted key: "<name>.<id>.deleted", empty. A copy of
// a deleted key found on a drive that was away is recognised by its ID.
const tombstoneExt = ".deleted"

func tombstoneName(name, id string) string { return name + "." + id + tombstoneExt }

// parseTombstone splits a tombstone file name into key name and ID.
func parseTombstone(file string) (name, id string, ok bool) {
	rest, ok := strings.CutSuffix(file, tombstoneExt)
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 {
		return "", "", false
	}
	name, id = rest[:i], rest[i+1:]
	if !kms.ValidKeyName(name) || id == "" {
		return "", "", false
	}
	return name, id, true
}
