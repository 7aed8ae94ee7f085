// Package server wires Silo together: it opens the erasure-coded store on the
// configured drives, resolves the root credentials (given, stored or newly
// generated), loads TLS certificates, builds the S3 handler, and serves it
// over HTTP or HTTPS with timeouts and limits against slow or abusive clients
// until its context ends, then drains in-flight requests and closes the store.
//
// cmd/silo turns flags and environment variables into a Config; everything
// else is decided here.
package server
