package policy

import (
	"fmt"
	"testing"
)

// TestIndexSameDecisions: evaluating through the bucket index decides
// exactly as scanning every statement.
func TestIndexSameDecisions(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::photos/*"]},
	 {"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::photos","arn:aws:s3:::logs"]},
	 {"Effect":"Deny","Action":["s3:DeleteObject"],"Resource":["arn:aws:s3:::photos/keep/*"]},
	 {"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::home/${aws:username}/*"]},
	 {"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::pub*/*"]},
	 {"Effect":"Deny","Action":["s3:PutObject"],"NotResource":["arn:aws:s3:::photos/*","arn:aws:s3:::home/*"]},
	 {"Effect":"Allow","Action":["admin:ServerInfo","s3:ListAllMyBuckets"],"Resource":["arn:aws:s3:::photos"]},
	 {"Effect":"Allow","Action":["s3:DeleteObject"],"Resource":["arn:aws:s3:::photos/*"],"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
	 {"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::logs/?ear/*"]}]}`
	indexed, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if indexed.index == nil {
		t.Fatal("no index built")
	}
	plain := *indexed
	plain.index = nil
	actions := []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:ListAllMyBuckets", "admin:ServerInfo", "s3:GetBucketPolicy"}
	buckets := []string{"", "photos", "logs", "home", "pub", "public", "other", "photos/x"}
	keys := []string{"", "a", "keep/a", "alice/x", "year/x", "bear/x"}
	n := 0
	for _, a := range actions {
		for _, b := range buckets {
			for _, k := range keys {
				for _, ip := range []string{"10.1.1.1", "192.168.1.1"} {
					args := Args{Account: "alice", Action: a, Bucket: b, Object: k, Conditions: map[string][]string{"aws:SourceIp": {ip}}}
					got, want := indexed.Decision(args), plain.Decision(args)
					if got != want {
						t.Errorf("%s %s/%s from %s: indexed %v, scan %v", a, b, k, ip, got, want)
					}
					if got != NotApplicable {
						n++
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no request applied: the comparison proves nothing")
	}
	t.Log(fmt.Sprintf("%d applicable decisions compared", n))
}

// FuzzIndex compares indexed and scanning evaluation on arbitrary requests.
func FuzzIndex(f *testing.F) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":["s3:Get*","s3:PutObject"],"Resource":["arn:aws:s3:::photos/*","arn:aws:s3:::a?c/*"]},
	 {"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::photos","arn:aws:s3:::logs"]},
	 {"Effect":"Deny","Action":["s3:DeleteObject"],"Resource":["arn:aws:s3:::photos/keep/*"]},
	 {"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::home/${aws:username}/*"]},
	 {"Effect":"Deny","NotAction":["s3:GetObject"],"NotResource":["arn:aws:s3:::photos/*"]},
	 {"Effect":"Allow","Action":["admin:*"],"Resource":["arn:aws:s3:::photos"]}]}`))
	if err != nil {
		f.Fatal(err)
	}
	plain := *p
	plain.index = nil
	f.Add("s3:GetObject", "photos", "a", "alice")
	f.Add("admin:ServerInfo", "", "", "")
	f.Add("s3:PutObject", "home", "alice/x", "alice")
	f.Fuzz(func(t *testing.T, action, bucket, object, user string) {
		args := Args{Account: user, Action: action, Bucket: bucket, Object: object}
		if got, want := p.Decision(args), plain.Decision(args); got != want {
			t.Fatalf("%+v: indexed %v, scan %v", args, got, want)
		}
	})
}

func TestUsesExistingObjectTags(t *testing.T) {
	tests := []struct {
		doc  string
		want bool
	}{
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, false},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:ExistingObjectTag/secret":"yes"}}}]}`, true},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"S3:EXISTINGOBJECTTAG/a":"b"}}}]}`, true},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"s3:RequestObjectTag/a":"b"}}}]}`, false},
	}
	for i, tt := range tests {
		p, err := Parse([]byte(tt.doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := p.UsesExistingObjectTags(); got != tt.want {
			t.Errorf("%d: UsesExistingObjectTags = %v, want %v", i, got, tt.want)
		}
		q := *p
		q.existingTags = tagsUnknown
		if got := q.UsesExistingObjectTags(); got != tt.want {
			t.Errorf("%d: scanning: %v, want %v", i, got, tt.want)
		}
	}
}
