// Package kmstest is the conformance suite of the kms contract: every KMS
// implementation runs Run against a fresh or shared instance and passes.
package kmstest
