package server

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
)

// printBanner writes the human-readable start-up summary to Deps.Out. The
// root secret appears only on the start that generated it.
func (s *Server) printBanner() {
	var b strings.Builder
	url := s.URL()
	fmt.Fprintf(&b, "Silo %s\n", s.cfg.Version)
	fmt.Fprintf(&b, "API:         %s  (listening on %s)\n", strings.Join(s.endpoints(), "  "), s.Addr())
	fmt.Fprintf(&b, "Drives:      %d: %s\n", len(s.cfg.Drives), summarizeDrives(s.cfg.Drives))
	l := s.store.layout()
	fmt.Fprintf(&b, "Erasure:     %d set(s) x %d drives, STANDARD EC:%d (%d data), REDUCED_REDUNDANCY EC:%d\n",
		l.Sets, l.DrivesPerSet, l.StandardParity, l.StandardData, l.RRSParity)
	if l.DeploymentID != "" {
		fmt.Fprintf(&b, "Deployment:  %s\n", l.DeploymentID)
	}
	if s.certs != nil {
		certs := s.certs.Certificates()
		fmt.Fprintf(&b, "TLS:         on (%d certificate(s), default %s, expires %s)\n",
			len(certs), certs[0].Path, certs[0].NotAfter.Format("2006-01-02"))
	} else {
		fmt.Fprintf(&b, "TLS:         off (put public.crt and private.key in --certs-dir to enable)\n")
	}
	c := s.creds
	switch {
	case c.path == "":
		fmt.Fprintf(&b, "Root user:   %s (from the environment; password not shown)\n", c.AccessKey)
	case c.generated:
		fmt.Fprintf(&b, "\nRoot credentials were generated and stored in %s (mode 0600; a copy on every drive).\n", absPath(c.path))
		fmt.Fprintf(&b, "They are printed this once only:\n")
		fmt.Fprintf(&b, "   RootUser:     %s\n   RootPassword: %s\n\n", c.AccessKey, c.SecretKey)
		fmt.Fprintf(&b, "   mc alias set silo %s %s %s\n", url, c.AccessKey, c.SecretKey)
		fmt.Fprintf(&b, "   AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s aws --endpoint-url %s s3 ls\n",
			c.AccessKey, c.SecretKey, url)
	default:
		fmt.Fprintf(&b, "Root user:   %s (password not shown; both are in %s)\n", c.AccessKey, absPath(c.path))
	}
	fmt.Fprintf(&b, "\n")
	_, _ = s.out.Write([]byte(b.String()))
}

// endpoints lists the URLs clients can use: the loopback URL first, then,
// when listening on all interfaces, one per interface address (up to four).
func (s *Server) endpoints() []string {
	urls := []string{s.URL()}
	host, port, _ := net.SplitHostPort(s.Addr().String())
	lip := net.ParseIP(host)
	if lip == nil || !lip.IsUnspecified() {
		return urls
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return urls
	}
	scheme, _, _ := strings.Cut(urls[0], "://")
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() || len(urls) > 4 {
			continue
		}
		if ipn.IP.To4() == nil && lip.To4() != nil {
			continue // an IPv4-only listener
		}
		urls = append(urls, scheme+"://"+net.JoinHostPort(ipn.IP.String(), port))
	}
	return urls
}

// absPath makes p absolute for display, leaving it as is on error.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// summarizeDrives lists up to four drives and elides the rest.
func summarizeDrives(drives []string) string {
	if len(drives) <= 4 {
		return strings.Join(drives, ", ")
	}
	return fmt.Sprintf("%s, %s, ... %s", drives[0], drives[1], drives[len(drives)-1])
}
