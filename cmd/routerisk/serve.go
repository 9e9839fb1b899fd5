package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/routerisk/routerisk/frontend"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/sample"
	"github.com/routerisk/routerisk/server"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/usecases"
)

// Serve builds every part from cfg and serves until ctx ends. When ready
// is not nil it receives the listening address once the server accepts
// connections (tests listen on port 0).
func Serve(ctx context.Context, cfg Config, logOut io.Writer, ready chan<- string) error {
	log := newLogger(cfg, logOut)
	st, err := openStore(ctx, cfg.DataDir, cfg.Store, cfg.Audit)
	if err != nil {
		return err
	}
	defer st.Close()
	// API tokens and issued embeds live with the layers: in PostGIS every
	// replica shares them (and the embed signing key, unless --embed-key
	// gives it), else in the data folder.
	tokenStore, embedStore, err := st.accountStores(cfg.DataDir)
	if err != nil {
		return err
	}
	tokens := auth.NewTokens(tokenStore)
	embeds, err := auth.OpenEmbeds(ctx, embedStore, cfg.EmbedKey)
	if err != nil {
		return err
	}
	// Uploads interrupted by a crash leave their spooled files here.
	if err := os.RemoveAll(cfg.Uploads.SpoolDir); err != nil {
		return err
	}
	if err := installSamples(ctx, st, log); err != nil {
		return fmt.Errorf("installing the bundled layers: %w", err)
	}

	local := cache.NewLRU(cfg.CacheLocalBytes)
	tiered := &cache.Tiered{Local: local}
	var redisTier *cache.Redis
	if cfg.RedisURL != "" {
		redisTier, err = cache.NewRedis(cache.RedisOptions{URL: cfg.RedisURL, TTL: cfg.CacheTTL, Timeout: cfg.RedisTimeout})
		if err != nil {
			return usage{err}
		}
		defer redisTier.Close()
		tiered.Remote = redisTier
		if err := redisTier.Ping(ctx); err != nil {
			log.Warn("redis is not answering; serving from the in-process cache until it does", "redis", redact(cfg.RedisURL), "error", err)
		}
	}

	// Sessions live where every replica finds them: in Redis when there is
	// one, else in this process.
	sessions := auth.NewSessions(cfg.SessionTTL)
	if redisTier != nil {
		sessions.Store = redisTier.Sessions()
	}

	// The store itself: the library asks it for optional abilities (Generations).
	uc := usecases.New(st.Store, tiered, usecases.Options{UploadConcurrency: cfg.UploadConcurrency, Basemap: frontend.Basemap()})
	start := time.Now()
	if err := uc.Library.Load(ctx); err != nil {
		return fmt.Errorf("loading layers: %w", err)
	}
	log.Info("layers loaded", "layers", len(uc.Library.Layers()), "took", time.Since(start).Round(time.Millisecond))
	// Follow what other replicas (or `routerisk import`) change in the
	// store: at once on a PostGIS notice, at the latest every sync-interval.
	var notices <-chan string
	if st.postgis != nil {
		notices = st.postgis.Watch(ctx)
	}
	go uc.Library.Follow(ctx, cfg.SyncInterval, notices, func(err error) {
		log.Warn("following the store", "error", err)
	})

	// Failed sign-ins are audited as counts per address and minute; what
	// is still counting is written at shutdown.
	guard := auth.NewGuard(auth.GuardOptions{Audit: func(e geodata.AuditEntry) {
		if err := uc.Publishing.Audit(context.WithoutCancel(ctx), e); err != nil {
			log.Error("audit", "err", err)
		}
	}})
	defer guard.Flush()
	// Staff reads of restricted layers: one audit entry per caller, layer and hour.
	readLog := auth.NewReadLog(st)
	defer readLog.Flush()

	// The dashboard's first answers are computed in the background, at
	// start and after every change of the layers; /readyz says when.
	warmer := server.NewWarmer(nil, log)
	app := server.New(server.Options{
		UseCases:        uc,
		Frontend:        frontend.Dist(),
		Logger:          log,
		TileURL:         cfg.TileURL,
		TileAttribution: cfg.TileAttribution,
		Version:         version,
		Checks:          checks(st, tiered, redisTier),
		Collectors:      cacheCollectors(tiered),
		Tokens:          tokens,
		Sessions:        sessions,
		Uploads:         cfg.Uploads,
		Embeds:          embeds,
		EmbedOrigins:    cfg.EmbedOrigins,
		PublicURL:       cfg.PublicURL,
		Strict:          cfg.Consistency == "strict",
		Guard:           guard,
		ReadLog:         readLog,
		Warmer:          warmer,
	})
	go warmer.Run(ctx)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		// Uploads of up to upload-max-bytes are read and checked within one
		// request, so the whole-request timeouts are generous.
		ReadTimeout:  15 * time.Minute,
		WriteTimeout: 15 * time.Minute,
		IdleTimeout:  120 * time.Second,
		// Request headers (cookies, tokens, the URL) fit in 16 KiB; more is
		// answered 431 before any handler runs.
		MaxHeaderBytes: 16 << 10,
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "data_dir", cfg.DataDir, "store", st.String(), "redis", redact(cfg.RedisURL))
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	log.Info("shutting down")
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// installSamples publishes each bundled layer the store has never held
// as its version 1: a new store gets them all, and a bundled layer that
// was deleted stays deleted. On PostGIS, replicas starting together on an
// empty database install each layer once.
func installSamples(ctx context.Context, st *openedStore, log *slog.Logger) error {
	bundled, err := sample.Layers()
	if err != nil {
		return err
	}
	for _, b := range bundled {
		if _, err := st.Versions(ctx, b.Meta.ID); geodata.ErrorCode(err) != geodata.NotFound {
			if err != nil {
				return err
			}
			continue
		}
		feats, _, err := formats.DecodeGeoJSON(gzipReader(b.GeoJSONGzip))
		if err != nil {
			return fmt.Errorf("bundled layer %s: %w", b.Meta.ID, err)
		}
		l := &geodata.Layer{Meta: b.Meta, Features: feats}
		m, ok, err := st.publishFirst(ctx, l, b.Report, geodata.AuditEntry{Actor: "bundled-sample"})
		if err != nil {
			return err
		}
		if ok {
			log.Info("installed bundled layer", "layer", m.String(), "features", m.FeatureCount)
		}
	}
	return nil
}

func checks(st *openedStore, tiered *cache.Tiered, redisTier *cache.Redis) []server.Check {
	return []server.Check{
		{Name: "store", Critical: true, Run: func(ctx context.Context) server.CheckResult {
			state, detail := st.check(ctx)
			return server.CheckResult{State: state, Detail: detail}
		}},
		{Name: "cache", Run: func(ctx context.Context) server.CheckResult {
			if redisTier == nil {
				return server.CheckResult{State: "ok", Detail: "in-process cache only (no Redis configured)"}
			}
			if err := redisTier.Ping(ctx); err != nil {
				return server.CheckResult{State: "degraded", Detail: "redis unreachable, serving from the in-process cache: " + err.Error()}
			}
			return server.CheckResult{State: "ok", Detail: "in-process cache in front of redis"}
		}},
	}
}

// cacheCollectors exposes the counters of every cache tier to Prometheus.
func cacheCollectors(t *cache.Tiered) []prometheus.Collector {
	stat := func(tier string, pick func(cache.Stats) float64) func() float64 {
		return func() float64 {
			for _, s := range t.Stats() {
				if s.Tier == tier {
					return pick(s)
				}
			}
			return 0
		}
	}
	var out []prometheus.Collector
	for _, tier := range []string{"local", "redis"} {
		labels := prometheus.Labels{"tier": tier}
		counter := func(name, help string, pick func(cache.Stats) float64) {
			out = append(out, prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels}, stat(tier, pick)))
		}
		counter("routerisk_cache_hits_total", "Cache hits by tier.", func(s cache.Stats) float64 { return float64(s.Hits) })
		counter("routerisk_cache_misses_total", "Cache misses by tier.", func(s cache.Stats) float64 { return float64(s.Misses) })
		counter("routerisk_cache_errors_total", "Cache calls that failed, by tier.", func(s cache.Stats) float64 { return float64(s.Errors) })
		counter("routerisk_cache_skipped_total", "Cache calls skipped while the breaker was open, by tier.", func(s cache.Stats) float64 { return float64(s.Skipped) })
		out = append(out, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "routerisk_cache_degraded", Help: "1 while a cache tier is failing and requests are served without it.", ConstLabels: labels,
		}, stat(tier, func(s cache.Stats) float64 {
			if s.State == cache.StateDegraded {
				return 1
			}
			return 0
		})))
	}
	out = append(out, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "routerisk_cache_local_bytes", Help: "Bytes held by the in-process cache tier.",
	}, stat("local", func(s cache.Stats) float64 { return float64(s.Bytes) })))
	return out
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated by LoadConfig
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
