package tlsutil

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Manager holds the current certificates and hands out a tls.Config that
// always uses them. It is safe for concurrent use.
type Manager struct {
	opts Options
	log  *slog.Logger
	cur  atomic.Pointer[bundle]

	mu      sync.Mutex // serialises reloads
	lastErr string     // last reload error logged, to avoid repeating it
}

// New loads the certificates described by opts. It returns ErrNoCertificate
// (wrapped or bare; test with errors.Is) when there is no default
// certificate, and another error when a file exists but cannot be used.
func New(opts Options) (*Manager, error) {
	b, err := opts.load()
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Manager{opts: opts, log: log}
	m.install(b)
	return m, nil
}

// install builds the per-snapshot tls.Config and publishes the bundle.
func (m *Manager) install(b *bundle) {
	cfg := baseConfig()
	cfg.GetCertificate = func(h *tls.ClientHelloInfo) (*tls.Certificate, error) { return b.pick(h), nil }
	if b.clientCAs != nil {
		cfg.ClientCAs = b.clientCAs
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	}
	b.cfg = cfg
	m.cur.Store(b)
}

// TLSConfig returns a server configuration that resolves, for each new
// handshake, to the certificates current at that moment.
func (m *Manager) TLSConfig() *tls.Config {
	cfg := baseConfig()
	cfg.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) { return m.cur.Load().cfg, nil }
	cfg.GetCertificate = func(h *tls.ClientHelloInfo) (*tls.Certificate, error) { return m.cur.Load().pick(h), nil }
	return cfg
}

// RootCAs returns the system roots plus the certificates in CAs/, for
// outbound TLS (KMS, peers, notification targets).
func (m *Manager) RootCAs() *x509.CertPool { return m.cur.Load().rootCAs }

// Certificates describes the loaded certificates, default first.
func (m *Manager) Certificates() []CertInfo {
	return append([]CertInfo(nil), m.cur.Load().infos...)
}

// Reload re-reads every file. On error the previous certificates stay in use
// and the error is returned; on success new handshakes use the new ones.
func (m *Manager) Reload() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.opts.load()
	if err != nil {
		return err
	}
	m.install(b)
	m.lastErr = ""
	m.log.Info("TLS certificates reloaded", "certificates", len(b.infos))
	return nil
}

// Watch polls the certificate files every interval until ctx is done and
// reloads when any of them changed (size, mtime, added or removed). A failed
// reload (say, a certificate renewed before its key) is logged once and
// retried on the next tick.
func (m *Manager) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if m.opts.stamp() == m.cur.Load().stamp {
			continue
		}
		if err := m.Reload(); err != nil {
			m.mu.Lock()
			if msg := err.Error(); msg != m.lastErr {
				m.lastErr = msg
				m.log.Warn("TLS certificates changed but cannot be loaded; keeping the previous ones", "err", err)
			}
			m.mu.Unlock()
		}
	}
}

// pick chooses the certificate for a handshake: the default when it matches
// the requested name, else the first SNI certificate that matches, else the
// default. Without SNI (clients connecting to an IP address) the local
// address of the connection is matched against the certificates' IPs.
func (b *bundle) pick(h *tls.ClientHelloInfo) *tls.Certificate {
	name := h.ServerName
	if name == "" && h.Conn != nil {
		if host, _, err := net.SplitHostPort(h.Conn.LocalAddr().String()); err == nil {
			name = host
		}
	}
	if name == "" || len(b.extra) == 0 || b.def.Leaf.VerifyHostname(name) == nil {
		return b.def
	}
	for _, c := range b.extra {
		if c.Leaf.VerifyHostname(name) == nil {
			return c
		}
	}
	return b.def
}
