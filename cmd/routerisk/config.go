package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/routerisk/routerisk/server"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/store"
)

// Config is the configuration of `routerisk serve`.
type Config struct {
	Addr            string
	DataDir         string
	Store           string // "": the file store in DataDir; postgres://…: PostGIS
	RedisURL        string
	RedisTimeout    time.Duration
	CacheTTL        time.Duration
	CacheLocalBytes int64
	TileURL         string
	TileAttribution string
	LogLevel        string
	LogFormat       string
	ShutdownTimeout time.Duration
	SessionTTL      time.Duration
	SyncInterval    time.Duration
	Consistency     string
	Uploads         server.UploadOptions
	// UploadConcurrency bounds the uploads read at once.
	UploadConcurrency int
	PublicURL         string
	EmbedOrigins      []string
	EmbedKey          []byte
	// Audit rotates the file store's audit log.
	Audit store.FilesOptions
}

// setting is one configuration value: its flag, its environment variable,
// its default and what it means.
type setting struct {
	flag, env, def, usage string
}

// settings lists every option of `routerisk serve`, in the README's order.
var settings = []setting{
	{"addr", "ROUTERISK_ADDR", "127.0.0.1:8080", "address to listen on (host:port)"},
	{"data-dir", "ROUTERISK_DATA_DIR", "./data", "folder of the file store, API tokens and issued embeds (when --store is empty) and spooled uploads; created on first run"},
	{"store", "ROUTERISK_STORE", "", "where layers are kept: empty for the file store in --data-dir; postgres://user@host:5432/db for PostGIS, shared by every replica"},
	{"redis-url", "ROUTERISK_REDIS_URL", "", "Redis for the shared cache tier, redis://[user:pass@]host:port/db; empty: in-process cache only"},
	{"redis-timeout", "ROUTERISK_REDIS_TIMEOUT", "50ms", "longest wait for one Redis call before serving without it"},
	{"cache-ttl", "ROUTERISK_CACHE_TTL", "24h", "lifetime of a response in Redis"},
	{"cache-local-bytes", "ROUTERISK_CACHE_LOCAL_BYTES", "128MiB", "size of the in-process cache tier (bytes; KiB, MiB, GiB suffixes)"},
	{"tile-url", "ROUTERISK_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "online basemap tiles, added when reachable; \"none\" or empty: offline basemap only"},
	{"tile-attribution", "ROUTERISK_TILE_ATTRIBUTION", "© OpenStreetMap contributors", "attribution of the online tiles"},
	{"log-level", "ROUTERISK_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"log-format", "ROUTERISK_LOG_FORMAT", "text", "text or json"},
	{"shutdown-timeout", "ROUTERISK_SHUTDOWN_TIMEOUT", "10s", "how long in-flight requests may finish on SIGTERM"},
	{"session-ttl", "ROUTERISK_SESSION_TTL", "8h", "how long a dashboard sign-in lasts"},
	{"consistency", "ROUTERISK_CONSISTENCY", "strict", "with PostGIS: strict asks the store on every API request whether another replica changed a layer (one query each), so no answer comes from a replaced version; eventual relies on notices and sync-interval"},
	{"sync-interval", "ROUTERISK_SYNC_INTERVAL", "5s", "how often the store is checked for layers another replica (or `routerisk import`) changed; PostGIS also notifies at once"},
	{"upload-max-bytes", "ROUTERISK_UPLOAD_MAX_BYTES", "100MiB", "largest uploaded file (upload_max_bytes)"},
	{"upload-max-features", "ROUTERISK_UPLOAD_MAX_FEATURES", "1000000", "most features in one upload (max_features)"},
	{"upload-max-vertices", "ROUTERISK_UPLOAD_MAX_VERTICES", "20000000", "most coordinates in one upload (max_vertices)"},
	{"upload-max-properties", "ROUTERISK_UPLOAD_MAX_PROPERTIES", "200", "most properties on one feature (max_properties)"},
	{"upload-max-value-length", "ROUTERISK_UPLOAD_MAX_VALUE_LENGTH", "65536", "longest property value in bytes (max_value_length)"},
	{"upload-concurrency", "ROUTERISK_UPLOAD_CONCURRENCY", "2", "uploads read at once; more are answered 429 (upload_concurrency)"},
	{"public-url", "ROUTERISK_PUBLIC_URL", "", "the address others reach this server at (https://maps.example.org), used in embed links and oEmbed; empty: the request's own"},
	{"embed-origins", "ROUTERISK_EMBED_ORIGINS", "*", "sites that may frame /embed, space- or comma-separated (https://reports.example.org); * for any"},
	{"audit-max-bytes", "ROUTERISK_AUDIT_MAX_BYTES", "16MiB", "with the file store: size at which the audit log (DATA/audit.log) is rotated to audit.N.log"},
	{"audit-keep", "ROUTERISK_AUDIT_KEEP", "10", "with the file store: rotated audit files kept; older ones are deleted"},
	{"embed-key", "ROUTERISK_EMBED_KEY", "", "hex key (16+ bytes) that signs embed tokens, shared by every replica; empty: one is made and kept with the embeds (the data folder, or PostGIS with --store)"},
}

// LoadConfig reads the configuration from environment variables, then
// flags, which win. Every problem is reported at once.
func LoadConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	vals := map[string]string{}
	for _, s := range settings {
		vals[s.flag] = s.def
		if v, ok := lookup(getenv, s.env); ok {
			vals[s.flag] = v
		}
	}
	fs := flag.NewFlagSet("routerisk serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flagVals := map[string]*string{}
	for _, s := range settings {
		flagVals[s.flag] = fs.String(s.flag, vals[s.flag], fmt.Sprintf("%s (env %s)", s.usage, s.env))
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	for k, p := range flagVals {
		vals[k] = *p
	}

	var errs []error
	c := Config{
		Addr:            vals["addr"],
		DataDir:         vals["data-dir"],
		Store:           vals["store"],
		RedisURL:        vals["redis-url"],
		TileURL:         vals["tile-url"],
		TileAttribution: vals["tile-attribution"],
		LogLevel:        vals["log-level"],
		LogFormat:       vals["log-format"],
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q: use host:port, e.g. 127.0.0.1:8080", c.Addr))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("--addr %q: port must be 0–65535", c.Addr))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("--data-dir is empty: give a folder for the layer store"))
	}
	if err := checkStoreURL("store", c.Store); err != nil {
		errs = append(errs, err)
	}
	if c.RedisURL != "" {
		if _, err := cache.UniversalOptions(c.RedisURL); err != nil {
			errs = append(errs, fmt.Errorf("--redis-url %q: use redis://host:port/db (one server), redis://host1:port,host2:port,… (Redis Cluster) or redis://host:port?master_name=NAME (Sentinel), or rediss://… for TLS: %v", redact(c.RedisURL), err))
		}
	}
	if c.TileURL == "none" {
		c.TileURL = ""
	}
	if c.TileURL != "" {
		if u, err := url.Parse(c.TileURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			!strings.Contains(c.TileURL, "{z}") || !strings.Contains(c.TileURL, "{x}") || !strings.Contains(c.TileURL, "{y}") {
			errs = append(errs, fmt.Errorf("--tile-url %q: use an http(s) URL template with {z}, {x} and {y}, or empty for none", c.TileURL))
		}
	}
	c.RedisTimeout = duration(&errs, "redis-timeout", vals["redis-timeout"], time.Millisecond, time.Minute)
	c.CacheTTL = duration(&errs, "cache-ttl", vals["cache-ttl"], time.Second, 365*24*time.Hour)
	c.ShutdownTimeout = duration(&errs, "shutdown-timeout", vals["shutdown-timeout"], 0, time.Hour)
	if n, err := parseBytes(vals["cache-local-bytes"]); err != nil || n < 1<<20 {
		errs = append(errs, fmt.Errorf("--cache-local-bytes %q: use a size of at least 1MiB, e.g. 128MiB", vals["cache-local-bytes"]))
	} else {
		c.CacheLocalBytes = n
	}
	c.SessionTTL = duration(&errs, "session-ttl", vals["session-ttl"], time.Minute, 30*24*time.Hour)
	c.Consistency = vals["consistency"]
	if c.Consistency != "strict" && c.Consistency != "eventual" {
		errs = append(errs, fmt.Errorf("--consistency %q: use strict or eventual", c.Consistency))
	}
	c.SyncInterval = duration(&errs, "sync-interval", vals["sync-interval"], 100*time.Millisecond, time.Hour)
	if p := vals["public-url"]; p != "" {
		if u, err := url.Parse(p); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			errs = append(errs, fmt.Errorf("--public-url %q: use scheme://host[:port], such as https://maps.example.org", p))
		} else {
			c.PublicURL = strings.TrimSuffix(p, "/")
		}
	}
	for _, o := range strings.FieldsFunc(vals["embed-origins"], func(r rune) bool { return r == ',' || r == ' ' }) {
		if !validFrameAncestor(o) {
			errs = append(errs, fmt.Errorf("--embed-origins: %q is not an origin; use * or scheme://host[:port] such as https://reports.example.org (a leading *. for subdomains)", o))
			continue
		}
		c.EmbedOrigins = append(c.EmbedOrigins, o)
	}
	if k := vals["embed-key"]; k != "" {
		if b, err := hex.DecodeString(k); err != nil || len(b) < 16 {
			errs = append(errs, errors.New("--embed-key: use 32 or more hex digits (16+ bytes), e.g. from `openssl rand -hex 32`"))
		} else {
			c.EmbedKey = b
		}
	}
	if n, err := parseBytes(vals["upload-max-bytes"]); err != nil || n < 1<<10 {
		errs = append(errs, fmt.Errorf("--upload-max-bytes %q: use a size of at least 1KiB, e.g. 100MiB", vals["upload-max-bytes"]))
	} else {
		c.Uploads.MaxBytes = n
	}
	if n, err := parseBytes(vals["audit-max-bytes"]); err != nil || n < 1<<10 {
		errs = append(errs, fmt.Errorf("--audit-max-bytes %q: use a size of at least 1KiB, e.g. 16MiB", vals["audit-max-bytes"]))
	} else {
		c.Audit.AuditMaxBytes = n
	}
	c.Audit.AuditKeep = positive(&errs, "audit-keep", vals["audit-keep"])
	c.Uploads.Limits.MaxFeatures = positive(&errs, "upload-max-features", vals["upload-max-features"])
	c.Uploads.Limits.MaxVertices = positive(&errs, "upload-max-vertices", vals["upload-max-vertices"])
	c.Uploads.Limits.MaxProperties = positive(&errs, "upload-max-properties", vals["upload-max-properties"])
	c.Uploads.Limits.MaxValueLength = positive(&errs, "upload-max-value-length", vals["upload-max-value-length"])
	c.UploadConcurrency = positive(&errs, "upload-concurrency", vals["upload-concurrency"])
	c.Uploads.SpoolDir = filepath.Join(c.DataDir, "uploads")
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: use debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format %q: use text or json", c.LogFormat))
	}
	return c, errors.Join(errs...)
}

// positive reads a whole number of at least 1.
func positive(errs *[]error, name, v string) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		*errs = append(*errs, fmt.Errorf("--%s %q: use a whole number of at least 1", name, v))
		return 0
	}
	return n
}

func lookup(getenv func(string) string, key string) (string, bool) {
	v := getenv(key)
	return v, v != ""
}

func duration(errs *[]error, name, v string, lo, hi time.Duration) time.Duration {
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		*errs = append(*errs, fmt.Errorf("--%s %q: use a duration from %s to %s, e.g. 50ms, 10s, 24h", name, v, lo, hi))
	}
	return d
}

// parseBytes reads sizes such as 1048576, 512KiB, 128MiB, 1GiB (also KB/MB/GB, as powers of 1024).
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || n > (1<<50)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

// redact hides the password of a URL for messages and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// validFrameAncestor reports whether s is a CSP frame-ancestors source
// this server accepts: *, or an http(s) origin whose host may start with *.
func validFrameAncestor(s string) bool {
	if s == "*" {
		return true
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return false
	}
	host := strings.TrimPrefix(u.Hostname(), "*.")
	return host != "" && !strings.ContainsAny(host, "*;' \"")
}
