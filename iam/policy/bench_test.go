package policy

import "testing"

func BenchmarkEvaluate(b *testing.B) {
	user, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::home/${aws:username}/*"},
		{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringLike":{"s3:prefix":["${aws:username}/*"]}}},
		{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}}]}`))
	if err != nil {
		b.Fatal(err)
	}
	readonly, _ := BuiltIn(BuiltInReadOnly)
	args := Args{Account: "alice", Action: "s3:GetObject", Bucket: "home", Object: "alice/photos/2024/cat.jpg",
		Conditions: map[string][]string{"aws:SourceIp": {"10.1.2.3"}, "aws:SecureTransport": {"true"}}}
	b.ReportAllocs()
	for b.Loop() {
		if !Evaluate(args, user, readonly) {
			b.Fatal("denied")
		}
	}
}

func BenchmarkParse(b *testing.B) {
	doc := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseBucketPolicy(doc, "b"); err != nil {
			b.Fatal(err)
		}
	}
}
