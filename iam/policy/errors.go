package policy

import (
	"errors"
	"fmt"
)

// ErrMalformedPolicy is the sentinel every parse and validation error wraps;
// the S3 layer answers it with the MalformedPolicy error code.
var ErrMalformedPolicy = errors.New("malformed policy")

// MalformedError explains why a policy document was refused. Reason is a
// short sentence fit for the S3 error message ("Policy has invalid
// resource"). errors.Is(err, ErrMalformedPolicy) holds for every
// *MalformedError.
type MalformedError struct {
	// Reason is the human-readable cause, in AWS wording where AWS has one.
	Reason string
}

// Error returns the reason prefixed by the sentinel's text.
func (e *MalformedError) Error() string { return "malformed policy: " + e.Reason }

// Unwrap returns ErrMalformedPolicy.
func (e *MalformedError) Unwrap() error { return ErrMalformedPolicy }

// malformed builds a *MalformedError from a format string.
func malformed(format string, args ...any) error {
	return &MalformedError{Reason: fmt.Sprintf(format, args...)}
}
