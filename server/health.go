package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/usecases"
)

// handlers answer the HTTP routes: each parses its request, calls one use
// case and writes the answer.
type handlers struct {
	uc      *usecases.Set
	opts    Options
	metrics *metrics
	guard   *auth.Guard
}

func (h *handlers) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz runs every check; any critical one down → 503. With a warmer,
// "warm" says whether the dashboard's first answers are computed for the
// layers served now; it never changes the status: a replica that is not
// warm yet answers every request, computing what is not cached.
func (h *handlers) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	status, code := "ok", http.StatusOK
	results := map[string]CheckResult{}
	for _, chk := range h.opts.Checks {
		r := chk.Run(ctx)
		results[chk.Name] = r
		switch {
		case r.State == "down" && chk.Critical:
			status, code = "down", http.StatusServiceUnavailable
		case r.State != "ok" && r.State != "disabled" && status == "ok":
			status = "degraded"
		}
	}
	body := map[string]any{"status": status, "checks": results, "layers": len(h.uc.Library.Layers())}
	if h.opts.Warmer != nil {
		body["warm"] = h.opts.Warmer.Warm()
	}
	return c.JSON(code, body)
}

func (h *handlers) config(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{
		"tile_url": h.opts.TileURL, "tile_attribution": h.opts.TileAttribution, "version": h.opts.Version,
	})
}
