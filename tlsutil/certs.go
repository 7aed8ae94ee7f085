package tlsutil

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Names of the files in a certificates directory (MinIO's layout).
const (
	PublicCertFile = "public.crt"
	PrivateKeyFile = "private.key"
	CAsDir         = "CAs"
)

// ErrNoCertificate is returned by New when neither the certificates directory
// nor explicit files provide a default certificate: the caller serves plain HTTP.
var ErrNoCertificate = errors.New("tlsutil: no server certificate")

// Options says where the certificates are.
type Options struct {
	// CertsDir is the certificates directory in MinIO's layout. It may be
	// empty or missing when CertFile/KeyFile are set.
	CertsDir string
	// CertFile and KeyFile, when both set, name the default certificate and
	// key instead of CertsDir/public.crt and CertsDir/private.key. CAs and
	// SNI sub-directories are still read from CertsDir.
	CertFile string
	KeyFile  string
	// Logger receives reload events; nil discards them.
	Logger *slog.Logger
}

// CertInfo describes one loaded certificate, for start-up output.
type CertInfo struct {
	Path     string
	Subject  string
	DNSNames []string
	IPs      []string
	NotAfter time.Time
}

// bundle is one immutable snapshot of everything read from disk.
type bundle struct {
	def       *tls.Certificate
	extra     []*tls.Certificate // SNI certificates, sorted by directory name
	clientCAs *x509.CertPool     // nil when CAs/ holds nothing
	rootCAs   *x509.CertPool     // system roots plus CAs/
	infos     []CertInfo
	stamp     string // change detector: paths, sizes and mtimes
	cfg       *tls.Config
}

// certPair is one certificate and key file pair on disk.
type certPair struct{ cert, key string }

// pairs returns the default pair and the SNI pairs, in a stable order.
func (o Options) pairs() (def certPair, extra []certPair, err error) {
	switch {
	case o.CertFile != "" || o.KeyFile != "":
		if o.CertFile == "" || o.KeyFile == "" {
			return def, nil, errors.New("tlsutil: both a certificate file and a key file are required")
		}
		def = certPair{o.CertFile, o.KeyFile}
	case o.CertsDir != "":
		def = certPair{filepath.Join(o.CertsDir, PublicCertFile), filepath.Join(o.CertsDir, PrivateKeyFile)}
		if _, err := os.Stat(def.cert); errors.Is(err, fs.ErrNotExist) {
			return def, nil, ErrNoCertificate
		}
	default:
		return def, nil, ErrNoCertificate
	}
	if o.CertsDir == "" {
		return def, nil, nil
	}
	entries, err := os.ReadDir(o.CertsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return def, nil, nil
	}
	if err != nil {
		return def, nil, fmt.Errorf("tlsutil: reading certificates directory: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == CAsDir || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := certPair{
			filepath.Join(o.CertsDir, e.Name(), PublicCertFile),
			filepath.Join(o.CertsDir, e.Name(), PrivateKeyFile),
		}
		if _, err := os.Stat(p.cert); err != nil {
			continue // not a certificate directory
		}
		extra = append(extra, p)
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].cert < extra[j].cert })
	return def, extra, nil
}

// caFiles lists the regular files under CertsDir/CAs.
func (o Options) caFiles() ([]string, error) {
	if o.CertsDir == "" {
		return nil, nil
	}
	dir := filepath.Join(o.CertsDir, CAsDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tlsutil: reading CA directory: %w", err)
	}
	var files []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	return files, nil
}

// stamp describes the current state of every file Options refers to, so that
// a change of any of them (including an added or removed SNI directory or CA)
// changes the stamp.
func (o Options) stamp() string {
	var b strings.Builder
	add := func(p string) {
		st, err := os.Stat(p)
		if err != nil {
			fmt.Fprintf(&b, "%s:-;", p)
			return
		}
		fmt.Fprintf(&b, "%s:%d:%d;", p, st.Size(), st.ModTime().UnixNano())
	}
	def, extra, err := o.pairs()
	if err != nil {
		fmt.Fprintf(&b, "err:%v;", err)
	}
	for _, p := range append([]certPair{def}, extra...) {
		if p.cert != "" {
			add(p.cert)
			add(p.key)
		}
	}
	cas, _ := o.caFiles()
	for _, p := range cas {
		add(p)
	}
	return b.String()
}

// load reads every file and builds a bundle; it fails as a whole.
func (o Options) load() (*bundle, error) {
	stamp := o.stamp()
	def, extra, err := o.pairs()
	if err != nil {
		return nil, err
	}
	b := &bundle{stamp: stamp}
	if b.def, err = loadPair(def); err != nil {
		return nil, err
	}
	b.infos = append(b.infos, info(def.cert, b.def.Leaf))
	for _, p := range extra {
		c, err := loadPair(p)
		if err != nil {
			return nil, err
		}
		b.extra = append(b.extra, c)
		b.infos = append(b.infos, info(p.cert, c.Leaf))
	}
	cas, err := o.caFiles()
	if err != nil {
		return nil, err
	}
	if b.rootCAs, err = x509.SystemCertPool(); err != nil || b.rootCAs == nil {
		b.rootCAs = x509.NewCertPool()
	}
	for _, p := range cas {
		certs, err := readCerts(p)
		if err != nil {
			return nil, err
		}
		if b.clientCAs == nil {
			b.clientCAs = x509.NewCertPool()
		}
		for _, c := range certs {
			b.clientCAs.AddCert(c)
			b.rootCAs.AddCert(c)
		}
	}
	return b, nil
}

// loadPair reads a certificate chain and its key and checks they match.
func loadPair(p certPair) (*tls.Certificate, error) {
	c, err := tls.LoadX509KeyPair(p.cert, p.key)
	if err != nil {
		return nil, fmt.Errorf("tlsutil: loading %s: %w", p.cert, err)
	}
	if c.Leaf == nil {
		if c.Leaf, err = x509.ParseCertificate(c.Certificate[0]); err != nil {
			return nil, fmt.Errorf("tlsutil: parsing %s: %w", p.cert, err)
		}
	}
	return &c, nil
}

// readCerts returns every certificate in a PEM file. A file holding no
// certificate is an error: a typo in a CA file must not go unnoticed.
func readCerts(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tlsutil: reading CA file: %w", err)
	}
	var certs []*x509.Certificate
	for {
		var blk *pem.Block
		blk, data = pem.Decode(data)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("tlsutil: parsing CA file %s: %w", path, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("tlsutil: CA file %s holds no PEM certificate", path)
	}
	return certs, nil
}

func info(path string, leaf *x509.Certificate) CertInfo {
	ci := CertInfo{Path: path, Subject: leaf.Subject.CommonName, DNSNames: leaf.DNSNames, NotAfter: leaf.NotAfter}
	for _, ip := range leaf.IPAddresses {
		ci.IPs = append(ci.IPs, ip.String())
	}
	return ci
}
