package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// These tests build the real binary and drive it as an operator would.

var buildOnce struct {
	sync.Once
	path string
	err  error
}

// siloBinary builds ./cmd/silo once per test run.
func siloBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "silo-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "silo")
		cmd := exec.Command("go", "build", "-ldflags", "-X main.version=test-1.2.3", "-o", buildOnce.path, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

// cleanEnv is the environment without inherited SILO_/MINIO_ variables.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SILO_") && !strings.HasPrefix(kv, "MINIO_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is a running silo server.
type proc struct {
	cmd      *exec.Cmd
	stdout   *syncBuffer
	stderr   *syncBuffer
	endpoint string
	done     chan struct{}
	exitErr  error
}

var apiLine = regexp.MustCompile(`API:\s+(https?://\S+)`)

// startSilo starts the binary on a free loopback port and waits until
// /minio/health/live answers 200.
func startSilo(t *testing.T, env []string, drives ...string) *proc {
	t.Helper()
	return startSiloWith(t, env, http.DefaultClient, append([]string{"server", "--address", "127.0.0.1:0"}, drives...))
}

// startSiloWith starts the binary with args and polls health with client.
func startSiloWith(t *testing.T, env []string, client *http.Client, args []string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(siloBinary(t), args...), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exitErr = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("silo exited early: %v\nstdout:\n%s\nstderr:\n%s", p.exitErr, p.stdout, p.stderr)
		default:
		}
		if m := apiLine.FindStringSubmatch(p.stdout.String()); m != nil {
			p.endpoint = m[1]
			if resp, err := client.Get(p.endpoint + "/minio/health/live"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return p
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("silo not healthy in time\nstdout:\n%s\nstderr:\n%s", p.stdout, p.stderr)
	return nil
}

// stop sends SIGTERM and returns the exit code.
func (p *proc) stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("silo did not exit after SIGTERM\nstderr:\n%s", p.stderr)
	}
	return p.cmd.ProcessState.ExitCode()
}

func noCrash(t *testing.T, stderr string) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic:", "runtime error"} {
		if strings.Contains(stderr, bad) {
			t.Fatalf("stderr contains %q:\n%s", bad, stderr)
		}
	}
}

func drives(t *testing.T, n int) []string {
	root := t.TempDir()
	var d []string
	for i := 1; i <= n; i++ {
		d = append(d, filepath.Join(root, fmt.Sprintf("drive%d", i)))
	}
	return d
}

func TestBinaryVersionAndHelp(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{args: []string{"--version"}, want: "silo version test-1.2.3\n"},
		{args: []string{"version"}, want: "silo version test-1.2.3\n"},
		{args: []string{"help"}, want: "silo server [--address HOST:PORT]"},
		{args: []string{"server", "--help"}, want: "MINIO_ROOT_USER"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := exec.Command(siloBinary(t), tt.args...).Output()
			if err != nil {
				t.Fatalf("%v: %v", tt.args, err)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Fatalf("output %q does not contain %q", out, tt.want)
			}
		})
	}
}

func TestBinaryBadArgs(t *testing.T) {
	good := []string{"SILO_ROOT_USER=admin", "SILO_ROOT_PASSWORD=password1"}
	file := filepath.Join(t.TempDir(), "plainfile")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	busy := startSilo(t, cleanEnv(good...), drives(t, 1)...)
	busyAddr := strings.TrimPrefix(busy.endpoint, "http://")

	tests := []struct {
		name    string
		args    []string
		env     []string
		want    string
		oneLine bool // nothing else on stderr (fails before logging starts)
	}{
		{name: "unknown command", args: []string{"serve"}, env: good, want: "unknown command", oneLine: true},
		{name: "unknown flag", args: []string{"server", "--bogus", "/tmp/x"}, env: good, want: "-bogus", oneLine: true},
		{name: "mismatched ellipsis", args: []string{"server", "/tmp/d{1...}"}, env: good, want: "ellipsis", oneLine: true},
		{name: "no drives", args: []string{"server"}, env: good, want: "no drives", oneLine: true},
		{name: "short password", args: []string{"server", "/tmp/d"}, env: []string{"SILO_ROOT_USER=admin", "SILO_ROOT_PASSWORD=short"}, want: "at least 8", oneLine: true},
		{name: "default credentials", args: []string{"server", "/tmp/d"}, env: []string{"MINIO_ROOT_USER=minioadmin", "MINIO_ROOT_PASSWORD=minioadmin"}, want: "refused", oneLine: true},
		{name: "drive is a file", args: []string{"server", "--address", "127.0.0.1:0", file}, env: good, want: "silo: "},
		{name: "address in use", args: []string{"server", "--address", busyAddr, drives(t, 1)[0]}, env: good, want: "listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(siloBinary(t), tt.args...)
			cmd.Env = cleanEnv(tt.env...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if err == nil || cmd.ProcessState.ExitCode() == 0 {
				t.Fatalf("exit status 0, want non-zero; stderr:\n%s", stderr.String())
			}
			noCrash(t, stderr.String())
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			var errLines []string
			for _, l := range lines {
				if strings.HasPrefix(l, "silo: ") {
					errLines = append(errLines, l)
				}
			}
			if len(errLines) != 1 || !strings.Contains(errLines[0], tt.want) {
				t.Fatalf("want one 'silo: ' line containing %q, got stderr:\n%s", tt.want, stderr.String())
			}
			if tt.oneLine && len(lines) != 1 {
				t.Fatalf("want exactly one stderr line, got:\n%s", stderr.String())
			}
		})
	}
	if code := busy.stop(t); code != 0 {
		t.Fatalf("exit code %d after SIGTERM", code)
	}
}

// TestBinaryForeignDrive mixes drives of two deployments: the engine refuses.
func TestBinaryForeignDrive(t *testing.T) {
	env := cleanEnv("SILO_ROOT_USER=admin", "SILO_ROOT_PASSWORD=password1")
	a, b := drives(t, 2), drives(t, 2)
	for _, set := range [][]string{a, b} {
		p := startSilo(t, env, set...)
		if code := p.stop(t); code != 0 {
			t.Fatalf("exit code %d", code)
		}
	}
	cmd := exec.Command(siloBinary(t), "server", "--address", "127.0.0.1:0", a[0], b[1])
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("mixed deployments accepted; stderr:\n%s", stderr.String())
		}
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("mixed deployments: server kept running; stderr:\n%s", stderr.String())
	}
	noCrash(t, stderr.String())
	if !strings.Contains(stderr.String(), "silo: ") {
		t.Fatalf("no error line:\n%s", stderr.String())
	}
}

func TestBinaryStartupAndGeneratedCredentials(t *testing.T) {
	d := drives(t, 4)
	env := cleanEnv()
	p := startSilo(t, env, d[0][:len(d[0])-1]+"{1...4}")
	out := p.stdout.String()
	for _, want := range []string{"Silo test-1.2.3", "API:", "Drives:      4", "Erasure:", "TLS:         off",
		"mc alias set silo " + p.endpoint, "aws --endpoint-url " + p.endpoint + " s3 ls"} {
		if !strings.Contains(out, want) {
			t.Errorf("startup output lacks %q:\n%s", want, out)
		}
	}
	m := regexp.MustCompile(`RootPassword: (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no generated password in output:\n%s", out)
	}
	secret := m[1]
	credFile := filepath.Join(d[0], ".silo.sys", "root-credentials.json")
	st, err := os.Stat(credFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v, mode %v", err, st.Mode().Perm())
	}
	if strings.Contains(p.stderr.String(), secret) {
		t.Fatal("secret key appears in the logs")
	}
	if out, err := exec.Command(siloBinary(t), "healthcheck", "--url", p.endpoint+"/minio/health/live").CombinedOutput(); err != nil {
		t.Fatalf("silo healthcheck: %v: %s", err, out)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d after SIGTERM; stderr:\n%s", code, p.stderr)
	}
	noCrash(t, p.stderr.String())

	// Second start: same pair, not printed, location shown.
	p = startSilo(t, env, d...)
	out = p.stdout.String()
	if strings.Contains(out, secret) || strings.Contains(p.stderr.String(), secret) {
		t.Fatalf("second start printed the secret:\n%s", out)
	}
	if !strings.Contains(out, credFile) {
		t.Fatalf("second start does not say where the credentials are:\n%s", out)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

// slowReader yields n bytes in small pieces over roughly d.
type slowReader struct {
	left  int
	pause time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.pause)
	n := min(len(p), s.left, 4096)
	for i := range p[:n] {
		p[i] = 'a'
	}
	s.left -= n
	return n, nil
}

// signedRequest signs req for the root user with UNSIGNED-PAYLOAD.
func signedRequest(t *testing.T, req *http.Request) *http.Request {
	t.Helper()
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	err := v4.NewSigner().SignHTTP(context.Background(),
		aws.Credentials{AccessKeyID: "admin", SecretAccessKey: "password1"},
		req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestBinaryDrainOnSIGTERM starts a slow upload, sends SIGTERM while it is in
// flight, and checks that the upload completes and the server exits 0.
func TestBinaryDrainOnSIGTERM(t *testing.T) {
	p := startSilo(t, cleanEnv("SILO_ROOT_USER=admin", "SILO_ROOT_PASSWORD=password1"), drives(t, 4)...)
	req, _ := http.NewRequest(http.MethodPut, p.endpoint+"/drain-bucket", nil)
	resp, err := http.DefaultClient.Do(signedRequest(t, req))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create bucket: %s", resp.Status)
	}

	const size = 64 << 10
	req, _ = http.NewRequest(http.MethodPut, p.endpoint+"/drain-bucket/obj", &slowReader{left: size, pause: 100 * time.Millisecond})
	req.ContentLength = size
	result := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(signedRequest(t, req))
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("upload: %s %s", resp.Status, body)
			}
		}
		result <- err
	}()
	time.Sleep(500 * time.Millisecond) // the upload is now in flight
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-result; err != nil {
		t.Fatalf("in-flight upload failed during shutdown: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, p.stderr)
	}
	noCrash(t, p.stderr.String())
	sc := bufio.NewScanner(strings.NewReader(p.stderr.String()))
	for sc.Scan() {
		if strings.Contains(sc.Text(), "level=ERROR") {
			t.Errorf("error logged during graceful shutdown: %s", sc.Text())
		}
	}
}
