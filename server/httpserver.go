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
//   - a request body must deliver data at least every BodyIdleTimeout, a
//     response write may block at most WriteIdleTimeout, and both must
//     average MinTransferRate after that grace period (see pacer); big
//     uploads and downloads therefore work at any size as long as bytes keep
//     moving, while a stalled or trickling client is cut off;
//   - idle keep-alive connections close after IdleTimeout;
//   - HTTP/2 is off (S3 clients speak HTTP/1.1; TLS offers http/1.1 only).
func newHTTPServer(cfg Config, handler http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           withDeadlines(handler, cfg.BodyIdleTimeout, cfg.WriteIdleTimeout, cfg.MinTransferRate),
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

// pacer computes the deadlines of one direction (request body or response)
// of one request: the next transfer must happen within idle, and after a
// grace period of idle the average rate must stay at or above minRate
// bytes per second (0: no floor). A client trickling a byte now and then
// therefore cannot hold a request slot for long.
type pacer struct {
	idle    time.Duration
	minRate int64
	start   time.Time // when the first transfer was attempted
	last    time.Time // when the deadline was last set
	n       int64     // bytes transferred so far
}

// next returns the deadline to set at now, and false when the current one
// is recent enough to keep.
func (p *pacer) next(now time.Time) (time.Time, bool) {
	if p.start.IsZero() {
		p.start = now
	} else if now.Sub(p.last) < deadlineStep(p.idle) {
		return time.Time{}, false
	}
	p.last = now
	d := now.Add(p.idle)
	if p.minRate > 0 {
		floor := p.start.Add(p.idle + time.Duration(float64(p.n)/float64(p.minRate)*float64(time.Second)))
		if floor.Before(d) {
			d = floor
		}
	}
	return d, true
}

// withDeadlines sets a read deadline for the request body and a write
// deadline for the response, and pushes each forward while data moves (see
// pacer).
//
// The read deadline is only set when the request has a body and is no longer
// extended once the body has returned an error or EOF: net/http then starts
// its own background read on the connection, which a deadline would break.
// The write deadline is refreshed when the handler writes its header and
// when it returns, so that a response after a long upload or a long
// computation is still delivered.
func withDeadlines(next http.Handler, bodyIdle, writeIdle time.Duration, minRate int64) http.Handler {
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
			r.Body = &idleBody{ReadCloser: r.Body, rc: rc, pace: pacer{idle: bodyIdle, minRate: minRate}}
		}
		iw := &idleWriter{ResponseWriter: w, rc: rc, pace: pacer{idle: writeIdle, minRate: minRate}}
		next.ServeHTTP(iw, r)
		// The final flush happens after this returns: give it a full idle
		// period whatever the handler did before.
		_ = rc.SetWriteDeadline(time.Now().Add(writeIdle))
	})
}

// idleBody paces reads of the request body.
type idleBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	pace pacer
	done bool
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.done {
		return b.ReadCloser.Read(p)
	}
	if d, ok := b.pace.next(time.Now()); ok {
		_ = b.rc.SetReadDeadline(d)
	}
	n, err := b.ReadCloser.Read(p)
	b.pace.n += int64(n)
	if err != nil {
		b.done = true
	}
	return n, err
}

// idleWriter paces writes of the response. It keeps
// http.ResponseController working for the wrapped handler (Unwrap) and
// passes Flush through.
type idleWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	pace pacer
}

func (w *idleWriter) extend() {
	if d, ok := w.pace.next(time.Now()); ok {
		_ = w.rc.SetWriteDeadline(d)
	}
}

func (w *idleWriter) WriteHeader(code int) {
	if code >= 200 {
		// The response starts now: time spent computing it is not the
		// client's fault.
		w.pace.start = time.Time{}
		w.extend()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *idleWriter) Write(p []byte) (int, error) {
	w.extend()
	n, err := w.ResponseWriter.Write(p)
	w.pace.n += int64(n)
	return n, err
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
