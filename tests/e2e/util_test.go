package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// commandTimeout bounds one external client invocation.
const commandTimeout = 4 * time.Minute

// requireTool returns path if it is an executable; otherwise the test fails
// under CI and is skipped elsewhere, naming the missing tool.
func requireTool(t testing.TB, path string) string {
	t.Helper()
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
		return path
	}
	missing(t, fmt.Sprintf("%s is not installed", path))
	return ""
}

// missing fails (CI) or skips (elsewhere) for a missing prerequisite.
func missing(t testing.TB, why string) {
	t.Helper()
	msg := why + " (install the test clients with `make test-deps`)"
	if ci := strings.ToLower(os.Getenv("CI")); ci != "" && ci != "false" && ci != "0" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// mcPath is where scripts/install-test-deps.sh installs mc: $SILO_MC, or
// $(go env GOBIN), or $(go env GOPATH)/bin.
func mcPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SILO_MC"); p != "" {
		return p
	}
	out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	gobin, gopath, _ := strings.Cut(string(out), "\n")
	if gobin = strings.TrimSpace(gobin); gobin != "" {
		return filepath.Join(gobin, "mc")
	}
	gopath = strings.TrimSpace(gopath)
	if i := strings.IndexByte(gopath, os.PathListSeparator); i >= 0 {
		gopath = gopath[:i]
	}
	return filepath.Join(gopath, "bin", "mc")
}

// clientEnv is a minimal environment for an external client: no inherited
// AWS_*, proxies or configuration, HOME in a temp dir, plus extra.
func clientEnv(home string, extra ...string) []string {
	env := []string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=" + home,
		"TMPDIR=" + os.TempDir(),
		"LANG=C.UTF-8",
		"LC_ALL=C.UTF-8",
		"NO_PROXY=*",
		"no_proxy=*",
	}
	return append(env, extra...)
}

// result is the outcome of one external command.
type result struct {
	stdout, stderr string
	err            error
}

func (r result) String() string {
	return fmt.Sprintf("err=%v\nstdout:\n%s\nstderr:\n%s", r.err, clip(r.stdout), clip(r.stderr))
}

func clip(s string) string {
	const max = 4000
	if len(s) > max {
		return s[:max/2] + "\n...\n" + s[len(s)-max/2:]
	}
	return s
}

// runCmd runs name with args in dir with env (nil: clientEnv in a temp HOME).
func runCmd(t testing.TB, env []string, dir, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	if env == nil {
		env = clientEnv(t.TempDir())
	}
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdin = nil
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v: %w", commandTimeout, err)
	}
	t.Logf("$ %s %s  (%v, err=%v)", filepath.Base(name), strings.Join(args, " "), time.Since(start).Round(time.Millisecond), err)
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// mustRun is runCmd that fails the test when the command fails.
func mustRun(t testing.TB, env []string, dir, name string, args ...string) result {
	t.Helper()
	r := runCmd(t, env, dir, name, args...)
	if r.err != nil {
		t.Fatalf("%s %s failed:\n%s", filepath.Base(name), strings.Join(args, " "), r)
	}
	return r
}

// uniqueBucket returns a fresh, valid bucket name with a readable prefix.
func uniqueBucket(t testing.TB, prefix string) string {
	t.Helper()
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("e2e-%s-%s", prefix, hex.EncodeToString(b[:]))
	if len(name) > 63 {
		t.Fatalf("bucket name too long: %s", name)
	}
	return name
}

// randomData returns n deterministic pseudo-random bytes for seed.
func randomData(n int, seed uint64) []byte {
	b := make([]byte, n)
	fillRandom(b, seed)
	return b
}

func fillRandom(b []byte, seed uint64) {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	r := mrand.NewChaCha8(s)
	_, _ = r.Read(b)
}

// randomReader streams n deterministic pseudo-random bytes for seed.
func randomReader(n int64, seed uint64) io.Reader {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return io.LimitReader(mrand.NewChaCha8(s), n)
}

// writeRandomFile writes size deterministic bytes to path and returns their
// SHA-256 (hex). It streams, so large files cost no memory.
func writeRandomFile(t testing.TB, path string, size int64, seed uint64) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), randomReader(size, seed)); err != nil {
		f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// fileSHA256 returns the SHA-256 (hex) of a file's content.
func fileSHA256(t testing.TB, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open download: %v", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// readerSHA256 drains r and returns the SHA-256 (hex) and the byte count.
func readerSHA256(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// makeTree writes n small files (some in sub-directories, sizes 0..~20 KiB)
// under dir and returns relative path -> SHA-256.
func makeTree(t testing.TB, dir string, n int, seed uint64) map[string]string {
	t.Helper()
	want := make(map[string]string, n)
	for i := range n {
		rel := fmt.Sprintf("f%03d.bin", i)
		switch i % 4 {
		case 1:
			rel = filepath.Join("a", rel)
		case 2:
			rel = filepath.Join("a", "b c", rel) // a space in a path segment
		case 3:
			rel = filepath.Join("d-ü", rel) // non-ASCII
		}
		size := int64((i * 977) % (20 << 10))
		if i == 0 {
			size = 0
		}
		want[filepath.ToSlash(rel)] = writeRandomFile(t, filepath.Join(dir, rel), size, seed+uint64(i))
	}
	return want
}

// treeHashes returns relative path -> SHA-256 of every regular file under dir.
func treeHashes(t testing.TB, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		got[filepath.ToSlash(rel)] = fileSHA256(t, path)
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	return got
}

// compareTrees reports every missing, extra or differing file.
func compareTrees(t testing.TB, want, got map[string]string) {
	t.Helper()
	var diffs []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+k)
		case g != w:
			diffs = append(diffs, "content differs "+k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, "unexpected "+k)
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		if len(diffs) > 20 {
			diffs = append(diffs[:20], fmt.Sprintf("... and %d more", len(diffs)-20))
		}
		t.Errorf("trees differ (%d files expected, %d found):\n  %s", len(want), len(got), strings.Join(diffs, "\n  "))
	}
}

// s3Error is the XML error document every S3 error response carries.
type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Resource  string   `xml:"Resource"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
}

var errNotS3Error = errors.New("not an S3 error document")

// parseS3Error decodes an S3 <Error> document. It reads at most 64 KiB.
func parseS3Error(body []byte) (s3Error, error) {
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	var e s3Error
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&e); err != nil {
		return s3Error{}, fmt.Errorf("%w: %w", errNotS3Error, err)
	}
	e.Code = strings.TrimSpace(e.Code)
	e.RequestID = strings.TrimSpace(e.RequestID)
	if e.Code == "" {
		return s3Error{}, fmt.Errorf("%w: empty <Code>", errNotS3Error)
	}
	return e, nil
}
