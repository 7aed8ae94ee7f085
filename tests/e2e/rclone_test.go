package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const rcloneBin = "/usr/bin/rclone"

func TestRclone(t *testing.T) {
	t.Parallel()
	requireTool(t, rcloneBin)
	data := t.TempDir()
	tree := filepath.Join(data, "tree")
	want := makeTree(t, tree, 60, 3000)
	// One file big enough for rclone's multipart path (cutoff lowered below).
	want["large/large.bin"] = writeRandomFile(t, filepath.Join(tree, "large", "large.bin"), 12*mib+9, 3100)

	eachServer(t, func(t *testing.T, srv *server) {
		home := t.TempDir()
		conf := filepath.Join(home, "rclone.conf")
		err := os.WriteFile(conf, []byte(fmt.Sprintf(`[silo]
type = s3
provider = Minio
env_auth = false
access_key_id = %s
secret_access_key = %s
region = %s
endpoint = %s
`, rootUser, rootPassword, region, srv.endpoint)), 0o600)
		if err != nil {
			t.Fatal(err)
		}
		// rclone 1.60 fails when AWS_CA_BUNDLE is set: trust the CA via SSL_CERT_FILE.
		extra := []string{"RCLONE_CONFIG=" + conf}
		if srv.tls {
			extra = append(extra, "SSL_CERT_FILE="+srv.caFile)
		}
		env := clientEnv(home, extra...)
		common := []string{"--config", conf, "--retries", "1", "--low-level-retries", "1",
			"--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M"}
		rc := func(args ...string) result {
			t.Helper()
			return runCmd(t, env, "", rcloneBin, append(append([]string{}, args...), common...)...)
		}
		must := func(args ...string) result {
			t.Helper()
			r := rc(args...)
			if r.err != nil {
				t.Fatalf("rclone %s failed:\n%s", strings.Join(args, " "), r)
			}
			return r
		}
		bucket := uniqueBucket(t, "rclone")
		remote := "silo:" + bucket

		must("mkdir", remote)
		must("copy", tree, remote+"/tree")
		must("check", tree, remote+"/tree") // sizes and MD5s (ETags) of every file
		r := must("lsf", "-R", "--files-only", remote+"/tree")
		if n := countLines(r.stdout); n != len(want) {
			t.Errorf("lsf lists %d files, want %d", n, len(want))
		}
		back := filepath.Join(t.TempDir(), "back")
		must("copy", remote+"/tree", back)
		compareTrees(t, want, treeHashes(t, back))

		must("purge", remote)
		r = rc("lsd", "silo:")
		if strings.Contains(r.stdout, bucket) {
			t.Errorf("bucket still listed after purge:\n%s", r.stdout)
		}
	})
}
