package s3xml

import "encoding/xml"

// PolicyStatus is the GetBucketPolicyStatus response.
type PolicyStatus struct {
	XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ PolicyStatus"`
	IsPublic bool     `xml:"IsPublic"`
}

// STSNamespace is the XML namespace of STS responses.
const STSNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// AssumeRoleResponse is the STS AssumeRole response.
type AssumeRoleResponse struct {
	XMLName          xml.Name         `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleResponse"`
	Result           AssumeRoleResult `xml:"AssumeRoleResult"`
	ResponseMetadata STSMetadata      `xml:"ResponseMetadata"`
}

// AssumeRoleResult holds the session's credentials.
type AssumeRoleResult struct {
	Credentials     STSCredentials `xml:"Credentials"`
	AssumedRoleUser AssumedRole    `xml:"AssumedRoleUser"`
}

// STSCredentials are temporary credentials.
type STSCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"` // RFC 3339, UTC
}

// AssumedRole identifies the session.
type AssumedRole struct {
	Arn           string `xml:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId"`
}

// STSMetadata carries the request ID.
type STSMetadata struct {
	RequestID string `xml:"RequestId"`
}

// STSErrorResponse is the error document of STS.
type STSErrorResponse struct {
	XMLName   xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
	Error     STSError `xml:"Error"`
	RequestID string   `xml:"RequestId"`
}

// STSError is one STS error.
type STSError struct {
	Type    string `xml:"Type"` // Sender or Receiver
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}
