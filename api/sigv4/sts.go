package sigv4

import (
	"fmt"
	"net/http"
	"strings"
)

// VerifySTS authenticates an STS request (a form POST such as AssumeRole)
// signed with Signature V4 in the Authorization header for the service
// "sts". body is the form payload, already read by the caller (SDKs do not
// send x-amz-content-sha256 to STS: the payload hash is the body's
// SHA-256). The result's SessionToken carries X-Amz-Security-Token.
func (v *Verifier) VerifySTS(r *http.Request, body []byte) (*Result, error) {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	if !strings.HasPrefix(auth, algoV4+" ") {
		if auth == "" {
			return nil, fmt.Errorf("%w: STS requests must be signed", ErrAuthorizationHeaderMalformed)
		}
		alg, _, _ := strings.Cut(auth, " ")
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, alg)
	}
	if body == nil {
		body = []byte{}
	}
	res, err := v.verifyV4HeaderFor(r, auth, serviceSTS, body)
	if err != nil {
		return nil, err
	}
	res.SessionToken = r.Header.Get("X-Amz-Security-Token")
	return res, nil
}
