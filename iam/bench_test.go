package iam

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkAuthorize is the authorization cost of one S3 request for a user
// with 10 attached policies of 20 statements each (the budget: under
// 2% of a 4 KiB GET), through a service account with an inline policy.
func BenchmarkAuthorize(b *testing.B) {
	e := newEnv(&testing.T{})
	defer e.store.Close()
	ctx := context.Background()
	s := e.sys
	if err := s.AddUser(ctx, "alice", "alicesecret"); err != nil {
		b.Fatal(err)
	}
	var names []string
	for p := range 10 {
		var st []string
		for i := range 20 {
			st = append(st, fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::bucket-%d-%d/*"],`+
				`"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]},"StringLike":{"aws:UserAgent":["*"]}}}`, p, i))
		}
		name := fmt.Sprintf("p%d", p)
		doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`
		if err := s.SetPolicy(ctx, name, []byte(doc)); err != nil {
			b.Fatal(err)
		}
		names = append(names, name)
	}
	if err := s.AttachPolicies(ctx, names, "alice", ""); err != nil {
		b.Fatal(err)
	}
	sa, err := s.AddServiceAccount(ctx, "alice", ServiceAccountOptions{
		Policy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]}]}`)})
	if err != nil {
		b.Fatal(err)
	}
	cond := map[string][]string{"aws:SourceIp": {"10.1.2.3"}, "aws:SecureTransport": {"true"}, "aws:UserAgent": {"aws-sdk-go-v2/1.0"}}
	for _, tt := range []struct{ name, key string }{{"user", "alice"}, {"svcacct", sa.AccessKey}, {"root", "rootuser"}} {
		b.Run(tt.name, func(b *testing.B) {
			// The last statement of the last policy matches.
			req := Request{AccessKey: tt.key, Action: "s3:GetObject", Bucket: "bucket-9-19", Key: "photos/cat.jpg", Conditions: cond}
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Authorize(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
