package kms

// SealWith exposes sealWith so the tests cover both algorithms.
func SealWith(s Secret, alg byte, plaintext, associated []byte) ([]byte, error) {
	return s.sealWith(alg, plaintext, associated)
}
