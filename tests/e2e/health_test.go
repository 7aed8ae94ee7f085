package e2e

import (
	"net/http"
	"testing"
)

// TestHealth: the MinIO-compatible probes answer 200 without credentials,
// over HTTP and TLS, for GET and HEAD.
func TestHealth(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *server) {
		for _, path := range []string{"/minio/health/live", "/minio/health/ready"} {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				req, err := http.NewRequest(method, srv.endpoint+path, nil)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := srv.client.Do(req)
				if err != nil {
					t.Fatalf("%s %s: %v", method, path, err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("%s %s: %s, want 200", method, path, resp.Status)
				}
			}
		}
	})
}
