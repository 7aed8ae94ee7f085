package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/minio/minio-go/v7/pkg/signer"
)

// adminPost sends a signed admin POST as the test root user.
func adminPost(t *testing.T, base, api string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/minio/admin/v3/"+api, bytes.NewReader(nil))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(nil)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	req = signer.SignV4(*req, "admin", "password1", "", "")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestAdminServiceRestartStop: the admin API is mounted, a restart request
// makes Run return ErrRestart, a stop request makes it return nil.
func TestAdminServiceRestartStop(t *testing.T) {
	drives := tempDrives(t, 4)
	tests := []struct {
		action string
		want   error
	}{
		{"restart", ErrRestart},
		{"stop", nil},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			srv, err := New(context.Background(), Config{Drives: drives, Address: "127.0.0.1:0", RootUser: "admin", RootPassword: "password1"},
				Deps{Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			done := make(chan error, 1)
			go func() { done <- srv.Run(context.Background()) }()
			if got := adminPost(t, srv.URL(), "service?action="+tt.action+"&type=2"); got != http.StatusOK {
				t.Fatalf("service %s: status %d", tt.action, got)
			}
			select {
			case err := <-done:
				if !errors.Is(err, tt.want) {
					t.Fatalf("Run = %v, want %v", err, tt.want)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Run did not return")
			}
		})
	}
}
