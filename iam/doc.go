// Package iam holds Silo's identities and decides who may do what.
//
// System is the deployment's identity store and authorizer: the root
// credentials (given at start, never stored), users, groups, named
// policies (plus MinIO's built-ins from iam/policy), service accounts and
// STS sessions. Its documents live in a DocStore (storage/erasure's system
// documents, replicated to every drive with write quorum and outside any S3
// bucket) and are cached in memory; the store is the source of truth.
// Secrets are sealed at rest with AES-256-GCM under a key derived with HKDF
// from the root secret key: if the root secret key changes, the stored
// secrets can no longer be opened, those identities are skipped at load
// (logged) and must be re-created (policies, groups and attachments are
// not sealed and survive).
//
// Authorize evaluates every request: root may do anything; a user's
// policies (its own and its enabled groups') combine with the bucket
// policy; service accounts and sessions are resolved to their parent on
// every request and additionally intersected with their inline or session
// policy, so they can never exceed the parent, whose disabling or removal
// takes them down too; an explicit Deny anywhere wins; anonymous requests
// are allowed only by the bucket policy.
package iam
