// Package crypt seals and unseals object data for server-side encryption
// (SSE-S3, SSE-KMS and SSE-C).
//
// Every object (or multipart upload) gets a random 32-byte object key. The
// object key is sealed with AES-256-GCM under a key-encryption key derived
// from a KMS data key (SSE-S3, SSE-KMS) or from the customer's key (SSE-C);
// the derivation binds the sealed key to the bucket and object name, so the
// sealed metadata of one object cannot be moved onto another. Each part of an
// object (a single PUT is part 1) is its own DARE 2.0 stream (minio/sio)
// under a key derived from the object key and the part number. DARE packages
// carry 64 KiB of plaintext each, which lets a ranged read fetch and decrypt
// only the packages it needs.
//
// The sealed state lives in storage.ObjectInfo.Internal under the "sse-"
// keys written by Sealed.Store and read back by Parse. The package knows
// nothing of HTTP; the S3 layer parses headers into Params.
package crypt
