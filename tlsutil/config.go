package tlsutil

import "crypto/tls"

// cipherSuites12 are the TLS 1.2 suites Silo offers: ECDHE key exchange with
// an AEAD cipher only. TLS 1.3 suites are not configurable in Go and are all
// AEAD.
func cipherSuites12() []uint16 {
	return []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	}
}

// baseConfig returns the safe defaults shared by every configuration this
// package hands out. Silo speaks HTTP/1.1 only over TLS (S3 clients do), so
// ALPN offers http/1.1 alone.
func baseConfig() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		MaxVersion:   tls.VersionTLS13,
		CipherSuites: cipherSuites12(),
		// Go's TLS server never renegotiates; the field states it for
		// configurations that are cloned for outbound use.
		Renegotiation: tls.RenegotiateNever,
		NextProtos:    []string{"http/1.1"},
	}
}
