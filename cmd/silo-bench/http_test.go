package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestMeasureHTTP runs tiny HTTP cases against the real server and the null
// handler: every PUT and GET must succeed (GET lengths are checked inside),
// and the report must carry both sides and the ratios.
func TestMeasureHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	ctx := context.Background()
	cases := []apiCase{
		{size: 4 * kib, c: 2, d: 300 * time.Millisecond},
		{size: mib, c: 2, d: 300 * time.Millisecond, maxOps: 12},
	}
	rep, err := measureHTTP(ctx, t.TempDir(), 2, cases, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Silo) != len(cases) || len(rep.Null) != len(cases) {
		t.Fatalf("got %d silo and %d null results, want %d each", len(rep.Silo), len(rep.Null), len(cases))
	}
	for i, tc := range cases {
		for _, r := range []httpResult{rep.Silo[i], rep.Null[i]} {
			for _, a := range []apiResult{r.Put, r.Get} {
				if a.Size != tc.size || a.Concurrency != tc.c || a.Ops < 1 || a.Seconds <= 0 {
					t.Errorf("case %s c=%d: result %+v", sizeName(tc.size), tc.c, a)
				}
			}
		}
		if tc.maxOps > 0 && rep.Silo[i].Put.Ops > tc.maxOps {
			t.Errorf("%s: %d PUTs, want at most %d", sizeName(tc.size), rep.Silo[i].Put.Ops, tc.maxOps)
		}
	}
	if !strings.Contains(rep.Payload, "signed payload") {
		t.Errorf("payload = %q, want the SDK's signed SHA-256 payload", rep.Payload)
	}

	r := &report{HTTP: rep, Puts: []apiResult{{Size: 4 * kib, Concurrency: 2, Ops: 10, Seconds: 1}}}
	var out bytes.Buffer
	r.printHTTP(func(format string, a ...any) { out.WriteString(fmt.Sprintf(format, a...) + "\n") })
	text := out.String()
	for _, want := range []string{"| PUT | 4 KiB | 2 |", "| GET | 1 MiB | 2 |", "Silo / null handler"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
}
