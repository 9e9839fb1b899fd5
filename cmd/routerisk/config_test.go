package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(nil, env(), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.RedisURL != "" || c.CacheLocalBytes != 128<<20 ||
		c.RedisTimeout != 50*time.Millisecond || c.CacheTTL != 24*time.Hour || !strings.Contains(c.TileURL, "openstreetmap") {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadConfigFlagsOverrideEnv(t *testing.T) {
	c, err := LoadConfig(
		[]string{"--addr", "127.0.0.1:9999", "--tile-url", ""},
		env("ROUTERISK_ADDR", "127.0.0.1:7777", "ROUTERISK_DATA_DIR", "/srv/rr", "ROUTERISK_REDIS_URL", "redis://127.0.0.1:6379/0",
			"ROUTERISK_CACHE_LOCAL_BYTES", "64MiB"),
		&bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9999" || c.DataDir != "/srv/rr" || c.RedisURL != "redis://127.0.0.1:6379/0" || c.TileURL != "" || c.CacheLocalBytes != 64<<20 {
		t.Errorf("config = %+v", c)
	}
	c, err = LoadConfig(nil, env("ROUTERISK_TILE_URL", "none"), &bytes.Buffer{})
	if err != nil || c.TileURL != "" {
		t.Errorf("ROUTERISK_TILE_URL=none: %q, %v", c.TileURL, err)
	}
}

func TestLoadConfigReportsEveryProblemAtOnce(t *testing.T) {
	_, err := LoadConfig([]string{
		"--addr", "nope", "--redis-url", "http://user:secret@x", "--cache-ttl", "forever",
		"--cache-local-bytes", "lots", "--log-level", "loud", "--tile-url", "ftp://x/{z}",
	}, env(), &bytes.Buffer{})
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	msg := err.Error()
	for _, want := range []string{"--addr", "--redis-url", "--cache-ttl", "--cache-local-bytes", "--log-level", "--tile-url"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %s:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "secret") {
		t.Errorf("a password leaked into the error: %s", msg)
	}
}

func TestMainExitsTwoOnBadConfig(t *testing.T) {
	var stderr bytes.Buffer
	code := Main(context.Background(), []string{"serve", "--addr", "x", "--log-format", "xml"}, env(), &bytes.Buffer{}, &stderr)
	if code != 2 {
		t.Errorf("exit status %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "--addr") || !strings.Contains(stderr.String(), "--log-format") {
		t.Errorf("stderr lists not every problem:\n%s", stderr.String())
	}
	if code := Main(context.Background(), []string{"frobnicate"}, env(), &bytes.Buffer{}, &bytes.Buffer{}); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

func TestLoadConfigAuditRotation(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		env       []string
		wantBytes int64
		wantKeep  int
		wantErr   string
	}{
		{"defaults", nil, nil, 16 << 20, 10, ""},
		{"environment", nil, []string{"ROUTERISK_AUDIT_MAX_BYTES", "1MiB", "ROUTERISK_AUDIT_KEEP", "3"}, 1 << 20, 3, ""},
		{"flags win", []string{"--audit-max-bytes", "64KiB", "--audit-keep", "5"}, []string{"ROUTERISK_AUDIT_MAX_BYTES", "1MiB"}, 64 << 10, 5, ""},
		{"too small", []string{"--audit-max-bytes", "100"}, nil, 0, 0, "--audit-max-bytes"},
		{"keep none", []string{"--audit-keep", "0"}, nil, 0, 0, "--audit-keep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(tt.args, env(tt.env...), &bytes.Buffer{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Audit.AuditMaxBytes != tt.wantBytes || c.Audit.AuditKeep != tt.wantKeep {
				t.Errorf("audit options %+v", c.Audit)
			}
		})
	}
}
