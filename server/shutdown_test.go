package server

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// stallingBody delivers a few bytes, then blocks until released.
type stallingBody struct {
	sent    bool
	release chan struct{}
}

func (b *stallingBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, "hello"), nil
	}
	<-b.release
	return 0, io.ErrUnexpectedEOF
}

func sign(t *testing.T, req *http.Request) *http.Request {
	t.Helper()
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "admin", SecretAccessKey: "password1"},
		req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

// TestForcedShutdown checks that a request outliving ShutdownTimeout is cut
// off, Run still returns nil, and the store is closed afterwards.
func TestForcedShutdown(t *testing.T) {
	srv, stop := startServer(t, Config{Drives: tempDrives(t, 1), ShutdownTimeout: 200 * time.Millisecond})
	req, _ := http.NewRequest(http.MethodPut, srv.URL()+"/stall-bucket", nil)
	resp, err := http.DefaultClient.Do(sign(t, req))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	body := &stallingBody{release: make(chan struct{})}
	req, _ = http.NewRequest(http.MethodPut, srv.URL()+"/stall-bucket/obj", body)
	req.ContentLength = 1 << 20
	clientErr := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(sign(t, req))
		if err == nil {
			resp.Body.Close()
		}
		clientErr <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for srv.handlers.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("upload never reached the handler")
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if d := time.Since(start); d > 7*time.Second {
		t.Fatalf("shutdown took %v", d)
	}
	close(body.release)
	select {
	case err := <-clientErr:
		if err == nil {
			t.Fatal("cut-off upload reported success")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("client still waiting after shutdown")
	}
}
