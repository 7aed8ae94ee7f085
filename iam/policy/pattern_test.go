package policy

import (
	"testing"
	"unicode/utf8"
)

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything/at/all", true},
		{"a*", "a", true},
		{"a*", "abc/def", true},
		{"a*c", "abc", true},
		{"a*c", "ab/c", true},
		{"a*c", "abd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "a/c", true},
		{"a??", "aé", false},
		{"a?", "aé", true},
		{"*.jpg", "x/y/z.jpg", true},
		{"*.jpg", "x/y/z.jpeg", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"**", "x", true},
		{"*?", "", false},
		{"*?", "x", true},
		{"abc", "ABC", false},
		{"arn:aws:s3:::*", "arn:aws:s3:::", true},
		{"arn:aws:s3:::*", "arn:aws:s3:::b/k/e/y", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b/k", true},
		{"a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	}
	for _, tt := range tests {
		t.Run(tt.pat+"~"+tt.s, func(t *testing.T) {
			if got := wildcardMatch(tt.pat, tt.s); got != tt.want {
				t.Fatalf("wildcardMatch(%q, %q) = %v, want %v", tt.pat, tt.s, got, tt.want)
			}
		})
	}
}

func TestPolicyVariables(t *testing.T) {
	vars := map[string]string{"aws:username": "alice", "jwt:sub": "u-1", "weird": "a*b?"}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	tests := []struct {
		name, pat, s string
		ok, want     bool
	}{
		{"username", "home/${aws:username}/*", "home/alice/x", true, true},
		{"username other user", "home/${aws:username}/*", "home/bob/x", true, false},
		{"key case-insensitive", "home/${AWS:UserName}", "home/alice", true, true},
		{"any request key", "${jwt:sub}", "u-1", true, true},
		{"missing key", "home/${ldap:username}", "home/", false, false},
		{"default", "home/${ldap:username, 'guest'}", "home/guest", true, true},
		{"default unused", "home/${aws:username,'guest'}", "home/alice", true, true},
		{"escape star is literal", "a${*}", "a*", true, true},
		{"escape star not wildcard", "a${*}", "ab", true, false},
		{"escape question", "a${?}", "a?", true, true},
		{"escape question not wildcard", "a${?}", "ab", true, false},
		{"escape dollar", "${$}{x}", "${x}", true, true},
		{"value inserted literally", "${weird}", "a*b?", true, true},
		{"value not a wildcard", "${weird}", "aXXbY", true, false},
		{"unclosed is literal", "a${b", "a${b", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := compilePattern(tt.pat, lookup)
			if ok != tt.ok {
				t.Fatalf("compilePattern ok = %v, want %v", ok, tt.ok)
			}
			if ok && p.match(tt.s) != tt.want {
				t.Fatalf("match(%q, %q) = %v, want %v", tt.pat, tt.s, !tt.want, tt.want)
			}
		})
	}
	if p, _ := compilePattern("${aws:username}", nil); p.String() != "${aws:username}" {
		t.Fatalf("without lookup variables must stay literal, got %q", p.String())
	}
}

func TestActions(t *testing.T) {
	tests := []struct {
		pat, action string
		want        bool
	}{
		{"*", "s3:GetObject", true},
		{"*", "admin:ServerInfo", true},
		{"s3:*", "s3:GetObject", true},
		{"s3:*", "admin:ServerInfo", false},
		{"s3:Get*", "s3:GetObject", true},
		{"s3:Get*", "s3:PutObject", false},
		{"s3:*Retention*", "s3:PutObjectRetention", true},
		{"s3:*Retention*", "s3:BypassGovernanceRetention", true},
		{"s3:*LegalHold*", "s3:GetObjectLegalHold", true},
		{"s3:getobject", "s3:GetObject", true},
		{"S3:GET*", "s3:GetObject", true},
		{"s3:GetObject", "s3:GetObjectVersion", false},
		{"s3:GetObject?", "s3:GetObjectAcl", false},
		{"admin:*", "admin:CreateUser", true},
		{"kms:*", "kms:CreateKey", true},
	}
	for _, tt := range tests {
		t.Run(tt.pat+"~"+tt.action, func(t *testing.T) {
			if got := actionMatches(tt.pat, tt.action); got != tt.want {
				t.Fatalf("actionMatches(%q, %q) = %v", tt.pat, tt.action, got)
			}
		})
	}
}

func TestActionKinds(t *testing.T) {
	tests := []struct {
		action string
		want   ResourceKind
	}{
		{"s3:GetObject", KindObject},
		{"s3:PutObject", KindObject},
		{"s3:AbortMultipartUpload", KindObject},
		{"s3:ListMultipartUploadParts", KindObject},
		{"s3:PutObjectRetention", KindObject},
		{"s3:BypassGovernanceRetention", KindObject},
		{"s3:ListBucket", KindBucket},
		{"s3:GetBucketLocation", KindBucket},
		{"s3:CreateBucket", KindBucket},
		{"s3:DeleteBucket", KindBucket},
		{"s3:PutBucketPolicy", KindBucket},
		{"s3:GetBucketVersioning", KindBucket},
		{"s3:ListBucketMultipartUploads", KindBucket},
		{"s3:ListBucketVersions", KindBucket},
		{"s3:PutLifecycleConfiguration", KindBucket},
		{"s3:ListAllMyBuckets", KindAccount},
		{"admin:ServerInfo", KindService},
		{"kms:ListKeys", KindService},
		{"sts:AssumeRole", KindService},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			got, ok := ActionKind(tt.action)
			if !ok || got != tt.want {
				t.Fatalf("ActionKind(%q) = %v, %v; want %v", tt.action, got, ok, tt.want)
			}
		})
	}
	if _, ok := ActionKind("s3:Nope"); ok || IsKnownAction("s3:Nope") || !IsKnownAction("S3:GETOBJECT") {
		t.Fatal("IsKnownAction/ActionKind disagree with the table")
	}
	// Actions outside the table still get a sensible resource kind.
	unknown := []struct {
		action, object string
		want           ResourceKind
	}{
		{"s3:SomeFutureObjectAction", "k", KindObject},
		{"s3:SomeFutureBucketAction", "", KindBucket},
		{"admin:SomeFutureAction", "", KindService},
		{"futureservice:Thing", "k", KindService},
		{"s3:ListAllMyBuckets", "k", KindAccount},
	}
	for _, u := range unknown {
		if got := requestKind(u.action, u.object); got != u.want {
			t.Fatalf("requestKind(%q, %q) = %v, want %v", u.action, u.object, got, u.want)
		}
	}
	if n := len(actionTable); n < 250 {
		t.Fatalf("action table has %d entries, expected the full S3/admin/kms/sts list", n)
	}
}

func TestResourceMatching(t *testing.T) {
	tests := []struct {
		name           string
		pat            string
		action, b, obj string
		want           bool
	}{
		{"object in bucket", "arn:aws:s3:::b/*", "s3:GetObject", "b", "k", true},
		{"object key with slashes", "arn:aws:s3:::b/*", "s3:GetObject", "b", "x/y/z", true},
		{"bucket action on object pattern", "arn:aws:s3:::b/*", "s3:ListBucket", "b", "", false},
		{"bucket action on bucket", "arn:aws:s3:::b", "s3:ListBucket", "b", "", true},
		{"object action on bucket ARN", "arn:aws:s3:::b", "s3:GetObject", "b", "k", false},
		{"bucket action ignores object", "arn:aws:s3:::b", "s3:ListBucket", "b", "prefix/", true},
		{"every bucket and object", "arn:aws:s3:::*", "s3:GetObject", "b", "k/k", true},
		{"every bucket", "arn:aws:s3:::*", "s3:ListBucket", "b", "", true},
		{"star", "*", "s3:DeleteObject", "b", "k", true},
		{"prefix pattern", "arn:aws:s3:::b/home/*", "s3:PutObject", "b", "home/x", true},
		{"prefix pattern miss", "arn:aws:s3:::b/home/*", "s3:PutObject", "b", "other/x", false},
		{"question mark", "arn:aws:s3:::b/?.txt", "s3:GetObject", "b", "a.txt", true},
		{"case-sensitive", "arn:aws:s3:::b/A", "s3:GetObject", "b", "a", false},
		{"account action star arn", "arn:aws:s3:::*", "s3:ListAllMyBuckets", "", "", true},
		{"account action star", "*", "s3:ListAllMyBuckets", "", "", true},
		{"account action bucket arn", "arn:aws:s3:::b", "s3:ListAllMyBuckets", "", "", false},
		{"account action object arn", "arn:aws:s3:::*/*", "s3:ListAllMyBuckets", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind := requestKind(tt.action, tt.obj)
			arn := resourceARN(kind, tt.b, tt.obj)
			if got := resourceMatches(tt.pat, arn, nil); got != tt.want {
				t.Fatalf("resourceMatches(%q, %q) = %v", tt.pat, arn, got)
			}
		})
	}
}

func TestVariablesAsWildcards(t *testing.T) {
	tests := map[string]string{
		"":                        "",
		"plain":                   "plain",
		"a/${aws:username}/b":     "a/*/b",
		"${x}${y}":                "**",
		"open ${unterminated":     "open ${unterminated",
		"arn:aws:s3:::b/${*}/end": "arn:aws:s3:::b/*/end",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := variablesAsWildcards(in); got != want {
				t.Fatalf("variablesAsWildcards(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

// FuzzMatchWildcard checks the allocation-free matcher against the compiled
// pattern matcher.
func FuzzMatchWildcard(f *testing.F) {
	for _, c := range [][2]string{
		{"*??", "€"}, {"arn:aws:s3:::b/*", "arn:aws:s3:::b/k"}, {"a*b?c", "aXXbYc"}, {"*", ""}, {"?", ""},
		{"*é*", "xéy"}, {"a**b", "ab"}, {"??", "é"}, {"*?x", "€x"}, {"photos/*/cat?.jpg", "photos/2024/cat1.jpg"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		p, _ := compilePattern(pat, nil)
		if !utf8.ValidString(pat) || !utf8.ValidString(s) {
			return
		}
		if got, want := matchWildcard(pat, s), p.match(s); got != want {
			t.Fatalf("matchWildcard(%q, %q) = %v, compiled pattern says %v", pat, s, got, want)
		}
	})
}
