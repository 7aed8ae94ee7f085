package policy

import "testing"

func mustParse(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func mustParseBucket(t *testing.T, doc, bucket string) *Policy {
	t.Helper()
	p, err := ParseBucketPolicy([]byte(doc), bucket)
	if err != nil {
		t.Fatalf("ParseBucketPolicy: %v", err)
	}
	return p
}

func TestExplicitDenyWinsWhateverTheOrder(t *testing.T) {
	allowFirst := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowAll","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
		{"Sid":"DenyDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}`)
	denyFirst := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"DenyDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"},
		{"Sid":"AllowAll","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`)
	del := Args{Account: "alice", Action: "s3:DeleteObject", Bucket: "b", Object: "k"}
	get := Args{Account: "alice", Action: "s3:GetObject", Bucket: "b", Object: "k"}
	for name, p := range map[string]*Policy{"allow first": allowFirst, "deny first": denyFirst} {
		t.Run(name, func(t *testing.T) {
			if d := p.Decision(del); d != Deny {
				t.Fatalf("Decision(DeleteObject) = %v, want Deny", d)
			}
			if p.IsAllowed(del) {
				t.Fatal("DeleteObject allowed despite an explicit Deny")
			}
			if d := p.Decision(get); d != Allow {
				t.Fatalf("Decision(GetObject) = %v, want Allow", d)
			}
		})
	}
	// Across policies, too, in either order.
	allow := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	deny := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`)
	if Evaluate(del, allow, deny) || Evaluate(del, deny, allow) {
		t.Fatal("Evaluate: explicit Deny in one policy did not win over Allow in another")
	}
	if !Evaluate(get, allow, deny) {
		t.Fatal("Evaluate: Allow ignored")
	}
	if Merge(allow, deny).IsAllowed(del) || Merge(deny, allow).IsAllowed(del) {
		t.Fatal("Merge: explicit Deny lost")
	}
}

func TestDecisionAndDefaultDeny(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/pub/*"},
		{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/pub/secret*"}]}`)
	tests := []struct {
		name string
		args Args
		want Decision
	}{
		{"allowed", Args{Action: "s3:GetObject", Bucket: "b", Object: "pub/a"}, Allow},
		{"explicitly denied", Args{Action: "s3:GetObject", Bucket: "b", Object: "pub/secret.txt"}, Deny},
		{"other prefix", Args{Action: "s3:GetObject", Bucket: "b", Object: "priv/a"}, NotApplicable},
		{"other bucket", Args{Action: "s3:GetObject", Bucket: "c", Object: "pub/a"}, NotApplicable},
		{"other action", Args{Action: "s3:PutObject", Bucket: "b", Object: "pub/a"}, NotApplicable},
		{"action case-insensitive", Args{Action: "S3:GETOBJECT", Bucket: "b", Object: "pub/a"}, Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Decision(tt.args); got != tt.want {
				t.Fatalf("Decision = %v, want %v", got, tt.want)
			}
			if got := p.IsAllowed(tt.args); got != (tt.want == Allow) {
				t.Fatalf("IsAllowed = %v", got)
			}
		})
	}
	if Evaluate(Args{Action: "s3:GetObject", Bucket: "b", Object: "k"}) {
		t.Fatal("Evaluate with no policies allowed")
	}
	if Evaluate(Args{Action: "s3:GetObject", Bucket: "b", Object: "k"}, nil, nil) {
		t.Fatal("Evaluate with nil policies allowed")
	}
	var nilPolicy *Policy
	if nilPolicy.Decision(Args{Action: "s3:GetObject"}) != NotApplicable {
		t.Fatal("nil policy applies")
	}
	for d, s := range map[Decision]string{NotApplicable: "NotApplicable", Allow: "Allow", Deny: "Deny"} {
		if d.String() != s {
			t.Fatalf("%d.String() = %q", d, d.String())
		}
	}
}

func TestNotActionNotResource(t *testing.T) {
	notAction := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["s3:DeleteObject","s3:Delete*Bucket*"],"Resource":"arn:aws:s3:::b/*"}]}`)
	notResource := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:*","Resource":"*"},
		{"Effect":"Deny","Action":"s3:PutObject","NotResource":["arn:aws:s3:::b/uploads/*"]}]}`)
	tests := []struct {
		name string
		p    *Policy
		args Args
		want bool
	}{
		{"not action allows others", notAction, Args{Action: "s3:GetObject", Bucket: "b", Object: "k"}, true},
		{"not action excludes listed", notAction, Args{Action: "s3:DeleteObject", Bucket: "b", Object: "k"}, false},
		{"not action wildcard excludes", notAction, Args{Action: "s3:DeleteBucketPolicy", Bucket: "b"}, false},
		{"not action still needs resource", notAction, Args{Action: "s3:GetObject", Bucket: "c", Object: "k"}, false},
		{"not action on a bucket grants no admin", notAction, Args{Action: "admin:ServerInfo"}, false},
		{"not resource inside", notResource, Args{Action: "s3:PutObject", Bucket: "b", Object: "uploads/x"}, true},
		{"not resource outside denied", notResource, Args{Action: "s3:PutObject", Bucket: "b", Object: "other/x"}, false},
		{"not resource other action", notResource, Args{Action: "s3:GetObject", Bucket: "b", Object: "other/x"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.IsAllowed(tt.args); got != tt.want {
				t.Fatalf("IsAllowed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestServiceActionsIgnoreResources(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["admin:ServerInfo","kms:Status"],"Resource":"arn:aws:s3:::b"}]}`)
	if !p.IsAllowed(Args{Action: "admin:ServerInfo"}) || !p.IsAllowed(Args{Action: "kms:Status"}) {
		t.Fatal("admin/kms actions should not depend on Resource")
	}
	if p.IsAllowed(Args{Action: "admin:CreateUser"}) {
		t.Fatal("unlisted admin action allowed")
	}
	noRes := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"admin:*"}]}`)
	if !noRes.IsAllowed(Args{Action: "admin:CreateUser"}) {
		t.Fatal("admin:* without Resource should allow admin actions")
	}
	if noRes.IsAllowed(Args{Action: "s3:GetObject", Bucket: "b", Object: "k"}) {
		t.Fatal("admin:* allowed an S3 action")
	}
	mixed := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["admin:*","s3:*"],"Resource":"arn:aws:s3:::b/*"}]}`)
	if mixed.IsAllowed(Args{Action: "admin:CreateUser"}) {
		t.Fatal("a statement mixing s3 and admin actions on one bucket granted admin rights")
	}
	everywhere := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:DeleteObject","Resource":"*"}]}`)
	if !everywhere.IsAllowed(Args{Action: "admin:CreateUser"}) {
		t.Fatal("NotAction on Resource * should grant every other action")
	}
}

func TestListAllMyBuckets(t *testing.T) {
	tests := []struct {
		resource string
		want     bool
	}{
		{"*", true},
		{"arn:aws:s3:::*", true},
		{"arn:aws:s3:::b", false},
		{"arn:aws:s3:::b/*", false},
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"`+tt.resource+`"}]}`)
			if got := p.IsAllowed(Args{Action: "s3:ListAllMyBuckets"}); got != tt.want {
				t.Fatalf("IsAllowed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestResourceVariables(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"},
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::sso/${jwt:sub}/*"},
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::lit/${*}"}]}`)
	tests := []struct {
		name string
		args Args
		want bool
	}{
		{"own home", Args{Account: "alice", Action: "s3:PutObject", Bucket: "home", Object: "alice/x"}, true},
		{"other home", Args{Account: "alice", Action: "s3:PutObject", Bucket: "home", Object: "bob/x"}, false},
		{"username from conditions", Args{Account: "AKIA1", Action: "s3:PutObject", Bucket: "home", Object: "bob/x",
			Conditions: map[string][]string{"aws:username": {"bob"}}}, true},
		{"anonymous has no username", Args{Action: "s3:PutObject", Bucket: "home", Object: "/x"}, false},
		{"jwt claim", Args{Action: "s3:GetObject", Bucket: "sso", Object: "u1/x", Conditions: map[string][]string{"jwt:sub": {"u1"}}}, true},
		{"jwt claim missing", Args{Action: "s3:GetObject", Bucket: "sso", Object: "/x"}, false},
		{"escaped star literal", Args{Action: "s3:GetObject", Bucket: "lit", Object: "*"}, true},
		{"escaped star not wildcard", Args{Action: "s3:GetObject", Bucket: "lit", Object: "abc"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.IsAllowed(tt.args); got != tt.want {
				t.Fatalf("IsAllowed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBucketPolicyPrincipals(t *testing.T) {
	doc := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal +
			`,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	}
	tests := []struct {
		name      string
		principal string
		account   string
		want      bool
	}{
		{"star anonymous", `"*"`, "", true},
		{"star user", `"*"`, "alice", true},
		{"aws star list anonymous", `{"AWS":["*"]}`, "", true},
		{"aws star string", `{"AWS":"*"}`, "bob", true},
		{"user arn", `{"AWS":"arn:aws:iam::123456789012:user/alice"}`, "alice", true},
		{"user arn other", `{"AWS":"arn:aws:iam::123456789012:user/alice"}`, "bob", false},
		{"user arn anonymous", `{"AWS":"arn:aws:iam::123456789012:user/alice"}`, "", false},
		{"user arn with path", `{"AWS":"arn:aws:iam::123456789012:user/division/alice"}`, "alice", true},
		{"user arn wildcard account", `{"AWS":"arn:aws:iam::*:user/alice"}`, "alice", true},
		{"account root arn", `{"AWS":"arn:aws:iam::alice:root"}`, "alice", true},
		{"bare access key", `{"AWS":"alice"}`, "alice", true},
		{"list of users", `{"AWS":["bob","arn:aws:iam::1:user/alice"]}`, "alice", true},
		{"service principal never matches", `{"Service":"logging.s3.amazonaws.com"}`, "alice", false},
		{"role arn does not match user", `{"AWS":"arn:aws:iam::1:role/alice"}`, "alice", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParseBucket(t, doc(tt.principal), "b")
			args := Args{Account: tt.account, Action: "s3:GetObject", Bucket: "b", Object: "k"}
			if got := p.IsAllowed(args); got != tt.want {
				t.Fatalf("IsAllowed = %v, want %v", got, tt.want)
			}
		})
	}
	notPr := mustParseBucket(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
		{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::1:user/admin"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}`, "b")
	if !notPr.IsAllowed(Args{Account: "admin", Action: "s3:DeleteObject", Bucket: "b", Object: "k"}) {
		t.Fatal("NotPrincipal: excluded principal was denied")
	}
	if notPr.IsAllowed(Args{Account: "alice", Action: "s3:DeleteObject", Bucket: "b", Object: "k"}) {
		t.Fatal("NotPrincipal: others were not denied")
	}
}

func TestIsOwner(t *testing.T) {
	p := mustParseBucket(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}`, "b")
	owner := Args{Account: "root", Action: "s3:GetObject", Bucket: "b", Object: "k", IsOwner: true}
	if !p.IsAllowed(owner) || !Evaluate(owner) {
		t.Fatal("owner not allowed by default")
	}
	owner.Action = "s3:DeleteObject"
	if p.IsAllowed(owner) {
		t.Fatal("owner allowed despite explicit Deny")
	}
}

func TestMerge(t *testing.T) {
	a := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	b := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`)
	m := Merge(a, nil, b)
	if len(m.Statements) != 2 {
		t.Fatalf("Merge kept %d statements, want 2 (duplicates removed): %s", len(m.Statements), m)
	}
	for _, action := range []string{"s3:GetObject", "s3:PutObject"} {
		if !m.IsAllowed(Args{Action: action, Bucket: "x", Object: "y"}) {
			t.Fatalf("merged policy does not allow %s", action)
		}
	}
	if m.IsAllowed(Args{Action: "s3:DeleteObject", Bucket: "x", Object: "y"}) {
		t.Fatal("merged policy allows DeleteObject")
	}
	if e := Merge(); len(e.Statements) != 0 || e.IsAllowed(Args{Action: "s3:GetObject"}) {
		t.Fatal("empty merge allows")
	}
	roundTrip(t, m)
}

func TestPrincipalTypeVariable(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:principaltype}/*"}]}`)
	if !p.IsAllowed(Args{Account: "alice", Action: "s3:GetObject", Bucket: "b", Object: "User/x"}) {
		t.Fatal("principal type User not substituted")
	}
	if !p.IsAllowed(Args{Action: "s3:GetObject", Bucket: "b", Object: "Anonymous/x"}) {
		t.Fatal("principal type Anonymous not substituted")
	}
	if !p.IsAllowed(Args{Account: "alice", Action: "s3:GetObject", Bucket: "b", Object: "AssumedRole/x",
		Conditions: map[string][]string{"aws:PrincipalType": {"AssumedRole"}}}) {
		t.Fatal("aws:PrincipalType from the conditions not preferred")
	}
}

// TestClientGeneratedPolicies evaluates documents as mc, the AWS console
// and tutorials write them.
func TestClientGeneratedPolicies(t *testing.T) {
	// mc anonymous set download b/pub
	mcDownload := mustParseBucket(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetBucketLocation"],"Resource":["arn:aws:s3:::b"]},
		{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b"],"Condition":{"StringEquals":{"s3:prefix":["pub"]}}},
		{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/pub*"]}]}`, "b")
	// The classic public-read bucket policy from the S3 console.
	publicRead := mustParseBucket(t, `{"Version":"2012-10-17","Statement":[{"Sid":"PublicReadGetObject","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, "b")
	// Deny insecure transport.
	tlsOnly := mustParseBucket(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowAll","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},
		{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, "b")
	tests := []struct {
		name string
		p    *Policy
		args Args
		want bool
	}{
		{"mc download list pub", mcDownload, Args{Action: "s3:ListBucket", Bucket: "b", Conditions: map[string][]string{"s3:prefix": {"pub"}}}, true},
		{"mc download list root", mcDownload, Args{Action: "s3:ListBucket", Bucket: "b", Conditions: map[string][]string{"s3:prefix": {""}}}, false},
		{"mc download get pub", mcDownload, Args{Action: "s3:GetObject", Bucket: "b", Object: "pub/a.txt"}, true},
		{"mc download get other", mcDownload, Args{Action: "s3:GetObject", Bucket: "b", Object: "priv/a.txt"}, false},
		{"mc download location", mcDownload, Args{Action: "s3:GetBucketLocation", Bucket: "b"}, true},
		{"mc download no put", mcDownload, Args{Action: "s3:PutObject", Bucket: "b", Object: "pub/a"}, false},
		{"public read get", publicRead, Args{Action: "s3:GetObject", Bucket: "b", Object: "x"}, true},
		{"public read no list", publicRead, Args{Action: "s3:ListBucket", Bucket: "b"}, false},
		{"tls only https", tlsOnly, Args{Action: "s3:PutObject", Bucket: "b", Object: "x", Conditions: map[string][]string{"aws:SecureTransport": {"true"}}}, true},
		{"tls only http", tlsOnly, Args{Action: "s3:PutObject", Bucket: "b", Object: "x", Conditions: map[string][]string{"aws:SecureTransport": {"false"}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.IsAllowed(tt.args); got != tt.want {
				t.Fatalf("IsAllowed = %v, want %v", got, tt.want)
			}
		})
	}
}
