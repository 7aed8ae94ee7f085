package erasure_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/erasure"
	"github.com/silo-project/silo/storage/storagetest"
)

// The kill test. The parent re-executes the test binary as a writer child
// (TestCrashChild with crashEnv set), lets it write for a random moment and
// SIGKILLs it, then checks the drives with a fresh store in-process.
//
// Protocol on the child's stdout, one line per event, each a single write:
//
//	ready
//	start <op> <key> put <sha256> <size>
//	start <op> <key> mpu <sha256> <size>   (multipart upload)
//	start <op> <key> del
//	ack <op>
//
// Each key is owned by one writer goroutine, so the operations on a key are
// sequential: after a kill a key holds the last acknowledged state or, if an
// operation on it was in flight, possibly that operation's result.
const (
	crashEnv     = "SILO_CRASH_CHILD_DRIVES"
	crashBucket  = "crash"
	crashWriters = 6
	crashKeys    = 5 // per writer
	crashCycles  = 24
)

// crashOp is what the parent learns of one operation from the child.
type crashOp struct {
	key       string
	state     string // sha256 hex of the content, or "" for deleted
	acked     bool
	multipart bool
}

// TestCrashChild is the writer process; it does nothing unless started by
// TestCrashConsistency.
func TestCrashChild(t *testing.T) {
	spec := os.Getenv(crashEnv)
	if spec == "" {
		t.Skip("writer child of TestCrashConsistency")
	}
	seed, _ := strconv.ParseUint(os.Getenv(crashEnv+"_SEED"), 10, 64)
	ctx := context.Background()
	s, err := erasure.New(ctx, erasure.Config{Drives: strings.Split(spec, ","), StandardParity: -1, RRSParity: -1, Logger: quietLogger()})
	if err != nil {
		fmt.Fprintf(os.Stdout, "error open: %v\n", err)
		os.Exit(3)
	}
	if err := s.MakeBucket(ctx, crashBucket, storage.MakeBucketOptions{}); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		fmt.Fprintf(os.Stdout, "error bucket: %v\n", err)
		os.Exit(3)
	}
	var out sync.Mutex
	emit := func(format string, args ...any) {
		line := fmt.Sprintf(format+"\n", args...)
		out.Lock()
		defer out.Unlock()
		os.Stdout.WriteString(line) // one write(2) per line: nothing is buffered in-process
	}
	emit("ready")
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for n := 0; ; n++ {
				op := fmt.Sprintf("%d.%d.%d", seed, w, n)
				key := fmt.Sprintf("w%d/k%d", w, rng.IntN(crashKeys))
				if rng.IntN(12) == 0 {
					// A multipart upload: a 5 MiB part and a small last part.
					p1 := storagetest.Data(rng.Uint64(), storage.MinPartSize)
					p2 := storagetest.Data(rng.Uint64(), rng.IntN(300<<10))
					emit("start %s %s mpu %s %d", op, key, storagetest.SHA256Hex(append(append([]byte{}, p1...), p2...)), len(p1)+len(p2))
					if err := crashMultipart(ctx, s, key, p1, p2); err != nil {
						emit("error %s %v", op, err)
						continue
					}
					emit("ack %s", op)
					continue
				}
				if rng.IntN(8) == 0 {
					emit("start %s %s del", op, key)
					if _, err := s.DeleteObject(ctx, crashBucket, key, storage.DeleteOptions{}); err != nil {
						emit("error %s %v", op, err)
						continue
					}
					emit("ack %s", op)
					continue
				}
				size := crashSize(rng)
				data := storagetest.Data(rng.Uint64(), size)
				emit("start %s %s put %s %d", op, key, storagetest.SHA256Hex(data), size)
				if _, err := s.PutObject(ctx, crashBucket, key, bytes.NewReader(data), int64(size), storage.PutOptions{}); err != nil {
					emit("error %s %v", op, err)
					continue
				}
				emit("ack %s", op)
			}
		})
	}
	wg.Wait()
}

// crashMultipart uploads p1 and p2 as the two parts of key.
func crashMultipart(ctx context.Context, s storage.Store, key string, p1, p2 []byte) error {
	id, err := s.NewMultipartUpload(ctx, crashBucket, key, storage.PutOptions{})
	if err != nil {
		return err
	}
	var parts []storage.CompletePart
	for i, p := range [][]byte{p1, p2} {
		info, err := s.PutObjectPart(ctx, crashBucket, key, id, i+1, bytes.NewReader(p), int64(len(p)), storage.PartOptions{})
		if err != nil {
			return err
		}
		parts = append(parts, storage.CompletePart{Number: i + 1, ETag: info.ETag})
	}
	_, err = s.CompleteMultipartUpload(ctx, crashBucket, key, id, parts, storage.CompleteOptions{})
	return err
}

// crashSize draws an object size: mostly inline-sized, some spanning blocks.
func crashSize(rng *rand.Rand) int {
	switch r := rng.IntN(10); {
	case r < 1:
		return 0
	case r < 5:
		return rng.IntN(128 << 10)
	case r < 8:
		return 128<<10 + rng.IntN(1<<20)
	default:
		return 1<<20 + rng.IntN(2<<20)
	}
}

// runCrashChild starts a writer, kills it after delay (measured from its
// "ready", or from exec when early is set) and returns the operations it
// reported.
func runCrashChild(t *testing.T, drives []string, seed uint64, delay time.Duration, early bool) (map[string]*crashOp, []string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+strings.Join(drives, ","), fmt.Sprintf("%s_SEED=%d", crashEnv, seed))
	cmd.Stderr = io.Discard
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ops := map[string]*crashOp{}
	var order []string // op IDs in the order started
	var errorsSeen []string
	ready := make(chan struct{})
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stdout)
		readyOnce := sync.OnceFunc(func() { close(ready) })
		defer readyOnce()
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 1 && f[0] == "ready":
				readyOnce()
			case len(f) >= 4 && f[0] == "start":
				op := &crashOp{key: f[2]}
				if (f[3] == "put" || f[3] == "mpu") && len(f) == 6 {
					op.state = f[4]
				}
				op.multipart = f[3] == "mpu"
				ops[f[1]] = op
				order = append(order, f[1])
			case len(f) == 2 && f[0] == "ack":
				if op, ok := ops[f[1]]; ok {
					op.acked = true
				}
			case len(f) >= 1 && strings.HasPrefix(f[0], "error"):
				errorsSeen = append(errorsSeen, sc.Text())
			}
		}
	}()
	if !early {
		select {
		case <-ready:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("writer child never became ready")
		}
	}
	time.Sleep(delay)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	<-scanned
	cmd.Wait()
	return filterOps(ops, order), errorsSeen
}

// filterOps drops operations that were never acknowledged and are not the
// last one started on their key: a failed op is not in flight.
func filterOps(ops map[string]*crashOp, order []string) map[string]*crashOp {
	last := map[string]string{} // key -> last started op
	for _, id := range order {
		last[ops[id].key] = id
	}
	out := map[string]*crashOp{}
	for _, id := range order {
		if op := ops[id]; op.acked || last[op.key] == id {
			out[id] = op
		}
	}
	return out
}

func TestCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test re-executes the binary many times")
	}
	drives := makeDrives(t, 4)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	state := map[string]string{} // key -> sha256 of content, absent when deleted
	deadline := time.Now().Add(55 * time.Second)
	var acked, ackedMultipart, inflightNew, inflightOld int
	for cycle := range crashCycles {
		if time.Now().After(deadline) && cycle >= 20 {
			break
		}
		early := cycle%6 == 5 // sometimes kill during start-up recovery
		delay := time.Duration(100+rng.IntN(1200)) * time.Millisecond
		if early {
			delay = time.Duration(rng.IntN(60)) * time.Millisecond
		}
		ops, errs := runCrashChild(t, drives, uint64(cycle+1), delay, early)
		if len(errs) > 0 {
			t.Errorf("cycle %d: writer reported errors: %q", cycle, errs[:min(len(errs), 5)])
		}
		// Per key: the last acknowledged state, and what an in-flight op would leave.
		type want struct {
			acked    string
			ackedSet bool
			inflight *crashOp
		}
		wants := map[string]*want{}
		ids := make([]string, 0, len(ops))
		for id := range ops {
			ids = append(ids, id)
		}
		sortOpIDs(ids)
		for _, id := range ids {
			op := ops[id]
			w := wants[op.key]
			if w == nil {
				w = &want{}
				wants[op.key] = w
			}
			if op.acked {
				w.acked, w.ackedSet, w.inflight = op.state, true, nil
				acked++
				if op.multipart {
					ackedMultipart++
				}
			} else {
				w.inflight = op
			}
		}
		observed := verifyCrashState(t, cycle, drives)
		for key, w := range wants {
			base := state[key]
			if w.ackedSet {
				base = w.acked
			}
			got := observed[key]
			switch {
			case got == base:
				if w.inflight != nil && w.inflight.state != base {
					inflightOld++
				}
			case w.inflight != nil && got == w.inflight.state:
				inflightNew++
			default:
				t.Fatalf("cycle %d: key %s holds %q, want acknowledged %q (in flight: %+v)", cycle, key, short(got), short(base), w.inflight)
			}
		}
		// Keys nobody touched this cycle must be unchanged.
		for key, sum := range state {
			if _, touched := wants[key]; !touched && observed[key] != sum {
				t.Fatalf("cycle %d: untouched key %s changed from %q to %q", cycle, key, short(sum), short(observed[key]))
			}
		}
		state = observed
	}
	t.Logf("%d acknowledged operations checked (%d multipart); in-flight ops at kill: %d visible, %d not",
		acked, ackedMultipart, inflightNew, inflightOld)
	if acked == 0 {
		t.Fatal("the writer never acknowledged an operation")
	}
	checkNoLeftovers(t, drives)
}

// checkNoLeftovers deletes every object and upload through the API, then
// reopens the store and expects start-up collection to remove every shard
// file that is left: the orphans of writes killed between their shard
// rename and their metadata commit.
func checkNoLeftovers(t *testing.T, drives []string) {
	t.Helper()
	ctx := t.Context()
	s := openClosable(t, drives, -1)
	for {
		res, err := s.ListObjects(ctx, crashBucket, storage.ListOptions{})
		if err != nil {
			t.Fatalf("ListObjects: %v", err)
		}
		for _, o := range res.Objects {
			if _, err := s.DeleteObject(ctx, crashBucket, o.Key, storage.DeleteOptions{}); err != nil {
				t.Fatalf("DeleteObject(%s): %v", o.Key, err)
			}
		}
		if !res.IsTruncated {
			break
		}
	}
	uploads := 0
	for {
		res, err := s.ListMultipartUploads(ctx, crashBucket, storage.ListUploadsOptions{})
		if err != nil {
			t.Fatalf("ListMultipartUploads: %v", err)
		}
		for _, u := range res.Uploads {
			if err := s.AbortMultipartUpload(ctx, crashBucket, u.Key, u.UploadID); err != nil {
				t.Fatalf("AbortMultipartUpload(%s): %v", u.Key, err)
			}
			uploads++
		}
		if !res.IsTruncated {
			break
		}
	}
	before := 0
	for _, d := range drives {
		before += len(shardFiles(t, d))
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	time.Sleep(10 * time.Millisecond) // orphans must be older than the next start
	s = openClosable(t, drives, -1)
	defer s.Close()
	var left []string
	for range 100 {
		left = left[:0]
		for _, d := range drives {
			left = append(left, shardFiles(t, d)...)
		}
		if len(left) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("after deleting everything (%d interrupted uploads aborted): %d shard files before restart, %d after",
		uploads, before, len(left))
	if len(left) > 0 {
		t.Errorf("%d shard files survive start-up collection with no object left, e.g. %q", len(left), left[:min(len(left), 3)])
	}
}

// sortOpIDs orders "seed.writer.n" IDs by n within a writer.
func sortOpIDs(ids []string) {
	num := func(id string) (int, int) {
		f := strings.Split(id, ".")
		w, _ := strconv.Atoi(f[1])
		n, _ := strconv.Atoi(f[2])
		return w, n
	}
	slices.SortFunc(ids, func(a, b string) int {
		wa, na := num(a)
		wb, nb := num(b)
		if wa != wb {
			return wa - wb
		}
		return na - nb
	})
}

func short(sum string) string {
	if sum == "" {
		return "<absent>"
	}
	return sum[:12]
}

// verifyCrashState opens a fresh store on the drives, checks that no
// temporary file survived start-up and that every listed object is whole
// (its content hashes to its ETag), and returns key -> sha256 of content.
func verifyCrashState(t *testing.T, cycle int, drives []string) map[string]string {
	t.Helper()
	s := openClosable(t, drives, -1)
	defer s.Close()
	for _, d := range drives {
		if left := staleTempFiles(t, d); len(left) > 0 {
			t.Errorf("cycle %d: temporary files left after start-up on %s: %q", cycle, d, left[:min(len(left), 5)])
		}
	}
	ctx := t.Context()
	if _, err := s.GetBucketInfo(ctx, crashBucket); errors.Is(err, storage.ErrBucketNotFound) {
		return map[string]string{}
	}
	observed := map[string]string{}
	opts := storage.ListOptions{}
	for {
		res, err := s.ListObjects(ctx, crashBucket, opts)
		if err != nil {
			t.Fatalf("cycle %d: ListObjects: %v", cycle, err)
		}
		for _, o := range res.Objects {
			rc, info, err := s.GetObject(ctx, crashBucket, o.Key, nil, storage.GetOptions{})
			if err != nil {
				t.Fatalf("cycle %d: listed %s but GetObject: %v", cycle, o.Key, err)
			}
			h := sha256.New()
			m := md5.New()
			n, err := io.Copy(io.MultiWriter(h, m), rc)
			rc.Close()
			if err != nil {
				t.Fatalf("cycle %d: read %s: %v", cycle, o.Key, err)
			}
			wantETag := hex.EncodeToString(m.Sum(nil))
			if len(info.Parts) > 1 {
				wantETag = info.ETag // checked through the content hash against the writer's log
			}
			if n != info.Size || n != o.Size || wantETag != info.ETag || info.ETag != o.ETag {
				t.Fatalf("cycle %d: %s is half-written: read %d bytes md5 %x; info size %d etag %s; listed size %d etag %s",
					cycle, o.Key, n, m.Sum(nil), info.Size, info.ETag, o.Size, o.ETag)
			}
			observed[o.Key] = hex.EncodeToString(h.Sum(nil))
		}
		if !res.IsTruncated {
			break
		}
		opts.Marker = res.NextMarker
	}
	// Unversioned writes leave exactly one null version per key: an
	// overwrite cut short must not leave a second one behind.
	vopts := storage.ListVersionsOptions{}
	versions := map[string]int{}
	for {
		res, err := s.ListObjectVersions(ctx, crashBucket, vopts)
		if err != nil {
			t.Fatalf("cycle %d: ListObjectVersions: %v", cycle, err)
		}
		for _, v := range res.Versions {
			versions[v.Key]++
			if v.DeleteMarker || v.VersionID != storage.NullVersionID {
				t.Fatalf("cycle %d: %s has version %q (delete marker %v) in an unversioned bucket", cycle, v.Key, v.VersionID, v.DeleteMarker)
			}
		}
		if !res.IsTruncated {
			break
		}
		vopts.KeyMarker, vopts.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
	}
	for key, n := range versions {
		if _, listed := observed[key]; n != 1 || !listed {
			t.Fatalf("cycle %d: %s has %d versions (listed: %v), want exactly the one listed", cycle, key, n, listed)
		}
	}
	return observed
}

// tempFiles lists regular files under any "tmp" directory of a drive's
// system area: start-up must have collected them.
// staleTempFiles lists the temporary files of drive that outlive the
// store's own work: start-up removes every leftover of the crash before
// New returns, but the background heal it starts may be writing a shard
// through a temporary file at this very moment, a file that is renamed or
// removed within milliseconds. A leftover is a file still there 5 s later.
func staleTempFiles(t *testing.T, drive string) []string {
	t.Helper()
	left := tempFiles(t, drive)
	for deadline := time.Now().Add(5 * time.Second); len(left) > 0 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		left = slices.DeleteFunc(left, func(p string) bool {
			_, err := os.Stat(p)
			return errors.Is(err, fs.ErrNotExist)
		})
	}
	return left
}

func tempFiles(t *testing.T, drive string) []string {
	t.Helper()
	var left []string
	root := filepath.Join(drive, sysDir)
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "tmp") {
			continue
		}
		filepath.WalkDir(filepath.Join(root, e.Name()), func(path string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				left = append(left, path)
			}
			return nil
		})
	}
	return left
}
