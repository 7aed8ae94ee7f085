package server

import (
	"cmp"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Where generated root credentials live: a copy in every drive, so that
// losing a drive does not lose them; the first readable copy wins.
const (
	// SysDir is the per-drive directory Silo keeps its own files in.
	SysDir = ".silo.sys"
	// CredentialsFileName is the root credentials file inside SysDir,
	// written with mode 0600.
	CredentialsFileName = "root-credentials.json"
)

// Limits on root credentials (the same as MinIO's).
const (
	MinAccessKeyLen = 3
	MinSecretKeyLen = 8
	defaultUser     = "minioadmin"
	defaultPassword = "minioadmin"
)

// ErrDefaultCredentials is returned by ValidateCredentials for the
// well-known minioadmin:minioadmin pair when it is not explicitly allowed.
var ErrDefaultCredentials = errors.New("the default credentials minioadmin:minioadmin are refused; " +
	"set SILO_ROOT_USER and SILO_ROOT_PASSWORD (or SILO_ALLOW_DEFAULT_CREDENTIALS=on for tests)")

// ValidateCredentials checks a root access key and secret key.
func ValidateCredentials(user, password string, allowDefault bool) error {
	switch {
	case user == "" && password != "":
		return errors.New("root password given without a root user (set SILO_ROOT_USER)")
	case user != "" && password == "":
		return errors.New("root user given without a root password (set SILO_ROOT_PASSWORD)")
	case len(user) < MinAccessKeyLen:
		return fmt.Errorf("root user must be at least %d characters", MinAccessKeyLen)
	case len(password) < MinSecretKeyLen:
		return fmt.Errorf("root password must be at least %d characters", MinSecretKeyLen)
	case strings.ContainsAny(user, "/,=:") || hasControlOrSpace(user):
		return errors.New("root user must not contain spaces, control characters or any of / , = :")
	case hasControl(password):
		return errors.New("root password must not contain control characters")
	case user == defaultUser && password == defaultPassword && !allowDefault:
		return ErrDefaultCredentials
	}
	return nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

func hasControlOrSpace(s string) bool {
	return hasControl(s) || strings.ContainsAny(s, " \t")
}

// rootCredentials is the resolved root pair and where it came from.
type rootCredentials struct {
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"secretKey"`

	path      string // file it was read from or written to; "" when given
	generated bool   // true on the start that created the file
}

// resolveCredentials returns the configured pair, or the stored one, or a
// newly generated and stored one.
func resolveCredentials(cfg Config) (rootCredentials, error) {
	if cfg.RootUser != "" || cfg.RootPassword != "" {
		if err := ValidateCredentials(cfg.RootUser, cfg.RootPassword, cfg.AllowDefaultCredentials); err != nil {
			return rootCredentials{}, err
		}
		return rootCredentials{AccessKey: cfg.RootUser, SecretKey: cfg.RootPassword}, nil
	}
	for _, d := range cfg.Drives {
		p := filepath.Join(d, SysDir, CredentialsFileName)
		c, err := readCredentials(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return rootCredentials{}, err
		}
		return c, nil
	}
	paths := make([]string, len(cfg.Drives))
	for i, d := range cfg.Drives {
		paths[i] = filepath.Join(d, SysDir, CredentialsFileName)
	}
	return generateCredentials(paths)
}

func readCredentials(path string) (rootCredentials, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return rootCredentials{}, fmt.Errorf("reading root credentials: %w", err)
	}
	var c rootCredentials
	if err := json.Unmarshal(data, &c); err != nil {
		return rootCredentials{}, fmt.Errorf("root credentials file %s is corrupt: %w", path, err)
	}
	if err := ValidateCredentials(c.AccessKey, c.SecretKey, false); err != nil {
		return rootCredentials{}, fmt.Errorf("root credentials file %s: %w", path, err)
	}
	c.path = path
	return c, nil
}

// generateCredentials creates a random pair and stores it atomically with
// mode 0600 at every path that can be written (at least one must be). The
// first successful path is reported.
func generateCredentials(paths []string) (rootCredentials, error) {
	c := rootCredentials{
		AccessKey: randomString(20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
		SecretKey: randomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
		generated: true,
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return rootCredentials{}, fmt.Errorf("encoding root credentials: %w", err)
	}
	var firstErr error
	for _, p := range paths {
		if err := writeFileAtomic(p, append(data, '\n'), 0o600); err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		if c.path == "" {
			c.path = p
		}
	}
	if c.path == "" {
		return rootCredentials{}, fmt.Errorf("storing generated root credentials: %w", firstErr)
	}
	return c, nil
}

// randomString returns n characters drawn uniformly from alphabet.
func randomString(n int, alphabet string) string {
	out := make([]byte, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet) // reject bytes that would bias the draw
	for i := 0; i < n; {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails (Go 1.24+)
		if int(buf[0]) >= limit {
			continue
		}
		out[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(out)
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and
// renames it into place, so a crash leaves either no file or the whole file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("creating temporary file: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return fmt.Errorf("chmod: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("syncing: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("renaming into place: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
