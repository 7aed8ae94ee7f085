package policy

import "testing"

func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
		`{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Deny","NotAction":["s3:Get*"],"NotResource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:user/a","*"]},"Action":"s3:*","Resource":"arn:aws:s3:::b"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true},"Null":{"s3:x":"false"},"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":["a"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}}]}`,
		`{"Version":"2008-10-17","Id":"x","Statement":[{"Effect":"Allow","Action":"admin:*"}]}`,
		`{"Statement":[]}`,
		`null`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, parse := range []func([]byte) (*Policy, error){
			Parse,
			func(d []byte) (*Policy, error) { return ParseBucketPolicy(d, "b") },
			func(d []byte) (*Policy, error) { var p Policy; err := p.UnmarshalJSON(d); return &p, err },
		} {
			p, err := parse(doc)
			if err != nil {
				continue
			}
			out, err := p.MarshalJSON()
			if err != nil {
				t.Fatalf("MarshalJSON of accepted policy: %v", err)
			}
			q, err := parse(out)
			if err != nil {
				t.Fatalf("re-parse of %s (from %q): %v", out, doc, err)
			}
			if !p.Equal(q) {
				t.Fatalf("round trip changed policy:\n%s\n%s", out, q)
			}
			if out2, _ := q.MarshalJSON(); string(out2) != string(out) {
				t.Fatalf("canonical form unstable:\n%s\n%s", out, out2)
			}
			// Evaluation must not panic on any accepted policy.
			p.IsAllowed(Args{Account: "a", Action: "s3:GetObject", Bucket: "b", Object: "k",
				Conditions: map[string][]string{"aws:sourceip": {"10.0.0.1"}, "s3:prefix": {"x"}, "aws:tagkeys": {"a", "b"}}})
		}
	})
}

// FuzzEvaluate feeds request values (which come from the network: keys,
// prefixes, headers, addresses) to a policy using every operator family.
func FuzzEvaluate(f *testing.F) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":["arn:aws:s3:::b/${aws:username}/*","arn:aws:s3:::b"],"Condition":{
			"StringLike":{"s3:prefix":"${aws:username}/*"},"StringNotEqualsIgnoreCase":{"s3:x":"A"},
			"NumericLessThanIfExists":{"s3:max-keys":1000},"DateLessThanIfExists":{"aws:CurrentTime":"2100-01-01"},
			"BoolIfExists":{"aws:SecureTransport":true},"BinaryEqualsIfExists":{"s3:bin":"aGk="},
			"IpAddressIfExists":{"aws:SourceIp":["10.0.0.0/8","::1/128"]},"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:*:*:*:${aws:username}"},
			"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]},"Null":{"s3:gone":"true"}}},
		{"Effect":"Deny","NotAction":"s3:GetObject","NotResource":"arn:aws:s3:::b/*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"x*"}}}]}`))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("s3:GetObject", "b", "alice/k", "alice", "alice/", "10.0.0.1", "2024-01-01T00:00:00Z", "a")
	f.Add("s3:ListBucket", "b", "", "", "", "::1", "1700000000", "x1")
	f.Fuzz(func(t *testing.T, action, bucket, object, user, prefix, ip, now, tag string) {
		args := Args{Account: user, Action: action, Bucket: bucket, Object: object, Conditions: map[string][]string{
			"s3:prefix": {prefix}, "aws:SourceIp": {ip}, "aws:CurrentTime": {now}, "s3:max-keys": {now},
			"aws:TagKeys": {tag, prefix}, "aws:SourceArn": {prefix}, "s3:bin": {tag}, "s3:x": {tag}}}
		d := p.Decision(args)
		if got := p.IsAllowed(args); got != (d == Allow) {
			t.Fatalf("IsAllowed = %v but Decision = %v", got, d)
		}
	})
}
