package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// startHTTP serves handler with cfg's limits on a loopback port (a
// placeholder handler: the real S3 handler is exercised by the binary test).
func startHTTP(t *testing.T, cfg Config, handler http.Handler) string {
	t.Helper()
	cfg = cfg.withDefaults()
	srv := newHTTPServer(cfg, handler, slog.New(slog.DiscardHandler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// rawRequest writes req on a new connection and returns the status line.
func rawRequest(t *testing.T, addr, req string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("reading status: %v", err)
	}
	return strings.TrimSpace(line)
}

func TestHeaderLimits(t *testing.T) {
	addr := startHTTP(t, Config{MaxHeaderBytes: 4 << 10}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tests := []struct {
		name string
		req  string
		want string
	}{
		{name: "small", req: "GET / HTTP/1.1\r\nHost: x\r\n\r\n", want: "HTTP/1.1 200 OK"},
		{name: "oversized", req: "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 64<<10) + "\r\n\r\n",
			want: "HTTP/1.1 431 Request Header Fields Too Large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rawRequest(t, addr, tt.req); got != tt.want {
				t.Fatalf("status %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSlowHeaders checks that a client that never finishes its headers is
// disconnected after ReadHeaderTimeout.
func TestSlowHeaders(t *testing.T) {
	addr := startHTTP(t, Config{ReadHeaderTimeout: 200 * time.Millisecond}, http.NotFoundHandler())
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(c)
	if err != nil {
		t.Fatalf("connection not closed by the server: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("server took %v to drop a slow-header client", d)
	}
}

// TestBodyDeadlines checks that a body that keeps flowing may take longer
// than BodyIdleTimeout in total, one that stalls is cut off, and one that
// trickles below MinTransferRate is cut off too.
func TestBodyDeadlines(t *testing.T) {
	tests := []struct {
		name    string
		rate    int64
		chunk   int
		chunks  int
		pause   time.Duration
		stall   bool
		wantErr bool
	}{
		{name: "steady trickle longer than the idle timeout", rate: -1, chunk: 7, chunks: 12, pause: 100 * time.Millisecond},
		{name: "stalled body", rate: -1, chunk: 7, chunks: 2, pause: 50 * time.Millisecond, stall: true, wantErr: true},
		{name: "above the minimum rate", rate: 1000, chunk: 500, chunks: 12, pause: 100 * time.Millisecond},
		{name: "below the minimum rate", rate: 1000, chunk: 10, chunks: 20, pause: 100 * time.Millisecond, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lastErr atomic.Value
			addr := startHTTP(t, Config{BodyIdleTimeout: 300 * time.Millisecond, MinTransferRate: tt.rate},
				http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					n, err := io.Copy(io.Discard, r.Body)
					lastErr.Store(fmt.Sprint(err))
					if err != nil {
						return
					}
					fmt.Fprintf(w, "%d", n)
				}))
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			total := tt.chunk*tt.chunks + 10
			fmt.Fprintf(c, "PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", total)
			sent := 0
			for i := 0; i < tt.chunks; i++ {
				time.Sleep(tt.pause)
				if _, err := c.Write(bytes.Repeat([]byte("a"), tt.chunk)); err != nil {
					break // the server gave up on us
				}
				sent += tt.chunk
			}
			if tt.stall {
				time.Sleep(time.Second)
			} else {
				_, _ = c.Write(bytes.Repeat([]byte("x"), total-sent))
			}
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			got := lastErr.Load()
			if tt.wantErr {
				if got == nil || !strings.Contains(got.(string), "timeout") {
					t.Fatalf("handler error %v, want a timeout", got)
				}
				return
			}
			if !strings.HasPrefix(line, "HTTP/1.1 200") {
				t.Fatalf("status %q (handler error %v)", line, got)
			}
		})
	}
}

// TestLateResponse checks that a response whose handler works longer than
// WriteIdleTimeout before answering is still delivered.
func TestLateResponse(t *testing.T) {
	addr := startHTTP(t, Config{WriteIdleTimeout: 200 * time.Millisecond},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(500 * time.Millisecond)
			w.Header().Set("ETag", `"x"`)
			w.WriteHeader(http.StatusOK)
		}))
	for _, method := range []string{http.MethodGet, http.MethodPut} {
		t.Run(method, func(t *testing.T) {
			req, _ := http.NewRequest(method, "http://"+addr+"/", strings.NewReader("body"))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != `"x"` {
				t.Fatalf("got %s %v", resp.Status, resp.Header)
			}
		})
	}
}

// TestEarlyAnswer checks that a handler rejecting a request without reading
// its (huge, mostly unsent) body answers at once and closes the connection,
// instead of waiting for the body.
func TestEarlyAnswer(t *testing.T) {
	addr := startHTTP(t, Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "too large", http.StatusBadRequest)
	}))
	got := rawRequest(t, addr, "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5368709121\r\n\r\nabc")
	if got != "HTTP/1.1 400 Bad Request" {
		t.Fatalf("status %q", got)
	}
}

// TestContinueOnEmptyBody checks that an empty request expecting 100
// Continue gets it before the final response.
func TestContinueOnEmptyBody(t *testing.T) {
	addr := startHTTP(t, Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tests := []struct {
		name, req, want string
	}{
		{name: "empty with expect", req: "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n", want: "HTTP/1.1 100 Continue"},
		{name: "empty without expect", req: "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", want: "HTTP/1.1 200 OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rawRequest(t, addr, tt.req); got != tt.want {
				t.Fatalf("first status line %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLongResponse checks that a bodyless request whose handler runs longer
// than the body idle timeout is not cut off, and that a keep-alive
// connection works for a following request after an upload.
func TestLongResponse(t *testing.T) {
	addr := startHTTP(t, Config{BodyIdleTimeout: 200 * time.Millisecond, WriteIdleTimeout: 200 * time.Millisecond, MinTransferRate: -1},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			for i := 0; i < 6; i++ {
				select {
				case <-r.Context().Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
				_, _ = w.Write([]byte("chunk"))
				http.NewResponseController(w).Flush()
			}
		}))
	client := &http.Client{Timeout: 10 * time.Second}
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodGet} {
		t.Run(method, func(t *testing.T) {
			var body io.Reader
			if method == http.MethodPut {
				body = strings.NewReader("payload")
			}
			req, _ := http.NewRequest(method, "http://"+addr+"/", body)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || string(b) != strings.Repeat("chunk", 6) {
				t.Fatalf("body %q, %v", b, err)
			}
		})
	}
}

func TestErrorLogFilter(t *testing.T) {
	var buf bytes.Buffer
	w := errorLogWriter{slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	tests := []struct {
		line  string
		level string
	}{
		{line: "http: TLS handshake error from 1.2.3.4:5: remote error: tls: unknown certificate authority", level: "DEBUG"},
		{line: "http: Accept error: too many open files", level: "WARN"},
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			buf.Reset()
			_, _ = w.Write([]byte(tt.line + "\n"))
			if !strings.Contains(buf.String(), "level="+tt.level) {
				t.Fatalf("logged %q, want level %s", buf.String(), tt.level)
			}
		})
	}
}
