package api

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/storage"
)

// corsVary is the Vary value of every response a CORS configuration shaped.
const corsVary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// putBucketCors serves PutBucketCors: the validated rules replace the
// bucket's CORS configuration.
func (s *server) putBucketCors(c *call) error {
	body, err := s.readConfigBody(c, false)
	if err != nil {
		return err
	}
	cfg, err := s3xml.DecodeCORS(bytes.NewReader(body))
	if err != nil {
		return err
	}
	doc, err := s3xml.EncodeCORS(cfg)
	if err != nil {
		return err
	}
	return s.putBucketConfigDoc(c, storage.ConfigCORS, doc)
}

// getBucketCors serves GetBucketCors; NoSuchCORSConfiguration when none is set.
func (s *server) getBucketCors(c *call) error {
	return s.getBucketConfigDoc(c, storage.ConfigCORS, s3err.NoSuchCORSConfiguration)
}

// deleteBucketCors serves DeleteBucketCors (204, also when none was set).
func (s *server) deleteBucketCors(c *call) error {
	return s.putBucketConfigDoc(c, storage.ConfigCORS, nil)
}

// bucketCORS returns the CORS rules of bucket; ErrConfigNotFound when none.
func (s *server) bucketCORS(c *call, bucket string) ([]s3xml.CORSRule, error) {
	doc, err := s.store.GetBucketConfig(c.ctx, bucket, storage.ConfigCORS)
	if err != nil {
		return nil, err
	}
	cfg, err := s3xml.DecodeCORS(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	return cfg.Rules, nil
}

// preflight serves OPTIONS: unauthenticated, answered from the bucket's CORS
// rules. 400 without Origin or a valid Access-Control-Request-Method, 403
// AccessForbidden when no rule allows the request.
func (s *server) preflight(c *call) error {
	origin := c.r.Header.Get("Origin")
	if origin == "" {
		return s3err.New(s3err.BadRequest, "Insufficient information. Origin request header needed.")
	}
	method := c.r.Header.Get("Access-Control-Request-Method")
	if !s3xml.IsCORSMethod(method) {
		return s3err.New(s3err.BadRequest, "Invalid Access-Control-Request-Method: "+method)
	}
	rules, err := s.bucketCORS(c, c.op.Bucket)
	if errors.Is(err, storage.ErrConfigNotFound) {
		return s3err.New(s3err.AccessForbidden, "CORSResponse: CORS is not enabled for this bucket.")
	}
	if err != nil {
		return err
	}
	reqHeaders := splitHeaderList(c.r.Header.Get("Access-Control-Request-Headers"))
	rule := matchCORS(rules, origin, method, reqHeaders)
	if rule == nil {
		return s3err.New(s3err.AccessForbidden, "")
	}
	h := c.w.Header()
	setCORSHeaders(h, rule, origin)
	if len(reqHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(reqHeaders, ", "))
	}
	h.Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// applyCORS adds the Access-Control-* headers of the first rule of the
// bucket matching the request's Origin and method, before the request is
// authenticated, so that error responses carry them too. Requests without
// Origin, without a bucket or to buckets without CORS get nothing.
func (s *server) applyCORS(c *call) {
	origin := c.r.Header.Get("Origin")
	if origin == "" || c.op == nil || c.op.Bucket == "" || c.r.Method == http.MethodOptions {
		return
	}
	rules, err := s.bucketCORS(c, c.op.Bucket)
	if err != nil {
		return // no bucket or no configuration: no CORS headers
	}
	h := c.w.Header()
	h.Set("Vary", corsVary)
	if rule := matchCORS(rules, origin, c.r.Method, nil); rule != nil {
		setCORSHeaders(h, rule, origin)
	}
}

// setCORSHeaders writes the headers rule grants to origin.
func setCORSHeaders(h http.Header, rule *s3xml.CORSRule, origin string) {
	if slices.Contains(rule.AllowedOrigins, "*") {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Set("Access-Control-Allow-Methods", strings.Join(rule.AllowedMethods, ", "))
	if len(rule.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(rule.ExposeHeaders, ", "))
	}
	if rule.MaxAgeSeconds != nil {
		h.Set("Access-Control-Max-Age", strconv.Itoa(*rule.MaxAgeSeconds))
	}
	h.Set("Vary", corsVary)
}

// matchCORS returns the first rule allowing origin, method and every
// header of reqHeaders, or nil.
func matchCORS(rules []s3xml.CORSRule, origin, method string, reqHeaders []string) *s3xml.CORSRule {
	for i := range rules {
		r := &rules[i]
		if !slices.Contains(r.AllowedMethods, method) || !anyWildcardMatch(r.AllowedOrigins, origin, false) {
			continue
		}
		ok := true
		for _, rh := range reqHeaders {
			if !anyWildcardMatch(r.AllowedHeaders, rh, true) {
				ok = false
				break
			}
		}
		if ok {
			return r
		}
	}
	return nil
}

// anyWildcardMatch reports whether one of patterns (each with at most one
// '*' standing for any run of characters) matches s.
func anyWildcardMatch(patterns []string, s string, foldCase bool) bool {
	for _, p := range patterns {
		if foldCase {
			p, s = strings.ToLower(p), strings.ToLower(s)
		}
		prefix, suffix, wild := strings.Cut(p, "*")
		if !wild {
			if p == s {
				return true
			}
			continue
		}
		if len(s) >= len(prefix)+len(suffix) && strings.HasPrefix(s, prefix) && strings.HasSuffix(s, suffix) {
			return true
		}
	}
	return false
}

// splitHeaderList splits a comma-separated header list into trimmed,
// lower-case names, dropping empty ones.
func splitHeaderList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.ToLower(strings.TrimSpace(f)); f != "" {
			out = append(out, f)
		}
	}
	return out
}
