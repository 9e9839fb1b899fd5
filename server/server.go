package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/ogc"
	"github.com/routerisk/routerisk/server/reads"
	"github.com/routerisk/routerisk/server/usecases"
	"github.com/routerisk/routerisk/server/web"
)

// Check reports the state of one dependency for /readyz.
type Check struct {
	Name string
	// Critical checks make /readyz answer 503 when they fail; others only
	// mark the service degraded.
	Critical bool
	Run      func(ctx context.Context) CheckResult
}

// CheckResult is the outcome of a Check.
type CheckResult struct {
	State  string `json:"state"` // ok, degraded, disabled or down
	Detail string `json:"detail,omitempty"`
}

// Options configures the app. UseCases is required; the rest may be zero.
type Options struct {
	UseCases        *usecases.Set
	Frontend        fs.FS // the built frontend; nil serves a notice
	Logger          *slog.Logger
	Checks          []Check
	Collectors      []prometheus.Collector // extra metrics, e.g. cache tier counters
	TileURL         string                 // online basemap tiles; "" for none
	TileAttribution string
	Version         string
	MaxBodyBytes    int64          // default 1 MiB; uploads have their own limit
	Tokens          Tokens         // nil: no token is accepted
	Sessions        *auth.Sessions // nil: no browser sign-in
	Uploads         UploadOptions
	Embeds          EmbedTokens // nil: no signed embeds
	// EmbedOrigins may frame the embed page (CSP frame-ancestors); empty
	// means any site. Every other page may be framed only by this origin.
	EmbedOrigins []string
	// PublicURL is the server's address as others reach it (scheme://host),
	// used in the links it hands out; "" takes the request's own.
	PublicURL string
	// Guard limits failed sign-ins and bearer-token authentications per
	// client address and token id, and writes their audit counts; nil
	// makes one with the defaults, writing to the store's audit log.
	Guard *auth.Guard
	// ReadLog counts staff reads and downloads of restricted layers into
	// the audit log, per caller, layer and hour; nil audits none.
	ReadLog *auth.ReadLog
	// Warmer, when set, answers the dashboard's first requests in the
	// background (see Warmer.Run), and /readyz says when it is done.
	Warmer *Warmer
	// Strict makes every API request check first that the library holds
	// the store's current layers (Library.Fresh): with several replicas, no
	// answer then comes from a version another replica has replaced.
	Strict bool
}

// New builds the Echo app.
func New(o Options) *echo.Echo {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(o.Logger)
	// The client address (the failed sign-in limits are kept per address)
	// comes from X-Forwarded-For only when a proxy on a loopback or private
	// address sent it; from anyone else the header is ignored.
	e.IPExtractor = echo.ExtractIPFromXFFHeader()
	if o.Guard == nil {
		log := o.Logger
		o.Guard = auth.NewGuard(auth.GuardOptions{Audit: func(e geodata.AuditEntry) {
			if err := o.UseCases.Publishing.Audit(context.Background(), e); err != nil {
				log.Error("audit", "err", err)
			}
		}})
	}
	m := newMetrics(append(o.Collectors, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "routerisk_uploads_reading", Help: "Uploads holding a slot now (being read or checked).",
	}, func() float64 { return float64(o.UseCases.Publishing.UploadsReading()) })))
	o.Uploads = o.Uploads.withDefaults()
	h := &handlers{uc: o.UseCases, opts: o, metrics: m, guard: o.Guard}
	ids := newRequestIDs()
	csp, embedCSP := contentPolicies(o.TileURL, frameAncestors(o.EmbedOrigins))

	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		Skipper: func(c echo.Context) bool { return c.Request().URL.Path == "/" },
	}))
	// Cache hits of feature pages are answered first, with what the
	// chain below would have given them (hits.go).
	e.Use(newHits(h, m, o.Logger, ids, csp).middleware)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: ids.next}))
	e.Use(m.middleware)
	e.Use(requestLogger(o.Logger))
	e.Use(middleware.Recover())
	e.Use(securityHeaders(csp, embedCSP))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit:   strconv.FormatInt(o.MaxBodyBytes, 10),
		Skipper: isUpload, // bounded by Uploads.MaxBytes, enforced while streaming
	}))
	e.Use(authenticate(o.Tokens, o.Sessions, o.Embeds, o.UseCases.Library, o.Guard))
	if o.Strict {
		e.Use(fresh(o.UseCases.Library, o.Logger))
	}

	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/metrics", echo.WrapHandler(m.handler()))

	// CORS is attached per route, not to a group: a group with middleware
	// claims every unknown path under it and would turn 405s into 404s.
	cors := middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins:  []string{"*"},
		AllowMethods:  []string{http.MethodGet, http.MethodHead},
		ExposeHeaders: []string{"ETag", "X-Cache", "X-Request-Id", web.HeaderFiltersIgnored},
	})
	read := []string{http.MethodGet, http.MethodHead, http.MethodOptions}
	for path, handler := range map[string]echo.HandlerFunc{
		"/config":                   h.config,
		"/layers":                   h.layers,
		"/layers/:id":               h.layer,
		"/layers/:id/features":      h.features,
		"/layers/:id/features/:fid": h.feature,
		"/layers/:id/values":        h.values,
		"/layers/:id/months":        h.months,
		"/layers/:id/coverage":      h.layerCoverage,
		"/hotspots":                 h.hotspots,
		"/risk/segments":            h.riskSegments,
		"/risk/segments/:id":        h.riskSegment,
		"/risk/priorities":          h.riskPriorities,
		"/risk/backtest":            h.riskBacktest,
		"/risk/routes":              h.riskRoutes,
		"/render.png":               h.renderPNG,
		"/render.svg":               h.renderSVG,
		"/embed":                    h.embedClaimsJSON,
		"/vocabulary":               h.vocabulary,
		"/places":                   h.placesSearch,
	} {
		if strings.HasPrefix(path, "/layers/:id/features") {
			e.Match(read, "/api/v1"+path, handler, cors, h.auditReads)
			continue
		}
		e.Match(read, "/api/v1"+path, handler, cors)
	}
	// Writes and account endpoints: same-origin only (no CORS).
	e.POST("/api/v1/session", h.createSession)
	e.GET("/api/v1/session", h.getSession)
	e.DELETE("/api/v1/session", h.deleteSession)
	editor := require(auth.Editor)
	e.POST("/api/v1/uploads/validate", h.validateUpload, editor)
	e.POST("/api/v1/layers", h.createLayer, editor)
	e.PUT("/api/v1/layers/:id", h.replaceLayer, editor)
	e.DELETE("/api/v1/layers/:id", h.deleteLayer, editor)
	e.GET("/api/v1/layers/:id/versions", h.versions, editor)
	e.POST("/api/v1/layers/:id/versions/:v/restore", h.restoreVersion, editor)
	e.GET("/api/v1/layers/:id/versions/:v/report", h.versionReport, editor)
	e.GET("/api/v1/audit", h.auditLog, require(auth.Admin))
	e.POST("/api/v1/purge", h.purge, require(auth.Admin))
	e.POST("/api/v1/embeds", h.createEmbed, require(auth.Staff))
	e.GET("/api/v1/embeds", h.listEmbeds, require(auth.Admin))
	e.DELETE("/api/v1/embeds/:id", h.revokeEmbed, require(auth.Admin))
	e.GET("/embed", h.embedPage(o.Frontend))
	e.GET("/upload", uploadPage(o.Frontend))
	e.GET("/offline", offlinePage(o.Frontend))
	e.GET("/admin", adminPage(o.Frontend))
	e.Match(read, "/oembed", h.oembed, cors)
	e.GET("/api/v1/layers/:id/download", h.download, h.auditReads)
	e.GET("/api/v1/packs", h.pack, require(auth.Partner))

	ogc.Register(e, ogc.Options{Library: o.UseCases.Library, Reader: o.UseCases.Reader, Middleware: []echo.MiddlewareFunc{cors, h.auditReads}, Version: o.Version})

	mountFrontend(e, o.Frontend)
	if o.Warmer != nil {
		o.Warmer.attach(e, o.UseCases.Library)
	}
	return e
}

// fresh brings the library up to date with the store before an API or OGC
// request. When the store cannot be asked, the request is answered from
// what the library holds, and the failure logged.
func fresh(lib *reads.Library, log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := c.Request().URL.Path
			if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/ogc") {
				if err := lib.Fresh(c.Request().Context()); err != nil {
					log.Warn("checking the store for newer layers", "error", err)
				}
			}
			return next(c)
		}
	}
}

// isUpload reports whether a request carries an upload body.
func isUpload(c echo.Context) bool {
	r := c.Request()
	if r.Method == http.MethodPost && (r.URL.Path == "/api/v1/layers" || r.URL.Path == "/api/v1/uploads/validate") {
		return true
	}
	return r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/api/v1/layers/")
}

func requestLogger(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true,
		LogError: true, HandleError: true,
		Skipper: func(c echo.Context) bool { return warming(c.Request()) },
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("request_id", v.RequestID), slog.String("method", v.Method),
				slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("cache", c.Response().Header().Get("X-Cache")))
			return nil
		},
	})
}

// contentPolicies returns a strict Content-Security-Policy that admits
// only this origin, plus the tile server's origin for images, and the same
// for the embed page, which the sites in embedAncestors may frame.
func contentPolicies(tileURL, embedAncestors string) (csp, embedCSP string) {
	img := "'self' data: blob:"
	if u, err := url.Parse(strings.ReplaceAll(tileURL, "{s}", "a")); err == nil && u.Scheme != "" && u.Host != "" {
		host := u.Host
		if strings.Contains(tileURL, "{s}") {
			host = "*." + strings.TrimPrefix(u.Host, "a.")
		}
		img += " " + u.Scheme + "://" + host
	}
	base := "default-src 'self'; img-src " + img + "; style-src 'self' 'unsafe-inline'; " +
		"script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-src 'self'; frame-ancestors "
	return base + "'self'", base + embedAncestors
}

// securityHeaders sets the Content-Security-Policy (embedCSP on the embed
// page, the only one other sites may frame), nosniff and the referrer
// policy.
func securityHeaders(csp, embedCSP string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			hd := c.Response().Header()
			hd.Set("X-Content-Type-Options", "nosniff")
			hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			if c.Request().URL.Path == "/embed" {
				hd.Set("Content-Security-Policy", embedCSP)
			} else {
				hd.Set("Content-Security-Policy", csp)
				hd.Set("X-Frame-Options", "SAMEORIGIN")
			}
			return next(c)
		}
	}
}

// uploadPage serves the upload page (upload.html of the built frontend) at
// /upload, the address people type and share; its assets are relative, so
// they resolve from /upload as from /upload.html.
func uploadPage(dist fs.FS) echo.HandlerFunc {
	return builtPage(dist, "upload.html", "the upload page")
}

// adminPage serves the admin page (admin.html: the audit log and the
// signed embeds) at /admin. The page asks the API, which answers admins
// only, and tells anyone else to sign in as an administrator.
func adminPage(dist fs.FS) echo.HandlerFunc {
	return builtPage(dist, "admin.html", "the admin page")
}

// offlinePage serves the offline pack viewer (offline.html) at /offline.
// The page reads a pack chosen from disk in the browser and asks nothing
// of the API, so it is open to everyone; the default policy fits it (no
// worker, no blob: script).
func offlinePage(dist fs.FS) echo.HandlerFunc {
	return builtPage(dist, "offline.html", "the offline pack viewer")
}

// builtPage serves one HTML page of the built frontend, or a 404 that
// says how to build it.
func builtPage(dist fs.FS, file, what string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var page []byte
		var err error = fs.ErrNotExist
		if dist != nil {
			page, err = fs.ReadFile(dist, file)
		}
		if err != nil {
			return echo.NewHTTPError(http.StatusNotFound, what+" is not built into this server binary (run `make build`)")
		}
		c.Response().Header().Set("Cache-Control", "no-cache")
		return c.HTMLBlob(http.StatusOK, page)
	}
}

func mountFrontend(e *echo.Echo, dist fs.FS) {
	if dist != nil {
		if _, err := fs.Stat(dist, "index.html"); err == nil {
			fileServer := http.FileServerFS(dist)
			packed := newPackedFiles(dist)
			serve := func(c echo.Context) error {
				p := c.Request().URL.Path
				if strings.HasPrefix(p, "/assets/") {
					c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					c.Response().Header().Set("Cache-Control", "no-cache")
				}
				if p != "/" {
					if _, err := fs.Stat(dist, strings.TrimPrefix(p, "/")); err != nil {
						return echo.ErrNotFound
					}
				}
				if packed.serve(c.Response(), c.Request()) {
					return nil
				}
				fileServer.ServeHTTP(c.Response(), c.Request())
				return nil
			}
			e.GET("/", serve)
			e.GET("/*", serve)
			return
		}
	}
	e.GET("/", func(c echo.Context) error {
		return c.String(http.StatusOK, "RouteRisk API is running; the dashboard is not built into this binary (run `make build`). The API is at /api/v1/layers.\n")
	})
}
