package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/storage/erasure"
)

// Authorization benchmark shape (the issue's): a user with 10 attached
// policies of 20 statements each, the matching statement last.
const (
	authzPolicies   = 10
	authzStatements = 20
)

// authzResult is the cost of one Authorize call.
type authzResult struct {
	Ops     int64
	Seconds float64
}

func (a authzResult) nsPerOp() float64 { return a.Seconds * 1e9 / float64(a.Ops) }

// measureAuthz times iam.System.Authorize for d on a System stored in s.
func measureAuthz(ctx context.Context, s *erasure.Store, d time.Duration) (authzResult, error) {
	sys, err := iam.New(ctx, iam.Config{Root: iam.Credentials{AccessKey: "benchroot", SecretKey: "bench-root-secret"}, Store: s, Buckets: s})
	if err != nil {
		return authzResult{}, err
	}
	if err := sys.AddUser(ctx, "benchuser", "bench-user-secret"); err != nil {
		return authzResult{}, err
	}
	var names []string
	for p := range authzPolicies {
		st := make([]string, 0, authzStatements)
		for i := range authzStatements {
			st = append(st, fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::bench-%d-%d/*"],`+
				`"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}`, p, i))
		}
		name := fmt.Sprintf("bench-%d", p)
		if err := sys.SetPolicy(ctx, name, []byte(`{"Version":"2012-10-17","Statement":[`+strings.Join(st, ",")+`]}`)); err != nil {
			return authzResult{}, err
		}
		names = append(names, name)
	}
	if err := sys.AttachPolicies(ctx, names, "benchuser", ""); err != nil {
		return authzResult{}, err
	}
	req := iam.Request{AccessKey: "benchuser", Action: "s3:GetObject",
		Bucket: fmt.Sprintf("bench-%d-%d", authzPolicies-1, authzStatements-1), Key: "photos/cat.jpg",
		Conditions: map[string][]string{"aws:SourceIp": {"10.1.2.3"}, "aws:SecureTransport": {"true"}, "aws:UserAgent": {"silo-bench"}}}
	var res authzResult
	start := time.Now()
	for time.Since(start) < d {
		for range 100 {
			if err := sys.Authorize(ctx, req); err != nil {
				return authzResult{}, fmt.Errorf("authorize: %w", err)
			}
		}
		res.Ops += 100
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// printAuthz writes the authorization cost next to a 4 KiB GET through HTTP.
func (r *report) printAuthz(p func(string, ...any)) {
	if r.Authz.Ops == 0 {
		return
	}
	p("### Authorization (iam.System.Authorize)")
	p("")
	ns := r.Authz.nsPerOp()
	share := "-"
	ok := false
	for _, h := range r.HTTP.Silo {
		if h.Get.Size == 4*kib && h.Get.Concurrency == 1 && h.Get.Ops > 0 {
			getNs := h.Get.Seconds * 1e9 / float64(h.Get.Ops)
			share = fmt.Sprintf("%.2f%% of a 4 KiB GET through HTTP (%.0f us): %s (target < 2%%)", 100*ns/getNs, getNs/1e3, verdict(ns < 0.02*getNs))
			ok = true
		}
	}
	if !ok {
		share = "no 4 KiB GET figure to compare with"
	}
	p("| policies x statements | ns/op | share |")
	p("|---|---|---|")
	p("| %d x %d (user, matching statement last) | %.0f | %s |", authzPolicies, authzStatements, ns, share)
	p("")
}
