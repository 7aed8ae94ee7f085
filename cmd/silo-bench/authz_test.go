package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/silo-project/silo/storage/erasure"
)

// TestMeasureAuthz: the authorization figure is measured (every call
// allowed) and printed beside the 4 KiB GET it is compared with.
func TestMeasureAuthz(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var drives []string
	for i := range 4 {
		drives = append(drives, filepath.Join(dir, fmt.Sprint(i)))
	}
	s, err := erasure.New(ctx, erasure.Config{Drives: drives, StandardParity: 2, RRSParity: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := measureAuthz(ctx, s, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ops < 100 || res.nsPerOp() <= 0 {
		t.Fatalf("authz result %+v", res)
	}
	rep := &report{Authz: res, HTTP: httpReport{Silo: []httpResult{{Get: apiResult{Size: 4 * kib, Concurrency: 1, Ops: 1000, Seconds: 1}}}}}
	var out bytes.Buffer
	rep.printAuthz(func(format string, a ...any) { fmt.Fprintf(&out, format+"\n", a...) })
	if !strings.Contains(out.String(), "10 x 20") || !strings.Contains(out.String(), "of a 4 KiB GET through HTTP (1000 us)") {
		t.Fatalf("report:\n%s", out.String())
	}
}
