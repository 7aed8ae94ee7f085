// Package checksum implements the S3 flexible checksums (CRC32, CRC32C,
// CRC64NVME, SHA1, SHA256): parsing the x-amz-checksum-* request headers and
// trailers, verifying a payload while it streams, and the multipart
// combinations (composite checksum of checksums, and full-object CRC
// combination without re-reading data).
package checksum
