package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"github.com/silo-project/silo/iam"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/silo-project/silo/tlsutil"
)

// Deps are the server's connections to its environment.
type Deps struct {
	// Logger receives structured logs; nil discards them. Secrets are never
	// logged.
	Logger *slog.Logger
	// Out receives the human-readable start-up banner (cmd/silo passes
	// stdout); nil discards it.
	Out io.Writer
	// Reload, when not nil, triggers a re-read of the TLS certificates on
	// each receive (cmd/silo forwards SIGHUP to it).
	Reload <-chan struct{}
}

// Server is a configured Silo server: store opened, credentials resolved,
// listener bound. Call Run to serve, or Close to release it without serving.
type Server struct {
	cfg    Config
	log    *slog.Logger
	out    io.Writer
	reload <-chan struct{}

	store  *engine
	creds  rootCredentials
	iam    *iam.System
	svc    *serviceControl  // admin service restart/stop
	certs  *tlsutil.Manager // nil: plain HTTP
	ln     net.Listener
	http   *http.Server
	closed sync.Once

	// handlers counts running handlers, so that the store is closed only
	// after the last one returned (or a bounded wait after a forced close).
	handlers atomic.Int64
}

// New opens the store on cfg.Drives, resolves root credentials, loads TLS
// certificates and binds the listener. Errors are one-line messages fit for
// an operator (bad drive, drive of another deployment, address in use, bad
// certificate, invalid credentials); nothing is left open when New fails.
func New(ctx context.Context, cfg Config, deps Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, log: deps.Logger, out: deps.Out, reload: deps.Reload}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.out == nil {
		s.out = io.Discard
	}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()

	var err error
	if s.certs, err = tlsutil.New(tlsutil.Options{
		CertsDir: cfg.CertsDir, CertFile: cfg.CertFile, KeyFile: cfg.KeyFile, Logger: s.log,
	}); errors.Is(err, tlsutil.ErrNoCertificate) {
		s.certs = nil
	} else if err != nil {
		return nil, fmt.Errorf("TLS: %w", err)
	}
	if s.store, err = openEngine(ctx, cfg, s.log); err != nil {
		return nil, err
	}
	if s.creds, err = resolveCredentials(cfg); err != nil {
		return nil, err
	}
	if s.iam, err = openIAM(ctx, s.store, s.creds, s.log); err != nil {
		return nil, err
	}
	if cfg.KMS, err = openKMS(ctx, cfg, s.log); err != nil {
		return nil, err
	}
	s.cfg.KMS = cfg.KMS
	handler, err := newHandler(cfg, s.store, s.iam, s.log)
	if err != nil {
		return nil, fmt.Errorf("building the S3 handler: %w", err)
	}
	s.svc = newServiceControl()
	adm, err := newAdminHandler(cfg, s.store, s.iam, s.creds, s.svc, s.log)
	if err != nil {
		return nil, fmt.Errorf("building the admin handler: %w", err)
	}
	handler = withAdmin(adm, handler)
	ln, err := net.Listen("tcp", cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", cfg.Address, err)
	}
	if s.certs != nil {
		ln = tls.NewListener(ln, s.certs.TLSConfig())
	}
	s.ln = ln
	met := newMetrics(cfg.Version, s.store.health)
	scrape := withMetricsAuth(met.handler(), cfg.MetricsAuth, s.creds)
	s.http = newHTTPServer(cfg, s.track(met.middleware(routes(handler, scrape))), s.log)
	ok = true
	return s, nil
}

// track counts running handlers in s.handlers.
func (s *Server) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.handlers.Add(1)
		defer s.handlers.Add(-1)
		next.ServeHTTP(w, r)
	})
}

// routes sends Prometheus scrapes to metrics and everything else to the S3
// handler. A scrape is a GET or HEAD of a scrape path that carries no S3
// signature, so a signed request for an object named "metrics" in a bucket
// named "silo" still reaches S3.
func routes(s3, metrics http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case MetricsPathMinIO, MetricsPathMinIONode, MetricsPathSilo:
			authz := r.Header.Get("Authorization")
			q := r.URL.Query()
			if (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
				(authz == "" || strings.HasPrefix(authz, "Bearer ")) &&
				!q.Has("X-Amz-Credential") && !q.Has("AWSAccessKeyId") {
				metrics.ServeHTTP(w, r)
				return
			}
		}
		s3.ServeHTTP(w, r)
	})
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// TLS reports whether the server speaks HTTPS.
func (s *Server) TLS() bool { return s.certs != nil }

// URL returns the base URL clients use, with a loopback host when the server
// listens on all interfaces.
func (s *Server) URL() string {
	host, port, _ := net.SplitHostPort(s.ln.Addr().String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "http"
	if s.TLS() {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// Run prints the start-up banner and serves until ctx is done. It then stops
// accepting connections, waits up to Config.ShutdownTimeout for in-flight
// requests, closes the store and returns nil. It does the same when an
// administrator stops the server (`mc admin service stop`), and returns
// ErrRestart after `mc admin service restart`. It returns another error
// only when serving fails.
func (s *Server) Run(ctx context.Context) error {
	defer s.Close()
	bg, stopBackground := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stopBackground()
	if s.certs != nil {
		wg.Add(1)
		go func() { defer wg.Done(); s.certs.Watch(bg, s.cfg.CertReloadPeriod) }()
		if s.reload != nil {
			wg.Add(1)
			go func() { defer wg.Done(); s.reloadLoop(bg) }()
		}
	}

	s.printBanner()
	s.log.Info("server started", "address", s.Addr().String(), "tls", s.TLS(), "version", s.cfg.Version)
	serveErr := make(chan error, 1)
	go func() { serveErr <- s.http.Serve(s.ln) }()

	select {
	case err := <-serveErr:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	case <-s.svc.done:
		s.log.Info("stop requested through the admin API", "restart", s.svc.restart.Load())
	}
	s.log.Info("shutting down: draining in-flight requests", "timeout", s.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		s.log.Warn("in-flight requests did not finish in time; closing their connections",
			"timeout", s.cfg.ShutdownTimeout.String())
		_ = s.http.Close()
		// Handlers notice their closed connections; give them a moment to
		// return before the store goes away under them.
		deadline := time.Now().Add(5 * time.Second)
		for s.handlers.Load() > 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if n := s.handlers.Load(); n > 0 {
			s.log.Warn("closing the store while requests are still running", "requests", n)
		}
	}
	<-serveErr // http.ErrServerClosed
	s.log.Info("server stopped")
	if s.svc.restart.Load() && ctx.Err() == nil {
		return ErrRestart
	}
	return nil
}

// reloadLoop re-reads the certificates on every signal from Deps.Reload.
func (s *Server) reloadLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.reload:
			if err := s.certs.Reload(); err != nil {
				s.log.Warn("TLS certificate reload failed; keeping the previous certificates", "err", err)
			}
		}
	}
}

// Close releases the listener and the store. Run calls it; call it directly
// only when Run is not called. It is safe to call more than once.
func (s *Server) Close() error {
	var err error
	s.closed.Do(func() {
		if s.ln != nil {
			_ = s.ln.Close()
		}
		if s.store != nil {
			closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err = s.store.close(closeCtx)
		}
	})
	return err
}
