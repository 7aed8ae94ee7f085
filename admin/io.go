package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/silo-project/silo/admin/payload"
)

// maxBodySize bounds every admin request body (policies, encrypted JSON).
const maxBodySize = 1 << 20

// readBody reads the verified request body, at most maxBodySize bytes.
func (c *call) readBody() ([]byte, error) {
	var r io.Reader = c.r.Body
	if c.auth != nil && c.auth.Body != nil {
		r = c.auth.Body
	}
	b, err := io.ReadAll(io.LimitReader(r, maxBodySize+1))
	if err != nil {
		// The verifier reports a payload that does not match its signed
		// digest here; its S3 code says so.
		return nil, authError(fmt.Errorf("reading the request body: %w", err))
	}
	if len(b) > maxBodySize {
		return nil, apiErr(errRequestBodyTooLarge, "the request body exceeds %d bytes", maxBodySize)
	}
	return b, nil
}

// secret returns the caller's secret key, the key of encrypted payloads.
func (h *Handler) secret(c *call) (string, error) {
	s, err := h.deps.IAM.SecretKey(c.ctx, c.accessKey)
	if err != nil {
		return "", fmt.Errorf("secret of the caller: %w", err)
	}
	return s, nil
}

// withCrypto runs fn holding one of the bounded crypto slots.
func (h *Handler) withCrypto(c *call, fn func() error) error {
	select {
	case h.crypto <- struct{}{}:
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
	defer func() { <-h.crypto }()
	return fn()
}

// decodeEncrypted reads the encrypted request body and decodes its JSON
// into v.
func (h *Handler) decodeEncrypted(c *call, v any) error {
	body, err := c.readBody()
	if err != nil {
		return err
	}
	secret, err := h.secret(c)
	if err != nil {
		return err
	}
	var plain []byte
	err = h.withCrypto(c, func() error {
		plain, err = payload.Decrypt(secret, body, maxBodySize)
		return err
	})
	if err == nil {
		c.algorithm = payload.Algorithm(body)
	}
	switch {
	case errors.Is(err, payload.ErrMalformed) && json.Valid(body):
		return apiErr(errDecrypt, "the request body must be encrypted with the caller's secret key; it was sent as plain JSON")
	case errors.Is(err, payload.ErrMalformed), errors.Is(err, payload.ErrNotAuthentic):
		return &apiError{code: errDecrypt, err: err}
	case err != nil:
		return err
	}
	return decodeJSON(plain, v)
}

// decodePlain reads the plain JSON request body into v.
func (c *call) decodePlain(v any) error {
	body, err := c.readBody()
	if err != nil {
		return err
	}
	return decodeJSON(body, v)
}

// decodeJSON decodes exactly one JSON value from b into v.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return apiErr(errBadJSON, "the request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return apiErr(errBadJSON, "the request body has data after its JSON value")
	}
	return nil
}

// writeJSON writes v as a plain JSON response.
func (c *call) writeJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding the response: %w", err)
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(b)
	return nil
}

// writeEncrypted writes v as JSON encrypted with the caller's secret key.
func (h *Handler) writeEncrypted(c *call, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding the response: %w", err)
	}
	secret, err := h.secret(c)
	if err != nil {
		return err
	}
	var enc []byte
	if err := h.withCrypto(c, func() error {
		enc, err = payload.EncryptWith(c.algorithm, secret, b)
		return err
	}); err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "application/octet-stream")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(enc)
	return nil
}

// writeEmpty writes an empty success response.
func (c *call) writeEmpty() error {
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// writeNoContent writes 204, which mc requires of some APIs (service
// account update and delete).
func (c *call) writeNoContent() error {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// query returns the query parameter name.
func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

// requireQuery returns the non-empty query parameter name.
func (c *call) requireQuery(name string) (string, error) {
	v := c.query(name)
	if v == "" {
		return "", apiErr(errInvalidArgument, "the query parameter %q is required", name)
	}
	return v, nil
}
