// Package kesserver serves a key store over the KES HTTP API, the
// protocol of `silo kms server`: mutual TLS, each client identified by the
// SHA-256 of its certificate's public key and admitted by an allow-list.
package kesserver
