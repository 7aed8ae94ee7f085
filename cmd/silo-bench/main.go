package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/erasure"
)

// options are the command-line flags.
type options struct {
	dir        string
	keys       []int
	rawMiB     int64
	listBudget time.Duration
	keep       bool
	sseRounds  int
	cpuProfile string
	// put4kRounds and put4kRound shape the interleaved 4 KiB PUT /
	// creation measurement (put4k.go).
	put4kRounds int
	put4kRound  time.Duration
	// only holds the sections to run (all when -only is not given).
	only map[string]bool
}

// sectionNames are the parts of a run, in the order they run.
func sectionNames() []string { return []string{"raw", "api", "put4k", "http", "sse", "authz", "list"} }

// parseSections turns -only's comma-separated list into a set; "" is all.
func parseSections(list string) (map[string]bool, error) {
	set := map[string]bool{}
	if strings.TrimSpace(list) == "" {
		list = strings.Join(sectionNames(), ",")
	}
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !slices.Contains(sectionNames(), f) {
			return nil, fmt.Errorf("-only: unknown section %q (want some of %s)", f, strings.Join(sectionNames(), ","))
		}
		set[f] = true
	}
	return set, nil
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("silo-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	keys := fs.String("keys", "10000,100000", "comma-separated bucket sizes for the LIST measurement (add 1000000, with -list-budget 20m, for the 1 M-key figure)")
	fs.StringVar(&o.dir, "dir", "", "directory to measure (default: a new directory under ./data/bench, else under $TMPDIR)")
	fs.Int64Var(&o.rawMiB, "raw-mib", 1024, "MiB written for the raw sequential write/read figures")
	fs.DurationVar(&o.listBudget, "list-budget", 8*time.Minute, "time allowed for populating LIST buckets; larger sizes that would overrun it are skipped")
	fs.BoolVar(&o.keep, "keep", false, "keep the bench directory afterwards")
	fs.IntVar(&o.sseRounds, "sse-rounds", 7, "timed rounds of 64 MiB PUT/GET per method and transport in the SSE section")
	fs.IntVar(&o.put4kRounds, "put4k-rounds", 7, "rounds of the interleaved 4 KiB PUT (c=16) vs fsynced creation measurement (section put4k)")
	fs.DurationVar(&o.put4kRound, "put4k-round", 2*time.Second, "duration of each half of a put4k round")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	only := fs.String("only", "", "comma-separated sections to run, of "+strings.Join(sectionNames(), ",")+" (default: all)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var err error
	if o.only, err = parseSections(*only); err != nil {
		return o, err
	}
	if o.put4kRounds < 1 || o.put4kRound <= 0 {
		return o, fmt.Errorf("-put4k-rounds and -put4k-round must be positive")
	}
	if o.sseRounds < 1 {
		return o, fmt.Errorf("-sse-rounds: %d is not a positive count", o.sseRounds)
	}
	for _, f := range strings.Split(*keys, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1000 {
			return o, fmt.Errorf("-keys: %q is not a size >= 1000", f)
		}
		o.keys = append(o.keys, n)
	}
	return o, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "silo-bench:", err)
		os.Exit(1)
	}
}

// benchDir returns the directory to work in and whether we created it.
func benchDir(dir string) (string, bool, error) {
	if dir != "" {
		return dir, false, os.MkdirAll(dir, 0o755)
	}
	if err := os.MkdirAll(filepath.Join("data", "bench"), 0o755); err == nil {
		if d, err := os.MkdirTemp(filepath.Join("data", "bench"), "run-"); err == nil {
			return d, true, nil
		}
	}
	d, err := os.MkdirTemp("", "silo-bench-")
	return d, true, err
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	var seed [32]byte
	_, _ = rand.NewChaCha8(seed).Read(b)
	return b
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	dir, created, err := benchDir(o.dir)
	if err != nil {
		return fmt.Errorf("bench directory: %w", err)
	}
	if created && !o.keep {
		defer os.RemoveAll(dir)
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "# "+format+"\n", a...) }
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return fmt.Errorf("-cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("-cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	rep := &report{Started: time.Now(), Dir: dir, Args: args, CPUs: runtime.NumCPU()}

	if o.only["raw"] {
		logf("raw disk in %s (%d MiB sequential, fsynced creates)...", dir, o.rawMiB)
		if rep.Raw, err = measureRaw(ctx, dir, o.rawMiB); err != nil {
			return err
		}
		logf("reed-solomon and hashes...")
		if rep.RSMiBs, err = measureRS(2 * time.Second); err != nil {
			return err
		}
		if rep.Hashes, err = measureHashes(time.Second); err != nil {
			return err
		}
	}

	parity := 2 // the HTTP and SSE servers' EC:N, the storage API's when it runs
	var s *erasure.Store
	if o.only["api"] || o.only["put4k"] || o.only["authz"] || o.only["list"] {
		if s, err = openStore(ctx, dir, stderr); err != nil {
			return err
		}
		defer s.Close()
		rep.Layout, parity = s.Layout(), s.Layout().StandardParity
	}
	if o.only["api"] {
		if rep.Puts, rep.Gets, err = runAPI(ctx, s, parity, logf); err != nil {
			return err
		}
	}
	if o.only["put4k"] {
		logf("4 KiB PUT (c=16) vs fsynced creations, %d interleaved rounds of 2 x %s...", o.put4kRounds, o.put4kRound)
		if rep.Put4K, err = runPut4K(ctx, dir, s, o.put4kRounds, o.put4kRound); err != nil {
			return err
		}
	}
	if o.only["http"] {
		logf("HTTP PUT/GET through the in-process server and a null handler on loopback...")
		if rep.HTTP, err = measureHTTP(ctx, dir, parity, httpCases(), logf); err != nil {
			return fmt.Errorf("HTTP: %w", err)
		}
	}
	if o.only["sse"] {
		if rep.SSE, err = measureSSE(ctx, dir, parity, o.sseRounds, logf); err != nil {
			return fmt.Errorf("SSE: %w", err)
		}
	}
	if o.only["authz"] {
		logf("authorization with %d policies of %d statements...", authzPolicies, authzStatements)
		if rep.Authz, err = measureAuthz(ctx, s, 2*time.Second); err != nil {
			return fmt.Errorf("authorization: %w", err)
		}
	}
	if o.only["list"] && len(o.keys) > 0 {
		if rep.Lists, err = measureList(ctx, s, o.keys, 32, o.listBudget, logf); err != nil {
			return err
		}
	}
	rep.Finished = time.Now()
	rep.print(stdout)
	return nil
}

// openStore opens the erasure engine on four new drive directories under dir.
func openStore(ctx context.Context, dir string, stderr io.Writer) (*erasure.Store, error) {
	drives := make([]string, 4)
	for i := range drives {
		drives[i] = filepath.Join(dir, fmt.Sprintf("drive%d", i+1))
		if err := os.MkdirAll(drives[i], 0o755); err != nil {
			return nil, err
		}
	}
	s, err := erasure.New(ctx, erasure.Config{Drives: drives, StandardParity: 2, RRSParity: -1,
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return nil, fmt.Errorf("open engine: %w", err)
	}
	return s, nil
}

// runAPI runs the storage-API cases on s.
func runAPI(ctx context.Context, s *erasure.Store, parity int, logf func(string, ...any)) (puts, gets []apiResult, err error) {
	const bucket = "bench"
	if err := s.MakeBucket(ctx, bucket, storage.MakeBucketOptions{}); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		return nil, nil, err
	}
	logf("storage API PUT/GET on 4 drives EC:%d...", parity)
	return measureAPI(ctx, s, bucket, []apiCase{
		{size: 4 * kib, c: 1, d: 4 * time.Second},
		{size: 4 * kib, c: 16, d: 6 * time.Second},
		{size: mib, c: 1, d: 5 * time.Second, maxOps: 400},
		{size: mib, c: 16, d: 5 * time.Second, maxOps: 800},
		{size: 64 * mib, c: 1, d: 15 * time.Second, maxOps: 8},
	})
}
