package s3err

import "net/http"

// Code is an S3 error code as it appears in <Error><Code>.
type Code string

// S3 error codes Silo answers with. The names are the wire codes.
const (
	AccessDenied                      Code = "AccessDenied"
	AuthorizationHeaderMalformed      Code = "AuthorizationHeaderMalformed"
	AuthorizationQueryParametersError Code = "AuthorizationQueryParametersError"
	BadDigest                         Code = "BadDigest"
	BucketAlreadyExists               Code = "BucketAlreadyExists"
	BucketAlreadyOwnedByYou           Code = "BucketAlreadyOwnedByYou"
	BucketNotEmpty                    Code = "BucketNotEmpty"
	EntityTooLarge                    Code = "EntityTooLarge"
	EntityTooSmall                    Code = "EntityTooSmall"
	ExpiredToken                      Code = "ExpiredToken"
	IllegalLocationConstraint         Code = "IllegalLocationConstraintException"
	IncompleteBody                    Code = "IncompleteBody"
	IncorrectNumberOfFilesInPost      Code = "IncorrectNumberOfFilesInPostRequest"
	InternalError                     Code = "InternalError"
	InvalidAccessKeyID                Code = "InvalidAccessKeyId"
	InvalidArgument                   Code = "InvalidArgument"
	InvalidBucketName                 Code = "InvalidBucketName"
	InvalidChunkSize                  Code = "InvalidChunkSizeError"
	InvalidDigest                     Code = "InvalidDigest"
	InvalidObjectName                 Code = "XMinioInvalidObjectName"
	InvalidPart                       Code = "InvalidPart"
	InvalidPartNumber                 Code = "InvalidPartNumber"
	InvalidPartOrder                  Code = "InvalidPartOrder"
	InvalidPolicyDocument             Code = "InvalidPolicyDocument"
	InvalidRange                      Code = "InvalidRange"
	InvalidRequest                    Code = "InvalidRequest"
	InvalidStorageClass               Code = "InvalidStorageClass"
	InvalidToken                      Code = "InvalidToken"
	InvalidURI                        Code = "InvalidURI"
	KeyTooLong                        Code = "KeyTooLongError"
	MalformedPOSTRequest              Code = "MalformedPOSTRequest"
	MalformedTrailer                  Code = "MalformedTrailerError"
	MalformedXML                      Code = "MalformedXML"
	MaxMessageLengthExceeded          Code = "MaxMessageLengthExceeded"
	MetadataTooLarge                  Code = "MetadataTooLarge"
	MethodNotAllowed                  Code = "MethodNotAllowed"
	MissingContentLength              Code = "MissingContentLength"
	MissingRequestBody                Code = "MissingRequestBodyError"
	MissingSecurityHeader             Code = "MissingSecurityHeader"
	NoSuchBucket                      Code = "NoSuchBucket"
	NoSuchBucketPolicy                Code = "NoSuchBucketPolicy"
	NoSuchConfiguration               Code = "NoSuchConfiguration"
	NoSuchCORSConfiguration           Code = "NoSuchCORSConfiguration"
	NoSuchKey                         Code = "NoSuchKey"
	NoSuchLifecycleConfiguration      Code = "NoSuchLifecycleConfiguration"
	NoSuchTagSet                      Code = "NoSuchTagSet"
	NoSuchUpload                      Code = "NoSuchUpload"
	NoSuchVersion                     Code = "NoSuchVersion"
	NotImplemented                    Code = "NotImplemented"
	NotModified                       Code = "NotModified"
	PreconditionFailed                Code = "PreconditionFailed"
	RequestTimeTooSkewed              Code = "RequestTimeTooSkewed"
	RequestTimeout                    Code = "RequestTimeout"
	ServiceUnavailable                Code = "ServiceUnavailable"
	SignatureDoesNotMatch             Code = "SignatureDoesNotMatch"
	SlowDown                          Code = "SlowDown"
	UnexpectedContent                 Code = "UnexpectedContent"
	XAmzContentChecksumMismatch       Code = "XAmzContentChecksumMismatch"
	XAmzContentSHA256Mismatch         Code = "XAmzContentSHA256Mismatch"
)

// Definition is the HTTP status and default message of a code.
type Definition struct {
	Status  int
	Message string
}

// Lookup returns the definition of c; ok is false for a code not in the table.
func Lookup(c Code) (def Definition, ok bool) {
	switch c {
	case AccessDenied:
		return Definition{http.StatusForbidden, "Access Denied."}, true
	case AuthorizationHeaderMalformed:
		return Definition{http.StatusBadRequest, "The authorization header is malformed."}, true
	case AuthorizationQueryParametersError:
		return Definition{http.StatusBadRequest, "The authorization query parameters are malformed."}, true
	case BadDigest:
		return Definition{http.StatusBadRequest, "The Content-MD5 you specified did not match what we received."}, true
	case BucketAlreadyExists:
		return Definition{http.StatusConflict, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."}, true
	case BucketAlreadyOwnedByYou:
		return Definition{http.StatusConflict, "Your previous request to create the named bucket succeeded and you already own it."}, true
	case BucketNotEmpty:
		return Definition{http.StatusConflict, "The bucket you tried to delete is not empty."}, true
	case EntityTooLarge:
		return Definition{http.StatusBadRequest, "Your proposed upload exceeds the maximum allowed object size."}, true
	case EntityTooSmall:
		return Definition{http.StatusBadRequest, "Your proposed upload is smaller than the minimum allowed object size."}, true
	case ExpiredToken:
		return Definition{http.StatusBadRequest, "The provided token has expired."}, true
	case IllegalLocationConstraint:
		return Definition{http.StatusBadRequest, "The location constraint is incompatible with the region of this endpoint."}, true
	case IncompleteBody:
		return Definition{http.StatusBadRequest, "You did not provide the number of bytes specified by the Content-Length HTTP header."}, true
	case IncorrectNumberOfFilesInPost:
		return Definition{http.StatusBadRequest, "POST requires exactly one file upload per request."}, true
	case InternalError:
		return Definition{http.StatusInternalServerError, "We encountered an internal error, please try again."}, true
	case InvalidAccessKeyID:
		return Definition{http.StatusForbidden, "The Access Key Id you provided does not exist in our records."}, true
	case InvalidArgument:
		return Definition{http.StatusBadRequest, "Invalid Argument."}, true
	case InvalidBucketName:
		return Definition{http.StatusBadRequest, "The specified bucket is not valid."}, true
	case InvalidChunkSize:
		return Definition{http.StatusForbidden, "Only the last chunk is allowed to have a size less than 8192 bytes."}, true
	case InvalidDigest:
		return Definition{http.StatusBadRequest, "The Content-MD5 you specified is not valid."}, true
	case InvalidObjectName:
		return Definition{http.StatusBadRequest, "Object name contains unsupported characters."}, true
	case InvalidPart:
		return Definition{http.StatusBadRequest, "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."}, true
	case InvalidPartNumber:
		return Definition{http.StatusRequestedRangeNotSatisfiable, "The requested partnumber is not satisfiable."}, true
	case InvalidPartOrder:
		return Definition{http.StatusBadRequest, "The list of parts was not in ascending order. The parts list must be specified in order by part number."}, true
	case InvalidPolicyDocument:
		return Definition{http.StatusBadRequest, "The content of the form does not meet the conditions specified in the policy document."}, true
	case InvalidRange:
		return Definition{http.StatusRequestedRangeNotSatisfiable, "The requested range is not satisfiable."}, true
	case InvalidRequest:
		return Definition{http.StatusBadRequest, "Invalid Request."}, true
	case InvalidStorageClass:
		return Definition{http.StatusBadRequest, "The storage class you specified is not valid."}, true
	case InvalidToken:
		return Definition{http.StatusBadRequest, "The provided token is malformed or otherwise invalid."}, true
	case InvalidURI:
		return Definition{http.StatusBadRequest, "Couldn't parse the specified URI."}, true
	case KeyTooLong:
		return Definition{http.StatusBadRequest, "Your key is too long."}, true
	case MalformedPOSTRequest:
		return Definition{http.StatusBadRequest, "The body of your POST request is not well-formed multipart/form-data."}, true
	case MalformedTrailer:
		return Definition{http.StatusBadRequest, "The request contained trailing data that was not well-formed or did not conform to our published schema."}, true
	case MalformedXML:
		return Definition{http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema."}, true
	case MaxMessageLengthExceeded:
		return Definition{http.StatusBadRequest, "Your request was too big."}, true
	case MetadataTooLarge:
		return Definition{http.StatusBadRequest, "Your metadata headers exceed the maximum allowed metadata size."}, true
	case MethodNotAllowed:
		return Definition{http.StatusMethodNotAllowed, "The specified method is not allowed against this resource."}, true
	case MissingContentLength:
		return Definition{http.StatusLengthRequired, "You must provide the Content-Length HTTP header."}, true
	case MissingRequestBody:
		return Definition{http.StatusBadRequest, "Request body is empty."}, true
	case MissingSecurityHeader:
		return Definition{http.StatusBadRequest, "Your request is missing a required header."}, true
	case NoSuchBucket:
		return Definition{http.StatusNotFound, "The specified bucket does not exist."}, true
	case NoSuchBucketPolicy:
		return Definition{http.StatusNotFound, "The bucket policy does not exist."}, true
	case NoSuchConfiguration:
		return Definition{http.StatusNotFound, "The specified configuration does not exist."}, true
	case NoSuchCORSConfiguration:
		return Definition{http.StatusNotFound, "The CORS configuration does not exist."}, true
	case NoSuchKey:
		return Definition{http.StatusNotFound, "The specified key does not exist."}, true
	case NoSuchLifecycleConfiguration:
		return Definition{http.StatusNotFound, "The lifecycle configuration does not exist."}, true
	case NoSuchTagSet:
		return Definition{http.StatusNotFound, "The TagSet does not exist."}, true
	case NoSuchUpload:
		return Definition{http.StatusNotFound, "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."}, true
	case NoSuchVersion:
		return Definition{http.StatusNotFound, "The specified version does not exist."}, true
	case NotImplemented:
		return Definition{http.StatusNotImplemented, "A header or query you provided implies functionality that is not implemented."}, true
	case NotModified:
		return Definition{http.StatusNotModified, "Not Modified."}, true
	case PreconditionFailed:
		return Definition{http.StatusPreconditionFailed, "At least one of the pre-conditions you specified did not hold."}, true
	case RequestTimeTooSkewed:
		return Definition{http.StatusForbidden, "The difference between the request time and the server's time is too large."}, true
	case RequestTimeout:
		return Definition{http.StatusBadRequest, "Your socket connection to the server was not read from or written to within the timeout period."}, true
	case ServiceUnavailable:
		return Definition{http.StatusServiceUnavailable, "The service is unavailable. Please retry."}, true
	case SignatureDoesNotMatch:
		return Definition{http.StatusForbidden, "The request signature we calculated does not match the signature you provided. Check your key and signing method."}, true
	case SlowDown:
		return Definition{http.StatusServiceUnavailable, "Please reduce your request rate."}, true
	case UnexpectedContent:
		return Definition{http.StatusBadRequest, "This request does not support content."}, true
	case XAmzContentChecksumMismatch:
		return Definition{http.StatusBadRequest, "The provided 'x-amz-checksum' header does not match what was computed."}, true
	case XAmzContentSHA256Mismatch:
		return Definition{http.StatusBadRequest, "The provided 'x-amz-content-sha256' header does not match what was computed."}, true
	}
	if d, ok := lookupIAM(c); ok {
		return d, true
	}
	if d, ok := lookupBucketFeature(c); ok {
		return d, true
	}
	if d, ok := lookupSSE(c); ok {
		return d, true
	}
	return lookupAccess(c)
}

// Codes lists every code of the table, for tests and documentation.
func Codes() []Code {
	return append([]Code{
		AccessDenied, AuthorizationHeaderMalformed, AuthorizationQueryParametersError, BadDigest,
		BucketAlreadyExists, BucketAlreadyOwnedByYou, BucketNotEmpty, EntityTooLarge, EntityTooSmall,
		ExpiredToken, IllegalLocationConstraint, IncompleteBody, IncorrectNumberOfFilesInPost,
		InternalError, InvalidAccessKeyID, InvalidArgument, InvalidBucketName, InvalidChunkSize,
		InvalidDigest, InvalidObjectName, InvalidPart, InvalidPartNumber, InvalidPartOrder,
		InvalidPolicyDocument, InvalidRange, InvalidRequest, InvalidStorageClass, InvalidToken,
		InvalidURI, KeyTooLong, MalformedPOSTRequest, MalformedTrailer, MalformedXML, MaxMessageLengthExceeded,
		MetadataTooLarge, MethodNotAllowed, MissingContentLength, MissingRequestBody,
		MissingSecurityHeader, NoSuchBucket, NoSuchBucketPolicy, NoSuchConfiguration,
		NoSuchCORSConfiguration, NoSuchKey, NoSuchLifecycleConfiguration, NoSuchTagSet, NoSuchUpload,
		NoSuchVersion, NotImplemented, NotModified, PreconditionFailed, RequestTimeTooSkewed,
		RequestTimeout, ServiceUnavailable, SignatureDoesNotMatch, SlowDown, UnexpectedContent,
		XAmzContentChecksumMismatch, XAmzContentSHA256Mismatch,
	}, append(append(append(accessCodes(), bucketFeatureCodes()...), iamCodes()...), sseCodes()...)...)
}

// Status returns the HTTP status of c (500 for a code not in the table).
func (c Code) Status() int {
	if d, ok := Lookup(c); ok {
		return d.Status
	}
	return http.StatusInternalServerError
}

// Message returns the default message of c.
func (c Code) Message() string {
	if d, ok := Lookup(c); ok {
		return d.Message
	}
	d, _ := Lookup(InternalError)
	return d.Message
}
