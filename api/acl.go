package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
)

// internalACL is the Internal metadata key holding an object's owner and
// grants (JSON of acl).
const internalACL = "x-silo-acl"

// Group grantee URIs.
const (
	groupAllUsers      = "http://acs.amazonaws.com/groups/global/AllUsers"
	groupAuthenticated = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	groupLogDelivery   = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// grantHeaders maps the x-amz-grant-* request headers to permissions.
func grantHeaders() []struct{ header, perm string } {
	return []struct{ header, perm string }{
		{"x-amz-grant-read", s3xml.PermRead},
		{"x-amz-grant-write", s3xml.PermWrite},
		{"x-amz-grant-read-acp", s3xml.PermReadACP},
		{"x-amz-grant-write-acp", s3xml.PermWriteACP},
		{"x-amz-grant-full-control", s3xml.PermFullControl},
	}
}

// acl is the stored access control list of a bucket (storage.ConfigACL) or
// an object (Internal[internalACL]): its owner and its grants.
type acl struct {
	Owner  s3xml.Owner   `json:"owner"`
	Grants []s3xml.Grant `json:"grants"`
}

// PrincipalResolver tells which user an access key acts for; the iam
// system implements it. Without it every signed caller counts as root
// (iam.RootOnly knows no one else).
type PrincipalResolver interface {
	// BaseUser returns the user accessKey belongs to (a service account's or
	// session's parent) and whether that is root. Errors wrap
	// iam.ErrNoSuchAccessKey.
	BaseUser(ctx context.Context, accessKey string) (user string, root bool, err error)
}

// caller is who sends a request, for ownership and ACL grants.
type caller struct {
	anonymous bool
	root      bool
	id        s3xml.Owner // canonical user of a signed caller
}

// caller resolves the identity of c's signer.
func (s *server) caller(c *call) (caller, error) {
	if c.auth == nil || c.auth.Anonymous {
		return caller{anonymous: true}, nil
	}
	pr, ok := s.authz.(PrincipalResolver)
	if !ok {
		return caller{root: true, id: owner()}, nil
	}
	user, root, err := pr.BaseUser(c.ctx, c.auth.AccessKey)
	if err != nil {
		return caller{}, err
	}
	if root {
		return caller{root: true, id: owner()}, nil
	}
	return caller{id: canonicalUser(user)}, nil
}

// canonicalUser returns the S3 owner of a (non-root) user: a stable
// 64-hex-digit canonical ID derived from its name, and the name itself.
func canonicalUser(user string) s3xml.Owner {
	sum := sha256.Sum256([]byte("silo-canonical-user\x00" + user))
	return s3xml.Owner{ID: hex.EncodeToString(sum[:]), DisplayName: user}
}

// privateACL is the ACL of a resource nobody set one on.
func privateACL(o s3xml.Owner) acl {
	return acl{Owner: o, Grants: []s3xml.Grant{userGrant(o, s3xml.PermFullControl)}}
}

func userGrant(o s3xml.Owner, perm string) s3xml.Grant {
	return s3xml.Grant{Grantee: s3xml.Grantee{Type: s3xml.GranteeCanonicalUser, ID: o.ID, DisplayName: o.DisplayName}, Permission: perm}
}

func groupGrant(uri, perm string) s3xml.Grant {
	return s3xml.Grant{Grantee: s3xml.Grantee{Type: s3xml.GranteeGroup, URI: uri}, Permission: perm}
}

// cannedACL expands a canned ACL for a resource owned by o in a bucket owned
// by bucketOwner. Unknown names are InvalidArgument.
func cannedACL(name string, o, bucketOwner s3xml.Owner) (acl, error) {
	a := privateACL(o)
	switch name {
	case "private":
	case "public-read":
		a.Grants = append(a.Grants, groupGrant(groupAllUsers, s3xml.PermRead))
	case "public-read-write":
		a.Grants = append(a.Grants, groupGrant(groupAllUsers, s3xml.PermRead), groupGrant(groupAllUsers, s3xml.PermWrite))
	case "authenticated-read":
		a.Grants = append(a.Grants, groupGrant(groupAuthenticated, s3xml.PermRead))
	case "log-delivery-write":
		a.Grants = append(a.Grants, groupGrant(groupLogDelivery, s3xml.PermWrite), groupGrant(groupLogDelivery, s3xml.PermReadACP))
	case "bucket-owner-read":
		if bucketOwner.ID != o.ID {
			a.Grants = append(a.Grants, userGrant(bucketOwner, s3xml.PermRead))
		}
	case "bucket-owner-full-control":
		if bucketOwner.ID != o.ID {
			a.Grants = append(a.Grants, userGrant(bucketOwner, s3xml.PermFullControl))
		}
	default:
		return acl{}, s3err.New(s3err.InvalidArgument, "Invalid canned ACL "+name+".")
	}
	return a, nil
}

// requestedACL reads x-amz-acl or the x-amz-grant-* headers of a request
// for a resource owned by o. explicit is false when the request names no
// ACL (the result is then private). Both forms at once are InvalidRequest.
func requestedACL(h http.Header, o, bucketOwner s3xml.Owner) (a acl, explicit bool, err error) {
	canned := strings.TrimSpace(h.Get("x-amz-acl"))
	var grants []s3xml.Grant
	for _, gh := range grantHeaders() {
		for _, v := range h.Values(gh.header) {
			gs, err := parseGrantHeader(v, gh.perm)
			if err != nil {
				return acl{}, false, err
			}
			grants = append(grants, gs...)
		}
	}
	switch {
	case canned != "" && len(grants) > 0:
		return acl{}, false, s3err.New(s3err.InvalidRequest, "Specifying both Canned ACLs and Header Grants is not allowed")
	case canned != "":
		a, err := cannedACL(canned, o, bucketOwner)
		return a, true, err
	case len(grants) > 0:
		return acl{Owner: o, Grants: grants}, true, nil
	}
	return privateACL(o), false, nil
}

// parseGrantHeader parses one x-amz-grant-* value: comma-separated
// id="...", uri="..." or emailAddress="..." grantees.
func parseGrantHeader(v, perm string) ([]s3xml.Grant, error) {
	var out []s3xml.Grant
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, val, ok := strings.Cut(item, "=")
		val = strings.Trim(strings.TrimSpace(val), `"`)
		if !ok || val == "" {
			return nil, s3err.New(s3err.InvalidArgument, "Invalid grantee "+item+".")
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "id":
			out = append(out, userGrant(s3xml.Owner{ID: val}, perm))
		case "uri":
			if !knownGroup(val) {
				return nil, s3err.New(s3err.InvalidArgument, "Invalid group uri "+val+".")
			}
			out = append(out, groupGrant(val, perm))
		case "emailaddress":
			return nil, s3err.New(s3err.UnresolvableGrantByEmailAddress, "")
		default:
			return nil, s3err.New(s3err.InvalidArgument, "Argument format not recognized: "+item+".")
		}
	}
	return out, nil
}

func knownGroup(uri string) bool {
	return uri == groupAllUsers || uri == groupAuthenticated || uri == groupLogDelivery
}

// fromPolicy turns an AccessControlPolicy body into the ACL of a resource
// owned by o: the owner cannot be changed, e-mail grantees cannot be
// resolved and groups must be known.
func fromPolicy(p s3xml.AccessControlPolicy, o s3xml.Owner) (acl, error) {
	if p.Owner.ID != "" && p.Owner.ID != o.ID {
		return acl{}, s3err.New(s3err.AccessDenied, "The owner of a resource cannot be changed.")
	}
	a := acl{Owner: o, Grants: []s3xml.Grant{}}
	for _, g := range p.Grants {
		switch g.Grantee.Type {
		case s3xml.GranteeEmail:
			return acl{}, s3err.New(s3err.UnresolvableGrantByEmailAddress, "")
		case s3xml.GranteeGroup:
			if !knownGroup(g.Grantee.URI) {
				return acl{}, s3err.New(s3err.InvalidArgument, "Invalid group uri "+g.Grantee.URI+".")
			}
			g.Grantee.ID, g.Grantee.DisplayName = "", ""
		case s3xml.GranteeCanonicalUser:
			// Display names are the server's to give, never the client's.
			g.Grantee.URI, g.Grantee.DisplayName = "", ""
			if g.Grantee.ID == o.ID {
				g.Grantee.DisplayName = o.DisplayName
			}
		}
		a.Grants = append(a.Grants, g)
	}
	return a, nil
}

// isPublic reports whether a grants anything to everyone or to every
// authenticated caller.
func (a acl) isPublic() bool {
	for _, g := range a.Grants {
		if isPublicGrantee(g.Grantee) {
			return true
		}
	}
	return false
}

func isPublicGrantee(g s3xml.Grantee) bool {
	return g.Type == s3xml.GranteeGroup && (g.URI == groupAllUsers || g.URI == groupAuthenticated)
}

// isOwnerOnly reports whether a grants nothing beyond its owner's full
// control (what BucketOwnerEnforced still accepts).
func (a acl) isOwnerOnly() bool {
	for _, g := range a.Grants {
		if g.Grantee.Type != s3xml.GranteeCanonicalUser || g.Grantee.ID != a.Owner.ID || g.Permission != s3xml.PermFullControl {
			return false
		}
	}
	return true
}

// permits reports whether a gives who perm. The owner always keeps
// READ_ACP and WRITE_ACP; ignorePublic drops the grants to AllUsers and
// AuthenticatedUsers (IgnorePublicAcls).
func (a acl) permits(who caller, perm string, ignorePublic bool) bool {
	if !who.anonymous && who.id.ID == a.Owner.ID && (perm == s3xml.PermReadACP || perm == s3xml.PermWriteACP) {
		return true
	}
	for _, g := range a.Grants {
		if g.Permission != perm && g.Permission != s3xml.PermFullControl {
			continue
		}
		switch {
		case g.Grantee.Type == s3xml.GranteeCanonicalUser:
			if !who.anonymous && g.Grantee.ID == who.id.ID {
				return true
			}
		case ignorePublic && isPublicGrantee(g.Grantee):
		case g.Grantee.URI == groupAllUsers:
			return true
		case g.Grantee.URI == groupAuthenticated:
			if !who.anonymous {
				return true
			}
		}
	}
	return false
}

// policy returns a as an AccessControlPolicy document.
func (a acl) policy() s3xml.AccessControlPolicy {
	return s3xml.AccessControlPolicy{Owner: a.Owner, Grants: a.Grants}
}

// encode returns the stored form of a.
func (a acl) encode() (string, error) {
	b, err := json.Marshal(a)
	return string(b), err
}

// decodeACL reads a stored ACL.
func decodeACL(doc []byte) (acl, error) {
	var a acl
	if err := json.Unmarshal(doc, &a); err != nil {
		return acl{}, fmt.Errorf("stored ACL: %w", err)
	}
	return a, nil
}
