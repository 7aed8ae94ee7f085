package e2e

import (
	"net/http"
	"strings"
	"sync"
)

// wireRecorder is an http.RoundTripper that notes how each request's body
// was signed and framed before passing it on, so that a test can assert a
// client really used the mode it is meant to exercise (streaming signature,
// checksum trailer) rather than assume it.
type wireRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []wireNote
}

// wireNote is what one request announced about its body.
type wireNote struct {
	method, contentSHA256, trailer, contentEncoding string
	contentLength                                   int64
}

func (w *wireRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	w.mu.Lock()
	w.seen = append(w.seen, wireNote{
		method:          r.Method,
		contentSHA256:   r.Header.Get("X-Amz-Content-Sha256"),
		trailer:         r.Header.Get("X-Amz-Trailer"),
		contentEncoding: r.Header.Get("Content-Encoding"),
		contentLength:   r.ContentLength,
	})
	w.mu.Unlock()
	return w.next.RoundTrip(r)
}

// find returns the requests of method whose x-amz-content-sha256 is sha.
func (w *wireRecorder) find(method, sha string) []wireNote {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []wireNote
	for _, n := range w.seen {
		if n.method == method && n.contentSHA256 == sha {
			out = append(out, n)
		}
	}
	return out
}

// summary lists the distinct (method, x-amz-content-sha256) pairs seen, for
// failure messages; hashes are shortened.
func (w *wireRecorder) summary() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	set := map[string]bool{}
	var out []string
	for _, n := range w.seen {
		v := n.contentSHA256
		if len(v) == 64 {
			v = "<sha256>"
		}
		k := n.method + " " + v
		if !set[k] {
			set[k] = true
			out = append(out, k)
		}
	}
	return strings.Join(out, ", ")
}
