package admin

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/silo-project/silo/admin/payload"
	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/iam/policy"
)

// errorCode is an admin API error code, as MinIO names them where it has a
// name for the condition (mc prints the message, scripts match the code).
type errorCode string

const (
	errAccessDenied          errorCode = "AccessDenied"
	errNotImplemented        errorCode = "NotImplemented"
	errMethodNotAllowed      errorCode = "MethodNotAllowed"
	errInternal              errorCode = "InternalError"
	errInvalidArgument       errorCode = "XMinioAdminInvalidArgument"
	errBadJSON               errorCode = "XMinioAdminConfigBadJSON"
	errDecrypt               errorCode = "XMinioAdminConfigDecryptionError"
	errMalformedPolicy       errorCode = "XMinioMalformedPolicy"
	errNoSuchUser            errorCode = "XMinioAdminNoSuchUser"
	errNoSuchGroup           errorCode = "XMinioAdminNoSuchGroup"
	errGroupNotEmpty         errorCode = "XMinioAdminGroupNotEmpty"
	errNoSuchPolicy          errorCode = "XMinioAdminNoSuchPolicy"
	errNoSuchServiceAccount  errorCode = "XMinioAdminNoSuchServiceAccount"
	errNoSuchTempAccount     errorCode = "XMinioAdminNoSuchTempAccount"
	errPolicyAlreadyApplied  errorCode = "XMinioAdminPolicyChangeAlreadyApplied"
	errUserExists            errorCode = "XMinioAdminUserExists"
	errRequestBodyTooLarge   errorCode = "XMinioAdminRequestBodyTooLarge"
	errNotEligible           errorCode = "XMinioAdminAccountNotEligible"
	errServiceUnavailable    errorCode = "XMinioServerNotInitialized"
	errUnsupportedRootChange errorCode = "XMinioAdminCannotChangeRoot"
	errInvalidAccessKey      errorCode = "InvalidAccessKeyId"
	errInvalidToken          errorCode = "InvalidTokenId"
	errExpiredToken          errorCode = "ExpiredToken"
	errKMSNotConfigured      errorCode = "XMinioKMSNotConfigured"
	errKMSKeyNotFound        errorCode = "XMinioKMSKeyNotFoundException"
	errKMSKeyExists          errorCode = "XMinioKMSKeyExists"
	errKMSUnavailable        errorCode = "XMinioKMSUnavailable"
)

// definitions holds the status and default message of every code.
var definitions = map[errorCode]struct {
	status  int
	message string
}{
	errAccessDenied:          {http.StatusForbidden, "Access Denied."},
	errNotImplemented:        {http.StatusNotImplemented, "This admin API is not implemented."},
	errMethodNotAllowed:      {http.StatusMethodNotAllowed, "The specified method is not allowed against this resource."},
	errInternal:              {http.StatusInternalServerError, "We encountered an internal error, please try again."},
	errInvalidArgument:       {http.StatusBadRequest, "Invalid arguments specified."},
	errBadJSON:               {http.StatusBadRequest, "The request body is not valid JSON of the expected shape."},
	errDecrypt:               {http.StatusBadRequest, "The request body could not be decrypted with the caller's secret key."},
	errMalformedPolicy:       {http.StatusBadRequest, "The policy document is malformed."},
	errNoSuchUser:            {http.StatusNotFound, "The specified user does not exist."},
	errNoSuchGroup:           {http.StatusNotFound, "The specified group does not exist."},
	errGroupNotEmpty:         {http.StatusBadRequest, "The specified group is not empty - cannot remove it."},
	errNoSuchPolicy:          {http.StatusNotFound, "The canned policy does not exist."},
	errNoSuchServiceAccount:  {http.StatusNotFound, "The specified service account does not exist."},
	errNoSuchTempAccount:     {http.StatusNotFound, "The specified temporary account does not exist."},
	errPolicyAlreadyApplied:  {http.StatusBadRequest, "The specified policy change is already in effect."},
	errUserExists:            {http.StatusConflict, "The user already exists."},
	errRequestBodyTooLarge:   {http.StatusRequestEntityTooLarge, "The request body is too large."},
	errNotEligible:           {http.StatusBadRequest, "The account is not eligible for this operation."},
	errServiceUnavailable:    {http.StatusServiceUnavailable, "The server cannot do this now."},
	errUnsupportedRootChange: {http.StatusBadRequest, "The root user cannot be changed through the admin API."},
	errInvalidAccessKey:      {http.StatusForbidden, "The access key ID you provided does not exist in our records."},
	errInvalidToken:          {http.StatusForbidden, "The security token included in the request is invalid."},
	errExpiredToken:          {http.StatusBadRequest, "The provided token has expired."},
	errKMSNotConfigured:      {http.StatusNotImplemented, "No key service (KMS) is configured on this server."},
	errKMSKeyNotFound:        {http.StatusNotFound, "The KMS key does not exist."},
	errKMSKeyExists:          {http.StatusConflict, "The KMS key already exists."},
	errKMSUnavailable:        {http.StatusServiceUnavailable, "The key service (KMS) is unavailable."},
}

// apiError is an error with an admin error code.
type apiError struct {
	code    errorCode
	message string // "" means the code's default
	err     error  // cause, logged only
}

func (e *apiError) Error() string {
	msg := e.message
	if msg == "" {
		msg = definitions[e.code].message
	}
	if e.err != nil {
		return fmt.Sprintf("%s: %s: %v", e.code, msg, e.err)
	}
	return string(e.code) + ": " + msg
}

func (e *apiError) Unwrap() error { return e.err }

// apiErr returns an *apiError with a formatted message.
func apiErr(code errorCode, format string, args ...any) *apiError {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &apiError{code: code, message: msg}
}

// iamErrors maps the IAM sentinels to admin codes.
var iamErrors = []struct {
	err  error
	code errorCode
}{
	{iam.ErrNoSuchUser, errNoSuchUser},
	{iam.ErrNoSuchGroup, errNoSuchGroup},
	{iam.ErrGroupNotEmpty, errGroupNotEmpty},
	{iam.ErrNoSuchPolicy, errNoSuchPolicy},
	{iam.ErrNoSuchServiceAccount, errNoSuchServiceAccount},
	{iam.ErrNoSuchAccessKey, errInvalidAccessKey},
	{iam.ErrInvalidToken, errInvalidToken},
	{iam.ErrExpiredToken, errExpiredToken},
	{iam.ErrUserExists, errUserExists},
	{iam.ErrInvalidArgument, errInvalidArgument},
	{iam.ErrAccessDenied, errAccessDenied},
	{payload.ErrMalformed, errDecrypt},
	{payload.ErrNotAuthentic, errDecrypt},
	{payload.ErrTooLarge, errRequestBodyTooLarge},
}

// resolve turns any error into an *apiError. Unknown errors become
// InternalError; their detail is only logged.
func resolve(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var me *policy.MalformedError
	if errors.As(err, &me) {
		return &apiError{code: errMalformedPolicy, message: "Malformed policy: " + me.Reason, err: err}
	}
	if errors.Is(err, policy.ErrMalformedPolicy) {
		return &apiError{code: errMalformedPolicy, err: err}
	}
	for _, m := range iamErrors {
		if errors.Is(err, m.err) {
			msg := ""
			if m.code == errInvalidArgument {
				msg = "Invalid argument: " + strings.TrimSuffix(err.Error(), ": "+iam.ErrInvalidArgument.Error()) + "."
			}
			return &apiError{code: m.code, message: msg, err: err}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &apiError{code: errServiceUnavailable, message: "The request was cancelled.", err: err}
	}
	return &apiError{code: errInternal, err: err}
}

// authError turns a signature verification error into an admin error with
// the S3 code and status the S3 API would give (api/s3err owns that
// mapping).
func authError(err error) error {
	e := s3err.Resolve(err)
	msg := e.Message
	if msg == "" {
		msg = e.Code.Message()
	}
	return &authFailure{code: string(e.Code), status: e.Code.Status(), message: msg, err: err}
}

// authFailure is a signature error rendered with its S3 code.
type authFailure struct {
	code, message string
	status        int
	err           error
}

func (e *authFailure) Error() string { return e.code + ": " + e.message }
func (e *authFailure) Unwrap() error { return e.err }

// errorResponse is the JSON error body mc parses.
type errorResponse struct {
	Code       string `json:"Code"`
	Message    string `json:"Message"`
	BucketName string `json:"BucketName,omitempty"`
	Key        string `json:"Key,omitempty"`
	Resource   string `json:"Resource"`
	Region     string `json:"Region"`
	RequestID  string `json:"RequestId"`
	HostID     string `json:"HostId"`
}

// writeError writes err as a JSON admin error.
func (h *Handler) writeError(c *call, err error) {
	resp := errorResponse{Resource: c.r.URL.Path, Region: h.cfg.Region, RequestID: c.reqID, HostID: "silo"}
	status := http.StatusInternalServerError
	var af *authFailure
	if errors.As(err, &af) {
		resp.Code, resp.Message, status = af.code, af.message, af.status
	} else {
		ae := resolve(err)
		def := definitions[ae.code]
		resp.Code, resp.Message, status = string(ae.code), ae.message, def.status
		if resp.Message == "" {
			resp.Message = def.message
		}
		if ae.code == errInternal {
			h.log.Error("admin API failed", "api", c.api, "request_id", c.reqID, "err", err)
		}
	}
	body, _ := json.Marshal(resp)
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	_, _ = c.w.Write(body)
}

// newRequestID returns a unique request ID: 16 upper-case hex digits.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%016X", b[:])
}
