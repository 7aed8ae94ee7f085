package server

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/silo-project/silo/kms"
)

// Defaults used when the corresponding Config field is zero.
const (
	DefaultAddress           = ":9000"
	DefaultRegion            = "us-east-1"
	DefaultShutdownTimeout   = 10 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultBodyIdleTimeout   = 60 * time.Second
	DefaultWriteIdleTimeout  = 2 * time.Minute
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMinTransferRate   = 1 << 10
	DefaultCertReloadPeriod  = 5 * time.Second
)

// Config is everything the server needs to start. It is plain data: cmd/silo
// fills it from flags and environment variables; tests fill it directly.
// Zero values mean "default" unless said otherwise.
type Config struct {
	// Version is printed at start-up (set by the linker in cmd/silo).
	Version string

	// Address is the HOST:PORT to listen on; "" means ":9000". Port 0 picks a
	// free port (Server.Addr reports it).
	Address string
	// Drives are the local directories to store data in, in order, already
	// expanded from ellipses. At least one is required.
	Drives []string
	// SetDriveCount is the number of drives per erasure set; 0 lets the
	// engine choose.
	SetDriveCount int
	// StandardStorageClass and RRSStorageClass override the parity of the
	// STANDARD and REDUCED_REDUNDANCY classes, as "EC:N"; "" keeps the
	// engine's default.
	StandardStorageClass string
	RRSStorageClass      string

	// RootUser and RootPassword are the root credentials. When both are
	// empty the server uses the pair stored in the data directory, or
	// generates and stores one on first start (see CredentialsFileName).
	RootUser     string
	RootPassword string
	// AllowDefaultCredentials permits minioadmin:minioadmin (tests only).
	AllowDefaultCredentials bool

	// Region is the S3 region ("" means us-east-1).
	Region string
	// Domains enable virtual-host-style requests (bucket.domain).
	Domains []string
	// MaxRequests caps concurrent S3 requests (0: the API layer's default).
	MaxRequests int
	// StaleUploadsExpiry and StaleUploadsCleanupInterval: multipart uploads
	// older than the expiry are aborted, checked every interval (0: 24 h
	// and 6 h, as MinIO).
	StaleUploadsExpiry          time.Duration
	StaleUploadsCleanupInterval time.Duration
	// MetricsAuth guards the Prometheus scrape paths: MetricsAuthJWT (the
	// default when "") or MetricsAuthPublic.
	MetricsAuth string

	// CertsDir is a certificates directory in MinIO's layout (public.crt,
	// private.key, CAs/, one sub-directory per SNI certificate). When it holds
	// no public.crt and CertFile is empty, the server speaks plain HTTP.
	CertsDir string
	// CertFile and KeyFile name the default certificate explicitly.
	CertFile string
	KeyFile  string
	// CertReloadPeriod is how often certificate files are checked for changes.
	CertReloadPeriod time.Duration

	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// once shutdown begins.
	ShutdownTimeout time.Duration
	// ReadHeaderTimeout bounds the time to read a request's headers.
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long.
	IdleTimeout time.Duration
	// BodyIdleTimeout is the longest a request body may go without
	// delivering a byte; each read extends the deadline, so uploads of any
	// size work as long as data keeps flowing.
	BodyIdleTimeout time.Duration
	// WriteIdleTimeout is the longest a response write may block (a client
	// that stops reading); each write extends the deadline.
	WriteIdleTimeout time.Duration
	// MinTransferRate is the lowest average rate, in bytes per second, a
	// request body or a response may move at once the idle timeout has
	// passed; 0 means DefaultMinTransferRate, negative disables the floor.
	MinTransferRate int64
	// MaxHeaderBytes caps request headers; larger ones get 431.
	MaxHeaderBytes int

	// SSEInsecureLoopback accepts SSE-C and SSE-KMS over plain HTTP from
	// loopback clients (development only).
	SSEInsecureLoopback bool
	// KMS is the key service for server-side encryption (SSE-S3, SSE-KMS):
	// a static key or a KES client built by the caller. When nil and
	// KMSRootKey is set, the server opens the embedded key service on its
	// drives; when both are unset, SSE-S3 and SSE-KMS requests are refused.
	KMS kms.KMS
	// KMSRootKey is the root key (32 bytes) of the embedded key service,
	// which keeps its master keys in DRIVE/.silo.sys/kms sealed under it.
	// It must never be stored on the drives.
	KMSRootKey []byte
	// KMSPreviousRootKey, when set, still opens the embedded keystore:
	// what is sealed under it is re-sealed under KMSRootKey at start.
	KMSPreviousRootKey []byte
	// KMSDefaultKey names the embedded service's default master key,
	// created at start when missing ("" means keystore.DefaultKeyName).
	KMSDefaultKey string
}

// withDefaults returns c with zero fields replaced by defaults.
func (c Config) withDefaults() Config {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Address == "" {
		c.Address = DefaultAddress
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	set(&c.ShutdownTimeout, DefaultShutdownTimeout)
	set(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	set(&c.IdleTimeout, DefaultIdleTimeout)
	set(&c.BodyIdleTimeout, DefaultBodyIdleTimeout)
	set(&c.WriteIdleTimeout, DefaultWriteIdleTimeout)
	set(&c.CertReloadPeriod, DefaultCertReloadPeriod)
	if c.MetricsAuth == "" {
		c.MetricsAuth = MetricsAuthJWT
	}
	switch {
	case c.MinTransferRate == 0:
		c.MinTransferRate = DefaultMinTransferRate
	case c.MinTransferRate < 0:
		c.MinTransferRate = 0
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	return c
}

// Validate reports the first problem with c that can be found without
// touching the disk or the network.
func (c Config) Validate() error {
	c = c.withDefaults()
	if len(c.Drives) == 0 {
		return errors.New("no drives given: usage is silo server DRIVE... (for example /data{1...4})")
	}
	if _, port, err := net.SplitHostPort(c.Address); err != nil || port == "" {
		return fmt.Errorf("invalid address %q: want HOST:PORT or :PORT", c.Address)
	}
	if c.MetricsAuth != MetricsAuthJWT && c.MetricsAuth != MetricsAuthPublic {
		return fmt.Errorf("invalid metrics auth type %q: want jwt or public", c.MetricsAuth)
	}
	if c.SetDriveCount < 0 {
		return fmt.Errorf("invalid erasure set drive count %d", c.SetDriveCount)
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return errors.New("a server certificate file needs its key file and vice versa")
	}
	if c.KMSRootKey != nil && len(c.KMSRootKey) != kms.SecretSize {
		return fmt.Errorf("the key service root key is %d bytes, want %d", len(c.KMSRootKey), kms.SecretSize)
	}
	if c.KMSPreviousRootKey != nil && len(c.KMSPreviousRootKey) != kms.SecretSize {
		return fmt.Errorf("the previous key service root key is %d bytes, want %d", len(c.KMSPreviousRootKey), kms.SecretSize)
	}
	if c.RootUser != "" || c.RootPassword != "" {
		if err := ValidateCredentials(c.RootUser, c.RootPassword, c.AllowDefaultCredentials); err != nil {
			return err
		}
	}
	return nil
}
