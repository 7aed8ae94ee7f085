package crypt

// Placeholders for kms.Context and kms.DEK until package kms lands.
type kmsContext = map[string]string

type kmsDEK struct {
	KeyID      string
	Plaintext  []byte
	Ciphertext []byte
}
