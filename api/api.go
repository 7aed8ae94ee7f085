package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/gorilla/mux"

	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/storage"
	"github.com/silo-project/silo/storage/crypt"
)

// Authenticator verifies the signature of a request; *sigv4.Verifier implements it.
type Authenticator interface {
	// Verify authenticates r. Errors wrap the sigv4 sentinels; on success the
	// handler reads the payload from Result.Body.
	Verify(r *http.Request) (*sigv4.Result, error)
}

// PostPolicyVerifier verifies browser POST uploads; *sigv4.Verifier
// implements it. POST object answers NotImplemented when the Authenticator
// does not implement it.
type PostPolicyVerifier interface {
	// VerifyPostPolicy checks the signed policy of form against bucket.
	VerifyPostPolicy(ctx context.Context, form map[string]string, bucket string) (*sigv4.PostPolicy, error)
}

// Authorizer decides whether a principal may perform an action; *iam.RootOnly implements it.
type Authorizer interface {
	// Authorize returns nil to allow and an error wrapping iam.ErrAccessDenied to deny.
	Authorize(ctx context.Context, req iam.Request) error
}

// Health is the state of the storage the health endpoints report.
type Health struct {
	DrivesOnline, DrivesTotal int
	WriteQuorum               bool
}

// HealthReporter reports the storage health; the server adapts the engine to it.
type HealthReporter interface {
	Health(ctx context.Context) Health
}

// Config tunes the S3 handler.
type Config struct {
	// Region is the region Silo claims to be; default "us-east-1".
	Region string
	// Domains are the base domains of virtual-host-style requests
	// (bucket.<domain>); path-style requests always work.
	Domains []string
	// MaxRequests caps concurrent S3 requests; beyond it requests get 503
	// SlowDown. 0 means 256 per CPU; negative means no cap.
	MaxRequests int
	// Logger receives request errors; nil means slog.Default().
	Logger *slog.Logger
	// SSEInsecureLoopback lets SSE-C and SSE-KMS requests from loopback
	// clients use plain HTTP (development only); otherwise they need TLS.
	SSEInsecureLoopback bool
}

// Deps are the components the handler uses.
type Deps struct {
	Store  storage.Store
	Auth   Authenticator
	Authz  Authorizer
	Health HealthReporter // nil reports healthy
	KMS    kms.KMS        // key service for SSE-S3/SSE-KMS; nil: none configured
}

// server is the http.Handler New returns.
type server struct {
	cfg    Config
	store  storage.Store
	auth   Authenticator
	authz  Authorizer
	health HealthReporter
	kms    crypt.KMS
	log    *slog.Logger
	hostID string
	slots  chan struct{} // nil when uncapped
	router *mux.Router
	table  []route // the operation table, built once
}

// queueWait is how long a request waits for a free slot before SlowDown.
const queueWait = 500 * time.Millisecond

// New returns the S3 handler. It fails when a required dependency is missing.
func New(cfg Config, deps Deps) (http.Handler, error) {
	if deps.Store == nil || deps.Auth == nil || deps.Authz == nil {
		return nil, errors.New("api: Store, Auth and Authz are required")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &server{
		cfg: cfg, store: deps.Store, auth: deps.Auth, authz: deps.Authz, health: deps.Health,
		kms: deps.KMS, log: cfg.Logger,
	}
	host, _ := os.Hostname()
	sum := sha256.Sum256([]byte("silo:" + host))
	s.hostID = hex.EncodeToString(sum[:])
	switch {
	case cfg.MaxRequests == 0:
		s.slots = make(chan struct{}, 256*runtime.NumCPU())
	case cfg.MaxRequests > 0:
		s.slots = make(chan struct{}, cfg.MaxRequests)
	}
	s.table = routes()
	s.router = s.newRouter()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}

// newRequestID returns a unique request ID: 16 upper-case hex digits.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	const digits = "0123456789ABCDEF"
	out := make([]byte, 16)
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}
