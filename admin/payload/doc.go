// Package payload implements the encrypted payload format of MinIO's admin
// API, which `mc admin` uses for request and response bodies that carry
// secrets (new users' secret keys, service account credentials, user
// lists).
//
// The format was established by observing the real `mc` client:
//
//	salt (32 bytes) | algorithm ID (1 byte) | nonce (8 bytes) | sio stream
//
// The key is derived from the caller's secret key and the salt: argon2id
// (time 1, memory 64 MiB, 4 threads, 32 bytes) for the IDs 0x00 (AES-256-GCM)
// and 0x01 (ChaCha20-Poly1305), PBKDF2-HMAC-SHA256 (8192 iterations) for the
// ID 0x02 (AES-256-GCM), which FIPS builds of the client use. The stream is
// the authenticated streaming format of github.com/secure-io/sio-go (MIT
// licensed): 16 KiB fragments, each sealed with the nonce extended by a
// fragment counter, the last one marked as final, so truncation and
// reordering are detected.
package payload
