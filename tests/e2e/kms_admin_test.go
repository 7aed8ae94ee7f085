package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	"github.com/minio/minio-go/v7/pkg/signer"
)

// TestMCAdminKMS drives `mc admin kms key create|list|status` against a
// server running the embedded key service, restarts the server and checks
// the created key is still there; then against a static key, which cannot
// create keys.
func TestMCAdminKMS(t *testing.T) {
	t.Parallel()
	bin, err := suite.binary()
	if err != nil {
		t.Fatalf("silo binary: %v", err)
	}
	root := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x6b}, 32))

	type mcKeys struct {
		Status string   `json:"status"`
		Keys   []string `json:"keys"`
	}
	type mcKeyStatus struct {
		Status string `json:"status"`
		KeyID  string `json:"keyId"`
	}
	listKeys := func(t *testing.T, m *iamMC) []string {
		t.Helper()
		var keys mcKeys
		r := m.must("admin", "kms", "key", "list", "local", "--json")
		if err := json.Unmarshal([]byte(firstLine(r.stdout)), &keys); err != nil || keys.Status != "success" {
			t.Fatalf("key list --json: %v\n%s", err, r)
		}
		return keys.Keys
	}

	t.Run("embedded", func(t *testing.T) {
		srv, err := startServerEnv(bin, filepath.Join(suite.root, "kms-admin"), false,
			append(defaultServerEnv(), "SILO_KMS_ROOT_KEY="+root, "SILO_KMS_DEFAULT_KEY=deploy-key"))
		if err != nil {
			t.Fatalf("start with the embedded key service: %v", err)
		}
		defer func() {
			if err := srv.stop(); err != nil {
				t.Errorf("stop: %v", err)
			}
		}()
		m := newIAMMC(t, srv)
		run, must := m.run, m.must

		var st mcKeyStatus
		r := must("admin", "kms", "key", "status", "local", "--json")
		if err := json.Unmarshal([]byte(firstLine(r.stdout)), &st); err != nil || st.Status != "success" || st.KeyID != "deploy-key" {
			t.Fatalf("key status of the default key: %+v, %v\n%s", st, err, r)
		}
		must("admin", "kms", "key", "create", "local", "tenant-a")
		r = run("admin", "kms", "key", "create", "local", "tenant-a")
		if r.err == nil || !strings.Contains(r.stderr+r.stdout, "already exists") {
			t.Fatalf("creating an existing key: want an 'already exists' failure, got:\n%s", r)
		}
		r = run("admin", "kms", "key", "create", "local", "bad/name")
		if r.err == nil {
			t.Fatalf("creating a key with an invalid name succeeded:\n%s", r)
		}
		if keys := listKeys(t, m); !slices.Equal(keys, []string{"deploy-key", "tenant-a"}) {
			t.Fatalf("key list = %v, want [deploy-key tenant-a]", keys)
		}
		r = must("admin", "kms", "key", "status", "local", "tenant-a")
		if !strings.Contains(r.stdout, "tenant-a") || strings.Count(r.stdout, "✔") != 2 {
			t.Fatalf("key status tenant-a: want encryption and decryption ✔:\n%s", r.stdout)
		}
		r = run("admin", "kms", "key", "status", "local", "missing-key")
		if !strings.Contains(r.stdout+r.stderr, "✗") && r.err == nil {
			t.Fatalf("key status of a missing key reports no failure:\n%s", r)
		}

		// The keys live on the drives: a restarted server still has them.
		if err := srv.stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		if err := srv.launch(bin); err != nil {
			t.Fatalf("restart: %v", err)
		}
		if keys := listKeys(t, m); !slices.Equal(keys, []string{"deploy-key", "tenant-a"}) {
			t.Fatalf("key list after restart = %v, want [deploy-key tenant-a]", keys)
		}
	})

	t.Run("static key", func(t *testing.T) {
		srv, err := startServerEnv(bin, filepath.Join(suite.root, "kms-static"), false,
			append(defaultServerEnv(), "MINIO_KMS_SECRET_KEY=my-minio-key:"+root))
		if err != nil {
			t.Fatalf("start with a static key: %v", err)
		}
		defer func() {
			if err := srv.stop(); err != nil {
				t.Errorf("stop: %v", err)
			}
		}()
		m := newIAMMC(t, srv)
		if keys := listKeys(t, m); !slices.Equal(keys, []string{"my-minio-key"}) {
			t.Fatalf("key list = %v, want [my-minio-key]", keys)
		}
		r := m.run("admin", "kms", "key", "create", "local", "another")
		if r.err == nil || !strings.Contains(r.stderr+r.stdout, "cannot") {
			t.Fatalf("creating a key on a static key service: want a refusal, got:\n%s", r)
		}
	})

	t.Run("no key service", func(t *testing.T) {
		run := newIAMMC(t, httpServer(t)).run
		r := run("admin", "kms", "key", "list", "local")
		if r.err == nil || !strings.Contains(r.stderr+r.stdout, "No key service") {
			t.Fatalf("key list without a key service: want a 'No key service' failure, got:\n%s", r)
		}
	})
}

// kmsAdminCall sends a signed request to an admin or KMS API path and
// returns the status and body.
func kmsAdminCall(t *testing.T, srv *server, method, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.endpoint+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(nil)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	req = signer.SignV4(*req, rootUser, rootPassword, "", "")
	resp, err := srv.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestKMSKeyRotation writes SSE-S3 objects (and one in the clear) with
// minio-go, re-seals their object keys under a new master key with the
// rotation admin call, deletes the old master key, and reads the objects
// back byte for byte: only the new key can open them now, and their data
// was not rewritten (same ETag and modification time).
func TestKMSKeyRotation(t *testing.T) {
	t.Parallel()
	bin, err := suite.binary()
	if err != nil {
		t.Fatalf("silo binary: %v", err)
	}
	root := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x72}, 32))
	srv, err := startServerEnv(bin, filepath.Join(suite.root, "kms-rotate"), false,
		append(defaultServerEnv(), "SILO_KMS_ROOT_KEY="+root, "SILO_KMS_DEFAULT_KEY=old-key"))
	if err != nil {
		t.Fatalf("start with the embedded key service: %v", err)
	}
	defer func() {
		if err := srv.stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	ctx := context.Background()
	c := newMinioClient(t, srv, false)
	bucket := uniqueBucket(t, "rotate")
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	objects := map[string][]byte{"a.bin": randomData(70_000, 81), "dir/b.bin": randomData(3*mib+5, 82)}
	before := map[string]minio.ObjectInfo{}
	for key, data := range objects {
		if _, err := c.PutObject(ctx, bucket, key, bytes.NewReader(data), int64(len(data)),
			minio.PutObjectOptions{ServerSideEncryption: encrypt.NewSSE()}); err != nil {
			t.Fatalf("PutObject %s with SSE-S3: %v", key, err)
		}
		info, err := c.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		before[key] = info
	}
	if _, err := c.PutObject(ctx, bucket, "plain.txt", strings.NewReader("clear"), 5, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}

	if status, body := kmsAdminCall(t, srv, http.MethodPost, "/minio/kms/v1/key/create?key-id=new-key"); status != http.StatusOK {
		t.Fatalf("create new-key: %d %s", status, body)
	}
	status, body := kmsAdminCall(t, srv, http.MethodPost,
		"/minio/admin/v3/kms/key/rotate?old-key-id=old-key&new-key-id=new-key&bucket="+bucket)
	var res struct{ Rotated, Skipped, Failed int }
	if status != http.StatusOK || json.Unmarshal(body, &res) != nil || res.Rotated != 2 || res.Skipped != 1 || res.Failed != 0 {
		t.Fatalf("rotate: %d %s; want 2 rotated, 1 skipped", status, body)
	}
	if status, body := kmsAdminCall(t, srv, http.MethodDelete, "/minio/kms/v1/key/delete?key-id=old-key"); status != http.StatusOK {
		t.Fatalf("delete old-key: %d %s", status, body)
	}
	for key, data := range objects {
		minioAssertObject(t, c, bucket, key, data)
		info, err := c.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if info.ETag != before[key].ETag || !info.LastModified.Equal(before[key].LastModified) {
			t.Errorf("%s: ETag/mtime %s %v, were %s %v: data rewritten?", key, info.ETag, info.LastModified, before[key].ETag, before[key].LastModified)
		}
	}
	// Nothing is left under the deleted key: a second rotation finds nothing to do.
	status, body = kmsAdminCall(t, srv, http.MethodPost, "/minio/admin/v3/kms/key/rotate?old-key-id=old-key&new-key-id=new-key")
	if status != http.StatusOK || json.Unmarshal(body, &res) != nil || res.Rotated != 0 || res.Failed != 0 {
		t.Fatalf("second rotate: %d %s; want nothing rotated", status, body)
	}
	status, _ = kmsAdminCall(t, srv, http.MethodPost, "/minio/admin/v3/kms/key/rotate?new-key-id=no-such-key")
	if status != http.StatusNotFound {
		t.Fatalf("rotate to a missing key: status %d, want 404", status)
	}
}
