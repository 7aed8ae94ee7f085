package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/silo-project/silo/kms/kmstest"
)

// kmsServerProc is a running `silo kms server`.
type kmsServerProc struct {
	cmd      *exec.Cmd
	out      *bytes.Buffer
	endpoint string
	exited   chan struct{}
}

var kmsListening = regexp.MustCompile(`listening on (https://\S+)`)

// startKMSServerProc starts `silo kms server` on address with the keystore
// in dir and waits for it to listen.
func startKMSServerProc(t *testing.T, bin, dir, address string, files map[string]string) *kmsServerProc {
	t.Helper()
	logf, err := os.OpenFile(filepath.Join(dir, "kms.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	p := &kmsServerProc{out: &bytes.Buffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "kms", "server", "--address", address, "--dir", filepath.Join(dir, "keystore"),
		"--cert", files["server.crt"], "--key", files["server.key"], "--identity-cert", files["client.crt"])
	p.cmd.Env = serverEnv([]string{"SILO_KMS_ROOT_KEY_FILE=" + files["root.key"]})
	pr, pw := io.Pipe()
	p.cmd.Stdout = io.MultiWriter(logf, pw)
	p.cmd.Stderr = logf
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); logf.Close(); pw.Close(); close(p.exited) }()
	t.Cleanup(p.kill)
	found := make(chan string, 1)
	go func() {
		b := make([]byte, 4096)
		var seen []byte
		for {
			n, err := pr.Read(b)
			seen = append(seen, b[:n]...)
			if m := kmsListening.FindSubmatch(seen); m != nil {
				found <- string(m[1])
				_, _ = io.Copy(io.Discard, pr)
				return
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case p.endpoint = <-found:
		return p
	case <-p.exited:
		t.Fatalf("kms server exited at start; log:\n%s", tailFile(filepath.Join(dir, "kms.log"), 20))
	case <-time.After(30 * time.Second):
		t.Fatal("kms server did not start")
	}
	return nil
}

func (p *kmsServerProc) kill() {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// writeKMSFiles writes to dir the files a `silo kms server` and its
// clients need: server and client certificates and keys (the client's
// identity is allowed) and the root key; it returns their paths by name.
func writeKMSFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	server, client := kmstest.NewCert(t, "kms", "127.0.0.1"), kmstest.NewCert(t, "silo")
	files := map[string]string{}
	for name, data := range map[string][]byte{
		"server.crt": server.CertPEM, "server.key": server.KeyPEM,
		"client.crt": client.CertPEM, "client.key": client.KeyPEM,
		"root.key": []byte(base64.StdEncoding.EncodeToString(randomData(32, 9001))),
	} {
		files[name] = filepath.Join(dir, name)
		if err := os.WriteFile(files[name], data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// kesClientEnv is the silo environment of a KES client of endpoint with
// the default key silo-sse.
func kesClientEnv(files map[string]string, endpoint string) []string {
	return []string{"SILO_KMS_KES_ENDPOINT=" + endpoint, "SILO_KMS_KES_KEY_NAME=silo-sse",
		"SILO_KMS_KES_CERT_FILE=" + files["client.crt"], "SILO_KMS_KES_KEY_FILE=" + files["client.key"],
		"SILO_KMS_KES_CAPATH=" + files["server.crt"]}
}

// kmsDeployment is a silo server whose key service is a separate
// `silo kms server` process.
type kmsDeployment struct {
	bin, dir string
	files    map[string]string
	ks       *kmsServerProc
	srv      *server
}

// startKMSDeployment starts a key server and a silo using it through the
// KES client (over TLS when useTLS), both stopped when the test ends.
func startKMSDeployment(t *testing.T, name string, useTLS bool) *kmsDeployment {
	t.Helper()
	bin, err := suite.binary()
	if err != nil {
		t.Fatalf("silo binary: %v", err)
	}
	d := &kmsDeployment{bin: bin, dir: filepath.Join(suite.root, name)}
	d.files = writeKMSFiles(t, d.dir)
	d.ks = startKMSServerProc(t, bin, d.dir, "127.0.0.1:0", d.files)
	d.srv, err = startServerEnv(bin, filepath.Join(d.dir, "silo"), useTLS, append(defaultServerEnv(), kesClientEnv(d.files, d.ks.endpoint)...))
	if err != nil {
		t.Fatalf("start silo with the KES client: %v", err)
	}
	t.Cleanup(func() {
		if err := d.srv.stop(); err != nil {
			t.Errorf("stop silo: %v", err)
		}
	})
	return d
}

// TestKMSServerOutage runs silo against a separate `silo kms server`
// process (KES API, mutual TLS) and kills the key server while silo runs:
// requests that need a key fail with 503 at once and write nothing,
// requests that need none still work, and everything works again when
// the key server is back.
func TestKMSServerOutage(t *testing.T) {
	t.Parallel()
	d := startKMSDeployment(t, "kms-outage", false)
	bin, dir, files, ks, srv := d.bin, d.dir, d.files, d.ks, d.srv
	ctx := context.Background()
	c := newMinioClient(t, srv, false)
	bucket := uniqueBucket(t, "kmsout")
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	sse := minio.PutObjectOptions{ServerSideEncryption: encrypt.NewSSE()}
	data := randomData(200_000, 91)
	if _, err := c.PutObject(ctx, bucket, "before", bytes.NewReader(data), int64(len(data)), sse); err != nil {
		t.Fatalf("SSE-S3 PUT with the key server up: %v", err)
	}
	minioAssertObject(t, c, bucket, "before", data)

	// Keys created through silo's KMS API land on the key server.
	if status, body := kmsAdminCall(t, srv, http.MethodPost, "/minio/kms/v1/key/create?key-id=tenant"); status != http.StatusOK {
		t.Fatalf("create a key through silo: %d %s", status, body)
	}
	if status, body := kmsAdminCall(t, srv, http.MethodGet, "/minio/kms/v1/key/list?pattern=*"); status != http.StatusOK ||
		!bytes.Contains(body, []byte(`"name":"tenant"`)) || !bytes.Contains(body, []byte(`"name":"silo-sse"`)) {
		t.Fatalf("key list through silo: %d %s; want tenant and the default key silo-sse", status, body)
	}

	ks.kill()
	if status, body := kmsAdminCall(t, srv, http.MethodGet, "/minio/kms/v1/status"); status != http.StatusOK ||
		!bytes.Contains(body, []byte(`"offline"`)) {
		t.Fatalf("KMS status with the key server down: %d %s; want the endpoint offline", status, body)
	}
	if status, body := kmsAdminCall(t, srv, http.MethodGet, "/minio/kms/v1/key/status?key-id=tenant"); status != http.StatusOK ||
		!bytes.Contains(body, []byte(`"encryption-error"`)) {
		t.Fatalf("key status with the key server down: %d %s; want an encryption error", status, body)
	}
	for i, try := range []func() error{
		func() error {
			_, err := c.PutObject(ctx, bucket, "during", bytes.NewReader(data), int64(len(data)), sse)
			return err
		},
		func() error {
			r, err := c.GetObject(ctx, bucket, "before", minio.GetObjectOptions{})
			if err == nil {
				_, err = io.ReadAll(r)
				r.Close()
			}
			return err
		},
	} {
		start := time.Now()
		err := try()
		if resp := minio.ToErrorResponse(err); resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("request %d with the key server down: %v (status %d), want 503", i, err, resp.StatusCode)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("request %d took %v to fail", i, d)
		}
	}
	if _, err := c.StatObject(ctx, bucket, "during", minio.StatObjectOptions{}); minio.ToErrorResponse(err).Code != "NoSuchKey" {
		t.Fatalf("the refused PUT left an object: %v", err)
	}
	if _, err := c.PutObject(ctx, bucket, "plain", strings.NewReader("no key needed"), 13, minio.PutObjectOptions{}); err != nil {
		t.Fatalf("plain PUT with the key server down: %v", err)
	}

	back := startKMSServerProc(t, bin, dir, strings.TrimPrefix(ks.endpoint, "https://"), files)
	if back.endpoint != ks.endpoint {
		t.Fatalf("key server back on %s, want %s", back.endpoint, ks.endpoint)
	}
	minioAssertObject(t, c, bucket, "before", data)
	if _, err := c.PutObject(ctx, bucket, "after", bytes.NewReader(data), int64(len(data)), sse); err != nil {
		t.Fatalf("SSE-S3 PUT after the key server came back: %v", err)
	}
	minioAssertObject(t, c, bucket, "after", data)
}

// TestKMSServerSSEKMS: a TLS silo using a `silo kms server` process; mc
// creates a master key through silo, writes an SSE-KMS object under it and
// reads it back; an unknown key is refused.
func TestKMSServerSSEKMS(t *testing.T) {
	t.Parallel()
	srv := startKMSDeployment(t, "kms-ssekms", true).srv
	run, must := mcRunner(t, srv)
	must("admin", "kms", "key", "create", "silo", "tenant-key")
	if r := must("admin", "kms", "key", "list", "silo"); !strings.Contains(r.stdout, "tenant-key") || !strings.Contains(r.stdout, "silo-sse") {
		t.Fatalf("mc admin kms key list:\n%s", r.stdout)
	}
	data := t.TempDir()
	file := filepath.Join(data, "in.bin")
	sum := writeRandomFile(t, file, 2*mib+77, 9002)
	b := "silo/" + uniqueBucket(t, "ssekes")
	must("mb", b)
	must("cp", "--enc-kms", b+"/obj.bin=tenant-key", file, b+"/obj.bin")
	out := filepath.Join(data, "out.bin")
	must("cp", b+"/obj.bin", out)
	if got := fileSHA256(t, out); got != sum {
		t.Fatalf("SSE-KMS object read back: sha %s, want %s", got, sum)
	}
	if r := must("stat", b+"/obj.bin"); !strings.Contains(r.stdout, "tenant-key") {
		t.Errorf("mc stat does not name the key tenant-key:\n%s", r.stdout)
	}
	if r := run("cp", "--enc-kms", b+"/bad.bin=no-such-key", file, b+"/bad.bin"); r.err == nil {
		t.Fatalf("SSE-KMS with an unknown key succeeded:\n%s", r)
	}
	if r := run("stat", b+"/bad.bin"); r.err == nil {
		t.Fatalf("the refused SSE-KMS upload left an object:\n%s", r)
	}
}
