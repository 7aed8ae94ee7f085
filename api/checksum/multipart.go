package checksum

// PartSum is one part's checksum (base64) and size, for CombineFullObject.
type PartSum struct {
	Sum  string
	Size int64
}

// Composite returns the COMPOSITE multipart checksum: the algorithm applied
// to the concatenated raw part checksums, base64-encoded, followed by
// "-<number of parts>". partSums are the parts' base64 checksums in part
// order. It fails with ErrInvalidChecksum for a malformed part checksum.
func Composite(a Algorithm, partSums []string) (string, error) {
	return "", errNotImplemented
}

// CombineFullObject returns the FULL_OBJECT checksum of a multipart upload:
// the CRC of the whole object computed from the parts' CRCs and sizes (CRC
// combination, no data re-read). Only CRC32, CRC32C and CRC64NVME support
// it; others fail with ErrInvalidAlgorithm.
func CombineFullObject(a Algorithm, parts []PartSum) (string, error) {
	return "", errNotImplemented
}
