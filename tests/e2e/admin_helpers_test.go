package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/signer"
)

// adminMC runs mc against srv with its own config directory (the CA of a
// TLS server installed) and the alias "silo" for root.
type adminMC struct {
	t   *testing.T
	bin string
	cfg string
	env []string
	srv *server
}

func newAdminMC(t *testing.T, srv *server) *adminMC {
	t.Helper()
	m := &adminMC{t: t, srv: srv}
	m.bin, m.cfg, m.env = mcConfig(t, srv)
	m.must("alias", "set", "silo", srv.endpoint, rootUser, rootPassword, "--api", "S3v4", "--path", "on")
	return m
}

func (m *adminMC) run(args ...string) result {
	m.t.Helper()
	return runCmd(m.t, m.env, "", m.bin, append([]string{"--config-dir", m.cfg, "--no-color", "--disable-pager"}, args...)...)
}

func (m *adminMC) must(args ...string) string {
	m.t.Helper()
	r := m.run(args...)
	if r.err != nil {
		m.t.Fatalf("mc %s failed:\n%s", strings.Join(args, " "), r)
	}
	return r.stdout
}

// fails runs a command that must fail with a message containing want.
func (m *adminMC) fails(want string, args ...string) {
	m.t.Helper()
	r := m.run(args...)
	if r.err == nil || !strings.Contains(r.stdout+r.stderr, want) {
		m.t.Fatalf("mc %s: want a failure mentioning %q, got:\n%s", strings.Join(args, " "), want, r)
	}
}

// json runs an mc --json command and decodes its single JSON line.
func (m *adminMC) json(v any, args ...string) {
	m.t.Helper()
	r := m.run(append(args, "--json")...)
	if r.err != nil {
		m.t.Fatalf("mc %s --json failed:\n%s", strings.Join(args, " "), r)
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), v); err != nil {
		m.t.Fatalf("mc %s --json: %v in:\n%s", strings.Join(args, " "), err, r)
	}
}

// jsonLines runs an mc --json command and decodes every output line.
func (m *adminMC) jsonLines(args ...string) []map[string]any {
	m.t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(m.must(append(args, "--json")...)), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			m.t.Fatalf("mc %s --json: %v in %q", strings.Join(args, " "), err, line)
		}
		out = append(out, v)
	}
	return out
}

func (m *adminMC) writeFile(name, content string) string {
	m.t.Helper()
	p := filepath.Join(m.t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		m.t.Fatal(err)
	}
	return p
}

// startAdminServer starts a server of its own: the admin tests create
// users and stop or restart the process.
func startAdminServer(t *testing.T, name string, useTLS bool) *server {
	t.Helper()
	return startOwnServer(t, name, useTLS, defaultServerEnv())
}

// startOwnServer starts a server of the test's own with settings env, on
// drives under suite.root/name; it is stopped at the end of the test (its
// log tail shown when the test failed). srv.launch(bin) restarts it.
func startOwnServer(t *testing.T, name string, useTLS bool, env []string) *server {
	t.Helper()
	bin, err := suite.binary()
	if err != nil {
		t.Fatalf("silo binary: %v", err)
	}
	srv, err := startServerEnv(bin, filepath.Join(suite.root, name), useTLS, env)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		if srv.alive() {
			if err := srv.stop(); err != nil {
				t.Errorf("stop: %v", err)
			}
		}
		if t.Failed() {
			t.Logf("server log tail:\n%s", tailFile(srv.logPath, 40))
		}
	})
	return srv
}

// minioAs returns a minio-go client with the given credentials.
func minioAs(t *testing.T, srv *server, ak, sk string) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.host, &minio.Options{Creds: credentials.NewStaticV4(ak, sk, ""), Secure: srv.tls,
		Transport: srv.client.Transport, Region: region, BucketLookup: minio.BucketLookupPath, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// canPut reports whether c may upload to bucket/key; a refusal must be
// AccessDenied with HTTP 403.
func canPut(t *testing.T, c *minio.Client, bucket, key string) bool {
	t.Helper()
	_, err := c.PutObject(context.Background(), bucket, key, strings.NewReader("data"), 4, minio.PutObjectOptions{})
	if err == nil {
		return true
	}
	resp := minio.ToErrorResponse(err)
	if resp.StatusCode != http.StatusForbidden || (resp.Code != "AccessDenied" && resp.Code != "InvalidAccessKeyId") {
		t.Fatalf("PUT %s/%s: want 403 AccessDenied or InvalidAccessKeyId, got %d %s (%v)", bucket, key, resp.StatusCode, resp.Code, err)
	}
	return false
}

// adminCall sends one admin API request signed by the given credentials.
func adminCall(t *testing.T, srv *server, ak, sk, method, api string, body []byte) (int, map[string]string) {
	t.Helper()
	return adminCallToken(t, srv, ak, sk, "", method, api, body)
}

// adminCallToken is adminCall with temporary credentials' session token.
func adminCallToken(t *testing.T, srv *server, ak, sk, token, method, api string, body []byte) (int, map[string]string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.endpoint+"/minio/admin/v3/"+api, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	req = signer.SignV4(*req, ak, sk, token, "")
	resp, err := srv.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e map[string]string
	if resp.StatusCode >= 300 {
		if err := json.Unmarshal(b, &e); err != nil || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s %s: %d with a non-JSON error %q", method, api, resp.StatusCode, b)
		}
	}
	return resp.StatusCode, e
}

// mcConfig returns the mc binary, a private config dir that trusts srv's CA
// (when srv speaks TLS) and the environment to run mc with.
func mcConfig(t *testing.T, srv *server) (bin, cfgDir string, env []string) {
	t.Helper()
	bin, cfgDir = requireTool(t, mcPath(t)), t.TempDir()
	if srv.tls {
		ca, err := os.ReadFile(srv.caFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(cfgDir, "certs", "CAs"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cfgDir, "certs", "CAs", "silo-e2e-ca.crt"), ca, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return bin, cfgDir, clientEnv(t.TempDir(), "MC_CONFIG_DIR="+cfgDir, "MC_NO_COLOR=1")
}
