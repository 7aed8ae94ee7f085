package server

import (
	"crypto/tls"
	"io"
	"log"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// newHTTPServer returns the http.Server for handler with Silo's limits:
//   - headers must arrive within ReadHeaderTimeout and fit MaxHeaderBytes
//     (net/http answers 431 beyond it);
//   - a request body must deliver data at least every BodyIdleTimeout, and a
//     response write may block at most WriteIdleTimeout (see withDeadlines);
//     big uploads and downloads therefore work at any size as long as bytes
//     keep moving, while a stalled client is cut off;
//   - idle keep-alive connections close after IdleTimeout;
//   - HTTP/2 is off (S3 clients speak HTTP/1.1; TLS offers http/1.1 only).
func newHTTPServer(cfg Config, handler http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           withDeadlines(handler, cfg.BodyIdleTimeout, cfg.WriteIdleTimeout),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		// WriteTimeout makes net/http reset the write deadline at the start
		// of every request (also for errors it writes itself, such as 431);
		// withDeadlines then extends it on every write.
		WriteTimeout:   cfg.WriteIdleTimeout,
		IdleTimeout:    cfg.IdleTimeout,
		MaxHeaderBytes: cfg.MaxHeaderBytes,
		TLSNextProto:   map[string]func(*http.Server, *tls.Conn, http.Handler){},
		ErrorLog:       log.New(errorLogWriter{logger}, "", 0),
	}
}

// deadlineStep is how stale a deadline may get before a read or write
// extends it (a quarter of the timeout, at most a second); it keeps the
// per-call cost at a clock read.
func deadlineStep(idle time.Duration) time.Duration {
	return min(time.Second, idle/4)
}

// withDeadlines sets a read deadline for the request body and a write
// deadline for the response, and pushes each forward while data moves.
//
// The read deadline is only set when the request has a body and is no longer
// extended once the body has returned an error or EOF: net/http then starts
// its own background read on the connection, which a deadline would break.
func withDeadlines(next http.Handler, bodyIdle, writeIdle time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		now := time.Now()
		if r.ContentLength == 0 && r.ProtoAtLeast(1, 1) && strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
			// net/http sends 100 Continue only when a body is expected.
			// botocore (AWS CLI, boto3) waits for it even on empty PUTs and
			// then stalls on its next request on the connection if the final
			// response came first, so announce it here.
			w.WriteHeader(http.StatusContinue)
		}
		_ = rc.SetWriteDeadline(now.Add(writeIdle))
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
			_ = rc.SetReadDeadline(now.Add(bodyIdle))
			// Wrap the body in a shallow copy of the request: net/http
			// inspects the original request's Body after the handler to
			// decide whether to drain or close, and a replaced Body would
			// make it drain up to 256 KiB before answering (a client
			// waiting for an early error would then hang).
			r = r.WithContext(r.Context())
			r.Body = &idleBody{ReadCloser: r.Body, rc: rc, idle: bodyIdle, last: now}
		}
		next.ServeHTTP(&idleWriter{ResponseWriter: w, rc: rc, idle: writeIdle, last: now}, r)
	})
}

// idleBody extends the connection's read deadline before each read.
type idleBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration
	last time.Time
	done bool
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.done {
		return b.ReadCloser.Read(p)
	}
	if now := time.Now(); now.Sub(b.last) >= deadlineStep(b.idle) {
		b.last = now
		_ = b.rc.SetReadDeadline(now.Add(b.idle))
	}
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.done = true
	}
	return n, err
}

// idleWriter extends the connection's write deadline before each write. It
// keeps http.ResponseController working for the wrapped handler (Unwrap) and
// passes Flush through.
type idleWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	idle time.Duration
	last time.Time
}

func (w *idleWriter) extend() {
	if now := time.Now(); now.Sub(w.last) >= deadlineStep(w.idle) {
		w.last = now
		_ = w.rc.SetWriteDeadline(now.Add(w.idle))
	}
}

func (w *idleWriter) Write(p []byte) (int, error) {
	w.extend()
	return w.ResponseWriter.Write(p)
}

func (w *idleWriter) Flush() {
	w.extend()
	_ = w.rc.Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *idleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errorLogWriter routes net/http's internal error log into slog. TLS
// handshake failures and other per-connection noise from clients (scanners,
// clients that do not trust our CA, dropped connections) go to debug level;
// anything else is a warning.
type errorLogWriter struct{ log *slog.Logger }

func (e errorLogWriter) Write(p []byte) (int, error) {
	msg := strings.TrimSpace(string(p))
	// Substrings of net/http log lines caused by clients, not by us.
	clientNoise := [...]string{
		"TLS handshake error",
		"connection reset by peer",
		"broken pipe",
		"i/o timeout",
		"EOF",
	}
	for _, s := range clientNoise {
		if strings.Contains(msg, s) {
			e.log.Debug("http: client connection error", "detail", msg)
			return len(p), nil
		}
	}
	e.log.Warn("http server", "detail", msg)
	return len(p), nil
}
