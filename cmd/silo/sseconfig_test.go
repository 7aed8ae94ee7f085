package main

import (
	"testing"

	"github.com/silo-project/silo/server"
)

func TestParseSSE(t *testing.T) {
	tests := []struct {
		value   string
		want    bool
		wantErr bool
	}{{"", false, false}, {"on", true, false}, {"off", false, false}, {"maybe", false, true}}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			var cfg server.Config
			err := parseSSE(envMap("SILO_SSE_INSECURE_LOOPBACK", tt.value), &cfg)
			if (err != nil) != tt.wantErr || cfg.SSEInsecureLoopback != tt.want {
				t.Fatalf("got %v, %v", cfg.SSEInsecureLoopback, err)
			}
		})
	}
}
