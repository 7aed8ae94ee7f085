package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIAMSurvivesReplacedDrives: users and policies live on the drives
// like objects do, so they survive what objects survive at EC:2 on four
// drives. One drive is replaced by an empty one and healed back, then two
// others are replaced: the user still signs in with its own keys, keeps
// its policy and reads the object, and mc still lists it.
func TestIAMSurvivesReplacedDrives(t *testing.T) {
	t.Parallel()
	srv := startAdminServer(t, "iam-drives", false)
	bin, _ := suite.binary() // for restarts; startAdminServer checked it
	mc := newIAMMC(t, srv)
	tmp := t.TempDir()
	bucket := uniqueBucket(t, "drives")
	mc.must("mb", "local/"+bucket)
	mc.must("cp", writeFile(t, tmp, "a.txt", "survives"), "local/"+bucket+"/a.txt")
	mc.must("admin", "user", "add", "local", "dave", "dave-secret-1")
	mc.must("admin", "policy", "create", "local", "drives-rw", writeFile(t, tmp, "p.json", bucketRWPolicy(bucket)))
	mc.must("admin", "policy", "attach", "local", "drives-rw", "--user", "dave")

	// replace stops the server, empties drives (as new disks mounted at
	// the same place would be) and starts it again.
	replace := func(drives ...int) {
		t.Helper()
		if err := srv.stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		for _, n := range drives {
			root := filepath.Join(srv.dir, fmt.Sprint("drive", n))
			entries, err := os.ReadDir(root)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if err := os.RemoveAll(filepath.Join(root, e.Name())); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := srv.launch(bin); err != nil {
			t.Fatalf("restart: %v", err)
		}
	}
	heals := func() int {
		b, _ := os.ReadFile(srv.logPath)
		return strings.Count(string(b), "heal finished")
	}

	before := heals()
	replace(1)
	// The start-up heal of the new drive, which copies the IAM documents too.
	for deadline := time.Now().Add(60 * time.Second); heals() == before; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no heal finished within 60s of replacing drive 1")
		}
	}
	replace(2, 3)

	if r := mc.must("admin", "user", "list", "local"); !strings.Contains(r.stdout, "dave") {
		t.Errorf("user list after two more drives were replaced:\n%s", r.stdout)
	}
	mc.must("alias", "set", "dave", srv.endpoint, "dave", "dave-secret-1", "--api", "S3v4", "--path", "on")
	if r := mc.must("cat", "dave/"+bucket+"/a.txt"); r.stdout != "survives" {
		t.Errorf("dave reads %q after the drives were replaced", r.stdout)
	}
	mc.refused("dave is still limited to its bucket", "mb", "dave/"+uniqueBucket(t, "nope"))
}
