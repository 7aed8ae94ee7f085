package admin

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/storage"
)

// KMSPathPrefix is the URL path prefix of the KMS API `mc admin kms`
// speaks (madmin's /minio/kms/v1/...); it is served by the admin handler.
const KMSPathPrefix = "/minio/kms/"

// kmsAPIPrefix is the version of the KMS API Silo speaks; its paths are
// routed as "kms/v1/<path>" beside the admin v3 KMS routes ("kms/...").
const kmsAPIPrefix = KMSPathPrefix + "v1/"

// kmsRoutes returns the KMS APIs: the KMS API v1 (`mc admin kms key
// create|list|status`, KMS status) and the older admin v3 KMS calls.
func kmsRoutes() map[string]route {
	return map[string]route{
		"kms/v1/status":     {http.MethodGet, "kms:Status", (*Handler).kmsStatus},
		"kms/v1/version":    {http.MethodGet, "kms:Version", (*Handler).kmsVersion},
		"kms/v1/key/create": {http.MethodPost, "kms:CreateKey", (*Handler).kmsCreateKey},
		"kms/v1/key/delete": {http.MethodDelete, "kms:DeleteKey", (*Handler).kmsDeleteKey},
		"kms/v1/key/list":   {http.MethodGet, "kms:ListKeys", (*Handler).kmsListKeys},
		"kms/v1/key/status": {http.MethodGet, "kms:KeyStatus", (*Handler).kmsKeyStatus},

		"kms/status":     {http.MethodPost, "admin:KMSKeyStatus", (*Handler).kmsStatus},
		"kms/key/create": {http.MethodPost, "admin:KMSCreateKey", (*Handler).kmsCreateKey},
		"kms/key/status": {http.MethodGet, "admin:KMSKeyStatus", (*Handler).kmsKeyStatus},
		"kms/key/rotate": {http.MethodPost, "admin:KMSCreateKey", (*Handler).kmsRotate},
	}
}

// kmsCall checks the caller and that a key service is configured.
func (h *Handler) kmsCall(c *call) (kms.KMS, error) {
	if err := c.require(); err != nil {
		return nil, err
	}
	if h.deps.KMS == nil {
		return nil, apiErr(errKMSNotConfigured, "")
	}
	return h.deps.KMS, nil
}

// kmsError turns a key service error into an admin error.
func kmsError(err error, keyID string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, kms.ErrKeyNotFound):
		return &apiError{code: errKMSKeyNotFound, message: "The key " + keyID + " does not exist.", err: err}
	case errors.Is(err, kms.ErrKeyExists):
		return &apiError{code: errKMSKeyExists, message: "The key " + keyID + " already exists.", err: err}
	case errors.Is(err, kms.ErrInvalidKeyName):
		return &apiError{code: errInvalidArgument, message: "Invalid key name " + keyID + ": use letters, digits, '-', '_' and '.'.", err: err}
	case errors.Is(err, kms.ErrNotSupported):
		return &apiError{code: errNotImplemented, message: "The configured key service cannot do this (a static key cannot create or delete keys).", err: err}
	case errors.Is(err, kms.ErrUnavailable):
		return &apiError{code: errKMSUnavailable, err: err}
	}
	return err
}

// kmsStatus: GET /minio/kms/v1/status, POST /minio/admin/v3/kms/status.
// The answer names the service, its default key and each endpoint's state
// (the server itself for in-process services).
func (h *Handler) kmsStatus(c *call) error {
	k, err := h.kmsCall(c)
	if err != nil {
		return err
	}
	st, err := k.Status(c.ctx)
	if err != nil && !errors.Is(err, kms.ErrUnavailable) {
		return kmsError(err, "")
	}
	state := "offline"
	if st.Online {
		state = "online"
	}
	endpoints := map[string]string{}
	for _, e := range st.Endpoints {
		endpoints[e] = state
	}
	for _, e := range st.Offline {
		endpoints[e] = "offline"
	}
	if len(endpoints) == 0 {
		endpoints[c.r.Host] = state
	}
	name := st.Name
	if name == "" {
		name = "kms"
	}
	return c.writeJSON(struct {
		Name         string            `json:"name"`
		DefaultKeyID string            `json:"default-key-id"`
		Endpoints    map[string]string `json:"endpoints"`
	}{name, k.DefaultKey(), endpoints})
}

// kmsVersion: GET /minio/kms/v1/version.
func (h *Handler) kmsVersion(c *call) error {
	if _, err := h.kmsCall(c); err != nil {
		return err
	}
	return c.writeJSON(struct {
		Version string `json:"version"`
	}{h.cfg.Version})
}

// kmsCreateKey: POST .../key/create?key-id=NAME.
func (h *Handler) kmsCreateKey(c *call) error {
	return h.kmsKeyChange(c, kms.KMS.CreateKey)
}

// kmsDeleteKey: DELETE /minio/kms/v1/key/delete?key-id=NAME.
func (h *Handler) kmsDeleteKey(c *call) error {
	return h.kmsKeyChange(c, kms.KMS.DeleteKey)
}

// kmsKeyChange applies change to the key named by the key-id parameter and
// answers an empty 200.
func (h *Handler) kmsKeyChange(c *call, change func(kms.KMS, context.Context, string) error) error {
	k, err := h.kmsCall(c)
	if err != nil {
		return err
	}
	id, err := c.requireQuery("key-id")
	if err != nil {
		return err
	}
	if err := kmsError(change(k, c.ctx, id), id); err != nil {
		return err
	}
	return c.writeEmpty()
}

// kmsListKeys: GET /minio/kms/v1/key/list?pattern=GLOB, a JSON array of
// {"name", "createdAt", "createdBy"} ("" and "*" list all keys).
func (h *Handler) kmsListKeys(c *call) error {
	k, err := h.kmsCall(c)
	if err != nil {
		return err
	}
	names, err := k.ListKeys(c.ctx, c.query("pattern"))
	if err != nil {
		return kmsError(err, "")
	}
	type keyInfo struct {
		CreatedAt string `json:"createdAt"`
		CreatedBy string `json:"createdBy"`
		Name      string `json:"name"`
	}
	// mc parses createdAt as RFC 3339: services that do not know when a
	// key was created report the zero time.
	describer, _ := k.(kms.KeyDescriber)
	out := make([]keyInfo, 0, len(names))
	for _, n := range names {
		var created time.Time
		if describer != nil {
			if info, err := describer.DescribeKey(c.ctx, n); err == nil {
				created = info.CreatedAt
			}
		}
		out = append(out, keyInfo{Name: n, CreatedAt: created.UTC().Format(time.RFC3339)})
	}
	return c.writeJSON(out)
}

// kmsKeyStatusTimeout bounds the round trip of a key status check.
const kmsKeyStatusTimeout = 10 * time.Second

// kmsKeyStatus: GET .../key/status?key-id=NAME ("" is the default key).
// It generates a data key and decrypts it again, as the S3 layer would; a
// failure of either step is reported in the answer, which is 200 either way.
func (h *Handler) kmsKeyStatus(c *call) error {
	k, err := h.kmsCall(c)
	if err != nil {
		return err
	}
	id := c.query("key-id")
	if id == "" {
		id = k.DefaultKey()
	}
	ctx, cancel := context.WithTimeout(c.ctx, kmsKeyStatusTimeout)
	defer cancel()
	status := struct {
		KeyID         string `json:"key-id"`
		EncryptionErr string `json:"encryption-error,omitempty"`
		DecryptionErr string `json:"decryption-error,omitempty"`
	}{KeyID: id}
	probe := kms.Context{"silo": "key-status"}
	dek, err := k.GenerateKey(ctx, id, probe)
	if err != nil {
		status.EncryptionErr = err.Error()
		return c.writeJSON(status)
	}
	plain, err := k.Decrypt(ctx, id, dek.Ciphertext, probe)
	switch {
	case err != nil:
		status.DecryptionErr = err.Error()
	case string(plain) != string(dek.Plaintext):
		status.DecryptionErr = "the decrypted data key differs from the generated one"
	}
	return c.writeJSON(status)
}

// KeyRotator re-seals the object keys of encrypted objects under another
// master key, leaving the data untouched; the server implements it over
// the store and the key service.
type KeyRotator interface {
	// RotateKeys re-seals the selected object versions. A version that
	// fails is counted in the result; the error is for a failure to list
	// or a cancelled ctx.
	RotateKeys(ctx context.Context, req RotateRequest) (RotateResult, error)
}

// RotateRequest selects what RotateKeys re-seals.
type RotateRequest struct {
	Bucket, Prefix string // "" is every bucket / every key
	OldKey         string // only objects under this master key ("" is any)
	NewKey         string // the master key to re-seal under ("" is the default key)
}

// RotateResult counts what RotateKeys did.
type RotateResult struct {
	Rotated int      `json:"rotated"`
	Skipped int      `json:"skipped"`
	Failed  int      `json:"failed"`
	Errors  []string `json:"errors,omitempty"`
}

// kmsRotate: POST /minio/admin/v3/kms/key/rotate?new-key-id=&old-key-id=&bucket=&prefix=
// (Silo's own call: mc has no command for it). It re-seals the object keys
// of SSE-S3 and SSE-KMS objects under new-key-id (default: the default key),
// so that old-key-id can be retired; object data is not rewritten. The
// answer counts rotated, skipped and failed object versions.
func (h *Handler) kmsRotate(c *call) error {
	k, err := h.kmsCall(c)
	if err != nil {
		return err
	}
	if h.deps.Rotator == nil {
		return apiErr(errNotImplemented, "this server cannot rotate object keys")
	}
	req := RotateRequest{Bucket: c.query("bucket"), Prefix: c.query("prefix"),
		OldKey: c.query("old-key-id"), NewKey: c.query("new-key-id")}
	if req.NewKey == "" {
		req.NewKey = k.DefaultKey()
	}
	if req.NewKey == req.OldKey {
		return apiErr(errInvalidArgument, "old-key-id and new-key-id are the same key")
	}
	// The target key must work before any object is touched.
	if _, err := k.GenerateKey(c.ctx, req.NewKey, nil); err != nil {
		return kmsError(err, req.NewKey)
	}
	res, err := h.deps.Rotator.RotateKeys(c.ctx, req)
	if errors.Is(err, storage.ErrBucketNotFound) {
		return apiErr(errInvalidArgument, "the bucket %q does not exist", req.Bucket)
	}
	if err != nil {
		return err
	}
	return c.writeJSON(res)
}
