package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"hash"
	"testing"
	"time"
)

// makeJWT signs claims with secret using alg.
func makeJWT(alg, claims, secret string) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"` + alg + `","typ":"JWT"}`))
	c := enc.EncodeToString([]byte(claims))
	var nh func() hash.Hash = sha512.New
	if alg == "HS256" {
		nh = sha256.New
	}
	mac := hmac.New(nh, []byte(secret))
	mac.Write([]byte(h + "." + c))
	return h + "." + c + "." + enc.EncodeToString(mac.Sum(nil))
}

func TestVerifyBearer(t *testing.T) {
	now := time.Unix(2_000_000_000, 0)
	const ak, sk = "admin", "password1"
	tests := []struct {
		name  string
		authz string
		ok    bool
	}{
		{name: "mc style HS512", authz: "Bearer " + makeJWT("HS512", `{"exp":4000000000,"sub":"admin","iss":"prometheus"}`, sk), ok: true},
		{name: "HS256 no exp", authz: "Bearer " + makeJWT("HS256", `{"sub":"admin"}`, sk), ok: true},
		{name: "accessKey claim", authz: "Bearer " + makeJWT("HS512", `{"accessKey":"admin"}`, sk), ok: true},
		{name: "wrong secret", authz: "Bearer " + makeJWT("HS512", `{"sub":"admin"}`, "other-secret")},
		{name: "wrong subject", authz: "Bearer " + makeJWT("HS512", `{"sub":"bob"}`, sk)},
		{name: "expired", authz: "Bearer " + makeJWT("HS512", `{"sub":"admin","exp":1000}`, sk)},
		{name: "not yet valid", authz: "Bearer " + makeJWT("HS512", `{"sub":"admin","nbf":4000000000}`, sk)},
		{name: "alg none", authz: "Bearer " + base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." +
			base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin"}`)) + "."},
		{name: "no header"},
		{name: "basic auth", authz: "Basic YWRtaW46cGFzc3dvcmQx"},
		{name: "garbage", authz: "Bearer a.b.c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verifyBearer(tt.authz, ak, sk, now)
			if tt.ok && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if !tt.ok && !errors.Is(err, errBearer) {
				t.Fatalf("err = %v, want errBearer", err)
			}
		})
	}
}

func FuzzVerifyBearer(f *testing.F) {
	f.Add("Bearer " + makeJWT("HS512", `{"sub":"admin"}`, "password1"))
	f.Add("Bearer a.b.c")
	f.Add("Bearer ..")
	f.Fuzz(func(t *testing.T, authz string) {
		_ = verifyBearer(authz, "admin", "password1", time.Unix(0, 0))
	})
}
