package s3err

import "net/http"

// Codes of tagging, versioning and object lock.
const (
	InvalidBucketState                   Code = "InvalidBucketState"
	InvalidTag                           Code = "InvalidTag"
	NoSuchObjectLockConfiguration        Code = "NoSuchObjectLockConfiguration"
	ObjectLockConfigurationNotFoundError Code = "ObjectLockConfigurationNotFoundError"
)

// lookupBucketFeature is Lookup for the codes of this file.
func lookupBucketFeature(c Code) (Definition, bool) {
	switch c {
	case InvalidBucketState:
		return Definition{http.StatusConflict, "The request is not valid with the current state of the bucket."}, true
	case InvalidTag:
		return Definition{http.StatusBadRequest, "The tag provided was not a valid tag."}, true
	case NoSuchObjectLockConfiguration:
		return Definition{http.StatusNotFound, "The specified object does not have a ObjectLock configuration"}, true
	case ObjectLockConfigurationNotFoundError:
		return Definition{http.StatusNotFound, "Object Lock configuration does not exist for this bucket"}, true
	}
	return Definition{}, false
}

// bucketFeatureCodes lists the codes of this file.
func bucketFeatureCodes() []Code {
	return []Code{InvalidBucketState, InvalidTag, NoSuchObjectLockConfiguration, ObjectLockConfigurationNotFoundError}
}
