package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// server is one running silo process with fresh drives.
type server struct {
	name     string // "http" or "tls"
	dir      string // scratch: drives, certs, log
	host     string // 127.0.0.1:PORT
	endpoint string // http(s)://127.0.0.1:PORT
	tls      bool
	caFile   string         // PEM of the private CA (TLS only)
	caPool   *x509.CertPool // the same CA (TLS only)
	client   *http.Client   // trusts caPool
	logPath  string
	settings []string // SILO_*/MINIO_* environment of the process

	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has exited
	exitErr error         // valid after exited is closed
}

// vhostDomain is the servers' virtual-host domain (SILO_DOMAIN): requests for
// <bucket>.s3.silo.test are virtual-host style. Clients reach it through a
// dialer that sends every connection to the server (vhostClient).
const vhostDomain = "s3.silo.test"

const (
	startTimeout = 60 * time.Second
	stopTimeout  = 20 * time.Second
)

// startServer starts silo on a free loopback port with four fresh drives under
// dir; with useTLS it first writes a private CA and a server certificate to
// dir/certs. It retries on a port collision.
func startServer(bin, dir string, useTLS bool) (*server, error) {
	return startServerEnv(bin, dir, useTLS, defaultServerEnv())
}

// startServerEnv is startServer with settings env (SILO_*/MINIO_* pairs)
// instead of the default root credentials and domain.
func startServerEnv(bin, dir string, useTLS bool, env []string) (*server, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	srv := &server{name: "http", dir: dir, tls: useTLS, logPath: filepath.Join(dir, "silo.log"), settings: env}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if useTLS {
		srv.name = "tls"
		ca, err := writeCerts(filepath.Join(dir, "certs"))
		if err != nil {
			return nil, fmt.Errorf("start server: %w", err)
		}
		srv.caFile = ca.caFile
		srv.caPool = ca.pool
		transport.TLSClientConfig = &tls.Config{RootCAs: ca.pool, MinVersion: tls.VersionTLS12}
	}
	srv.client = &http.Client{Transport: transport, Timeout: 2 * time.Minute}

	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, fmt.Errorf("start server: %w", err)
		}
		srv.host = fmt.Sprintf("127.0.0.1:%d", port)
		scheme := "http"
		if useTLS {
			scheme = "https"
		}
		srv.endpoint = scheme + "://" + srv.host
		lastErr = srv.launch(bin)
		if lastErr == nil {
			return srv, nil
		}
		if !strings.Contains(lastErr.Error(), "address already in use") {
			break
		}
	}
	return nil, lastErr
}

// launch runs the binary once and waits for /minio/health/live.
func (s *server) launch(bin string) error {
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("launch: %w", err)
	}
	args := []string{"server", "--address", s.host}
	if s.tls {
		args = append(args, "--certs-dir", filepath.Join(s.dir, "certs"))
	}
	// The ellipsis is expanded by silo itself, as MinIO does.
	args = append(args, filepath.Join(s.dir, "drive{1...4}"))
	cmd := exec.Command(bin, args...)
	cmd.Env = serverEnv(s.settings)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	fmt.Fprintf(logf, "==== %s %s\n", bin, strings.Join(args, " "))
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("launch %s: %w", bin, err)
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go func() {
		s.exitErr = cmd.Wait()
		logf.Close()
		close(s.exited)
	}()

	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("silo exited during start-up (%v); log tail:\n%s", s.exitErr, tailFile(s.logPath, 30))
		default:
		}
		if s.healthy("live") {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = s.stop()
	return fmt.Errorf("silo not live at %s after %v; log tail:\n%s", s.endpoint, startTimeout, tailFile(s.logPath, 30))
}

// defaultServerEnv holds the settings of the shared servers.
func defaultServerEnv() []string {
	return []string{"SILO_ROOT_USER=" + rootUser, "SILO_ROOT_PASSWORD=" + rootPassword, "SILO_DOMAIN=" + vhostDomain}
}

// serverEnv is the process environment without any inherited SILO_/MINIO_
// settings, plus settings.
func serverEnv(settings []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SILO_") || strings.HasPrefix(kv, "MINIO_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, settings...)
}

// healthy reports whether GET /minio/health/<which> answers 200.
func (s *server) healthy(which string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.endpoint+"/minio/health/"+which, nil)
	if err != nil {
		return false
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// alive reports whether the process is still running.
func (s *server) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM and waits; it kills the process group after stopTimeout.
func (s *server) stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	select {
	case <-s.exited:
		return fmt.Errorf("silo had already exited: %v", s.exitErr)
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("SIGTERM: %w", err)
	}
	select {
	case <-s.exited:
		var ee *exec.ExitError
		if s.exitErr != nil && !errors.As(s.exitErr, &ee) {
			return s.exitErr
		}
		if ee != nil && !ee.Success() {
			// A clean shutdown on SIGTERM should exit 0; report but do not hide it.
			return fmt.Errorf("silo exited with %v after SIGTERM", s.exitErr)
		}
		return nil
	case <-time.After(stopTimeout):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
		return fmt.Errorf("silo did not stop within %v of SIGTERM; killed", stopTimeout)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailFile returns the last n lines of a file, for diagnostics.
func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
