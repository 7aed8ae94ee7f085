package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Root credentials the servers start with.
const (
	rootUser     = "silo-e2e-root"
	rootPassword = "silo-e2e-secret-0123456789"
	region       = "us-east-1"
)

// suite is what TestMain shares with the tests: the binary, a scratch
// directory and the two lazily started servers. It is the only package-level
// variable; TestMain owns its life cycle.
var suite *testSuite

type testSuite struct {
	root string // scratch directory, removed at the end

	binOnce sync.Once
	bin     string
	binErr  error

	httpOnce sync.Once
	httpSrv  *server
	httpErr  error

	tlsOnce sync.Once
	tlsSrv  *server
	tlsErr  error
}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	root, err := os.MkdirTemp("", "silo-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	suite = &testSuite{root: root}
	code := m.Run()
	if !suite.stop(code != 0) && code == 0 {
		fmt.Fprintln(os.Stderr, "e2e: FAIL: a server did not shut down cleanly on SIGTERM")
		code = 1
	}
	if keep := os.Getenv("SILO_E2E_LOG"); keep != "" {
		suite.copyLogs(keep)
	}
	if err := os.RemoveAll(root); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: cleanup:", err)
	}
	return code
}

// binary returns the silo binary: $SILO_BIN, or ./cmd/silo built once.
func (s *testSuite) binary() (string, error) {
	s.binOnce.Do(func() {
		if p := os.Getenv("SILO_BIN"); p != "" {
			abs, err := filepath.Abs(p)
			if err == nil {
				_, err = os.Stat(abs)
			}
			if err != nil {
				s.binErr = fmt.Errorf("SILO_BIN=%s: %w", p, err)
				return
			}
			s.bin = abs
			return
		}
		modRoot, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			s.binErr = err
			return
		}
		out := filepath.Join(s.root, "silo")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/silo")
		cmd.Dir = modRoot
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			s.binErr = fmt.Errorf("go build ./cmd/silo: %w\n%s", err, b)
			return
		}
		s.bin = out
	})
	return s.bin, s.binErr
}

// httpServer returns the shared plain-HTTP server, starting it on first use.
func httpServer(t testing.TB) *server {
	t.Helper()
	s := suite
	s.httpOnce.Do(func() {
		bin, err := s.binary()
		if err != nil {
			s.httpErr = err
			return
		}
		s.httpSrv, s.httpErr = startServer(bin, filepath.Join(s.root, "http"), false)
	})
	if s.httpErr != nil {
		t.Fatalf("silo (http) not available: %v", s.httpErr)
	}
	return s.httpSrv
}

// tlsServer returns the shared TLS server, starting it on first use.
func tlsServer(t testing.TB) *server {
	t.Helper()
	s := suite
	s.tlsOnce.Do(func() {
		bin, err := s.binary()
		if err != nil {
			s.tlsErr = err
			return
		}
		s.tlsSrv, s.tlsErr = startServer(bin, filepath.Join(s.root, "tls"), true)
	})
	if s.tlsErr != nil {
		t.Fatalf("silo (tls) not available: %v", s.tlsErr)
	}
	return s.tlsSrv
}

// eachServer runs fn as a subtest against the HTTP and the TLS server.
func eachServer(t *testing.T, fn func(t *testing.T, srv *server)) {
	t.Helper()
	for _, c := range []struct {
		name string
		get  func(testing.TB) *server
	}{{"http", httpServer}, {"tls", tlsServer}} {
		t.Run(c.name, func(t *testing.T) {
			fn(t, c.get(t))
		})
	}
}

// stop stops the servers (printing their log tails when failed) and
// reports whether all of them shut down cleanly.
func (s *testSuite) stop(failed bool) bool {
	clean := true
	for _, srv := range []*server{s.httpSrv, s.tlsSrv} {
		if srv == nil {
			continue
		}
		if err := srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: stopping %s: %v\n", srv.name, err)
			failed, clean = true, false
		}
		if failed {
			fmt.Fprintf(os.Stderr, "---- last lines of the %s server log (%s) ----\n%s\n----\n",
				srv.name, srv.logPath, tailFile(srv.logPath, 60))
		}
	}
	return clean
}

func (s *testSuite) copyLogs(dir string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return
	}
	for _, srv := range []*server{s.httpSrv, s.tlsSrv} {
		if srv == nil {
			continue
		}
		b, err := os.ReadFile(srv.logPath)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, srv.name+".log"), b, 0o644)
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(os.Stderr, "e2e:", err)
		}
	}
}
