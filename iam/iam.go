package iam

import (
	"context"
	"crypto/subtle"
	"errors"
)

var (
	// ErrAccessDenied is returned by Authorize when no policy allows the request.
	ErrAccessDenied = errors.New("access denied")
	// ErrExplicitDeny is wrapped, together with ErrAccessDenied, when a Deny
	// statement or a session or inline policy refused the request: no grant
	// from elsewhere (an ACL) may lift that refusal.
	ErrExplicitDeny = errors.New("explicitly denied")
	// ErrNoSuchAccessKey is returned by SecretKey for an unknown access key.
	ErrNoSuchAccessKey = errors.New("no such access key")
)

// Credentials is an access key and its secret.
type Credentials struct {
	AccessKey string
	SecretKey string
}

// Request is one authorization question: may this principal perform Action
// on Bucket/Key? Action uses the AWS names ("s3:GetObject").
type Request struct {
	AccessKey string
	Anonymous bool
	Action    string
	Bucket    string
	Key       string
	// Conditions carries condition keys (aws:SourceIp, s3:prefix, ...) for policy evaluation.
	Conditions map[string][]string
	// SessionToken is the request's X-Amz-Security-Token ("" when absent);
	// it must match when AccessKey is an STS session's.
	SessionToken string
}

// RootOnly authenticates and authorizes the root account alone: root may do
// anything, everyone else nothing (default deny).
type RootOnly struct {
	root Credentials
}

// NewRootOnly returns a RootOnly for the given root credentials.
func NewRootOnly(root Credentials) *RootOnly { return &RootOnly{root: root} }

// SecretKey returns the secret of accessKey, or ErrNoSuchAccessKey.
func (r *RootOnly) SecretKey(_ context.Context, accessKey string) (string, error) {
	if subtle.ConstantTimeCompare([]byte(accessKey), []byte(r.root.AccessKey)) != 1 {
		return "", ErrNoSuchAccessKey
	}
	return r.root.SecretKey, nil
}

// Authorize returns nil for root and ErrAccessDenied for anyone else.
func (r *RootOnly) Authorize(_ context.Context, req Request) error {
	if !req.Anonymous && subtle.ConstantTimeCompare([]byte(req.AccessKey), []byte(r.root.AccessKey)) == 1 {
		return nil
	}
	return ErrAccessDenied
}
