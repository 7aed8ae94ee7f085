package policy

import (
	"slices"
	"testing"
)

func TestBuiltIns(t *testing.T) {
	obj := func(action string) Args { return Args{Account: "u", Action: action, Bucket: "b", Object: "k"} }
	bucket := func(action string) Args { return Args{Account: "u", Action: action, Bucket: "b"} }
	tests := []struct {
		policy string
		args   Args
		want   bool
	}{
		{BuiltInReadOnly, obj("s3:GetObject"), true},
		{BuiltInReadOnly, bucket("s3:GetBucketLocation"), true},
		{BuiltInReadOnly, obj("s3:PutObject"), false},
		{BuiltInReadOnly, obj("s3:DeleteObject"), false},
		{BuiltInReadOnly, bucket("s3:ListBucket"), false},
		{BuiltInReadOnly, Args{Action: "admin:ServerInfo"}, false},
		{BuiltInReadWrite, obj("s3:GetObject"), true},
		{BuiltInReadWrite, obj("s3:PutObject"), true},
		{BuiltInReadWrite, obj("s3:DeleteObject"), true},
		{BuiltInReadWrite, bucket("s3:ListBucket"), true},
		{BuiltInReadWrite, bucket("s3:CreateBucket"), true},
		{BuiltInReadWrite, Args{Action: "s3:ListAllMyBuckets"}, true},
		{BuiltInReadWrite, Args{Action: "admin:CreateUser"}, false},
		{BuiltInReadWrite, Args{Action: "kms:CreateKey"}, false},
		{BuiltInWriteOnly, obj("s3:PutObject"), true},
		{BuiltInWriteOnly, obj("s3:GetObject"), false},
		{BuiltInWriteOnly, bucket("s3:ListBucket"), false},
		{BuiltInDiagnostics, Args{Action: "admin:ServerInfo"}, true},
		{BuiltInDiagnostics, Args{Action: "admin:Prometheus"}, true},
		{BuiltInDiagnostics, Args{Action: "admin:BandwidthMonitor"}, true},
		{BuiltInDiagnostics, Args{Action: "admin:CreateUser"}, false},
		{BuiltInDiagnostics, obj("s3:GetObject"), false},
		{BuiltInConsoleAdmin, Args{Action: "admin:CreateUser"}, true},
		{BuiltInConsoleAdmin, Args{Action: "admin:AttachUserOrGroupPolicy"}, true},
		{BuiltInConsoleAdmin, Args{Action: "kms:CreateKey"}, true},
		{BuiltInConsoleAdmin, obj("s3:DeleteObject"), true},
		{BuiltInConsoleAdmin, Args{Action: "sts:AssumeRole"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.policy+"/"+tt.args.Action, func(t *testing.T) {
			p, ok := BuiltIn(tt.policy)
			if !ok {
				t.Fatalf("BuiltIn(%q) missing", tt.policy)
			}
			if got := p.IsAllowed(tt.args); got != tt.want {
				t.Fatalf("IsAllowed(%+v) = %v, want %v", tt.args, got, tt.want)
			}
		})
	}
}

func TestBuiltInNames(t *testing.T) {
	names := BuiltInNames()
	want := []string{"consoleAdmin", "diagnostics", "readonly", "readwrite", "writeonly"}
	if !slices.Equal(names, want) {
		t.Fatalf("BuiltInNames() = %v, want %v", names, want)
	}
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			p, ok := BuiltIn(n)
			if !ok {
				t.Fatal("missing")
			}
			roundTrip(t, p)
			q, _ := BuiltIn(n)
			if p == q || &p.Statements[0] == &q.Statements[0] {
				t.Fatal("BuiltIn must return a fresh copy")
			}
		})
	}
	if _, ok := BuiltIn("ReadOnly"); ok {
		t.Fatal("built-in names are case-sensitive")
	}
	if _, ok := BuiltIn("nope"); ok {
		t.Fatal("unknown built-in found")
	}
}
