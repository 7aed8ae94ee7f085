package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const python3Bin = "/usr/bin/python3"

// TestBoto3 runs testdata/boto3_e2e.py with Debian's python3 and boto3; every
// "FAIL" line the script prints becomes a test error.
func TestBoto3(t *testing.T) {
	t.Parallel()
	requireTool(t, python3Bin)
	if err := exec.Command(python3Bin, "-c", "import boto3, urllib3").Run(); err != nil {
		missing(t, "python3 cannot import boto3/urllib3: "+err.Error())
	}
	script, err := filepath.Abs(filepath.Join("testdata", "boto3_e2e.py"))
	if err != nil {
		t.Fatal(err)
	}
	eachServer(t, func(t *testing.T, srv *server) {
		env := clientEnv(t.TempDir(),
			"AWS_ACCESS_KEY_ID="+rootUser,
			"AWS_SECRET_ACCESS_KEY="+rootPassword,
			"AWS_CONFIG_FILE=/dev/null",
			"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
			"AWS_EC2_METADATA_DISABLED=true",
		)
		r := runCmd(t, env, "", python3Bin, script, srv.endpoint, srv.caFile, uniqueBucket(t, "boto3"), t.TempDir())
		failed := 0
		for _, line := range strings.Split(r.stdout, "\n") {
			if strings.HasPrefix(line, "FAIL") {
				failed++
				t.Error(strings.TrimPrefix(line, "FAIL "))
			}
		}
		if r.err != nil && failed == 0 {
			t.Errorf("boto3 scenario failed:\n%s", r)
		} else if r.err != nil {
			t.Logf("script output:\n%s", r)
		}
		if r.err == nil && !strings.Contains(r.stdout, "ok bucket gone") {
			t.Errorf("boto3 scenario did not run to the end:\n%s", r)
		}
	})
}
