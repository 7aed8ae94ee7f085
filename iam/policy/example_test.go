package policy_test

import (
	"fmt"

	"github.com/silo-project/silo/iam/policy"
)

// A user policy granting each user a home prefix, evaluated for two users.
func ExampleParse() {
	p, err := policy.Parse([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [{
	    "Effect": "Allow",
	    "Action": ["s3:GetObject", "s3:PutObject"],
	    "Resource": "arn:aws:s3:::home/${aws:username}/*"
	  }]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.IsAllowed(policy.Args{Account: "alice", Action: "s3:PutObject", Bucket: "home", Object: "alice/notes.txt"}))
	fmt.Println(p.IsAllowed(policy.Args{Account: "bob", Action: "s3:PutObject", Bucket: "home", Object: "alice/notes.txt"}))
	// Output:
	// true
	// false
}

// Validation errors explain themselves and wrap ErrMalformedPolicy.
func ExampleParseBucketPolicy() {
	_, err := policy.ParseBucketPolicy([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other/*"}]
	}`), "photos")
	fmt.Println(err)
	// Output:
	// malformed policy: Statement 0: Policy has invalid resource: "arn:aws:s3:::other/*" is not within bucket "photos"
}

// An explicit Deny in any policy wins, whatever the order of the policies
// or statements.
func ExampleEvaluate() {
	readwrite, _ := policy.BuiltIn("readwrite")
	noDelete, _ := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	  {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::archive/*"}]}`))
	del := policy.Args{Account: "alice", Action: "s3:DeleteObject", Bucket: "archive", Object: "2024.tar"}
	fmt.Println(policy.Evaluate(del, readwrite, noDelete))
	fmt.Println(policy.Evaluate(del, noDelete, readwrite))
	del.Bucket = "scratch"
	fmt.Println(policy.Evaluate(del, readwrite, noDelete))
	// Output:
	// false
	// false
	// true
}

// Conditions restrict a statement to requests with matching context keys.
func ExamplePolicy_Decision() {
	p, _ := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data",
	   "Condition":{"StringLike":{"s3:prefix":"public/*"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
	  {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::data*",
	   "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`))
	list := func(prefix, ip, tls string) policy.Args {
		return policy.Args{Action: "s3:ListBucket", Bucket: "data", Conditions: map[string][]string{
			"s3:prefix": {prefix}, "aws:SourceIp": {ip}, "aws:SecureTransport": {tls}}}
	}
	fmt.Println(p.Decision(list("public/2024/", "10.1.2.3", "true")))
	fmt.Println(p.Decision(list("private/", "10.1.2.3", "true")))
	fmt.Println(p.Decision(list("public/2024/", "10.1.2.3", "false")))
	// Output:
	// Allow
	// NotApplicable
	// Deny
}

// Policies marshal to a canonical JSON form.
func ExamplePolicy_MarshalJSON() {
	p, _ := policy.Parse([]byte(`{"Statement":{"Resource":"arn:aws:s3:::b/*","Action":["s3:PutObject","s3:GetObject"],"Effect":"Allow"},"Version":"2012-10-17"}`))
	b, _ := p.MarshalJSON()
	fmt.Println(string(b))
	// Output:
	// {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::b/*"]}]}
}

// The built-in policies carry MinIO's meanings.
func ExampleBuiltIn() {
	for _, name := range policy.BuiltInNames() {
		p, _ := policy.BuiltIn(name)
		get := p.IsAllowed(policy.Args{Action: "s3:GetObject", Bucket: "b", Object: "k"})
		put := p.IsAllowed(policy.Args{Action: "s3:PutObject", Bucket: "b", Object: "k"})
		admin := p.IsAllowed(policy.Args{Action: "admin:ServerInfo"})
		fmt.Printf("%-12s get=%v put=%v admin=%v\n", name, get, put, admin)
	}
	// Output:
	// consoleAdmin get=true put=true admin=true
	// diagnostics  get=false put=false admin=true
	// readonly     get=true put=false admin=false
	// readwrite    get=true put=true admin=false
	// writeonly    get=false put=true admin=false
}
