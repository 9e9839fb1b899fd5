package server

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/web"
)

// featuresRoute is the route of the JSON API's feature pages, the
// requests map clients repeat most.
const featuresRoute = "/api/v1/layers/:id/features"

// hits answers a repeated feature page straight from the cache, ahead of
// the middleware chain: route match, the caller's tier, the key memoised
// for the raw query string, one lookup, then the headers every hit shares
// and the stored gzip bytes, written once. Whatever it cannot answer that
// way — a first request, a conditional or cross-origin one, a client
// without gzip, a caller whose credentials fail, an embed — goes down the
// whole chain unchanged, which also gives every error its answer.
//
// A hit keeps what the chain gives it: the same headers (security
// headers, request id, privacy tier, Vary, ETag, X-Cache), the same
// request metrics and log line, and the audit of staff reads of a
// restricted layer.
type hits struct {
	h   *handlers
	log *slog.Logger
	// ids makes the X-Request-Id of requests that bring none.
	ids *requestIDs

	// The headers every hit shares, built once. The slices are shared by
	// every response: nothing appends to them (Header.Add copies a full
	// slice before growing it), and net/http only reads them.
	fixed [][2]any
	tiers map[privacy.Tier][]string

	// Metrics children resolved once: a hit only increments them.
	requests map[string]prometheus.Counter // by method
	latency  prometheus.Observer
	cacheHit prometheus.Counter
}

func newHits(h *handlers, m *metrics, log *slog.Logger, ids *requestIDs, csp string) *hits {
	f := &hits{h: h, log: log, ids: ids, tiers: map[privacy.Tier][]string{}, requests: map[string]prometheus.Counter{}}
	for _, t := range []privacy.Tier{privacy.Public, privacy.Partner, privacy.Staff} {
		f.tiers[t] = []string{string(t)}
	}
	// As securityHeaders, withTier, the CORS middleware (Vary: Origin
	// even without an Origin header) and web.SendCached set them.
	for _, kv := range [][2]string{
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Content-Security-Policy", csp},
		{"X-Frame-Options", "SAMEORIGIN"},
		{"X-Cache", "HIT"},
		{"Cache-Control", "no-cache"},
		{"Content-Encoding", "gzip"},
		{"Content-Type", web.ContentGeoJSON},
	} {
		f.fixed = append(f.fixed, [2]any{http.CanonicalHeaderKey(kv[0]), []string{kv[1]}})
	}
	f.fixed = append(f.fixed, [2]any{"Vary", []string{"Authorization, Cookie", echo.HeaderOrigin, "Accept-Encoding"}})
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		f.requests[method] = m.requests.WithLabelValues(featuresRoute, method, "200")
	}
	f.latency = m.latency.WithLabelValues(featuresRoute)
	f.cacheHit = m.cache.WithLabelValues("HIT")
	return f
}

// middleware is the first of the chain: it answers hits and hands every
// other request on.
func (f *hits) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Path() != featuresRoute || !f.serve(c) {
			return next(c)
		}
		return nil
	}
}

// serve answers c if it is a hit it may answer alone, and reports whether
// it did; when it did not, nothing was written and nothing counted.
func (f *hits) serve(c echo.Context) bool {
	r := c.Request()
	hd := r.Header
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.URL.RawQuery == "" || r.ContentLength != 0 ||
		hd.Get(echo.HeaderOrigin) != "" || hd.Get("If-None-Match") != "" || hd.Get(embedHeader) != "" ||
		!web.AcceptsGzip(hd.Get(echo.HeaderAcceptEncoding)) || warming(r) {
		return false
	}
	start := time.Now()
	p, known, ok := f.caller(c)
	if !ok {
		return false
	}
	o := f.h.opts
	if o.Strict {
		if err := o.UseCases.Library.Fresh(r.Context()); err != nil {
			f.log.Warn("checking the store for newer layers", "error", err)
		}
	}
	tier := privacy.Public
	if known {
		tier = tierOfRole(p.Role)
	}
	id := c.Param("id")
	res, hit := o.UseCases.Reader.CachedFeatures(r.Context(), privacy.View{Tier: tier}, id, r.URL.RawQuery)
	if !hit {
		return false
	}

	rid := hd.Get(echo.HeaderXRequestID)
	if rid == "" {
		rid = f.ids.next()
	}
	out := c.Response().Header()
	for _, kv := range f.fixed {
		out[kv[0].(string)] = kv[1].([]string)
	}
	out[echo.HeaderXRequestID] = []string{rid}
	out["X-Privacy-Tier"] = f.tiers[tier]
	out["Etag"] = []string{res.ETag}
	out[echo.HeaderContentLength] = []string{strconv.Itoa(len(res.Gzip))}
	c.Response().WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = c.Response().Write(res.Gzip) // a client that left is no error of ours
	}

	if o.ReadLog != nil && tier == privacy.Staff {
		if m, err := o.UseCases.Library.Layer(id); err == nil && m.Sensitivity == geodata.Restricted {
			o.ReadLog.Note(p.Actor(), id, "read")
		}
	}
	f.requests[r.Method].Inc()
	f.cacheHit.Inc()
	took := time.Since(start)
	f.latency.Observe(took.Seconds())
	if f.log.Enabled(r.Context(), slog.LevelInfo) {
		f.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", rid), slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", http.StatusOK),
			slog.Duration("latency", took), slog.String("cache", "HIT"))
	}
	return true
}

// caller finds who is asking as authenticate would, without its side
// effects: known is false for an anonymous caller, and ok is false when
// the chain must decide (a malformed header, a caller the guard holds
// back, a token or session that does not check out, a store that cannot
// be asked), so that a failure is answered and counted once, there.
func (f *hits) caller(c echo.Context) (p auth.Principal, known, ok bool) {
	o := f.h.opts
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || o.Tokens == nil {
			return p, false, false
		}
		tok = strings.TrimSpace(tok)
		if !f.h.guard.Calm() {
			if _, keys := guardKeys(c, tok); f.h.guard.Check(keys...) > 0 {
				return p, false, false
			}
		}
		p, err := o.Tokens.Authenticate(tok)
		return p, true, err == nil
	}
	if _, has := c.Request().Header["Cookie"]; !has {
		return p, false, true
	}
	ck, err := c.Cookie(sessionCookie)
	if err != nil || o.Sessions == nil {
		return p, false, true // cookies, but no session: anonymous
	}
	s, err := o.Sessions.Get(c.Request().Context(), ck.Value)
	if err != nil {
		return p, false, false
	}
	if o.Tokens != nil {
		if active, err := o.Tokens.Active(s.Principal.TokenID); err != nil || !active {
			return p, false, false
		}
	}
	return s.Principal, true, true
}

// requestIDs makes request ids: a random prefix drawn at start-up and a
// counter, 32 hexadecimal digits in all. They are unique per process and
// across processes (the prefix), which is all a correlation id needs, and
// cost no read of the random source per request.
type requestIDs struct {
	prefix [16]byte
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	ids := &requestIDs{}
	hex.Encode(ids.prefix[:], b[:])
	return ids
}

func (ids *requestIDs) next() string {
	var b [32]byte
	copy(b[:], ids.prefix[:])
	n := ids.n.Add(1)
	const digits = "0123456789abcdef"
	for i := 31; i >= 16; i-- {
		b[i] = digits[n&15]
		n >>= 4
	}
	return string(b[:])
}
