package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestServeCapsRequestHeaders: request headers are bounded at 16 KiB (plus
// the few KiB net/http allows over it): a 12 KiB cookie is read, a 32 KiB
// one is answered 431 before any handler runs.
func TestServeCapsRequestHeaders(t *testing.T) {
	base := startServer(t, testConfig(t, t.TempDir()))
	tests := []struct {
		name   string
		size   int
		status int
	}{
		{"12 KiB", 12 << 10, http.StatusOK},
		{"32 KiB", 32 << 10, http.StatusRequestHeaderFieldsTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := get(t, base+"/healthz", "Cookie", "x="+strings.Repeat("a", tt.size))
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
}
