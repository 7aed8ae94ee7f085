package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want float64
	}{
		{"none", nil, 0},
		{"one", []float64{3}, 3},
		{"odd, unsorted", []float64{9, 1, 5}, 5},
		{"even: mean of the middle two", []float64{4, 1, 3, 10}, 3.5},
		{"outlier does not move it", []float64{100, 100, 101, 1}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]float64(nil), tc.in...)
			if got := median(tc.in); got != tc.want {
				t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
			}
			if fmt.Sprint(in) != fmt.Sprint(tc.in) {
				t.Errorf("median reordered its input: %v, was %v", tc.in, in)
			}
		})
	}
}

func TestPairedRatios(t *testing.T) {
	for _, tc := range []struct {
		name    string
		xs, ref []float64
		want    ratioStat
	}{
		{"none", nil, nil, ratioStat{}},
		// A round slowed for both sides keeps its ratio: the paired ratio
		// is 0.5 in every round although the absolute figures halve.
		{"noise cancels", []float64{50, 25, 50}, []float64{100, 50, 100}, ratioStat{0.5, 0.5, 0.5}},
		{"median, min, max", []float64{90, 80, 120}, []float64{100, 100, 100}, ratioStat{0.9, 0.8, 1.2}},
		{"missing rounds ignored", []float64{90, 80}, []float64{100, 100, 100}, ratioStat{0.85, 0.8, 0.9}},
		{"zero reference skipped", []float64{90, 80}, []float64{100, 0}, ratioStat{0.9, 0.9, 0.9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := pairedRatios(tc.xs, tc.ref)
			for _, v := range [][2]float64{{got.Median, tc.want.Median}, {got.Min, tc.want.Min}, {got.Max, tc.want.Max}} {
				if d := v[0] - v[1]; d > 1e-9 || d < -1e-9 {
					t.Fatalf("pairedRatios = %+v, want %+v", got, tc.want)
				}
			}
		})
	}
}

func TestRotate(t *testing.T) {
	for k, want := range []string{"[0 1 2]", "[1 2 0]", "[2 0 1]", "[0 1 2]"} {
		if got := fmt.Sprint(rotate(3, k)); got != want {
			t.Errorf("rotate(3, %d) = %s, want %s", k, got, want)
		}
	}
}

func TestParseSections(t *testing.T) {
	all, err := parseSections("")
	if err != nil || len(all) != len(sectionNames()) {
		t.Fatalf("default = %v, %v; want every section", all, err)
	}
	got, err := parseSections(" sse, http ")
	if err != nil || len(got) != 2 || !got["sse"] || !got["http"] {
		t.Errorf("-only sse,http = %v, %v", got, err)
	}
	if _, err := parseSections("sse,disk"); err == nil || !strings.Contains(err.Error(), `"disk"`) {
		t.Errorf("unknown section: err = %v, want it named", err)
	}
}

// TestPrintSSE: rows, ratios and verdicts come from the figures, a missed
// target is printed as such, and TLS is named as the judged configuration.
func TestPrintSSE(t *testing.T) {
	run := func(transport string, getSSEC float64) sseRun {
		return sseRun{Transport: transport, Sent: "x-amz-content-sha256: UNSIGNED-PAYLOAD", Methods: []string{"plain", "SSE-S3", "SSE-C"},
			Put:    [][]float64{{100, 200, 100}, {90, 180, 95}, {150, 300, 160}},
			Get:    [][]float64{{400, 400, 400}, {360, 360, 360}, {getSSEC, getSSEC, getSSEC}},
			PutCPU: [][]float64{{300, 300, 300}, {330, 360, 300}, {200, 200, 200}},
			GetCPU: [][]float64{{100, 100, 100}, {120, 120, 120}, {130, 150, 140}}}
	}
	r := &report{SSE: sseReport{AES: "yes (AES-NI)", Rounds: 3, Runs: []sseRun{run("TLS (x)", 300), run("plain HTTP (y)", 380)}}}
	r.SSE.Runs[0].Conn = "TLS 1.3 TLS_AES_128_GCM_SHA256"
	var out bytes.Buffer
	p := func(format string, a ...any) { out.WriteString(fmt.Sprintf(format, a...) + "\n") }
	r.printSSE(p)
	r.printSSETargets(p)
	text := out.String()
	for _, want := range []string{
		"| TLS | plain | 100 | reference | 300 | 400 | reference | 100 | - |",
		"| TLS | SSE-S3 | 95 | 0.90 x (0.90-0.95) | 330 (1.10 x) | 360 | 0.90 x (0.90-0.90) | 120 (1.20 x) | PUT MET, GET MET |",
		"| TLS | SSE-C | 160 | 1.50 x (1.50-1.60) | 200 (0.67 x) | 300 | 0.75 x (0.75-0.75) | 140 (1.40 x) | PUT MET, GET NOT MET |",
		"| plain HTTP | SSE-C | 160 | 1.50 x (1.50-1.60) | 200 (0.67 x) | 380 | 0.95 x (0.95-0.95) | 140 (1.40 x) | PUT MET, GET MET |",
		"TLS 1.3 TLS_AES_128_GCM_SHA256",
		"UNSIGNED-PAYLOAD",
		"SSE-C PUT and GET >= 0.85 x plain over TLS: the configuration SSE-C and SSE-KMS require, on which the target is judged: PUT 1.50 x, GET 0.75 x: **NOT MET**",
		"SSE-C PUT and GET >= 0.85 x plain over plain HTTP with the loopback switch: the server's own cost, shown beside TLS: PUT 1.50 x, GET 0.95 x: **MET**",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}

	// A run of the SSE section alone (-only sse) prints no empty tables.
	out.Reset()
	r.print(&out)
	for _, absent := range []string{"Machine limits", "Storage API", "Through HTTP", "LIST", "Authorization"} {
		if strings.Contains(out.String(), absent) {
			t.Errorf("-only sse report has a %q section:\n%s", absent, out.String())
		}
	}
	if !strings.Contains(out.String(), "### Server-side encryption") || !strings.Contains(out.String(), "**NOT MET**") {
		t.Errorf("-only sse report lacks the SSE table or its verdicts:\n%s", out.String())
	}
}

// TestMeasureSSE runs one timed round of each method over both transports
// against the real server: every PUT and GET must succeed (the bytes are
// compared in the warm-up round, lengths in every round), and each run
// records what the client sent.
func TestMeasureSSE(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two servers and moves 64 MiB objects")
	}
	rep, err := measureSSE(context.Background(), t.TempDir(), 2, 1, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 2 {
		t.Fatalf("got %d runs, want TLS and plain HTTP", len(rep.Runs))
	}
	for _, run := range rep.Runs {
		if len(run.Methods) != 3 {
			t.Fatalf("%s: methods %v", run.Transport, run.Methods)
		}
		for m := range run.Methods {
			if len(run.Put[m]) != 1 || len(run.Get[m]) != 1 || run.Put[m][0] <= 0 || run.Get[m][0] <= 0 {
				t.Errorf("%s %s: PUT %v, GET %v MiB/s", run.Transport, run.Methods[m], run.Put[m], run.Get[m])
			}
			// Moving 64 MiB through TLS or HTTP costs milliseconds of CPU.
			if len(run.PutCPU[m]) != 1 || len(run.GetCPU[m]) != 1 || run.PutCPU[m][0] < 1 || run.GetCPU[m][0] < 1 {
				t.Errorf("%s %s: PUT %v, GET %v CPU ms", run.Transport, run.Methods[m], run.PutCPU[m], run.GetCPU[m])
			}
		}
		if !strings.Contains(run.Sent, "UNSIGNED-PAYLOAD") {
			t.Errorf("%s: client sent %q", run.Transport, run.Sent)
		}
	}
	if tlsRun := rep.Runs[0]; !strings.HasPrefix(tlsRun.Transport, "TLS") || !strings.HasPrefix(tlsRun.Conn, "TLS 1.") {
		t.Errorf("first run %q over %q, want TLS", tlsRun.Transport, tlsRun.Conn)
	}
}
