// Package kms is Silo's key-management contract: named master keys that
// generate and unseal data keys bound to an encryption context, as a
// KES-style key service does. The contract is the KMS interface with its
// sentinel errors; implementations are the static development key in this
// package, the embedded key service (kms/keystore) and the client for the
// KES HTTP API (kms/kes). kms/kmstest is the conformance suite they all pass.
package kms
