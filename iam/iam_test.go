package iam

import (
	"context"
	"errors"
	"testing"
)

func TestRootOnly(t *testing.T) {
	r := NewRootOnly(Credentials{AccessKey: "rootuser", SecretKey: "rootsecret1"})
	ctx := context.Background()
	if s, err := r.SecretKey(ctx, "rootuser"); err != nil || s != "rootsecret1" {
		t.Fatalf("SecretKey(root) = %q, %v", s, err)
	}
	if _, err := r.SecretKey(ctx, "other"); !errors.Is(err, ErrNoSuchAccessKey) {
		t.Fatalf("SecretKey(other) = %v", err)
	}
	tests := []struct {
		name string
		req  Request
		want error
	}{
		{"root", Request{AccessKey: "rootuser", Action: "s3:PutObject"}, nil},
		{"other user", Request{AccessKey: "other", Action: "s3:GetObject"}, ErrAccessDenied},
		{"anonymous", Request{Anonymous: true, Action: "s3:GetObject"}, ErrAccessDenied},
		{"anonymous claiming root key", Request{Anonymous: true, AccessKey: "rootuser"}, ErrAccessDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := r.Authorize(ctx, tt.req); !errors.Is(err, tt.want) {
				t.Fatalf("Authorize = %v, want %v", err, tt.want)
			}
		})
	}
}
