package s3xml

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestAccessControlPolicyRoundTrip(t *testing.T) {
	in := AccessControlPolicy{Owner: Owner{ID: "o", DisplayName: "root"}, Grants: []Grant{
		{Grantee: Grantee{Type: GranteeCanonicalUser, ID: "o", DisplayName: "root"}, Permission: PermFullControl},
		{Grantee: Grantee{Type: GranteeGroup, URI: "http://acs.amazonaws.com/groups/global/AllUsers"}, Permission: PermRead},
	}}
	doc, err := EncodeAccessControlPolicy(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`, `xsi:type="Group"`, `<Permission>FULL_CONTROL</Permission>`} {
		if !strings.Contains(string(doc), want) {
			t.Fatalf("%s lacks %s", doc, want)
		}
	}
	out, err := DecodeAccessControlPolicy(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if out.Owner != in.Owner || len(out.Grants) != 2 || out.Grants[0] != in.Grants[0] || out.Grants[1] != in.Grants[1] {
		t.Fatalf("round trip: %+v", out)
	}
}

func TestDecodeAccessConfigs(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		ok        bool
		decode    func(string) error
	}{
		{"block all", `<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><RestrictPublicBuckets>TRUE</RestrictPublicBuckets></PublicAccessBlockConfiguration>`, true, pab},
		{"block bad bool", `<PublicAccessBlockConfiguration><BlockPublicAcls>1</BlockPublicAcls></PublicAccessBlockConfiguration>`, false, pab},
		{"block empty", ``, false, pab},
		{"ownership", `<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>`, true, ownership},
		{"ownership two rules", `<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>`, false, ownership},
		{"acl grantee by element", `<AccessControlPolicy><AccessControlList><Grant><Grantee><URI>u</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`, true, accessPolicy},
		{"acl no list", `<AccessControlPolicy><Owner><ID>x</ID></Owner></AccessControlPolicy>`, false, accessPolicy},
		{"acl empty grantee", `<AccessControlPolicy><AccessControlList><Grant><Grantee></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`, false, accessPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.decode(tc.doc)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func pab(doc string) error {
	_, err := DecodePublicAccessBlock(strings.NewReader(doc))
	return err
}

func ownership(doc string) error {
	_, err := DecodeOwnershipControls(strings.NewReader(doc))
	return err
}

func accessPolicy(doc string) error {
	_, err := DecodeAccessControlPolicy(strings.NewReader(doc))
	return err
}

func FuzzDecodeAccessControlPolicy(f *testing.F) {
	f.Add([]byte(`<AccessControlPolicy><Owner><ID>a</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>a</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeAccessControlPolicy(bytes.NewReader(b))
		if err != nil {
			if err != io.EOF { // an empty body is the caller's to judge
				checkFuzzErr(t, err)
			}
			return
		}
		for _, g := range p.Grants {
			if !IsPermission(g.Permission) {
				t.Fatalf("accepted permission %q", g.Permission)
			}
		}
		if _, err := EncodeAccessControlPolicy(p); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzDecodePublicAccessBlock(f *testing.F) {
	f.Add([]byte(`<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>`))
	f.Add([]byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := DecodePublicAccessBlock(bytes.NewReader(b))
		checkFuzzErr(t, err)
		oc, err := DecodeOwnershipControls(bytes.NewReader(b))
		checkFuzzErr(t, err)
		if err == nil && (len(oc.Rules) != 1 || !IsObjectOwnership(oc.Rules[0].ObjectOwnership)) {
			t.Fatalf("accepted %+v", oc)
		}
	})
}
