package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/silo-project/silo/api/s3err"
	"github.com/silo-project/silo/api/s3xml"
	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/iam/policy"
)

// RoleAssumer opens STS sessions; *iam.System implements it. The S3 layer
// finds it by asserting the Authorizer.
type RoleAssumer interface {
	AssumeRole(ctx context.Context, parent string, duration time.Duration, sessionPolicy []byte) (iam.TempCredentials, error)
}

// stsVerifier authenticates STS form posts; *sigv4.Verifier implements it.
type stsVerifier interface {
	VerifySTS(r *http.Request, body []byte) (*sigv4.Result, error)
}

// STS limits.
const (
	maxSTSBody          = 64 << 10
	maxSessionPolicy    = 2048 * 8 // bytes of the session policy document
	stsVersion          = "2011-06-15"
	stsActionAssumeRole = "AssumeRole"
)

// stsError is an STS error: its code, HTTP status and message.
type stsError struct {
	code    string
	status  int
	message string
	err     error
}

func (e *stsError) Error() string { return e.code + ": " + e.message }
func (e *stsError) Unwrap() error { return e.err }

func newSTSError(code string, status int, msg string, err error) *stsError {
	return &stsError{code: code, status: status, message: msg, err: err}
}

// sts serves the STS API at the service root (a signed form POST):
// AssumeRole with DurationSeconds (900..43200, default 3600) and an
// optional session Policy. Its answers and errors are STS-shaped XML.
func (s *server) sts(c *call) error {
	if err := s.assumeRole(c); err != nil {
		s.writeSTSError(c, err)
	}
	return nil
}

func (s *server) assumeRole(c *call) error {
	verifier, ok := s.auth.(stsVerifier)
	assumer, ok2 := s.authz.(RoleAssumer)
	if !ok || !ok2 {
		return newSTSError("NotImplemented", http.StatusNotImplemented, "STS is not available.", nil)
	}
	body, err := io.ReadAll(io.LimitReader(c.r.Body, maxSTSBody+1))
	if err != nil {
		return err
	}
	if len(body) > maxSTSBody {
		return newSTSError("ValidationError", http.StatusBadRequest, "The request body is too large.", nil)
	}
	res, err := verifier.VerifySTS(c.r, body)
	if err != nil {
		return err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return newSTSError("InvalidParameterValue", http.StatusBadRequest, "The request body is not a valid form.", err)
	}
	if a := form.Get("Action"); a != stsActionAssumeRole {
		return newSTSError("InvalidAction", http.StatusBadRequest, fmt.Sprintf("Could not find operation %q for version %s.", a, stsVersion), nil)
	}
	if v := form.Get("Version"); v != stsVersion {
		return newSTSError("InvalidParameterValue", http.StatusBadRequest, fmt.Sprintf("Unsupported STS version %q, want %s.", v, stsVersion), nil)
	}
	duration := iam.DefaultSessionDuration
	if v := form.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || time.Duration(n)*time.Second < iam.MinSessionDuration || time.Duration(n)*time.Second > iam.MaxSessionDuration {
			return newSTSError("ValidationError", http.StatusBadRequest,
				fmt.Sprintf("1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value between %d and %d", v,
					int(iam.MinSessionDuration.Seconds()), int(iam.MaxSessionDuration.Seconds())), err)
		}
		duration = time.Duration(n) * time.Second
	}
	sessionPolicy := []byte(form.Get("Policy"))
	if len(sessionPolicy) > maxSessionPolicy {
		return newSTSError("PackedPolicyTooLarge", http.StatusBadRequest, "The session policy is too large.", nil)
	}
	if res.SessionToken != "" {
		return newSTSError("AccessDenied", http.StatusForbidden, "Temporary credentials cannot assume a role.", nil)
	}
	tc, err := assumer.AssumeRole(c.ctx, res.AccessKey, duration, sessionPolicy)
	switch {
	case errors.Is(err, policy.ErrMalformedPolicy):
		var me *policy.MalformedError
		msg := "The session policy is malformed."
		if errors.As(err, &me) {
			msg = me.Reason
		}
		return newSTSError("MalformedPolicyDocument", http.StatusBadRequest, msg, err)
	case errors.Is(err, iam.ErrInvalidArgument):
		return newSTSError("AccessDenied", http.StatusForbidden, "These credentials cannot assume a role.", err)
	case err != nil:
		return err
	}
	out := s3xml.AssumeRoleResponse{
		Result: s3xml.AssumeRoleResult{
			Credentials: s3xml.STSCredentials{
				AccessKeyID: tc.AccessKey, SecretAccessKey: tc.SecretKey, SessionToken: tc.SessionToken,
				Expiration: tc.Expiration.UTC().Format(time.RFC3339),
			},
			AssumedRoleUser: s3xml.AssumedRole{Arn: "arn:aws:sts:::assumed-role/" + res.AccessKey, AssumedRoleID: tc.AccessKey},
		},
		ResponseMetadata: s3xml.STSMetadata{RequestID: c.reqID},
	}
	return s.writeXML(c.w, http.StatusOK, out)
}

// writeSTSError answers err as an STS ErrorResponse.
func (s *server) writeSTSError(c *call, err error) {
	var se *stsError
	if !errors.As(err, &se) {
		e := s3err.Resolve(err)
		code := string(e.Code)
		switch e.Code {
		case s3err.InvalidAccessKeyID:
			code = "InvalidClientTokenId"
			e.Message = "The security token included in the request is invalid."
		case s3err.AuthorizationHeaderMalformed:
			code = "IncompleteSignature"
		}
		se = newSTSError(code, e.Code.Status(), e.Message, err)
	}
	lvl := slog.LevelDebug
	if se.status >= 500 {
		lvl = slog.LevelWarn
	}
	s.log.Log(c.ctx, lvl, "sts request failed", "request_id", c.reqID, "code", se.code, "err", err)
	kind := "Sender"
	if se.status >= 500 {
		kind = "Receiver"
	}
	_ = s.writeXML(c.w, se.status, s3xml.STSErrorResponse{
		Error:     s3xml.STSError{Type: kind, Code: se.code, Message: se.message},
		RequestID: c.reqID,
	})
}
