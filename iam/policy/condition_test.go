package policy

import (
	"fmt"
	"testing"
)

// condAllows parses a one-statement Allow policy whose only condition is
// {op: {key: vals}} and evaluates it for a request with conditions req.
func condAllows(t *testing.T, op, key, vals string, req map[string][]string) bool {
	t.Helper()
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{%q:{%q:%s}}}]}`, op, key, vals)
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse(%s): %v", doc, err)
	}
	return p.IsAllowed(Args{Account: "alice", Action: "s3:GetObject", Bucket: "b", Object: "k", Conditions: req})
}

type condCase struct {
	name      string
	op, key   string
	vals      string
	req       map[string][]string
	wantAllow bool
}

func runCondCases(t *testing.T, tests []condCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := condAllows(t, tt.op, tt.key, tt.vals, tt.req); got != tt.wantAllow {
				t.Fatalf("%s {%s: %s} with %v = %v, want %v", tt.op, tt.key, tt.vals, tt.req, got, tt.wantAllow)
			}
		})
	}
}

func kv(k string, v ...string) map[string][]string { return map[string][]string{k: v} }

func TestStringOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"equals", "StringEquals", "aws:username", `"alice"`, kv("aws:username", "alice"), true},
		{"equals case-sensitive value", "StringEquals", "aws:username", `"alice"`, kv("aws:username", "Alice"), false},
		{"equals key case-insensitive", "StringEquals", "AWS:UserName", `"alice"`, kv("aws:username", "alice"), true},
		{"equals request key mixed case", "StringEquals", "aws:username", `"alice"`, kv("AWS:USERNAME", "alice"), true},
		{"equals any of list", "StringEquals", "s3:prefix", `["a","b"]`, kv("s3:prefix", "b"), true},
		{"equals missing key", "StringEquals", "s3:prefix", `"a"`, nil, false},
		{"equals no wildcard", "StringEquals", "s3:prefix", `"a*"`, kv("s3:prefix", "abc"), false},
		{"not equals", "StringNotEquals", "s3:prefix", `["a","b"]`, kv("s3:prefix", "c"), true},
		{"not equals hit", "StringNotEquals", "s3:prefix", `["a","b"]`, kv("s3:prefix", "a"), false},
		{"not equals missing key", "StringNotEquals", "s3:prefix", `"a"`, nil, true},
		{"ignore case", "StringEqualsIgnoreCase", "aws:username", `"ALICE"`, kv("aws:username", "alice"), true},
		{"not equals ignore case", "StringNotEqualsIgnoreCase", "aws:username", `"ALICE"`, kv("aws:username", "alice"), false},
		{"like", "StringLike", "s3:prefix", `"home/*"`, kv("s3:prefix", "home/x/y"), true},
		{"like question", "StringLike", "s3:prefix", `"a?c"`, kv("s3:prefix", "abc"), true},
		{"like miss", "StringLike", "s3:prefix", `"home/*"`, kv("s3:prefix", "other/"), false},
		{"not like", "StringNotLike", "s3:prefix", `"home/*"`, kv("s3:prefix", "other/"), true},
		{"not like hit", "StringNotLike", "s3:prefix", `["x*","home/*"]`, kv("s3:prefix", "home/a"), false},
		{"number value as string", "StringEquals", "s3:max-keys", `10`, kv("s3:max-keys", "10"), true},
		{"bool value as string", "StringEquals", "aws:securetransport", `true`, kv("aws:securetransport", "true"), true},
		{"empty value list is missing", "StringEquals", "s3:prefix", `"a"`, map[string][]string{"s3:prefix": {}}, false},
	})
}

func TestIfExists(t *testing.T) {
	runCondCases(t, []condCase{
		{"string present match", "StringEqualsIfExists", "s3:prefix", `"a"`, kv("s3:prefix", "a"), true},
		{"string present miss", "StringEqualsIfExists", "s3:prefix", `"a"`, kv("s3:prefix", "b"), false},
		{"string missing", "StringEqualsIfExists", "s3:prefix", `"a"`, nil, true},
		{"not equals missing", "StringNotEqualsIfExists", "s3:prefix", `"a"`, nil, true},
		{"not equals present hit", "StringNotEqualsIfExists", "s3:prefix", `"a"`, kv("s3:prefix", "a"), false},
		{"like missing", "StringLikeIfExists", "s3:prefix", `"a*"`, nil, true},
		{"numeric missing", "NumericLessThanIfExists", "s3:max-keys", `10`, nil, true},
		{"numeric present", "NumericLessThanIfExists", "s3:max-keys", `10`, kv("s3:max-keys", "20"), false},
		{"date missing", "DateLessThanIfExists", "aws:currenttime", `"2020-01-01"`, nil, true},
		{"bool missing", "BoolIfExists", "aws:securetransport", `true`, nil, true},
		{"bool present false", "BoolIfExists", "aws:securetransport", `true`, kv("aws:securetransport", "false"), false},
		{"ip missing", "IpAddressIfExists", "aws:sourceip", `"10.0.0.0/8"`, nil, true},
		{"not ip present", "NotIpAddressIfExists", "aws:sourceip", `"10.0.0.0/8"`, kv("aws:sourceip", "10.1.1.1"), false},
		{"arn missing", "ArnLikeIfExists", "aws:sourcearn", `"arn:aws:sns:*:*:*"`, nil, true},
		{"binary missing", "BinaryEqualsIfExists", "s3:x", `"aGk="`, nil, true},
	})
}

func TestNumericOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"equals", "NumericEquals", "s3:max-keys", `10`, kv("s3:max-keys", "10"), true},
		{"equals float form", "NumericEquals", "s3:max-keys", `"10.0"`, kv("s3:max-keys", "10"), true},
		{"equals miss", "NumericEquals", "s3:max-keys", `10`, kv("s3:max-keys", "11"), false},
		{"not equals", "NumericNotEquals", "s3:max-keys", `10`, kv("s3:max-keys", "11"), true},
		{"not equals hit", "NumericNotEquals", "s3:max-keys", `10`, kv("s3:max-keys", "10"), false},
		{"less", "NumericLessThan", "s3:max-keys", `10`, kv("s3:max-keys", "9"), true},
		{"less equal boundary", "NumericLessThan", "s3:max-keys", `10`, kv("s3:max-keys", "10"), false},
		{"less equals", "NumericLessThanEquals", "s3:max-keys", `10`, kv("s3:max-keys", "10"), true},
		{"greater", "NumericGreaterThan", "s3:max-keys", `10`, kv("s3:max-keys", "11"), true},
		{"greater boundary", "NumericGreaterThan", "s3:max-keys", `10`, kv("s3:max-keys", "10"), false},
		{"greater equals", "NumericGreaterThanEquals", "s3:max-keys", `10`, kv("s3:max-keys", "10"), true},
		{"negative", "NumericLessThan", "s3:x", `-1`, kv("s3:x", "-2"), true},
		{"request not a number", "NumericLessThan", "s3:max-keys", `10`, kv("s3:max-keys", "ten"), false},
		{"missing", "NumericEquals", "s3:max-keys", `10`, nil, false},
		{"not equals missing", "NumericNotEquals", "s3:max-keys", `10`, nil, true},
	})
}

func TestDateOperators(t *testing.T) {
	const now = "2024-06-01T12:00:00Z"
	runCondCases(t, []condCase{
		{"less iso", "DateLessThan", "aws:CurrentTime", `"2025-01-01T00:00:00Z"`, kv("aws:currenttime", now), true},
		{"less iso miss", "DateLessThan", "aws:CurrentTime", `"2024-01-01T00:00:00Z"`, kv("aws:currenttime", now), false},
		{"less date only", "DateLessThan", "aws:CurrentTime", `"2024-06-02"`, kv("aws:currenttime", now), true},
		{"greater", "DateGreaterThan", "aws:CurrentTime", `"2024-01-01T00:00:00Z"`, kv("aws:currenttime", now), true},
		{"equals other zone", "DateEquals", "aws:CurrentTime", `"2024-06-01T14:00:00+02:00"`, kv("aws:currenttime", now), true},
		{"not equals", "DateNotEquals", "aws:CurrentTime", `"2024-06-01T12:00:01Z"`, kv("aws:currenttime", now), true},
		{"less equals boundary", "DateLessThanEquals", "aws:CurrentTime", `"` + now + `"`, kv("aws:currenttime", now), true},
		{"greater equals boundary", "DateGreaterThanEquals", "aws:CurrentTime", `"` + now + `"`, kv("aws:currenttime", now), true},
		{"epoch policy value", "DateGreaterThan", "aws:CurrentTime", `1717243199`, kv("aws:currenttime", now), true},
		{"epoch policy value miss", "DateGreaterThan", "aws:CurrentTime", `1717243200`, kv("aws:currenttime", now), false},
		{"epoch request value", "DateLessThan", "aws:EpochTime", `"2024-06-01T12:00:01Z"`, kv("aws:epochtime", "1717243200"), true},
		{"fractional seconds", "DateLessThan", "aws:CurrentTime", `"2024-06-01T12:00:00.5Z"`, kv("aws:currenttime", now), true},
		{"basic format", "DateEquals", "aws:CurrentTime", `"20240601T120000Z"`, kv("aws:currenttime", now), true},
		{"request not a date", "DateLessThan", "aws:CurrentTime", `"2025-01-01"`, kv("aws:currenttime", "soon"), false},
	})
}

func TestBoolBinaryNull(t *testing.T) {
	runCondCases(t, []condCase{
		{"bool true", "Bool", "aws:SecureTransport", `true`, kv("aws:securetransport", "true"), true},
		{"bool string", "Bool", "aws:SecureTransport", `"true"`, kv("aws:securetransport", "TRUE"), true},
		{"bool false", "Bool", "aws:SecureTransport", `false`, kv("aws:securetransport", "true"), false},
		{"bool missing", "Bool", "aws:SecureTransport", `false`, nil, false},
		{"binary base64 request", "BinaryEquals", "s3:x", `"aGVsbG8="`, kv("s3:x", "aGVsbG8="), true},
		{"binary raw request", "BinaryEquals", "s3:x", `"aGVsbG8="`, kv("s3:x", "hello"), true},
		{"binary miss", "BinaryEquals", "s3:x", `"aGVsbG8="`, kv("s3:x", "bye"), false},
		{"null true key absent", "Null", "s3:x-amz-server-side-encryption", `"true"`, nil, true},
		{"null true key present", "Null", "s3:x-amz-server-side-encryption", `"true"`, kv("s3:x-amz-server-side-encryption", "AES256"), false},
		{"null false key present", "Null", "s3:x-amz-server-side-encryption", `false`, kv("s3:x-amz-server-side-encryption", "AES256"), true},
		{"null false key absent", "Null", "s3:x-amz-server-side-encryption", `false`, nil, false},
		{"null empty values is absent", "Null", "s3:x", `true`, map[string][]string{"s3:x": {}}, true},
	})
}

func TestIPOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"v4 in range", "IpAddress", "aws:SourceIp", `"192.168.1.0/24"`, kv("aws:sourceip", "192.168.1.77"), true},
		{"v4 out of range", "IpAddress", "aws:SourceIp", `"192.168.1.0/24"`, kv("aws:sourceip", "192.168.2.1"), false},
		{"v4 single address", "IpAddress", "aws:SourceIp", `"10.1.2.3"`, kv("aws:sourceip", "10.1.2.3"), true},
		{"v4 /32", "IpAddress", "aws:SourceIp", `"10.1.2.3/32"`, kv("aws:sourceip", "10.1.2.4"), false},
		{"v4 /0", "IpAddress", "aws:SourceIp", `"0.0.0.0/0"`, kv("aws:sourceip", "8.8.8.8"), true},
		{"unmasked cidr", "IpAddress", "aws:SourceIp", `"10.1.2.3/8"`, kv("aws:sourceip", "10.200.0.1"), true},
		{"list", "IpAddress", "aws:SourceIp", `["10.0.0.0/8","2001:db8::/32"]`, kv("aws:sourceip", "2001:db8::1"), true},
		{"v6 in range", "IpAddress", "aws:SourceIp", `"2001:db8::/32"`, kv("aws:sourceip", "2001:db8:1::5"), true},
		{"v6 out of range", "IpAddress", "aws:SourceIp", `"2001:db8::/32"`, kv("aws:sourceip", "2001:db9::1"), false},
		{"v4 request v6 range", "IpAddress", "aws:SourceIp", `"::/0"`, kv("aws:sourceip", "10.0.0.1"), false},
		{"v4-mapped request", "IpAddress", "aws:SourceIp", `"10.0.0.0/8"`, kv("aws:sourceip", "::ffff:10.0.0.1"), true},
		{"v4-mapped range", "IpAddress", "aws:SourceIp", `"::ffff:10.0.0.0/104"`, kv("aws:sourceip", "10.0.0.1"), true},
		{"request with port", "IpAddress", "aws:SourceIp", `"10.0.0.0/8"`, kv("aws:sourceip", "10.0.0.1:5555"), true},
		{"request v6 with port", "IpAddress", "aws:SourceIp", `"2001:db8::/32"`, kv("aws:sourceip", "[2001:db8::1]:443"), true},
		{"request garbage", "IpAddress", "aws:SourceIp", `"10.0.0.0/8"`, kv("aws:sourceip", "nope"), false},
		{"not ip outside", "NotIpAddress", "aws:SourceIp", `"10.0.0.0/8"`, kv("aws:sourceip", "11.0.0.1"), true},
		{"not ip inside", "NotIpAddress", "aws:SourceIp", `"10.0.0.0/8"`, kv("aws:sourceip", "10.0.0.1"), false},
		{"not ip missing", "NotIpAddress", "aws:SourceIp", `"10.0.0.0/8"`, nil, true},
		{"ip missing", "IpAddress", "aws:SourceIp", `"10.0.0.0/8"`, nil, false},
	})
}

func TestARNOperators(t *testing.T) {
	const arn = "arn:aws:sns:us-east-1:123456789012:topic"
	runCondCases(t, []condCase{
		{"equals exact", "ArnEquals", "aws:SourceArn", `"` + arn + `"`, kv("aws:sourcearn", arn), true},
		{"like wildcard region", "ArnLike", "aws:SourceArn", `"arn:aws:sns:*:123456789012:*"`, kv("aws:sourcearn", arn), true},
		{"equals wildcard too", "ArnEquals", "aws:SourceArn", `"arn:aws:sns:*:123456789012:*"`, kv("aws:sourcearn", arn), true},
		{"wildcard does not cross segment", "ArnLike", "aws:SourceArn", `"arn:aws:sns:*:topic"`, kv("aws:sourcearn", arn), false},
		{"resource part may hold colons", "ArnLike", "aws:SourceArn", `"arn:aws:s3:::b/*"`, kv("aws:sourcearn", "arn:aws:s3:::b/x:y"), true},
		{"account mismatch", "ArnLike", "aws:SourceArn", `"arn:aws:sns:*:999999999999:*"`, kv("aws:sourcearn", arn), false},
		{"not like", "ArnNotLike", "aws:SourceArn", `"arn:aws:sns:*:999999999999:*"`, kv("aws:sourcearn", arn), true},
		{"not equals hit", "ArnNotEquals", "aws:SourceArn", `"` + arn + `"`, kv("aws:sourcearn", arn), false},
		{"not an arn request", "ArnLike", "aws:SourceArn", `"arn:aws:sns:*:*:*"`, kv("aws:sourcearn", "topic"), false},
	})
}

func TestSetQualifiers(t *testing.T) {
	tags := func(v ...string) map[string][]string { return kv("aws:TagKeys", v...) }
	runCondCases(t, []condCase{
		{"all values subset", "ForAllValues:StringEquals", "aws:TagKeys", `["a","b","c"]`, tags("a", "b"), true},
		{"all values not subset", "ForAllValues:StringEquals", "aws:TagKeys", `["a","b"]`, tags("a", "z"), false},
		{"all values missing key", "ForAllValues:StringEquals", "aws:TagKeys", `["a"]`, nil, true},
		{"all values empty key", "ForAllValues:StringEquals", "aws:TagKeys", `["a"]`, tags(), true},
		{"all values like", "ForAllValues:StringLike", "aws:TagKeys", `"team-*"`, tags("team-a", "team-b"), true},
		{"all values like one off", "ForAllValues:StringLike", "aws:TagKeys", `"team-*"`, tags("team-a", "cost"), false},
		{"all values not equals", "ForAllValues:StringNotEquals", "aws:TagKeys", `["secret"]`, tags("a", "b"), true},
		{"all values not equals one hit", "ForAllValues:StringNotEquals", "aws:TagKeys", `["secret"]`, tags("a", "secret"), false},
		{"any value hit", "ForAnyValue:StringEquals", "aws:TagKeys", `["a"]`, tags("z", "a"), true},
		{"any value none", "ForAnyValue:StringEquals", "aws:TagKeys", `["a"]`, tags("y", "z"), false},
		{"any value missing key", "ForAnyValue:StringEquals", "aws:TagKeys", `["a"]`, nil, false},
		{"any value not equals some differ", "ForAnyValue:StringNotEquals", "aws:TagKeys", `["a"]`, tags("a", "b"), true},
		{"any value not equals all same", "ForAnyValue:StringNotEquals", "aws:TagKeys", `["a"]`, tags("a"), false},
		{"any value not equals missing", "ForAnyValue:StringNotEquals", "aws:TagKeys", `["a"]`, nil, false},
		{"any value ifexists missing", "ForAnyValue:StringEqualsIfExists", "aws:TagKeys", `["a"]`, nil, true},
		{"all values ifexists present miss", "ForAllValues:StringEqualsIfExists", "aws:TagKeys", `["a"]`, tags("b"), false},
		{"any value ip", "ForAnyValue:IpAddress", "aws:SourceIp", `"10.0.0.0/8"`, kv("aws:sourceip", "1.1.1.1", "10.0.0.1"), true},
		{"all values numeric", "ForAllValues:NumericLessThan", "s3:x", `5`, kv("s3:x", "1", "4"), true},
		{"all values numeric miss", "ForAllValues:NumericLessThan", "s3:x", `5`, kv("s3:x", "1", "6"), false},
		{"plain op multivalued any", "StringEquals", "aws:TagKeys", `["a"]`, tags("z", "a"), true},
		{"plain negated multivalued", "StringNotEquals", "aws:TagKeys", `["a"]`, tags("z", "a"), false},
	})
}

func TestConditionVariables(t *testing.T) {
	runCondCases(t, []condCase{
		{"prefix per user", "StringLike", "s3:prefix", `["home/${aws:username}/*"]`, kv("s3:prefix", "home/alice/docs"), true},
		{"prefix other user", "StringLike", "s3:prefix", `["home/${aws:username}/*"]`, kv("s3:prefix", "home/bob/docs"), false},
		{"username from conditions wins", "StringEquals", "s3:prefix", `"${aws:username}"`, map[string][]string{"s3:prefix": {"carol"}, "aws:username": {"carol"}}, true},
		{"any request key", "StringEquals", "s3:prefix", `"${jwt:sub}/"`, map[string][]string{"s3:prefix": {"u1/"}, "jwt:sub": {"u1"}}, true},
		{"missing variable never matches", "StringEquals", "s3:prefix", `"${ldap:username}"`, kv("s3:prefix", ""), false},
		{"escape", "StringEquals", "s3:prefix", `"a${*}"`, kv("s3:prefix", "a*"), true},
		{"arn variable", "ArnLike", "aws:SourceArn", `"arn:aws:iam::*:user/${aws:username}"`, kv("aws:sourcearn", "arn:aws:iam::1:user/alice"), true},
	})
	// Version 2008-10-17 has no policy variables: the text is literal.
	p, err := Parse([]byte(`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	args := Args{Account: "alice", Action: "s3:GetObject", Bucket: "b", Object: "k", Conditions: kv("s3:prefix", "alice")}
	if p.IsAllowed(args) {
		t.Fatal("2008-10-17 policy expanded a variable")
	}
	args.Conditions = kv("s3:prefix", "${aws:username}")
	if !p.IsAllowed(args) {
		t.Fatal("2008-10-17 policy did not compare the literal text")
	}
}

func TestMultipleConditionsAND(t *testing.T) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{
		"StringLike":{"s3:prefix":"pub/*","s3:delimiter":"/"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		conds map[string][]string
		want  bool
	}{
		{"all hold", map[string][]string{"s3:prefix": {"pub/x"}, "s3:delimiter": {"/"}, "aws:SourceIp": {"10.0.0.1"}}, true},
		{"ip fails", map[string][]string{"s3:prefix": {"pub/x"}, "s3:delimiter": {"/"}, "aws:SourceIp": {"11.0.0.1"}}, false},
		{"second key fails", map[string][]string{"s3:prefix": {"pub/x"}, "s3:delimiter": {"-"}, "aws:SourceIp": {"10.0.0.1"}}, false},
		{"key missing", map[string][]string{"s3:prefix": {"pub/x"}, "aws:SourceIp": {"10.0.0.1"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.IsAllowed(Args{Action: "s3:ListBucket", Bucket: "b", Conditions: tt.conds})
			if got != tt.want {
				t.Fatalf("IsAllowed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOperatorNames(t *testing.T) {
	bases := []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
		"StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
		"NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
		"DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
		"Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"}
	for _, b := range bases {
		for _, q := range []string{"", "ForAnyValue:", "ForAllValues:"} {
			for _, suffix := range []string{"", "IfExists"} {
				name := q + b + suffix
				t.Run(name, func(t *testing.T) {
					op, err := parseOperator(name)
					if err != nil {
						t.Fatalf("parseOperator(%q): %v", name, err)
					}
					if op.ifExists != (suffix != "") || (op.qual != qualNone) != (q != "") {
						t.Fatalf("parseOperator(%q) = %+v", name, op)
					}
				})
			}
		}
	}
	for _, bad := range []string{"Null" + "IfExists", "ForAnyValue:Null", "ForAllValues:Null", "IfExists", "StringEqualsIfExistsIfExists",
		"ForAnyValue:", "ForAnyValue:ForAllValues:StringEquals", "BinaryNotEquals", "StringEquals ", ""} {
		t.Run("reject "+bad, func(t *testing.T) {
			if _, err := parseOperator(bad); err == nil {
				t.Fatalf("parseOperator(%q) accepted", bad)
			}
		})
	}
	if _, err := parseOperator("Null"); err != nil {
		t.Fatalf("Null: %v", err)
	}
}

func TestSourceIPVariable(t *testing.T) {
	runCondCases(t, []condCase{
		{"source ip in value", "StringEquals", "s3:x", `"from-${aws:SourceIp}"`, map[string][]string{"s3:x": {"from-10.0.0.1"}, "aws:SourceIp": {"10.0.0.1"}}, true},
		{"userid falls back to account", "StringEquals", "s3:x", `"${aws:userid}"`, kv("s3:x", "alice"), true},
		{"multivalued key is not substituted", "StringEquals", "s3:x", `"${aws:TagKeys}"`, map[string][]string{"s3:x": {"a"}, "aws:TagKeys": {"a", "b"}}, false},
	})
}
