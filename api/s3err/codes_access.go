package s3err

import "net/http"

// Codes of CORS, ACLs, object ownership and the public access block.
const (
	AccessControlListNotSupported        Code = "AccessControlListNotSupported"
	AccessForbidden                      Code = "AccessForbidden"
	BadRequest                           Code = "BadRequest"
	InvalidBucketACLWithObjectOwnership  Code = "InvalidBucketAclWithObjectOwnership"
	MalformedACLError                    Code = "MalformedACLError"
	NoSuchPublicAccessBlockConfiguration Code = "NoSuchPublicAccessBlockConfiguration"
	OwnershipControlsNotFound            Code = "OwnershipControlsNotFoundError"
	UnresolvableGrantByEmailAddress      Code = "UnresolvableGrantByEmailAddress"
)

// lookupAccess is Lookup for the codes of this file.
func lookupAccess(c Code) (Definition, bool) {
	switch c {
	case AccessControlListNotSupported:
		return Definition{http.StatusBadRequest, "The bucket does not allow ACLs"}, true
	case AccessForbidden:
		return Definition{http.StatusForbidden, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."}, true
	case BadRequest:
		return Definition{http.StatusBadRequest, "Bad Request"}, true
	case InvalidBucketACLWithObjectOwnership:
		return Definition{http.StatusBadRequest, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"}, true
	case MalformedACLError:
		return Definition{http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema"}, true
	case NoSuchPublicAccessBlockConfiguration:
		return Definition{http.StatusNotFound, "The public access block configuration was not found"}, true
	case OwnershipControlsNotFound:
		return Definition{http.StatusNotFound, "The bucket ownership controls were not found"}, true
	case UnresolvableGrantByEmailAddress:
		return Definition{http.StatusBadRequest, "The e-mail address you provided does not match any account on record."}, true
	}
	return Definition{}, false
}

// accessCodes lists the codes of this file, for Codes.
func accessCodes() []Code {
	return []Code{AccessControlListNotSupported, AccessForbidden, BadRequest, InvalidBucketACLWithObjectOwnership,
		MalformedACLError, NoSuchPublicAccessBlockConfiguration, OwnershipControlsNotFound, UnresolvableGrantByEmailAddress}
}
