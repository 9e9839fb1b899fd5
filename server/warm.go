package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/reads"
)

// FirstRequests are the API requests the dashboard makes when an
// anonymous visitor opens it on the bundled layers (1400×900, the map at
// zoom 2; the public incident cells follow the zoom, so the zooms around
// it are asked too; the route-risk layer comes for the zoom band shown,
// whose answer the band's top zoom names, and whole for the zooms past
// the bands), as the dashboard writes them (frontend
// features/filters featureParams, features/risk riskParams): each
// answered once in the background makes the dashboard's first requests
// cache hits. The analyses are asked without parameters, so they run at
// the defaults the server parses for the dashboard's request (the
// dashboard sends those defaults explicitly, which gives the same cache
// key), whatever those defaults become.
var FirstRequests = []string{
	"/api/v1/risk/segments?zoom=3",
	"/api/v1/risk/segments",
	"/api/v1/risk/priorities",
	"/api/v1/layers/incidents/features?properties=dead%2Cmissing&precision=4&limit=50000&zoom=2",
	"/api/v1/layers/incidents/features?properties=dead%2Cmissing&precision=4&limit=50000&zoom=1",
	"/api/v1/layers/incidents/features?properties=dead%2Cmissing&precision=4&limit=50000&zoom=3",
	"/api/v1/layers/routes/features?properties=name%2Capproximate&precision=4&limit=50000",
	"/api/v1/layers/services/features?properties=category%2Clast_verified&precision=1&limit=50000",
	"/api/v1/layers/routes/values?property=name",
	"/api/v1/layers/services/values?property=category",
	"/api/v1/layers/incidents/values?property=route",
	"/api/v1/layers/incidents/values?property=cause_category",
	// Right after the first render: the time panel's series.
	"/api/v1/layers/incidents/months",
}

// Warmer answers a list of requests in the background, as an anonymous
// caller, through the app's own routes: at start-up and again after every
// change of the layers (a version published, restored or deleted here,
// or loaded from the store). The answers land in the cache, and the
// first visitor's requests are hits. Warm says whether the last round,
// for the layers served now, is done.
type Warmer struct {
	requests []string
	log      *slog.Logger

	mu      sync.Mutex
	handler http.Handler
	kick    chan struct{}
	changes atomic.Int64 // layer changes seen
	warmAt  atomic.Int64 // changes+1 when the last round for them ended; 0 before
}

// NewWarmer returns a warmer of requests (FirstRequests when nil); pass it
// in Options.Warmer and call Run. log may be nil.
func NewWarmer(requests []string, log *slog.Logger) *Warmer {
	if requests == nil {
		requests = FirstRequests
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Warmer{requests: requests, log: log, kick: make(chan struct{}, 1)}
}

// attach makes w warm through h, and again whenever lib changes.
func (w *Warmer) attach(h http.Handler, lib *reads.Library) {
	w.mu.Lock()
	w.handler = h
	w.mu.Unlock()
	lib.OnChange(w.changed)
}

// changed notes a change of the layers: what was warm is not any more.
func (w *Warmer) changed() {
	w.changes.Add(1)
	select {
	case w.kick <- struct{}{}:
	default: // a round is due already
	}
}

// Warm reports whether every request was answered for the layers served now.
func (w *Warmer) Warm() bool { return w.warmAt.Load() == w.changes.Load()+1 }

// Run warms at once, then after every change of the layers (changes made
// during a round bring one more round), until ctx ends. The app must have
// been built with w in Options.Warmer.
func (w *Warmer) Run(ctx context.Context) {
	w.mu.Lock()
	h := w.handler
	w.mu.Unlock()
	if h == nil {
		panic("server: Warmer.Run before server.New attached it")
	}
	for {
		seen := w.changes.Load()
		w.round(ctx, h)
		if ctx.Err() != nil {
			return
		}
		w.warmAt.Store(seen + 1)
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		}
	}
}

// round answers every request once, one at a time: the analyses it starts
// take their place among the others (see analysis limits).
func (w *Warmer) round(ctx context.Context, h http.Handler) {
	start := time.Now()
	computed := 0
	for _, target := range w.requests {
		if ctx.Err() != nil {
			return
		}
		req, err := http.NewRequestWithContext(answers.InBackground(context.WithValue(ctx, warmingKey{}, true)), http.MethodGet, target, nil)
		if err != nil {
			w.log.Error("warming: a request that cannot be made", "target", target, "error", err)
			continue
		}
		req.RemoteAddr = "127.0.0.1:0"
		req.Header.Set("Accept-Encoding", "gzip")
		rec := &warmWriter{header: http.Header{}}
		t := time.Now()
		h.ServeHTTP(rec, req)
		cache := rec.header.Get("X-Cache")
		if cache != "HIT" {
			computed++
		}
		// A layer the store does not hold (404) is no fault of the warmer.
		level := slog.LevelDebug
		if rec.status >= 500 {
			level = slog.LevelWarn
		}
		w.log.Log(ctx, level, "warming", "target", target, "status", rec.status, "cache", cache, "took", time.Since(t).Round(time.Millisecond))
	}
	w.log.Info("warm: the dashboard's first answers are ready", "requests", len(w.requests), "computed", computed, "took", time.Since(start).Round(time.Millisecond))
}

// warmingKey marks the context of a warming request: it is left out of
// the request metrics and the request log, which count callers.
type warmingKey struct{}

// warming reports whether r is a warming request.
func warming(r *http.Request) bool {
	v, _ := r.Context().Value(warmingKey{}).(bool)
	return v
}

// warmWriter keeps the status and headers of a warming answer and drops
// its body, which is in the cache.
type warmWriter struct {
	header http.Header
	status int
}

func (w *warmWriter) Header() http.Header { return w.header }

func (w *warmWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}

func (w *warmWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
