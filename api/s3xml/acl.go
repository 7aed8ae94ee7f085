package s3xml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/silo-project/silo/api/s3err"
)

// xsiNamespace is the XML Schema instance namespace of Grantee's xsi:type.
const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

// Grantee types and ACL permissions as S3 spells them.
const (
	GranteeCanonicalUser = "CanonicalUser"
	GranteeGroup         = "Group"
	GranteeEmail         = "AmazonCustomerByEmail"

	PermFullControl = "FULL_CONTROL"
	PermRead        = "READ"
	PermWrite       = "WRITE"
	PermReadACP     = "READ_ACP"
	PermWriteACP    = "WRITE_ACP"
)

// Grantee is who a grant is for, as read from or written to an ACL document.
type Grantee struct {
	Type         string
	ID           string
	DisplayName  string
	EmailAddress string
	URI          string
}

// Grant is one entry of an access control list.
type Grant struct {
	Grantee    Grantee
	Permission string
}

// AccessControlPolicy is the body of PutBucketAcl/PutObjectAcl and the
// result of GetBucketAcl/GetObjectAcl.
type AccessControlPolicy struct {
	Owner  Owner
	Grants []Grant
}

// wire forms: decoding accepts xsi:type in its namespace, encoding writes
// the prefixed attributes S3 sends.
type aclIn struct {
	XMLName xml.Name
	Owner   *Owner    `xml:"Owner"`
	List    *struct { // AccessControlList
		Grants []grantIn `xml:"Grant"`
	} `xml:"AccessControlList"`
}

type grantIn struct {
	Grantee *struct {
		Type         string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
		ID           string `xml:"ID"`
		DisplayName  string `xml:"DisplayName"`
		EmailAddress string `xml:"EmailAddress"`
		URI          string `xml:"URI"`
	} `xml:"Grantee"`
	Permission string `xml:"Permission"`
}

type aclOut struct {
	XMLName xml.Name   `xml:"http://s3.amazonaws.com/doc/2006-03-01/ AccessControlPolicy"`
	Owner   Owner      `xml:"Owner"`
	Grants  []grantOut `xml:"AccessControlList>Grant"`
}

type grantOut struct {
	Grantee    granteeOut `xml:"Grantee"`
	Permission string     `xml:"Permission"`
}

type granteeOut struct {
	XSI          string `xml:"xmlns:xsi,attr"`
	Type         string `xml:"xsi:type,attr"`
	ID           string `xml:"ID,omitempty"`
	DisplayName  string `xml:"DisplayName,omitempty"`
	EmailAddress string `xml:"EmailAddress,omitempty"`
	URI          string `xml:"URI,omitempty"`
}

// IsPermission reports whether p is an ACL permission.
func IsPermission(p string) bool {
	switch p {
	case PermFullControl, PermRead, PermWrite, PermReadACP, PermWriteACP:
		return true
	}
	return false
}

// DecodeAccessControlPolicy reads an ACL body. The grantee type comes from
// xsi:type or, when absent, from the element present (ID, URI,
// EmailAddress). Unknown permissions, grantees without identity and
// missing elements are MalformedACLError; an empty body is io.EOF.
func DecodeAccessControlPolicy(r io.Reader) (AccessControlPolicy, error) {
	var in aclIn
	if err := decode(r, MaxConfigBody, &in); err != nil {
		var se *s3err.Error
		if errors.As(err, &se) && se.Code == s3err.MalformedXML {
			return AccessControlPolicy{}, s3err.Wrap(s3err.MalformedACLError, "", err)
		}
		return AccessControlPolicy{}, err
	}
	bad := func(why string) error {
		return s3err.Wrap(s3err.MalformedACLError, "", errors.New(why))
	}
	if in.XMLName.Local != "AccessControlPolicy" || in.List == nil {
		return AccessControlPolicy{}, bad("not an AccessControlPolicy with an AccessControlList")
	}
	out := AccessControlPolicy{}
	if in.Owner != nil {
		out.Owner = Owner{ID: strings.TrimSpace(in.Owner.ID), DisplayName: strings.TrimSpace(in.Owner.DisplayName)}
	}
	for _, g := range in.List.Grants {
		if g.Grantee == nil {
			return AccessControlPolicy{}, bad("grant without grantee")
		}
		perm := strings.TrimSpace(g.Permission)
		if !IsPermission(perm) {
			return AccessControlPolicy{}, bad(fmt.Sprintf("permission %q", perm))
		}
		ge := Grantee{Type: g.Grantee.Type, ID: strings.TrimSpace(g.Grantee.ID), DisplayName: strings.TrimSpace(g.Grantee.DisplayName),
			EmailAddress: strings.TrimSpace(g.Grantee.EmailAddress), URI: strings.TrimSpace(g.Grantee.URI)}
		if ge.Type == "" {
			switch {
			case ge.ID != "":
				ge.Type = GranteeCanonicalUser
			case ge.URI != "":
				ge.Type = GranteeGroup
			case ge.EmailAddress != "":
				ge.Type = GranteeEmail
			}
		}
		switch {
		case ge.Type == GranteeCanonicalUser && ge.ID != "":
		case ge.Type == GranteeGroup && ge.URI != "":
		case ge.Type == GranteeEmail && ge.EmailAddress != "":
		default:
			return AccessControlPolicy{}, bad(fmt.Sprintf("grantee type %q without its identifier", ge.Type))
		}
		out.Grants = append(out.Grants, Grant{Grantee: ge, Permission: perm})
	}
	return out, nil
}

// EncodeAccessControlPolicy returns p as S3 sends it.
func EncodeAccessControlPolicy(p AccessControlPolicy) ([]byte, error) {
	out := aclOut{Owner: p.Owner, Grants: []grantOut{}}
	for _, g := range p.Grants {
		out.Grants = append(out.Grants, grantOut{Permission: g.Permission, Grantee: granteeOut{
			XSI: xsiNamespace, Type: g.Grantee.Type, ID: g.Grantee.ID, DisplayName: g.Grantee.DisplayName,
			EmailAddress: g.Grantee.EmailAddress, URI: g.Grantee.URI,
		}})
	}
	return Marshal(out)
}
