package main

import "github.com/silo-project/silo/server"

// sseUsage documents the server-side encryption switches in `silo server --help`.
const sseUsage = `
Server-side encryption:
  SILO_SSE_INSECURE_LOOPBACK=on            accept SSE-C and SSE-KMS over plain HTTP from
                                           loopback clients (development only; TLS otherwise)
`

// parseSSE reads the server-side encryption switches into cfg.
func parseSSE(getenv getenvFunc, cfg *server.Config) error {
	v, err := parseBool(getenv, "SILO_SSE_INSECURE_LOOPBACK")
	cfg.SSEInsecureLoopback = v
	return err
}
