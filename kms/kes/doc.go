// Package kes is a client for the KES HTTP API (/v1/key/..., /v1/status)
// over mutual TLS, implementing kms.KMS, with the request and response
// bodies of that API, which `silo kms server` serves too. It is written from
// the API's public documentation; it does not use the KES SDK.
package kes
