package s3err

import (
	"net/http"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/storage/crypt"
)

// Error codes of server-side encryption.
const (
	InvalidEncryptionAlgorithm                Code = "InvalidEncryptionAlgorithmError"
	ServerSideEncryptionConfigurationNotFound Code = "ServerSideEncryptionConfigurationNotFoundError"
	KMSNotFound                               Code = "KMS.NotFoundException"
)

// lookupSSE defines the encryption codes.
func lookupSSE(c Code) (Definition, bool) {
	switch c {
	case InvalidEncryptionAlgorithm:
		return Definition{http.StatusBadRequest, "The Encryption request you specified is not valid. Supported value: AES256."}, true
	case ServerSideEncryptionConfigurationNotFound:
		return Definition{http.StatusNotFound, "The server side encryption configuration was not found"}, true
	case KMSNotFound:
		return Definition{http.StatusBadRequest, "Invalid keyId"}, true
	}
	return Definition{}, false
}

// sseCodes lists the encryption codes.
func sseCodes() []Code {
	return []Code{InvalidEncryptionAlgorithm, ServerSideEncryptionConfigurationNotFound, KMSNotFound}
}

// Messages of encryption errors shared by several call sites.
const (
	// MsgSSEInsecure answers SSE-C and SSE-KMS requests over plain HTTP.
	MsgSSEInsecure = "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection."
	// MsgSSEKeyMissing answers reads of an SSE-C object without its key.
	MsgSSEKeyMissing = "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object."
)

// sseMappings translates the encryption sentinels.
func sseMappings() []mapping {
	return []mapping{
		{crypt.ErrKeyMismatch, AccessDenied, ""},
		{crypt.ErrMissingKey, InvalidRequest, MsgSSEKeyMissing},
		{crypt.ErrNoKMS, NotImplemented, "Server side encryption specified but KMS is not configured"},
		{kms.ErrKeyNotFound, KMSNotFound, ""},
		{kms.ErrInvalidKeyName, KMSNotFound, ""},
		{kms.ErrUnavailable, ServiceUnavailable, "The key service is unavailable. Please retry."},
	}
}
