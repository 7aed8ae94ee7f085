// Package tlsutil loads Silo's server certificates and keeps them current.
//
// It reads a certificates directory in MinIO's layout:
//
//	certs/
//	  public.crt, private.key      the default certificate and key
//	  CAs/*.crt (any PEM file)      CA certificates: client certificates signed by
//	                                them are trusted; also the pool for outbound TLS
//	  <name>/public.crt, private.key  extra certificates, chosen by SNI
//
// or an explicit certificate and key file pair. The resulting tls.Config allows
// TLS 1.2 and 1.3 only (AEAD ECDHE suites for 1.2) and picks the certificate
// whose DNS names or IP addresses match the ClientHello. Certificates are re-read
// on Reload (SIGHUP) and when Watch sees a file change; the new set is swapped
// in atomically and existing connections are untouched.
//
// The package depends on the standard library only.
package tlsutil
