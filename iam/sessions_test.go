package iam

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestListSessions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.sys
	must(t, s.AddUser(ctx, "alice", "alicesecret"))
	must(t, s.AddUser(ctx, "bob", "bobsecret12"))
	pol := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::photos/*"]}]}`)
	a1, err := s.AssumeRole(ctx, "alice", time.Hour, pol)
	must(t, err)
	a2, err := s.AssumeRole(ctx, "alice", 2*time.Hour, nil)
	must(t, err)
	_, err = s.AssumeRole(ctx, "bob", time.Hour, nil)
	must(t, err)

	list, err := s.ListSessions(ctx, "alice")
	must(t, err)
	if len(list) != 2 {
		t.Fatalf("alice's sessions = %+v", list)
	}
	byKey := map[string]SessionInfo{list[0].AccessKey: list[0], list[1].AccessKey: list[1]}
	if got := byKey[a1.AccessKey]; got.Parent != "alice" || !got.Expiration.Equal(a1.Expiration) || len(got.Policy) == 0 {
		t.Fatalf("session 1 = %+v", got)
	}
	if got := byKey[a2.AccessKey]; got.Policy != nil || !got.Expiration.Equal(a2.Expiration) {
		t.Fatalf("session 2 = %+v", got)
	}
	if got, err := s.Session(ctx, a1.AccessKey); err != nil || got.Parent != "alice" {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	tests := []struct {
		name string
		key  string
	}{
		{"unknown", "NOSUCHKEY"},
		{"a user is not a session", "alice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Session(ctx, tt.key); !errors.Is(err, ErrNoSuchAccessKey) {
				t.Fatalf("Session(%s) = %v", tt.key, err)
			}
		})
	}
	e.clk.advance(90 * time.Minute)
	if list, _ := s.ListSessions(ctx, "alice"); len(list) != 1 || list[0].AccessKey != a2.AccessKey {
		t.Fatalf("after the first expired: %+v", list)
	}
	if _, err := s.Session(ctx, a1.AccessKey); !errors.Is(err, ErrNoSuchAccessKey) {
		t.Fatalf("expired session: %v", err)
	}
}
