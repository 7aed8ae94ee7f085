package kes

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// API paths; a key name or list prefix follows the trailing slash.
const (
	PathStatus   = "/v1/status"
	PathVersion  = "/version"
	PathCreate   = "/v1/key/create/"
	PathDelete   = "/v1/key/delete/"
	PathList     = "/v1/key/list/"
	PathGenerate = "/v1/key/generate/"
	PathDecrypt  = "/v1/key/decrypt/"
	PathDescribe = "/v1/key/describe/"
)

// MaxBody bounds every request and response body of the key API.
const MaxBody = 1 << 20

// GenerateRequest is the body of PathGenerate. JSON []byte is base64.
type GenerateRequest struct {
	Context []byte `json:"context,omitempty"`
}

// GenerateResponse is the answer of PathGenerate.
type GenerateResponse struct {
	Plaintext  []byte `json:"plaintext"`
	Ciphertext []byte `json:"ciphertext"`
}

// DecryptRequest is the body of PathDecrypt.
type DecryptRequest struct {
	Ciphertext []byte `json:"ciphertext"`
	Context    []byte `json:"context,omitempty"`
}

// DecryptResponse is the answer of PathDecrypt.
type DecryptResponse struct {
	Plaintext []byte `json:"plaintext"`
}

// ListResponse is the answer of PathList: the names under a prefix.
// ContinueAt is non-empty when more names follow (Silo's server answers
// all names at once).
type ListResponse struct {
	Names      []string `json:"names"`
	ContinueAt string   `json:"continue_at,omitempty"`
}

// listItem is one element of the older list answer: a stream of objects.
type listItem struct {
	Name string `json:"name"`
}

// StatusResponse is the answer of PathStatus (the fields Silo uses and
// serves).
type StatusResponse struct {
	Version         string `json:"version"`
	OS              string `json:"os,omitempty"`
	Arch            string `json:"arch,omitempty"`
	UpTime          int64  `json:"uptime,omitempty"`           // nanoseconds
	KeyStoreLatency int64  `json:"keystore_latency,omitempty"` // milliseconds
}

// DescribeResponse is the answer of PathDescribe.
type DescribeResponse struct {
	Name      string    `json:"name"`
	Algorithm string    `json:"algorithm,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
}

// ErrorResponse is the body of every error answer.
type ErrorResponse struct {
	Message string `json:"message"`
}

// Error messages of the KES API; clients match on status and message.
const (
	MsgKeyNotFound   = "key does not exist"
	MsgKeyExists     = "key already exists"
	MsgDecrypt       = "decryption failed"
	MsgNotAllowed    = "not authorized: insufficient permissions"
	MsgInvalidName   = "invalid key name"
	MsgBadRequest    = "invalid request"
	MsgNotSupported  = "operation not supported"
	MsgUnavailable   = "key store unavailable"
	MsgNotFoundRoute = "not found"
)

// Identity is the KES identity of a certificate: the hex SHA-256 of its
// DER SubjectPublicKeyInfo.
func Identity(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(sum[:])
}

// DecodeList decodes a PathList answer in either shape: one ListResponse
// object, or (older servers) a stream of {"name": ...} objects.
func DecodeList(r io.Reader) (ListResponse, error) {
	dec := json.NewDecoder(io.LimitReader(r, MaxBody))
	var out ListResponse
	for first := true; ; first = false {
		var raw map[string]json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			if first {
				return out, fmt.Errorf("kes: empty list answer")
			}
			return out, nil
		} else if err != nil {
			return out, fmt.Errorf("kes: list answer: %w", err)
		}
		if names, ok := raw["names"]; ok && first {
			if err := json.Unmarshal(names, &out.Names); err != nil {
				return out, fmt.Errorf("kes: list answer: %w", err)
			}
			if c, ok := raw["continue_at"]; ok {
				_ = json.Unmarshal(c, &out.ContinueAt)
			}
			if dec.More() {
				return out, fmt.Errorf("kes: list answer: trailing data")
			}
			return out, nil
		}
		var item listItem
		if n, ok := raw["name"]; !ok || json.Unmarshal(n, &item.Name) != nil {
			return out, fmt.Errorf("kes: list answer: element without a name")
		}
		out.Names = append(out.Names, item.Name)
	}
}

// decodeError reads an error answer: {"message": ...} or plain text.
func decodeError(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 4<<10))
	var e ErrorResponse
	if json.Unmarshal(b, &e) == nil && e.Message != "" {
		return e.Message
	}
	return strings.TrimSpace(string(b))
}
