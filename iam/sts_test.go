package iam

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAssumeRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.sys
	must(t, s.AddUser(ctx, "alice", "alicesecret"))
	must(t, s.SetPolicy(ctx, "photos-rw", []byte(photosPolicy)))
	must(t, s.AttachPolicies(ctx, []string{"photos-rw"}, "alice", ""))
	for _, d := range []time.Duration{time.Minute, 13 * time.Hour} {
		if _, err := s.AssumeRole(ctx, "alice", d, nil); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("AssumeRole(%v) = %v", d, err)
		}
	}
	tc, err := s.AssumeRole(ctx, "alice", 0, nil)
	must(t, err)
	if !tc.Expiration.Equal(e.clk.now().Add(time.Hour)) || tc.SessionToken == "" {
		t.Fatalf("TempCredentials = %+v", tc)
	}
	if sec, err := s.SecretKey(ctx, tc.AccessKey); err != nil || sec != tc.SecretKey {
		t.Fatalf("SecretKey(session) = %q, %v", sec, err)
	}
	e.expect(t, tc.AccessKey, tc.SessionToken, "s3:GetObject", "photos", "a", nil)
	e.expect(t, tc.AccessKey, tc.SessionToken, "s3:GetObject", "logs", "a", ErrAccessDenied)
	e.expect(t, tc.AccessKey, "", "s3:GetObject", "photos", "a", ErrInvalidToken)
	e.expect(t, tc.AccessKey, tc.SessionToken+"x", "s3:GetObject", "photos", "a", ErrInvalidToken)
	e.expect(t, "alice", tc.SessionToken, "s3:GetObject", "photos", "a", ErrInvalidToken)

	narrowed, err := s.AssumeRole(ctx, "alice", 15*time.Minute, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::photos/public/*","arn:aws:s3:::logs/*"]}]}`))
	must(t, err)
	e.expect(t, narrowed.AccessKey, narrowed.SessionToken, "s3:GetObject", "photos", "public/a", nil)
	e.expect(t, narrowed.AccessKey, narrowed.SessionToken, "s3:GetObject", "photos", "private/a", ErrAccessDenied)
	e.expect(t, narrowed.AccessKey, narrowed.SessionToken, "s3:GetObject", "logs", "a", ErrAccessDenied)

	if _, err := s.AssumeRole(ctx, tc.AccessKey, 0, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("session assuming a role = %v", err)
	}
	must(t, s.SetUserEnabled(ctx, "alice", false))
	e.expect(t, tc.AccessKey, tc.SessionToken, "s3:GetObject", "photos", "a", ErrAccessDenied)
	if _, err := s.AssumeRole(ctx, "alice", 0, nil); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("disabled user assuming a role = %v", err)
	}
	must(t, s.SetUserEnabled(ctx, "alice", true))
	e.clk.advance(time.Hour + time.Second)
	e.expect(t, tc.AccessKey, tc.SessionToken, "s3:GetObject", "photos", "a", ErrExpiredToken)

	rootTC, err := s.AssumeRole(ctx, "rootuser", time.Hour, nil)
	must(t, err)
	e.expect(t, rootTC.AccessKey, rootTC.SessionToken, "s3:DeleteBucket", "x", "", nil)
	must(t, s.RemoveUser(ctx, "alice"))
	e.expect(t, narrowed.AccessKey, narrowed.SessionToken, "s3:GetObject", "photos", "public/a", ErrNoSuchAccessKey)
}

func TestExpiredSessionsPurged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	must(t, e.sys.AddUser(ctx, "alice", "alicesecret"))
	old, err := e.sys.AssumeRole(ctx, "alice", 15*time.Minute, nil)
	must(t, err)
	e.clk.advance(sessionGrace + time.Hour)
	_, err = e.sys.AssumeRole(ctx, "alice", 15*time.Minute, nil)
	must(t, err)
	docs, err := e.store.SystemDocs(ctx, docSessionPrefix)
	must(t, err)
	if _, ok := docs[docSessionPrefix+old.AccessKey]; ok || len(docs) != 1 {
		t.Fatalf("session documents after purge: %d (old one kept: %v)", len(docs), ok)
	}
	if _, err := e.sys.SecretKey(ctx, old.AccessKey); !errors.Is(err, ErrNoSuchAccessKey) {
		t.Fatalf("SecretKey(purged session) = %v", err)
	}
}

// TestConcurrentChangesAndAuthorize runs changes beside authorization (run
// with -race): authorization stays consistent and never fails spuriously.
func TestConcurrentChangesAndAuthorize(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := e.sys
	must(t, s.AddUser(ctx, "alice", "alicesecret"))
	must(t, s.SetPolicy(ctx, "photos-rw", []byte(photosPolicy)))
	must(t, s.AttachPolicies(ctx, []string{"photos-rw"}, "alice", ""))
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				name := "u" + string(rune('a'+w)) + strings.Repeat("x", i%3+1)
				if err := s.AddUser(ctx, name, "secret1234"); err != nil {
					errs <- err
					return
				}
				if err := s.AttachPolicies(ctx, []string{"readonly"}, name, ""); err != nil {
					errs <- err
					return
				}
				if _, err := s.AssumeRole(ctx, "alice", time.Hour, nil); err != nil {
					errs <- err
					return
				}
				if err := s.RemoveUser(ctx, name); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if err := e.allowed("alice", "", "s3:GetObject", "photos", "a"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
