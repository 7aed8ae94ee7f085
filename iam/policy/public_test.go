package policy

import "testing"

func TestIsPublic(t *testing.T) {
	stmt := func(body string) string {
		return `{"Version":"2012-10-17","Statement":[` + body + `]}`
	}
	const read = `"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`
	for _, tc := range []struct {
		name   string
		doc    string
		public bool
	}{
		{"star principal", stmt(`{"Effect":"Allow","Principal":"*",` + read + `}`), true},
		{"aws star list", stmt(`{"Effect":"Allow","Principal":{"AWS":["*"]},` + read + `}`), true},
		{"named user", stmt(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/alice"]},` + read + `}`), false},
		{"deny star", stmt(`{"Effect":"Deny","Principal":"*",` + read + `}`), false},
		{"fixed source ip", stmt(`{"Effect":"Allow","Principal":"*",` + read + `,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), false},
		{"all addresses", stmt(`{"Effect":"Allow","Principal":"*",` + read + `,"Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}`), true},
		{"negated ip", stmt(`{"Effect":"Allow","Principal":"*",` + read + `,"Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), true},
		{"wildcard account", stmt(`{"Effect":"Allow","Principal":"*",` + read + `,"Condition":{"StringLike":{"aws:SourceAccount":"12*"}}}`), true},
		{"fixed account", stmt(`{"Effect":"Allow","Principal":"*",` + read + `,"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}`), false},
		{"unrelated condition", stmt(`{"Effect":"Allow","Principal":"*",` + read + `,"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`), true},
		{"one public of two", stmt(`{"Effect":"Allow","Principal":{"AWS":"alice"},` + read + `},{"Effect":"Allow","Principal":"*",` + read + `}`), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := IsPublicBucketPolicy([]byte(tc.doc), "b")
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.public {
				t.Fatalf("IsPublic = %v, want %v", got, tc.public)
			}
		})
	}
	if _, err := IsPublicBucketPolicy([]byte(`{`), "b"); err == nil {
		t.Fatal("malformed policy accepted")
	}
}
