package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"time"
)

// Values of Config.MetricsAuth.
const (
	// MetricsAuthJWT requires "Authorization: Bearer <JWT>" signed with the
	// root secret key (HS256/384/512) whose subject is the root access key,
	// as `mc admin prometheus generate` produces. The default.
	MetricsAuthJWT = "jwt"
	// MetricsAuthPublic serves metrics to anyone.
	MetricsAuthPublic = "public"
)

// errBearer is wrapped by every bearer-token rejection.
var errBearer = errors.New("invalid metrics bearer token")

// maxTokenLen bounds the token we are willing to decode.
const maxTokenLen = 8 << 10

// verifyBearer checks an Authorization header value against the root
// credentials at time now.
func verifyBearer(authz, accessKey, secretKey string, now time.Time) error {
	token, ok := strings.CutPrefix(authz, "Bearer ")
	if !ok {
		return fmt.Errorf("%w: no bearer token", errBearer)
	}
	token = strings.TrimSpace(token)
	if len(token) > maxTokenLen {
		return fmt.Errorf("%w: too long", errBearer)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("%w: not a JWT", errBearer)
	}
	hdrJSON, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return fmt.Errorf("%w: header: %w", errBearer, err)
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(hdrJSON, &hdr); err != nil {
		return fmt.Errorf("%w: header: %w", errBearer, err)
	}
	var newHash func() hash.Hash
	switch hdr.Alg {
	case "HS256":
		newHash = sha256.New
	case "HS384":
		newHash = sha512.New384
	case "HS512":
		newHash = sha512.New
	default:
		return fmt.Errorf("%w: algorithm %q not accepted", errBearer, hdr.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return fmt.Errorf("%w: signature: %w", errBearer, err)
	}
	mac := hmac.New(newHash, []byte(secretKey))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return fmt.Errorf("%w: bad signature", errBearer)
	}
	claimsJSON, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return fmt.Errorf("%w: claims: %w", errBearer, err)
	}
	var claims struct {
		Sub       string `json:"sub"`
		AccessKey string `json:"accessKey"`
		Exp       *int64 `json:"exp"`
		Nbf       *int64 `json:"nbf"`
	}
	if err := json.Unmarshal(claimsJSON, &claims); err != nil {
		return fmt.Errorf("%w: claims: %w", errBearer, err)
	}
	sub := claims.Sub
	if sub == "" {
		sub = claims.AccessKey
	}
	if subtle.ConstantTimeCompare([]byte(sub), []byte(accessKey)) != 1 {
		return fmt.Errorf("%w: unknown subject", errBearer)
	}
	if claims.Exp != nil && now.Unix() >= *claims.Exp {
		return fmt.Errorf("%w: expired", errBearer)
	}
	if claims.Nbf != nil && now.Unix() < *claims.Nbf {
		return fmt.Errorf("%w: not yet valid", errBearer)
	}
	return nil
}

// withMetricsAuth guards the metrics handler according to mode.
func withMetricsAuth(next http.Handler, mode string, creds rootCredentials) http.Handler {
	if mode == MetricsAuthPublic {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := verifyBearer(r.Header.Get("Authorization"), creds.AccessKey, creds.SecretKey, time.Now()); err != nil {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
				`<Error><Code>AccessDenied</Code><Message>Access Denied.</Message><Resource>` +
				xmlEscape(r.URL.Path) + `</Resource></Error>`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}
