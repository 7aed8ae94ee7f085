package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/silo-project/silo/kms"
	"github.com/silo-project/silo/kms/kes"
	"github.com/silo-project/silo/kms/kesserver"
	"github.com/silo-project/silo/kms/keystore"
	"github.com/silo-project/silo/tlsutil"
)

// kmsCommandUsage is printed by `silo kms --help`.
const kmsCommandUsage = `Usage:
  silo kms server [FLAGS]       run the key service standalone (KES HTTP API, mutual TLS)
  silo kms identity CERT.pem    print the identity of a client certificate

'silo kms server' flags (environment in parentheses):
  --address HOST:PORT   listen address (SILO_KMS_SERVER_ADDRESS; default :7373)
  --dir DIR             keystore directory (SILO_KMS_SERVER_DIR; required)
  --cert FILE, --key FILE   the server's TLS certificate and key
                        (SILO_KMS_SERVER_CERT_FILE, SILO_KMS_SERVER_KEY_FILE; required)
  --identity ID         client identity allowed to use the API, repeatable or
                        comma-separated (SILO_KMS_SERVER_IDENTITIES; at least one)
  --identity-cert FILE  allow the identity of this client certificate (repeatable)
  --default-key NAME    master key created at start (default silo-default-key)
The keystore is sealed under SILO_KMS_ROOT_KEY or SILO_KMS_ROOT_KEY_FILE (base64 of
32 bytes), which must not be stored in DIR. To rotate it, start once with the new key
there and the old one in SILO_KMS_ROOT_KEY_PREVIOUS (or _PREVIOUS_FILE).
`

// DefaultKMSAddress is where `silo kms server` listens by default (KES's port).
const DefaultKMSAddress = ":7373"

// runKMS dispatches `silo kms ...`.
func runKMS(ctx context.Context, args []string, getenv getenvFunc, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprint(stdout, kmsCommandUsage)
		return nil
	}
	switch args[0] {
	case "identity":
		if len(args) != 2 {
			return errors.New("usage: silo kms identity CERT.pem")
		}
		id, err := certIdentity(args[1])
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, id)
		return nil
	case "server":
		return runKMSServer(ctx, args[1:], getenv, stdout, stderr)
	default:
		return fmt.Errorf("unknown command 'kms %s' (see 'silo kms --help')", args[0])
	}
}

// certIdentity returns the KES identity of the first certificate in a PEM file.
func certIdentity(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return "", fmt.Errorf("%s: no PEM certificate", path)
		}
		if block.Type == "CERTIFICATE" {
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return "", fmt.Errorf("%s: %w", path, err)
			}
			return kes.Identity(cert), nil
		}
	}
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// kmsServerConfig is `silo kms server` parsed.
type kmsServerConfig struct {
	address, dir, certFile, keyFile, defaultKey string
	identities                                  []string
	root, previousRoot                          []byte
}

func parseKMSServer(args []string, getenv getenvFunc) (kmsServerConfig, error) {
	var c kmsServerConfig
	fs := flag.NewFlagSet("kms server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.address, "address", getenv.first("SILO_KMS_SERVER_ADDRESS"), "")
	fs.StringVar(&c.dir, "dir", getenv.first("SILO_KMS_SERVER_DIR"), "")
	fs.StringVar(&c.certFile, "cert", getenv.first("SILO_KMS_SERVER_CERT_FILE"), "")
	fs.StringVar(&c.keyFile, "key", getenv.first("SILO_KMS_SERVER_KEY_FILE"), "")
	fs.StringVar(&c.defaultKey, "default-key", keystore.DefaultKeyName, "")
	var ids, idCerts listFlag
	_ = ids.Set(getenv.first("SILO_KMS_SERVER_IDENTITIES"))
	fs.Var(&ids, "identity", "")
	fs.Var(&idCerts, "identity-cert", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, errHelp
		}
		return c, fmt.Errorf("%w (see 'silo kms --help')", err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (see 'silo kms --help')", fs.Arg(0))
	}
	if c.address == "" {
		c.address = DefaultKMSAddress
	}
	if c.dir == "" {
		return c, errors.New("kms server: --dir is required")
	}
	if c.certFile == "" || c.keyFile == "" {
		return c, errors.New("kms server: --cert and --key are required (the API is TLS only)")
	}
	for _, f := range idCerts {
		id, err := certIdentity(f)
		if err != nil {
			return c, fmt.Errorf("kms server: --identity-cert: %w", err)
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		if len(id) != 64 || strings.Trim(strings.ToLower(id), "0123456789abcdef") != "" {
			return c, fmt.Errorf("kms server: identity %q: want 64 hex digits (see 'silo kms identity')", id)
		}
	}
	if len(ids) == 0 {
		return c, errors.New("kms server: no client identity allowed: give --identity or --identity-cert")
	}
	c.identities = ids
	if !kms.ValidKeyName(c.defaultKey) {
		return c, fmt.Errorf("kms server: --default-key %q: %w", c.defaultKey, kms.ErrInvalidKeyName)
	}
	root, err := parseRootKey(getenv)
	if err != nil {
		return c, err
	}
	if root == nil {
		return c, errors.New("kms server: SILO_KMS_ROOT_KEY or SILO_KMS_ROOT_KEY_FILE is required")
	}
	c.root = root
	if c.previousRoot, err = parsePreviousRootKey(getenv); err != nil {
		return c, err
	}
	return c, nil
}

// runKMSServer runs `silo kms server` until SIGINT/SIGTERM.
func runKMSServer(ctx context.Context, args []string, getenv getenvFunc, stdout, stderr io.Writer) error {
	c, err := parseKMSServer(args, getenv)
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, kmsCommandUsage)
		return nil
	}
	if err != nil {
		return err
	}
	logger, err := newLogger(getenv, stderr)
	if err != nil {
		return err
	}
	root, err := kms.NewSecret(c.root)
	if err != nil {
		return err
	}
	var previous []kms.Secret
	if c.previousRoot != nil {
		old, err := kms.NewSecret(c.previousRoot)
		if err != nil {
			return err
		}
		previous = append(previous, old)
	}
	store, err := keystore.Open(ctx, keystore.Config{
		Dirs: []string{c.dir}, Root: root, PreviousRoots: previous, DefaultKey: c.defaultKey, Name: "kes", Logger: logger,
	})
	if err != nil {
		return fmt.Errorf("kms server: %w", err)
	}
	handler, err := kesserver.New(kesserver.Config{
		Store: store, Identities: c.identities, Version: version, Logger: logger,
	})
	if err != nil {
		return err
	}
	certs, err := tlsutil.New(tlsutil.Options{CertFile: c.certFile, KeyFile: c.keyFile, Logger: logger})
	if err != nil {
		return fmt.Errorf("kms server: certificate: %w", err)
	}
	ln, err := net.Listen("tcp", c.address)
	if err != nil {
		return fmt.Errorf("kms server: cannot listen on %s: %w", c.address, err)
	}
	srv := &http.Server{
		Handler:           handler,
		TLSConfig:         requireClientCert(certs.TLSConfig()),
		ReadHeaderTimeout: 10 * time.Second,
		// Bodies are at most kes.MaxBody: a request that takes longer
		// than this is a slow client holding a connection.
		ReadTimeout:  time.Minute,
		WriteTimeout: time.Minute,
		IdleTimeout:  90 * time.Second,
		ErrorLog:     slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "silo kms server listening on https://%s (%d client identities, default key %s)\n",
		ln.Addr(), len(c.identities), c.defaultKey)

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go certs.Watch(ctx, 5*time.Second) // renewed certificates are picked up
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-done:
		return fmt.Errorf("kms server: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// requireClientCert makes conf ask every client for a certificate. Clients
// are identified by their public key, not by a CA: any certificate is
// accepted at the handshake, then the handler checks its identity against
// the allow-list. The per-handshake configuration (reloadable certificates)
// gets the same requirement.
func requireClientCert(conf *tls.Config) *tls.Config {
	conf.ClientAuth = tls.RequireAnyClientCert
	if inner := conf.GetConfigForClient; inner != nil {
		conf.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			c, err := inner(h)
			if err != nil || c == nil {
				return c, err
			}
			c = c.Clone()
			c.ClientAuth = tls.RequireAnyClientCert
			return c, nil
		}
	}
	return conf
}
