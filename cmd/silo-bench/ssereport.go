package main

import (
	"fmt"
	"slices"
)

// ratioStat summarises the per-round ratios of one method to plain.
type ratioStat struct{ Median, Min, Max float64 }

func (s ratioStat) String() string {
	return fmt.Sprintf("%.2f x (%.2f-%.2f)", s.Median, s.Min, s.Max)
}

// sseRow is one method of one run, summarised over its rounds.
type sseRow struct {
	Method             string
	PutMiBs, GetMiBs   float64   // medians over the rounds
	PutRatio, GetRatio ratioStat // zero for plain itself
	// PutCPU and GetCPU are the median CPU milliseconds of one operation,
	// the ratios those of the same rounds' plain operations.
	PutCPU, GetCPU           float64
	PutCPURatio, GetCPURatio ratioStat
}

// met reports whether both ratios reach the target.
func (r sseRow) met() bool { return r.PutRatio.Median >= sseTarget && r.GetRatio.Median >= sseTarget }

// pairedRatios divides each round's figure by the reference figure of the
// same round, so that load that slowed one whole round cancels out, and
// summarises the quotients. Rounds missing on either side are ignored.
func pairedRatios(xs, ref []float64) ratioStat {
	var q []float64
	for i := range min(len(xs), len(ref)) {
		if ref[i] > 0 {
			q = append(q, xs[i]/ref[i])
		}
	}
	if len(q) == 0 {
		return ratioStat{}
	}
	return ratioStat{Median: median(q), Min: slices.Min(q), Max: slices.Max(q)}
}

// rows summarises the run, one row per method, plain (the reference) first.
func (r sseRun) rows() []sseRow {
	var out []sseRow
	for m, name := range r.Methods {
		row := sseRow{Method: name, PutMiBs: median(r.Put[m]), GetMiBs: median(r.Get[m])}
		if m < len(r.PutCPU) && m < len(r.GetCPU) {
			row.PutCPU, row.GetCPU = median(r.PutCPU[m]), median(r.GetCPU[m])
		}
		if m > 0 {
			row.PutRatio, row.GetRatio = pairedRatios(r.Put[m], r.Put[0]), pairedRatios(r.Get[m], r.Get[0])
			if len(r.PutCPU) > 0 && len(r.GetCPU) > 0 {
				row.PutCPURatio, row.GetCPURatio = pairedRatios(r.PutCPU[m], r.PutCPU[0]), pairedRatios(r.GetCPU[m], r.GetCPU[0])
			}
		}
		out = append(out, row)
	}
	return out
}

// printSSE writes the SSE table, one block of rows per transport.
func (r *report) printSSE(p func(string, ...any)) {
	if len(r.SSE.Runs) == 0 {
		return
	}
	p("### Server-side encryption (64 MiB objects through the real server, c=1, aws-sdk-go-v2)")
	p("")
	p("CPU AES instructions: %s. SSE-S3 uses a static KMS key (as `SILO_KMS_SECRET_KEY`), SSE-C one customer key. "+
		"Each transport: one untimed round that compares the bytes read back, then %d rounds of one PUT per method followed by %d GETs of each object (methods interleaved), "+
		"the first method rotating from round to round. MiB/s are medians over the rounds; a ratio is the median, over the rounds, of the method's MiB/s "+
		"divided by plain's in the same round (lowest and highest round in brackets). CPU ms is the CPU time (user and system) the whole process, client and server, "+
		"spent on one operation: the median, and in brackets its ratio to plain's (median over the rounds); unlike MiB/s it hardly moves with other load on the machine. "+
		"Every GET body is read to the end and its length checked. Target: >= %.2f x plain.",
		r.SSE.AES, r.SSE.Rounds, sseGets, sseTarget)
	p("")
	for _, run := range r.SSE.Runs {
		conn := ""
		if run.Conn != "" {
			conn = ", " + run.Conn
		}
		p("- %s%s: client PUTs carried %s.", run.Transport, conn, run.Sent)
	}
	p("")
	p("| transport | method | PUT MiB/s | PUT / plain | PUT CPU ms | GET MiB/s | GET / plain | GET CPU ms | >= %.2f x |", sseTarget)
	p("|---|---|---|---|---|---|---|---|---|")
	for _, run := range r.SSE.Runs {
		for i, row := range run.rows() {
			if i == 0 {
				p("| %s | %s | %.0f | reference | %.0f | %.0f | reference | %.0f | - |", sseTransportWord(run.Transport), row.Method,
					row.PutMiBs, row.PutCPU, row.GetMiBs, row.GetCPU)
				continue
			}
			p("| %s | %s | %.0f | %s | %.0f (%.2f x) | %.0f | %s | %.0f (%.2f x) | PUT %s, GET %s |", sseTransportWord(run.Transport), row.Method,
				row.PutMiBs, row.PutRatio, row.PutCPU, row.PutCPURatio.Median, row.GetMiBs, row.GetRatio, row.GetCPU, row.GetCPURatio.Median,
				verdict(row.PutRatio.Median >= sseTarget), verdict(row.GetRatio.Median >= sseTarget))
		}
	}
	p("")
}

// printSSETargets writes the SSE lines of the targets list: every row of
// both transports, TLS named as the one the target is judged on.
func (r *report) printSSETargets(p func(string, ...any)) {
	for _, run := range r.SSE.Runs {
		judged := "plain HTTP with the loopback switch: the server's own cost, shown beside TLS"
		if sseTransportWord(run.Transport) == "TLS" {
			judged = "TLS: the configuration SSE-C and SSE-KMS require, on which the target is judged"
		}
		for _, row := range run.rows()[1:] {
			p("- %s PUT and GET >= %.2f x plain over %s: PUT %.2f x, GET %.2f x: **%s**", row.Method, sseTarget, judged,
				row.PutRatio.Median, row.GetRatio.Median, verdict(row.met()))
		}
	}
}
