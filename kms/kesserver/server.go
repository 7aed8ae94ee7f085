package kesserver

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/kes"
)

// KeyStore is what the server serves; *keystore.Store implements it. The
// context arguments are the raw bytes a client sent, bound as they are.
type KeyStore interface {
	CreateKey(ctx context.Context, name string) error
	DeleteKey(ctx context.Context, name string) error
	ListKeys(ctx context.Context, pattern string) ([]string, error)
	Generate(ctx context.Context, name string, context []byte) (kms.DEK, error)
	Unseal(ctx context.Context, name string, ciphertext, context []byte) ([]byte, error)
}

// Config describes a Handler.
type Config struct {
	// Store holds the master keys.
	Store KeyStore
	// Identities are the client identities (kes.Identity of their
	// certificates) allowed to use the API; every other client gets 403.
	Identities []string
	// Version is reported by /version and /v1/status.
	Version string
	// Logger receives failures; nil means slog.Default().
	Logger *slog.Logger
}

type handler struct {
	cfg     Config
	allowed map[string]bool
	log     *slog.Logger
	started time.Time
	routes  []route
}

// New returns the API handler. It expects to run behind a TLS listener that
// asks for client certificates (tls.RequireAnyClientCert): requests without
// one are refused.
func New(cfg Config) (http.Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("kesserver: no key store")
	}
	if len(cfg.Identities) == 0 {
		return nil, errors.New("kesserver: no client identity allowed")
	}
	h := &handler{cfg: cfg, allowed: map[string]bool{}, log: cfg.Logger, started: time.Now(), routes: apiRoutes()}
	for _, id := range cfg.Identities {
		h.allowed[strings.ToLower(strings.TrimSpace(id))] = true
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h, nil
}

// writeError answers with the KES error body.
func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(kes.ErrorResponse{Message: msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// storeError answers for an error of the key store.
func (h *handler) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, kms.ErrKeyNotFound):
		writeError(w, http.StatusNotFound, kes.MsgKeyNotFound)
	case errors.Is(err, kms.ErrKeyExists):
		writeError(w, http.StatusBadRequest, kes.MsgKeyExists)
	case errors.Is(err, kms.ErrDecrypt):
		writeError(w, http.StatusBadRequest, kes.MsgDecrypt)
	case errors.Is(err, kms.ErrInvalidKeyName):
		writeError(w, http.StatusBadRequest, kes.MsgInvalidName)
	case errors.Is(err, kms.ErrNotSupported):
		writeError(w, http.StatusNotImplemented, kes.MsgNotSupported)
	case errors.Is(err, kms.ErrUnavailable):
		h.log.Warn("key store unavailable", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusServiceUnavailable, kes.MsgUnavailable)
	default:
		h.log.Error("key store failure", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

// identify returns whether the request's client certificate is allowed.
func (h *handler) identify(r *http.Request) bool {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return false
	}
	id := kes.Identity(r.TLS.PeerCertificates[0])
	for allowed := range h.allowed {
		if subtle.ConstantTimeCompare([]byte(allowed), []byte(id)) == 1 {
			return true
		}
	}
	return false
}

// route is one API endpoint: its path prefix, the methods it accepts and
// whether a key name follows the prefix.
type route struct {
	path    string
	methods []string
	named   bool
	serve   func(h *handler, w http.ResponseWriter, r *http.Request, name string)
}

// apiRoutes is the API. Create, generate and decrypt accept PUT (current
// KES) and POST (older KES).
func apiRoutes() []route {
	return []route{
		{kes.PathVersion, []string{http.MethodGet}, false, (*handler).version},
		{kes.PathStatus, []string{http.MethodGet}, false, (*handler).status},
		{kes.PathCreate, []string{http.MethodPut, http.MethodPost}, true, (*handler).create},
		{kes.PathDelete, []string{http.MethodDelete}, true, (*handler).delete},
		{kes.PathList, []string{http.MethodGet}, false, (*handler).list},
		{kes.PathGenerate, []string{http.MethodPut, http.MethodPost}, true, (*handler).generate},
		{kes.PathDecrypt, []string{http.MethodPut, http.MethodPost}, true, (*handler).decrypt},
		{kes.PathDescribe, []string{http.MethodGet}, true, (*handler).describe},
	}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.identify(r) {
		writeError(w, http.StatusForbidden, kes.MsgNotAllowed)
		return
	}
	for _, rt := range h.routes {
		rest, ok := strings.CutPrefix(r.URL.Path, rt.path)
		if !ok || (!rt.named && rt.path != kes.PathList && rest != "") {
			continue
		}
		if !contains(rt.methods, r.Method) {
			w.Header().Set("Allow", strings.Join(rt.methods, ", "))
			writeError(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		if rt.named && !kms.ValidKeyName(rest) {
			writeError(w, http.StatusBadRequest, kes.MsgInvalidName)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, kes.MaxBody)
		rt.serve(h, w, r, rest)
		return
	}
	writeError(w, http.StatusNotFound, kes.MsgNotFoundRoute)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (h *handler) version(w http.ResponseWriter, _ *http.Request, _ string) {
	writeJSON(w, map[string]string{"version": h.cfg.Version})
}

func (h *handler) status(w http.ResponseWriter, r *http.Request, _ string) {
	start := time.Now()
	// A cheap call through the store tells whether it answers.
	if _, err := h.cfg.Store.ListKeys(r.Context(), "-"); err != nil {
		h.storeError(w, r, err)
		return
	}
	writeJSON(w, kes.StatusResponse{
		Version:         h.cfg.Version,
		OS:              runtime.GOOS,
		Arch:            runtime.GOARCH,
		UpTime:          int64(time.Since(h.started)),
		KeyStoreLatency: time.Since(start).Milliseconds(),
	})
}

func (h *handler) create(w http.ResponseWriter, r *http.Request, name string) {
	if err := h.cfg.Store.CreateKey(r.Context(), name); err != nil {
		h.storeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *handler) delete(w http.ResponseWriter, r *http.Request, name string) {
	if err := h.cfg.Store.DeleteKey(r.Context(), name); err != nil {
		h.storeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// list answers the names starting with the prefix in the path. A trailing
// "*" is accepted and ignored, as older clients send a pattern.
func (h *handler) list(w http.ResponseWriter, r *http.Request, _ string) {
	prefix := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, kes.PathList), "*")
	if prefix != "" && !kms.ValidKeyName(prefix) {
		writeError(w, http.StatusBadRequest, kes.MsgInvalidName)
		return
	}
	names, err := h.cfg.Store.ListKeys(r.Context(), "*")
	if err != nil {
		h.storeError(w, r, err)
		return
	}
	out := kes.ListResponse{Names: []string{}}
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out.Names = append(out.Names, n)
		}
	}
	writeJSON(w, out)
}

// decodeBody decodes a JSON request body; an empty body is the zero value.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

func (h *handler) generate(w http.ResponseWriter, r *http.Request, name string) {
	var req kes.GenerateRequest
	if err := decodeBody(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, kes.MsgBadRequest)
		return
	}
	dek, err := h.cfg.Store.Generate(r.Context(), name, req.Context)
	if err != nil {
		h.storeError(w, r, err)
		return
	}
	writeJSON(w, kes.GenerateResponse{Plaintext: dek.Plaintext, Ciphertext: dek.Ciphertext})
}

func (h *handler) decrypt(w http.ResponseWriter, r *http.Request, name string) {
	var req kes.DecryptRequest
	if err := decodeBody(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, kes.MsgBadRequest)
		return
	}
	plain, err := h.cfg.Store.Unseal(r.Context(), name, req.Ciphertext, req.Context)
	if err != nil {
		h.storeError(w, r, err)
		return
	}
	writeJSON(w, kes.DecryptResponse{Plaintext: plain})
}

// describe answers a key's name and creation time; stores that do not
// keep metadata (no kms.KeyDescriber) answer 501.
func (h *handler) describe(w http.ResponseWriter, r *http.Request, name string) {
	d, ok := h.cfg.Store.(kms.KeyDescriber)
	if !ok {
		writeError(w, http.StatusNotImplemented, kes.MsgNotSupported)
		return
	}
	info, err := d.DescribeKey(r.Context(), name)
	if err != nil {
		h.storeError(w, r, err)
		return
	}
	writeJSON(w, kes.DescribeResponse{Name: info.Name, Algorithm: "AES256", CreatedAt: info.CreatedAt})
}
