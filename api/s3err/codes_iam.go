package s3err

import "net/http"

// Codes of bucket policies and STS.
const (
	MalformedPolicy Code = "MalformedPolicy"
	// STS error codes (answered by the STS endpoint).
	MalformedPolicyDocument Code = "MalformedPolicyDocument"
	PackedPolicyTooLarge    Code = "PackedPolicyTooLarge"
	ValidationError         Code = "ValidationError"
)

// lookupIAM returns the definition of the IAM codes.
func lookupIAM(c Code) (Definition, bool) {
	switch c {
	case MalformedPolicy:
		return Definition{http.StatusBadRequest, "Policies must be valid JSON and the first byte must be '{'"}, true
	case MalformedPolicyDocument:
		return Definition{http.StatusBadRequest, "The request was rejected because the policy document was malformed."}, true
	case PackedPolicyTooLarge:
		return Definition{http.StatusBadRequest, "The request was rejected because the policy document was too large."}, true
	case ValidationError:
		return Definition{http.StatusBadRequest, "The request failed validation."}, true
	}
	return Definition{}, false
}

// iamCodes lists the IAM codes for Codes.
func iamCodes() []Code {
	return []Code{MalformedPolicy, MalformedPolicyDocument, PackedPolicyTooLarge, ValidationError}
}
