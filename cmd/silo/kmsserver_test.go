package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/kes"
	"github.com/silo-project/silo/kms/kmstest"
)

// kmsFixture is the files a `silo kms server` and its clients need.
type kmsFixture struct {
	dir, serverCert, serverKey, clientCert, clientKey, rootKey string
	clientID                                                   string
}

func newKMSFixture(t *testing.T) kmsFixture {
	t.Helper()
	dir := t.TempDir()
	server := kmstest.NewCert(t, "kms-server", "127.0.0.1")
	client := kmstest.NewCert(t, "silo-client")
	f := kmsFixture{
		dir:        filepath.Join(dir, "keystore"),
		serverCert: filepath.Join(dir, "server.crt"), serverKey: filepath.Join(dir, "server.key"),
		clientCert: filepath.Join(dir, "client.crt"), clientKey: filepath.Join(dir, "client.key"),
		rootKey:  filepath.Join(dir, "root.key"),
		clientID: kes.Identity(client.X509),
	}
	files := map[string][]byte{
		f.serverCert: server.CertPEM, f.serverKey: server.KeyPEM,
		f.clientCert: client.CertPEM, f.clientKey: client.KeyPEM,
		f.rootKey: []byte(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x5e}, 32))),
	}
	for name, data := range files {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

var kmsListenLine = regexp.MustCompile(`listening on (https://\S+)`)

// startKMSServer runs `silo kms server` on address and waits for its
// listening line.
func startKMSServer(t *testing.T, f kmsFixture, address string) *proc {
	t.Helper()
	p := &proc{stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(siloBinary(t), "kms", "server", "--address", address, "--dir", f.dir,
		"--cert", f.serverCert, "--key", f.serverKey, "--identity-cert", f.clientCert)
	p.cmd.Env = cleanEnv("SILO_KMS_ROOT_KEY_FILE=" + f.rootKey)
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
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		select {
		case <-p.done:
			t.Fatalf("kms server exited: %v\nstdout:\n%s\nstderr:\n%s", p.exitErr, p.stdout, p.stderr)
		default:
		}
		if m := kmsListenLine.FindStringSubmatch(p.stdout.String()); m != nil {
			p.endpoint = m[1]
			return p
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("kms server did not start\nstderr:\n%s", p.stderr)
	return nil
}

func (f kmsFixture) client(t *testing.T, endpoints ...string) *kes.Client {
	t.Helper()
	conf, err := kes.ClientTLS(f.clientCert, f.clientKey, f.serverCert)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kes.New(kes.Config{Endpoints: endpoints, DefaultKey: "silo-default-key", TLS: conf, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestKMSServerProcess runs the conformance suite through the KES client
// against a separate `silo kms server` process, then kills the process: the
// client must answer ErrUnavailable at once, and recover, with every key,
// when the server is back on the same address and keystore.
func TestKMSServerProcess(t *testing.T) {
	f := newKMSFixture(t)
	p := startKMSServer(t, f, "127.0.0.1:0")
	c := f.client(t, p.endpoint)
	kmstest.Run(t, c)
	t.Run("client certificate required", func(t *testing.T) {
		roots, err := kes.LoadCAs(f.serverCert)
		if err != nil {
			t.Fatal(err)
		}
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
		if resp, err := hc.Get(p.endpoint + kes.PathStatus); err == nil {
			resp.Body.Close()
			t.Fatalf("a client without a certificate got %s", resp.Status)
		}
		stranger := kmstest.NewCert(t, "stranger")
		hc = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{stranger.TLS}}}}
		resp, err := hc.Get(p.endpoint + kes.PathStatus)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a client not on the allow-list got %s, want 403", resp.Status)
		}
	})

	ctx := context.Background()
	kc := kms.Context{"bucket": "b", "object": "o"}
	if err := c.CreateKey(ctx, "tenant"); err != nil {
		t.Fatal(err)
	}
	dek, err := c.GenerateKey(ctx, "tenant", kc)
	if err != nil {
		t.Fatal(err)
	}

	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
	calls := map[string]func() error{
		"GenerateKey": func() error { _, err := c.GenerateKey(ctx, "tenant", kc); return err },
		"Decrypt":     func() error { _, err := c.Decrypt(ctx, "tenant", dek.Ciphertext, kc); return err },
		"Status":      func() error { _, err := c.Status(ctx); return err },
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		if !errors.Is(err, kms.ErrUnavailable) {
			t.Fatalf("%s with the server down = %v, want ErrUnavailable", name, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v to fail", name, d)
		}
	}

	p2 := startKMSServer(t, f, strings.TrimPrefix(p.endpoint, "https://"))
	if p2.endpoint != p.endpoint {
		t.Fatalf("restarted on %s, want %s", p2.endpoint, p.endpoint)
	}
	plain, err := c.Decrypt(ctx, "tenant", dek.Ciphertext, kc)
	if err != nil || !bytes.Equal(plain, dek.Plaintext) {
		t.Fatalf("Decrypt after restart = %x, %v", plain, err)
	}
	if st, err := c.Status(ctx); err != nil || !st.Online {
		t.Fatalf("Status after restart = %+v, %v", st, err)
	}
	if code := p2.stop(t); code != 0 {
		t.Fatalf("kms server exit code %d after SIGTERM\nstderr:\n%s", code, p2.stderr)
	}
	noCrash(t, p.stderr.String()+p2.stderr.String())
}

// TestSiloWithKMSServer starts `silo server` with SILO_KMS_KES_* pointing at
// a `silo kms server` (one dead endpoint first): the server starts and
// creates its default key on the key server.
func TestSiloWithKMSServer(t *testing.T) {
	f := newKMSFixture(t)
	k := startKMSServer(t, f, "127.0.0.1:0")
	env := cleanEnv("SILO_ROOT_USER=admin", "SILO_ROOT_PASSWORD=password1",
		"SILO_KMS_KES_ENDPOINT=https://127.0.0.1:1,"+k.endpoint,
		"SILO_KMS_KES_CERT_FILE="+f.clientCert, "SILO_KMS_KES_KEY_FILE="+f.clientKey,
		"SILO_KMS_KES_CAPATH="+f.serverCert, "MINIO_KMS_KES_KEY_NAME=deployment-key")
	s := startSilo(t, env, drives(t, 1)...)
	keys, err := f.client(t, k.endpoint).ListKeys(context.Background(), "*")
	if err != nil || !slices.Contains(keys, "deployment-key") {
		t.Fatalf("keys on the key server = %v, %v; want deployment-key created by silo", keys, err)
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("silo exit code %d\nstderr:\n%s", code, s.stderr)
	}
	noCrash(t, s.stderr.String())
}

func TestKMSCommandErrors(t *testing.T) {
	f := newKMSFixture(t)
	base := []string{"kms", "server", "--dir", f.dir, "--cert", f.serverCert, "--key", f.serverKey}
	root := "SILO_KMS_ROOT_KEY_FILE=" + f.rootKey
	cases := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"no identity", base, []string{root}, "no client identity"},
		{"bad identity", append(slices.Clone(base), "--identity", "xyz"), []string{root}, "64 hex digits"},
		{"no root key", append(slices.Clone(base), "--identity", f.clientID), nil, "SILO_KMS_ROOT_KEY"},
		{"no dir", []string{"kms", "server", "--identity", f.clientID}, []string{root}, "--dir"},
		{"unknown sub-command", []string{"kms", "nope"}, nil, "unknown command"},
		{"kes without key name", []string{"server", t.TempDir()}, []string{"SILO_ROOT_USER=admin", "SILO_ROOT_PASSWORD=password1",
			"SILO_KMS_KES_ENDPOINT=https://127.0.0.1:1"}, "SILO_KMS_KES_KEY_NAME"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(siloBinary(t), tc.args...)
			cmd.Env = cleanEnv(tc.env...)
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), tc.want) {
				t.Fatalf("%v: err %v, output %q; want a failure mentioning %q", tc.args, err, out, tc.want)
			}
		})
	}
	t.Run("identity", func(t *testing.T) {
		out, err := exec.Command(siloBinary(t), "kms", "identity", f.clientCert).Output()
		if err != nil || strings.TrimSpace(string(out)) != f.clientID {
			t.Fatalf("kms identity = %q, %v; want %s", out, err, f.clientID)
		}
	})
}
