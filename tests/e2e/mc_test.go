package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMC drives MinIO's mc (AGPL: run as an external program, never
// imported) with a private --config-dir; for TLS the CA goes to
// <config-dir>/certs/CAs/.
func TestMC(t *testing.T) {
	t.Parallel()
	mc := requireTool(t, mcPath(t))
	data := t.TempDir()
	small := filepath.Join(data, "small.txt")
	smallSHA := writeRandomFile(t, small, 2345, 61)
	big := filepath.Join(data, "big.bin")
	bigSHA := writeRandomFile(t, big, 20*mib+1, 62)
	tree := filepath.Join(data, "tree")
	want := makeTree(t, tree, 50, 6000)

	eachServer(t, func(t *testing.T, srv *server) {
		cfgDir := t.TempDir()
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
		env := clientEnv(t.TempDir(), "MC_CONFIG_DIR="+cfgDir, "MC_NO_COLOR=1")
		run := func(args ...string) result {
			t.Helper()
			return runCmd(t, env, "", mc, append([]string{"--config-dir", cfgDir, "--no-color", "--disable-pager"}, args...)...)
		}
		must := func(args ...string) result {
			t.Helper()
			r := run(args...)
			if r.err != nil {
				t.Fatalf("mc %s failed:\n%s", strings.Join(args, " "), r)
			}
			return r
		}
		bucket := uniqueBucket(t, "mc")
		b := "silo/" + bucket
		out := t.TempDir()

		must("alias", "set", "silo", srv.endpoint, rootUser, rootPassword, "--api", "S3v4", "--path", "on")
		must("mb", b)
		r := run("mb", b)
		if r.err == nil {
			t.Errorf("mb of an existing bucket succeeded")
		}

		must("cp", small, b+"/small.txt")
		must("cp", big, b+"/big/big.bin")
		r = must("ls", b)
		if !strings.Contains(r.stdout, "small.txt") || !strings.Contains(r.stdout, "big/") {
			t.Errorf("ls %s:\n%s", b, r.stdout)
		}
		r = must("cat", b+"/small.txt")
		if got := sha256Hex([]byte(r.stdout)); got != smallSHA {
			t.Errorf("cat small.txt sha %s, want %s", got, smallSHA)
		}
		must("cp", b+"/big/big.bin", filepath.Join(out, "big.bin"))
		if got := fileSHA256(t, filepath.Join(out, "big.bin")); got != bigSHA {
			t.Errorf("big.bin sha %s, want %s", got, bigSHA)
		}

		r = must("stat", "--json", b+"/small.txt")
		var st struct {
			Status string `json:"status"`
			Size   int64  `json:"size"`
			ETag   string `json:"etag"`
		}
		if err := json.Unmarshal([]byte(firstLine(r.stdout)), &st); err != nil {
			t.Errorf("stat --json: %v\n%s", err, r.stdout)
		} else if st.Status != "success" || st.Size != 2345 || len(st.ETag) != 32 {
			t.Errorf("stat: %+v", st)
		}

		r = run("cat", b+"/missing")
		if r.err == nil || !strings.Contains(r.stderr+r.stdout, "does not exist") {
			t.Errorf("cat of a missing object: want a 'does not exist' failure, got:\n%s", r)
		}

		must("mirror", tree, b+"/tree")
		back := filepath.Join(out, "tree")
		must("mirror", b+"/tree", back)
		compareTrees(t, want, treeHashes(t, back))
		r = must("ls", "--recursive", b+"/tree")
		if n := countLines(r.stdout); n != len(want) {
			t.Errorf("ls --recursive lists %d objects, want %d", n, len(want))
		}

		must("rm", b+"/small.txt")
		r = run("stat", b+"/small.txt")
		if r.err == nil {
			t.Errorf("stat after rm succeeded")
		}
		must("rm", "--recursive", "--force", b)
		r = must("ls", "--recursive", b)
		if strings.TrimSpace(r.stdout) != "" {
			t.Errorf("bucket not empty after rm --recursive:\n%s", r.stdout)
		}
		must("rb", b)
		r = run("ls", b)
		if r.err == nil || !strings.Contains(r.stderr+r.stdout, "does not exist") {
			t.Errorf("ls of a removed bucket: want a 'does not exist' failure, got:\n%s", r)
		}
	})
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
