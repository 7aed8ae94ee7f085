package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/silo-project/silo/server"
)

// errHelp is returned by parseServer when --help was asked for.
var errHelp = errors.New("help requested")

// getenvFunc reads an environment variable ("" when unset).
type getenvFunc func(string) string

// first returns the value of the first variable in names that is set and
// not empty: SILO_* names come before their MINIO_* aliases.
func (g getenvFunc) first(names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(g(n)); v != "" {
			return v
		}
	}
	return ""
}

// serverUsage is printed by `silo server --help`.
const serverUsage = `Usage: silo server [FLAGS] DRIVE...

Start the S3 server on the given drives (local directories). MinIO's
ellipsis syntax expands ranges: /data{1...4}, /mnt/disk{01...16}/silo.

Flags:
  --address HOST:PORT   address to listen on (default :9000; env SILO_ADDRESS)
  --certs-dir DIR       TLS certificates: DIR/public.crt and DIR/private.key,
                        DIR/CAs/ for trusted CAs, DIR/<name>/ for SNI certificates
                        (default ~/.silo/certs; env SILO_CERTS_DIR, MINIO_CERTS_DIR)
  --console-address A   accepted for MinIO compatibility and ignored (no console)
  -h, --help            show this help

Environment (SILO_* wins over the MINIO_* alias; flags win over both):
  SILO_VOLUMES / MINIO_VOLUMES             drives when none are given as arguments
  SILO_ROOT_USER / MINIO_ROOT_USER         root access key (>= 3 characters)
  SILO_ROOT_PASSWORD / MINIO_ROOT_PASSWORD root secret key (>= 8 characters)
  SILO_REGION / MINIO_SITE_REGION, MINIO_REGION   region (default us-east-1)
  SILO_DOMAIN / MINIO_DOMAIN               domains for virtual-host-style requests (comma-separated)
  SILO_STORAGE_CLASS_STANDARD / MINIO_STORAGE_CLASS_STANDARD   parity, e.g. EC:2
  SILO_STORAGE_CLASS_RRS / MINIO_STORAGE_CLASS_RRS             parity, e.g. EC:1
  SILO_ERASURE_SET_DRIVE_COUNT / MINIO_ERASURE_SET_DRIVE_COUNT drives per erasure set
  SILO_API_REQUESTS_MAX / MINIO_API_REQUESTS_MAX               concurrent request cap
  SILO_API_STALE_UPLOADS_EXPIRY / MINIO_API_STALE_UPLOADS_EXPIRY   abort multipart uploads older than this (default 24h)
  SILO_API_STALE_UPLOADS_CLEANUP_INTERVAL / MINIO_API_STALE_UPLOADS_CLEANUP_INTERVAL   how often to look (default 6h)
  SILO_SERVER_CERT_FILE, SILO_SERVER_KEY_FILE / MINIO_SERVER_CERT_FILE, MINIO_SERVER_KEY_FILE
  SILO_PROMETHEUS_AUTH_TYPE / MINIO_PROMETHEUS_AUTH_TYPE       jwt (default) or public
  SILO_ALLOW_DEFAULT_CREDENTIALS=on        allow minioadmin:minioadmin (tests only)
  SILO_LOG_FORMAT=json                     JSON logs on stderr (default: text)
  SILO_LOG_LEVEL=debug|info|warn|error     log level (default info)

Without root credentials, Silo generates a pair on first start, stores it
(mode 0600) in DRIVE/.silo.sys/root-credentials.json on every drive and
prints it once.
` + kmsUsage + sseUsage

// parseServer turns the arguments after "server" and the environment into a
// server.Config. Flags may appear before, between or after the drives.
func parseServer(args []string, getenv getenvFunc, home string) (server.Config, error) {
	var cfg server.Config
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	address := fs.String("address", "", "")
	certsDir := fs.String("certs-dir", "", "")
	_ = fs.String("console-address", "", "")
	var help bool
	fs.BoolVar(&help, "help", false, "")
	fs.BoolVar(&help, "h", false, "")

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return cfg, errHelp
			}
			return cfg, fmt.Errorf("%w (see 'silo server --help')", err)
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if help {
		return cfg, errHelp
	}

	cfg.Address = firstNonEmpty(*address, getenv.first("SILO_ADDRESS"))
	cfg.CertsDir = firstNonEmpty(*certsDir, getenv.first("SILO_CERTS_DIR", "MINIO_CERTS_DIR"))
	if cfg.CertsDir == "" && home != "" {
		cfg.CertsDir = filepath.Join(home, ".silo", "certs")
	}
	cfg.CertFile = getenv.first("SILO_SERVER_CERT_FILE", "MINIO_SERVER_CERT_FILE")
	cfg.KeyFile = getenv.first("SILO_SERVER_KEY_FILE", "MINIO_SERVER_KEY_FILE")

	if len(positional) == 0 {
		if v := getenv.first("SILO_VOLUMES", "MINIO_VOLUMES"); v != "" {
			positional = strings.Fields(v)
		}
	}
	if len(positional) == 0 {
		return cfg, errors.New("no drives given: usage is silo server DRIVE... (for example /data{1...4}; see 'silo server --help')")
	}
	drives, err := expandArgs(positional)
	if err != nil {
		return cfg, err
	}
	cfg.Drives = drives

	cfg.RootUser = getenv.first("SILO_ROOT_USER", "MINIO_ROOT_USER", "MINIO_ACCESS_KEY")
	cfg.RootPassword = getenv.first("SILO_ROOT_PASSWORD", "MINIO_ROOT_PASSWORD", "MINIO_SECRET_KEY")
	if cfg.AllowDefaultCredentials, err = parseBool(getenv, "SILO_ALLOW_DEFAULT_CREDENTIALS"); err != nil {
		return cfg, err
	}
	cfg.Region = getenv.first("SILO_REGION", "MINIO_SITE_REGION", "MINIO_REGION")
	if d := getenv.first("SILO_DOMAIN", "MINIO_DOMAIN"); d != "" {
		for _, s := range strings.Split(d, ",") {
			if s = strings.TrimSpace(s); s != "" {
				cfg.Domains = append(cfg.Domains, s)
			}
		}
	}
	cfg.StandardStorageClass = getenv.first("SILO_STORAGE_CLASS_STANDARD", "MINIO_STORAGE_CLASS_STANDARD")
	cfg.RRSStorageClass = getenv.first("SILO_STORAGE_CLASS_RRS", "MINIO_STORAGE_CLASS_RRS")
	if cfg.SetDriveCount, err = parseInt(getenv, "SILO_ERASURE_SET_DRIVE_COUNT", "MINIO_ERASURE_SET_DRIVE_COUNT"); err != nil {
		return cfg, err
	}
	if cfg.MaxRequests, err = parseInt(getenv, "SILO_API_REQUESTS_MAX", "MINIO_API_REQUESTS_MAX"); err != nil {
		return cfg, err
	}
	if cfg.StaleUploadsExpiry, err = parseDuration(getenv, "SILO_API_STALE_UPLOADS_EXPIRY", "MINIO_API_STALE_UPLOADS_EXPIRY"); err != nil {
		return cfg, err
	}
	if cfg.StaleUploadsCleanupInterval, err = parseDuration(getenv, "SILO_API_STALE_UPLOADS_CLEANUP_INTERVAL", "MINIO_API_STALE_UPLOADS_CLEANUP_INTERVAL"); err != nil {
		return cfg, err
	}
	cfg.MetricsAuth = strings.ToLower(getenv.first("SILO_PROMETHEUS_AUTH_TYPE", "MINIO_PROMETHEUS_AUTH_TYPE"))
	if err := parseKMS(getenv, &cfg); err != nil {
		return cfg, err
	}
	if err := parseSSE(getenv, &cfg); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// parseBool reads an on/off environment variable; unset is false.
func parseBool(getenv getenvFunc, name string) (bool, error) {
	switch v := strings.ToLower(getenv.first(name)); v {
	case "", "off", "false", "0", "no", "disable", "disabled":
		return false, nil
	case "on", "true", "1", "yes", "enable", "enabled":
		return true, nil
	default:
		return false, fmt.Errorf("%s=%q: want on or off", name, v)
	}
}

// parseInt reads a non-negative integer from the first set variable; unset is 0.
func parseInt(getenv getenvFunc, names ...string) (int, error) {
	for _, name := range names {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s=%q: want a non-negative integer", name, v)
		}
		return n, nil
	}
	return 0, nil
}

// parseDuration reads a positive duration ("24h", "90m") from the first set
// variable; unset is 0.
func parseDuration(getenv getenvFunc, names ...string) (time.Duration, error) {
	for _, name := range names {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("%s=%q: want a positive duration such as 24h", name, v)
		}
		return d, nil
	}
	return 0, nil
}

// homeDir returns the user's home directory, or "" when unknown.
func homeDir() string {
	h, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return h
}
