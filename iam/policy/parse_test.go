package policy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseAccept(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"single statement object", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`},
		{"statement list", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["s3:PutObject","s3:DeleteObject"],"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::c"]}]}`},
		{"old version", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
		{"no version", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
		{"id and sid", `{"Version":"2012-10-17","Id":"p1","Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]}`},
		{"action wildcards", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:*Retention*","s3:*LegalHold*","s3:List?ucket","*"],"Resource":"*"}]}`},
		{"action case-insensitive", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"S3:getobject","Resource":"*"}]}`},
		{"wildcard matching nothing", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Frobnicate*","Resource":"*"}]}`},
		{"not action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:DeleteObject","Resource":"*"}]}`},
		{"not resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/*"}]}`},
		{"admin without resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["admin:*"]}]}`},
		{"kms and sts", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:CreateKey","kms:ListKeys","kms:Status","sts:AssumeRole"],"Resource":"*"}]}`},
		{"admin actions", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["admin:CreateUser","admin:ListUsers","admin:AttachUserOrGroupPolicy","admin:CreatePolicy","admin:ServerInfo","admin:CreateServiceAccount"]}]}`},
		{"condition values of all kinds", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{
			"StringLike":{"s3:prefix":["home/","home/${aws:username}/*"]},
			"NumericLessThan":{"s3:max-keys":100},
			"Bool":{"aws:SecureTransport":true},
			"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32","192.168.1.1"]},
			"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},
			"DateLessThan":{"aws:EpochTime":1700000000},
			"BinaryEquals":{"s3:x":"aGVsbG8="},
			"Null":{"s3:x-amz-server-side-encryption":"true"},
			"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":["a","b"]},
			"ForAnyValue:StringNotLike":{"aws:TagKeys":"x*"},
			"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}}]}`},
		{"null as bool literal", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"Null":{"s3:x-amz-server-side-encryption":true}}}]}`},
		{"statement with unicode", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/ünïcode/*"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			roundTrip(t, p)
		})
	}
}

// roundTrip checks that p marshals to JSON that parses back to an equal
// policy, and that the canonical form is a fixed point.
func roundTrip(t *testing.T, p *Policy) {
	t.Helper()
	b, err := p.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	var q Policy
	if err := q.UnmarshalJSON(b); err != nil {
		t.Fatalf("re-parse %s: %v", b, err)
	}
	if !p.Equal(&q) {
		t.Fatalf("round trip changed the policy:\n%s\n%s", b, q.String())
	}
	if b2, _ := q.MarshalJSON(); string(b2) != string(b) {
		t.Fatalf("canonical form not stable:\n%s\n%s", b, b2)
	}
}

func TestParseReject(t *testing.T) {
	const stmt = `"Effect":"Allow","Action":"s3:GetObject","Resource":"*"`
	tests := []struct {
		name   string
		doc    string
		reason string // substring of the error
	}{
		{"not json", `{`, "not valid JSON"},
		{"not an object", `[]`, "must be a JSON object"},
		{"unknown top-level field", `{"Version":"2012-10-17","Foo":1,"Statement":[{` + stmt + `}]}`, `unknown field "Foo"`},
		{"top-level field case", `{"version":"2012-10-17","Statement":[{` + stmt + `}]}`, `unknown field "version"`},
		{"bad version", `{"Version":"2012-10-18","Statement":[{` + stmt + `}]}`, "invalid policy Version"},
		{"missing statement", `{"Version":"2012-10-17"}`, "missing required field Statement"},
		{"empty statement", `{"Version":"2012-10-17","Statement":[]}`, "Statement is empty"},
		{"statement not object", `{"Version":"2012-10-17","Statement":["x"]}`, "statement must be a JSON object"},
		{"unknown statement field", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Actions":"s3:*"}]}`, `unknown field "Actions"`},
		{"missing effect", `{"Version":"2012-10-17","Statement":[{"Action":"s3:*","Resource":"*"}]}`, "missing required field Effect"},
		{"bad effect", `{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}`, "invalid effect"},
		{"missing action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}`, "missing required field Action"},
		{"action and notaction", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"s3:GetObject","Resource":"*"}]}`, "Action and NotAction cannot both be present"},
		{"resource and notresource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*"}]}`, "Resource and NotResource"},
		{"empty action list", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, "Action must not be empty"},
		{"action not string", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":5,"Resource":"*"}]}`, "Action must be a string"},
		{"unknown action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjects","Resource":"*"}]}`, "invalid action"},
		{"unknown service", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`, "unknown service"},
		{"action without service", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}`, "invalid action"},
		{"bad wildcard action chars", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get/*","Resource":"*"}]}`, "invalid action"},
		{"missing resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`, "missing required field Resource"},
		{"missing resource with star action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}`, "missing required field Resource"},
		{"bad resource arn", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:ec2:::x"}]}`, "Policy has invalid resource"},
		{"bare resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"bucket/key"}]}`, "Policy has invalid resource"},
		{"empty arn resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"}]}`, "Policy has invalid resource"},
		{"principal in identity policy", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Principal":"*"}]}`, "must not have a Principal"},
		{"duplicate sid", `{"Version":"2012-10-17","Statement":[{"Sid":"x",` + stmt + `},{"Sid":"x",` + stmt + `}]}`, "must be unique"},
		{"unknown operator", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"StringEqualz":{"aws:username":"a"}}}]}`, "invalid condition operator"},
		{"operator case", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"stringequals":{"aws:username":"a"}}}]}`, "invalid condition operator"},
		{"bad qualifier", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"ForSomeValues:StringEquals":{"aws:username":"a"}}}]}`, "invalid condition operator"},
		{"null ifexists", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"NullIfExists":{"aws:username":"true"}}}]}`, "invalid condition operator"},
		{"qualified null", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"ForAnyValue:Null":{"aws:username":"true"}}}]}`, "invalid condition operator"},
		{"condition not object", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":"x"}]}`, "Condition must be an object"},
		{"condition keys not object", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"StringEquals":["a"]}}]}`, "must map condition keys"},
		{"no condition keys", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"StringEquals":{}}}]}`, "has no condition keys"},
		{"bad condition key", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"StringEquals":{"username":"a"}}}]}`, "invalid condition key"},
		{"duplicate key by case", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"StringEquals":{"aws:UserName":"a","aws:username":"b"}}}]}`, "twice"},
		{"empty value list", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"StringEquals":{"aws:username":[]}}}]}`, "empty condition value list"},
		{"object value", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"StringEquals":{"aws:username":{"a":1}}}}]}`, "must be strings, numbers or booleans"},
		{"bad number", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"NumericEquals":{"s3:max-keys":"ten"}}}]}`, "invalid condition value"},
		{"bad date", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"DateLessThan":{"aws:CurrentTime":"yesterday"}}}]}`, "invalid condition value"},
		{"bad bool", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"Bool":{"aws:SecureTransport":"yes"}}}]}`, "invalid boolean"},
		{"bad null value", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"Null":{"aws:username":"maybe"}}}]}`, "invalid boolean"},
		{"bad base64", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"BinaryEquals":{"s3:x":"!!"}}}]}`, "invalid condition value"},
		{"bad cidr", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}`, "invalid condition value"},
		{"bad ip", `{"Version":"2012-10-17","Statement":[{` + stmt + `,"Condition":{"NotIpAddress":{"aws:SourceIp":"localhost"}}}]}`, "invalid condition value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatalf("Parse accepted: %s", p)
			}
			if !errors.Is(err, ErrMalformedPolicy) {
				t.Fatalf("error %v does not wrap ErrMalformedPolicy", err)
			}
			var me *MalformedError
			if !errors.As(err, &me) || !strings.Contains(me.Reason, tt.reason) {
				t.Fatalf("error %q, want reason containing %q", err, tt.reason)
			}
		})
	}
}

func TestParseBucketPolicy(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		reason string // "" when accepted
	}{
		{"anonymous read", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pics/*"}]}`, ""},
		{"aws star list", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::pics"]}]}`, ""},
		{"user arn", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:*","Resource":["arn:aws:s3:::pics","arn:aws:s3:::pics/*"]}]}`, ""},
		{"not principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"alice"},"Action":"s3:*","Resource":"arn:aws:s3:::pics/*"}]}`, ""},
		{"service principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::pics/logs/*"}]}`, ""},
		{"bucket wildcard covering bucket", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pi*/*"}]}`, ""},
		{"missing principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::pics/*"}]}`, "missing required field Principal"},
		{"principal string not star", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"alice","Action":"s3:GetObject","Resource":"arn:aws:s3:::pics/*"}]}`, "Invalid principal"},
		{"principal unknown type", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Users":"alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pics/*"}]}`, "Invalid principal"},
		{"principal empty object", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pics/*"}]}`, "Invalid principal"},
		{"not principal with allow", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"a"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pics/*"}]}`, "NotPrincipal must be used with"},
		{"both principals", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","NotPrincipal":{"AWS":"a"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pics/*"}]}`, "cannot both be present"},
		{"other bucket", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`, "Policy has invalid resource"},
		{"star resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`, "Policy has invalid resource"},
		{"bucket prefix not bucket", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pics2/*"}]}`, "Policy has invalid resource"},
		{"missing resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}`, "missing required field Resource"},
		{"admin action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"admin:ServerInfo","Resource":"arn:aws:s3:::pics"}]}`, "is not an S3 action"},
		{"kms not action", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":"kms:*","Resource":"arn:aws:s3:::pics"}]}`, "is not an S3 action"},
		{"list bucket on objects", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::pics/*"}]}`, "Action does not apply to any resource(s) in statement"},
		{"get object on bucket", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pics"}]}`, "Action does not apply to any resource(s) in statement"},
		{"list all my buckets", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::pics"}]}`, "Action does not apply"},
		{"both kinds both resources", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::pics","arn:aws:s3:::pics/*"]}]}`, ""},
		{"wildcard bucket covers both", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::pic*"}]}`, ""},
		{"wildcard action not checked", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::pics/*"}]}`, ""},
		{"variable in key", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pics/${aws:username}"}]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseBucketPolicy([]byte(tt.doc), "pics")
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("ParseBucketPolicy: %v", err)
				}
				roundTrip(t, p)
				return
			}
			var me *MalformedError
			if !errors.As(err, &me) || !strings.Contains(me.Reason, tt.reason) {
				t.Fatalf("error %v, want reason containing %q", err, tt.reason)
			}
		})
	}
	if _, err := ParseBucketPolicy([]byte(`{}`), ""); !errors.Is(err, ErrMalformedPolicy) {
		t.Fatalf("empty bucket name: %v", err)
	}
	big := `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("x", MaxBucketPolicySize) +
		`","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pics/*"}]}`
	if _, err := ParseBucketPolicy([]byte(big), "pics"); err == nil || !strings.Contains(err.Error(), "maximum allowed document size") {
		t.Fatalf("oversized bucket policy: %v", err)
	}
}

func TestCanonicalJSON(t *testing.T) {
	doc := `{"Id":"x","Statement":{"Condition":{"StringLike":{"s3:prefix":["b","a","a"]},"Bool":{"aws:SecureTransport":true}},
		"Resource":["arn:aws:s3:::z","arn:aws:s3:::a","arn:aws:s3:::a"],"Action":["s3:PutObject","s3:GetObject"],"Effect":"Allow","Sid":"s1"},"Version":"2012-10-17"}`
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"s1","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::a","arn:aws:s3:::z"],"Condition":{"Bool":{"aws:SecureTransport":["true"]},"StringLike":{"s3:prefix":["a","b"]}}}]}`
	if got := p.String(); got != want {
		t.Fatalf("canonical JSON\n got %s\nwant %s", got, want)
	}
	bp, err := ParseBucketPolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/<x>&"}]}`), "b")
	if err != nil {
		t.Fatal(err)
	}
	want = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/<x>&"]}]}`
	if got := bp.String(); got != want {
		t.Fatalf("canonical JSON\n got %s\nwant %s", got, want)
	}
}

func TestMarshalValueAndEmbedded(t *testing.T) {
	p, _ := BuiltIn(BuiltInWriteOnly)
	b, err := json.Marshal(struct {
		Name   string
		Policy Policy
	}{"w", *p})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Name":"w","Policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::*"]}]}}`
	if string(b) != want {
		t.Fatalf("embedded marshal\n got %s\nwant %s", b, want)
	}
	var back struct {
		Name   string
		Policy Policy
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Policy.Equal(p) {
		t.Fatalf("unmarshal mismatch: %s", back.Policy.String())
	}
}
