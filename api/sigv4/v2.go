package sigv4

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// V2 presigned query parameters.
const (
	qV2AccessKey = "AWSAccessKeyId"
	qV2Signature = "Signature"
	qV2Expires   = "Expires"
)

// v2SubResources are the query parameters that belong to the V2
// CanonicalizedResource, in sorted order.
func v2SubResources() []string {
	return []string{
		"acl", "cors", "delete", "encryption", "legal-hold", "lifecycle", "location",
		"logging", "notification", "object-lock", "partNumber", "policy", "replication",
		"requestPayment", "response-cache-control", "response-content-disposition",
		"response-content-encoding", "response-content-language", "response-content-type",
		"response-expires", "restore", "retention", "select", "select-type", "tagging",
		"torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
	}
}

// parseAuthorizationV2 parses "AWS AccessKey:Signature".
func parseAuthorizationV2(h string) (accessKey, signature string, err error) {
	rest, ok := strings.CutPrefix(h, "AWS ")
	if !ok {
		return "", "", fmt.Errorf("%w: missing \"AWS \" prefix", ErrAuthorizationHeaderMalformed)
	}
	rest = strings.TrimSpace(rest)
	i := strings.LastIndexByte(rest, ':')
	if i <= 0 || i == len(rest)-1 {
		return "", "", fmt.Errorf("%w: want AWS AccessKey:Signature", ErrMalformedV2Authorization)
	}
	return rest[:i], rest[i+1:], nil
}

// signV2 returns the base64 HMAC-SHA1 of sts.
func signV2(secret, sts string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// amzHeadersV2 builds the V2 CanonicalizedAmzHeaders block.
func amzHeadersV2(r *http.Request) string {
	var names []string
	vals := map[string][]string{}
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, "x-amz-") {
			continue
		}
		if _, ok := vals[lk]; !ok {
			names = append(names, lk)
		}
		for _, v := range vs {
			vals[lk] = append(vals[lk], trimAll(v))
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.Join(vals[n], ","))
		b.WriteByte('\n')
	}
	return b.String()
}

// subResourcesV2 returns "?a&b=c" for the signed sub-resources in pairs.
func subResourcesV2(pairs []queryPair) string {
	var parts []string
	for _, name := range v2SubResources() {
		for _, p := range pairs {
			if p.key != name {
				continue
			}
			if p.value == "" {
				parts = append(parts, name)
			} else {
				parts = append(parts, name+"="+p.value)
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "?" + strings.Join(parts, "&")
}

// resourcesV2 lists the CanonicalizedResource candidates of r: the path as
// signed by path-style clients (encoded once, or as sent), then
// "/<bucket>" + path for a virtual-hosted bucket: the Host minus one of
// domains, or, when no domains are configured, every dot-separated prefix
// of the Host.
func resourcesV2(r *http.Request, pairs []queryPair, domains []string) []string {
	sub := subResourcesV2(pairs)
	paths := []string{canonicalURI(r)}
	if ep := r.URL.EscapedPath(); ep != "" && ep != paths[0] {
		paths = append(paths, ep)
	}
	var out []string
	for _, p := range paths {
		out = append(out, p+sub)
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return out
	}
	var buckets []string
	for _, d := range domains {
		if b, ok := strings.CutSuffix(strings.ToLower(host), "."+strings.ToLower(d)); ok && b != "" {
			buckets = append(buckets, host[:len(b)])
		}
	}
	if len(domains) == 0 {
		for i := 0; i <= len(host); i++ {
			if i == len(host) || host[i] == '.' {
				buckets = append(buckets, host[:i])
			}
		}
	}
	for _, b := range buckets {
		for _, p := range paths {
			out = append(out, "/"+b+p+sub)
		}
	}
	return out
}

// stringsToSignV2 lists the V2 strings to sign for r with the given date
// line candidates.
func stringsToSignV2(r *http.Request, pairs []queryPair, dates []string, domains []string) []string {
	head := r.Method + "\n" + r.Header.Get("Content-Md5") + "\n" + r.Header.Get("Content-Type") + "\n"
	amz := amzHeadersV2(r)
	var out []string
	for _, d := range dates {
		for _, res := range resourcesV2(r, pairs, domains) {
			out = append(out, head+d+"\n"+amz+res)
		}
	}
	return out
}

// matchV2 reports whether signature matches any candidate string to sign.
// Every candidate is computed, so timing does not depend on which matched.
func matchV2(secret, signature string, candidates []string) bool {
	ok := false
	for _, sts := range candidates {
		if hmac.Equal([]byte(signV2(secret, sts)), []byte(signature)) {
			ok = true
		}
	}
	return ok
}

// parseV2Date parses a V2 Date / x-amz-date value.
func parseV2Date(v string) (time.Time, error) {
	if t, err := http.ParseTime(v); err == nil {
		return t, nil
	}
	for _, layout := range []string{time.RFC1123Z, amzDateFormat, time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q", ErrMalformedDate, v)
}

// verifyV2Header authenticates a request signed with "AWS AK:sig".
func (v *Verifier) verifyV2Header(r *http.Request, h string) (*Result, error) {
	accessKey, signature, err := parseAuthorizationV2(h)
	if err != nil {
		return nil, err
	}
	var t time.Time
	var dates []string
	if amz := r.Header.Get("X-Amz-Date"); amz != "" {
		if t, err = parseV2Date(amz); err != nil {
			return nil, err
		}
		dates = []string{""}
		if d := r.Header.Get("Date"); d != "" {
			dates = append(dates, d)
		}
	} else if d := r.Header.Get("Date"); d != "" {
		if t, err = parseV2Date(d); err != nil {
			return nil, err
		}
		dates = []string{d}
	} else {
		return nil, ErrMissingDateHeader
	}
	secret, err := v.lookup(r, accessKey)
	if err != nil {
		return nil, err
	}
	pairs := parseQuery(r.URL.RawQuery)
	if !matchV2(secret, signature, stringsToSignV2(r, pairs, dates, v.domains)) {
		return nil, fmt.Errorf("%w: V2 header signature", ErrSignatureDoesNotMatch)
	}
	if err := v.checkSkew(t); err != nil {
		return nil, err
	}
	res := &Result{AccessKey: accessKey, Scheme: SchemeV2Header}
	if err := v.attachBody(r, res, unsignedMode(r), nil); err != nil {
		return nil, err
	}
	return res, nil
}

// verifyV2Presigned authenticates a V2 presigned URL
// (AWSAccessKeyId, Signature, Expires).
func (v *Verifier) verifyV2Presigned(r *http.Request, pairs []queryPair) (*Result, error) {
	get := func(k string) (string, error) {
		val, n := queryValue(pairs, k)
		if n != 1 || val == "" {
			return "", fmt.Errorf("%w: want exactly one non-empty %s", ErrInvalidPresign, k)
		}
		return val, nil
	}
	accessKey, err := get(qV2AccessKey)
	if err != nil {
		return nil, err
	}
	signature, err := get(qV2Signature)
	if err != nil {
		return nil, err
	}
	expires, err := get(qV2Expires)
	if err != nil {
		return nil, err
	}
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || exp < 0 {
		return nil, fmt.Errorf("%w: Expires %q is not a Unix time", ErrInvalidPresign, expires)
	}
	secret, err := v.lookup(r, accessKey)
	if err != nil {
		return nil, err
	}
	if !matchV2(secret, signature, stringsToSignV2(r, pairs, []string{expires}, v.domains)) {
		return nil, fmt.Errorf("%w: V2 presigned signature", ErrSignatureDoesNotMatch)
	}
	if v.now().Unix() > exp {
		return nil, fmt.Errorf("%w: expired at %s", ErrExpiredPresignRequest, time.Unix(exp, 0).UTC().Format(time.RFC3339))
	}
	res := &Result{AccessKey: accessKey, Scheme: SchemeV2Presigned}
	if err := v.attachBody(r, res, unsignedMode(r), nil); err != nil {
		return nil, err
	}
	return res, nil
}
