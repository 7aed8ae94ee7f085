package policy

import (
	"strings"
	"unicode/utf8"
)

// A pattern is a sequence of match tokens: a non-negative value is a literal
// rune, tokStar matches any sequence of runes (including '/' and the empty
// sequence) and tokOne matches exactly one rune.
type pattern []rune

const (
	tokStar rune = -1
	tokOne  rune = -2
)

// lookupFunc resolves a policy variable's key (lower-cased) to its value.
type lookupFunc func(key string) (string, bool)

// compilePattern turns s into tokens. '*' and '?' in s are wildcards. When
// lookup is non-nil, "${...}" sequences are policy variables: ${*}, ${?} and
// ${$} are the literal characters, ${key} and ${key, 'default'} are replaced
// by the key's value (inserted literally, never as wildcards). ok is false
// when a variable has neither a value nor a default: such a pattern matches
// nothing, as in AWS.
func compilePattern(s string, lookup lookupFunc) (p pattern, ok bool) {
	p = make(pattern, 0, len(s))
	for i := 0; i < len(s); {
		if lookup != nil && strings.HasPrefix(s[i:], "${") {
			if end := strings.IndexByte(s[i+2:], '}'); end >= 0 {
				val, found := resolveVariable(s[i+2:i+2+end], lookup)
				if !found {
					return nil, false
				}
				p = appendLiteral(p, val)
				i += end + 3
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '*':
			p = append(p, tokStar)
		case '?':
			p = append(p, tokOne)
		default:
			p = append(p, r)
		}
		i += size
	}
	return p, true
}

func appendLiteral(p pattern, s string) pattern {
	for _, r := range s {
		p = append(p, r)
	}
	return p
}

// resolveVariable resolves the inside of "${...}".
func resolveVariable(inner string, lookup lookupFunc) (string, bool) {
	switch inner {
	case "*", "?", "$":
		return inner, true
	}
	key, def, hasDefault := strings.Cut(inner, ",")
	if hasDefault {
		def = strings.TrimSpace(def)
		if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
			def = def[1 : len(def)-1]
		} else {
			hasDefault = false
		}
	}
	if v, ok := lookup(strings.ToLower(strings.TrimSpace(key))); ok {
		return v, true
	}
	return def, hasDefault
}

// String renders the pattern back to text, wildcards as '*' and '?'. It is
// how a pattern built from a string comparison value becomes the string to
// compare.
func (p pattern) String() string {
	var b strings.Builder
	for _, r := range p {
		switch r {
		case tokStar:
			b.WriteByte('*')
		case tokOne:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// match reports whether the whole of s matches p. It runs in O(len(p) *
// len(s)) time in the worst case and never recurses.
func (p pattern) match(s string) bool {
	r := []rune(s)
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(r) {
		switch {
		case pi < len(p) && (p[pi] == tokOne || p[pi] == r[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == tokStar:
			starP, starS = pi, si
			pi++
		case starP >= 0:
			pi = starP + 1
			starS++
			si = starS
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == tokStar {
		pi++
	}
	return pi == len(p)
}

// wildcardMatch reports whether s matches the wildcard text pat ('*' any
// sequence, '?' one character), with no policy variables.
func wildcardMatch(pat, s string) bool {
	return matchWildcard(pat, s)
}

// matchWildcard is pattern.match for wildcard text without policy
// variables, working on the strings directly (no allocation): '*' matches
// any run of characters, '?' exactly one character, everything else itself.
// Backtracking resumes on character boundaries, so '?' never matches part
// of a multi-byte character.
func matchWildcard(p, s string) bool { return matchWildcardCase(p, s, false) }

// matchWildcardFold is matchWildcard ignoring ASCII case (action names).
func matchWildcardFold(p, s string) bool { return matchWildcardCase(p, s, true) }

func matchWildcardCase(p, s string, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				starP, starS = pi, si
				pi++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[si:])
				pi++
				si += n
				continue
			}
			if p[pi] == s[si] || fold && lowerASCII(p[pi]) == lowerASCII(s[si]) {
				pi++
				si++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		pi, si = starP+1, starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// hasWildcard reports whether s contains '*' or '?'.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}
