package iam

// TEMPORARY (branch iamadmin only, never landed): the agreed IAM API types
// until the IAM-core branch lands them. Deleted on rebase.

import (
	"context"
	"errors"
	"time"
)

var (
	ErrNoSuchUser           = errors.New("no such user")
	ErrNoSuchGroup          = errors.New("no such group")
	ErrNoSuchPolicy         = errors.New("no such policy")
	ErrNoSuchServiceAccount = errors.New("no such service account")
	ErrGroupNotEmpty        = errors.New("group is not empty")
	ErrUserExists           = errors.New("user already exists")
	ErrInvalidArgument      = errors.New("invalid argument")
)

type UserInfo struct {
	AccessKey string
	Enabled   bool
	Policies  []string
	Groups    []string
	Updated   time.Time
}

type GroupInfo struct {
	Name     string
	Enabled  bool
	Members  []string
	Policies []string
	Updated  time.Time
}

type ServiceAccount struct {
	AccessKey, Parent, Name, Description string
	Enabled                              bool
	Expiration                           time.Time
	Policy                               []byte
}

type ServiceAccountOptions struct {
	AccessKey, SecretKey string
	Name, Description    string
	Policy               []byte
	Expiration           time.Time
}

type ServiceAccountUpdate struct {
	SecretKey         *string
	Name, Description *string
	Policy            *[]byte
	Enabled           *bool
	Expiration        *time.Time
}

type UserPolicyEntities struct {
	User     string
	Policies []string
	MemberOf []GroupPolicyEntities
}

type GroupPolicyEntities struct {
	Group    string
	Policies []string
}

type PolicyEntityMapping struct {
	Policy string
	Users  []string
	Groups []string
}

type PolicyEntities struct {
	Timestamp      time.Time
	UserMappings   []UserPolicyEntities
	GroupMappings  []GroupPolicyEntities
	PolicyMappings []PolicyEntityMapping
}

var _ = context.Background
