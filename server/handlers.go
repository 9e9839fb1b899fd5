package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/catalog"
)

const contentGeoJSON = "application/geo+json"

type handlers struct {
	cat     *catalog.Catalog
	opts    Options
	metrics *metrics
	// uploadSlots holds one token per upload being read; its capacity is
	// the upload concurrency limit.
	uploadSlots chan struct{}
	// gcMu guards uploading (uploads being read) and the collector
	// target to restore when the last one ends.
	gcMu           sync.Mutex
	uploading      int
	savedGCPercent int
	// budgeted is the memory granted to the uploads being read, on top of
	// memBase (in use when the first began); savedMemLimit is restored
	// when the last one ends.
	budgeted      int64
	memBase       int64
	savedMemLimit int64
	// basemaps holds the offline basemap for images, decoded on first use.
	basemaps *basemapCache
}

func (h *handlers) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz runs every check; any critical one down → 503.
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
	return c.JSON(code, map[string]any{"status": status, "checks": results, "layers": len(h.cat.Layers())})
}

func (h *handlers) config(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{
		"tile_url": h.opts.TileURL, "tile_attribution": h.opts.TileAttribution, "version": h.opts.Version,
	})
}

func (h *handlers) layers(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"layers": h.cat.Layers()})
}

func (h *handlers) layer(c echo.Context) error {
	m, err := h.cat.Layer(c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

func (h *handlers) features(c echo.Context) error {
	res, err := h.cat.Features(c.Request().Context(), catalog.FeaturesRequest{
		Layer:       c.Param("id"),
		Params:      c.QueryParams(),
		RawQuery:    c.Request().URL.RawQuery,
		Path:        c.Request().URL.Path,
		IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	if err != nil {
		return err
	}
	return sendCached(c, res, contentGeoJSON)
}

func (h *handlers) values(c echo.Context) error {
	params := c.QueryParams()
	for name := range params {
		if name != "property" {
			return geodata.InvalidParam(name, "is not known here", "use property=NAME")
		}
	}
	prop := params.Get("property")
	if prop == "" {
		return geodata.InvalidParam("property", "is missing", "use property=NAME with a property of the layer's schema")
	}
	res, err := h.cat.Values(c.Request().Context(), c.Param("id"), prop, c.Request().Header.Get("If-None-Match"))
	if err != nil {
		return err
	}
	return sendCached(c, res, echo.MIMEApplicationJSON)
}

func (h *handlers) feature(c echo.Context) error {
	body, _, err := h.cat.Feature(c.Request().Context(), c.Param("id"), c.Param("fid"))
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, contentGeoJSON, body)
}

// sendCached writes a cached result: the gzip bytes untouched when the
// client accepts gzip, inflated otherwise.
func sendCached(c echo.Context, res catalog.Result, contentType string) error {
	hd := c.Response().Header()
	hd.Set("ETag", res.ETag)
	hd.Set("X-Cache", res.Cache)
	hd.Set("Cache-Control", "no-cache")
	hd.Add("Vary", "Accept-Encoding")
	if res.NotModified {
		return c.NoContent(http.StatusNotModified)
	}
	if acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
		// A known length spares the chunked encoding and lets the
		// bytes go out in as few writes as the socket allows.
		hd.Set("Content-Encoding", "gzip")
		hd.Set(echo.HeaderContentType, contentType)
		hd.Set(echo.HeaderContentLength, strconv.Itoa(len(res.Gzip)))
		if c.Request().Method == http.MethodHead {
			return c.NoContent(http.StatusOK)
		}
		c.Response().WriteHeader(http.StatusOK)
		_, err := c.Response().Write(res.Gzip)
		return err
	}
	if c.Request().Method == http.MethodHead {
		hd.Set(echo.HeaderContentType, contentType)
		return c.NoContent(http.StatusOK)
	}
	zr, err := gzip.NewReader(bytes.NewReader(res.Gzip))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, contentType)
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), zr)
	return err
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) listed without q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			return false
		}
		return true
	}
	return false
}

// hotspots answers the incident hotspot analysis; layer= names the
// incident layer (default: incidents), every other parameter is the
// analysis's own.
func (h *handlers) hotspots(c echo.Context) error {
	params := c.QueryParams()
	layer := params.Get("layer")
	if len(params["layer"]) > 1 {
		return geodata.InvalidParam("layer", "is given more than once", "give one incident layer id")
	}
	delete(params, "layer")
	res, err := h.cat.Hotspots(c.Request().Context(), catalog.HotspotsRequest{
		Layer: layer, Params: params, IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	if err != nil {
		return err
	}
	return sendCached(c, res, contentGeoJSON)
}

// riskSegments answers every route segment with its risk and coverage.
func (h *handlers) riskSegments(c echo.Context) error {
	res, err := h.cat.Risk(c.Request().Context(), catalog.RiskRequest{
		Params: c.QueryParams(), IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	if err != nil {
		return err
	}
	return sendCached(c, res, contentGeoJSON)
}

// riskSegment explains one route segment: the incidents counted for it,
// their tally by year and its nearest services.
func (h *handlers) riskSegment(c echo.Context) error {
	id := c.Param("id")
	if u, err := url.PathUnescape(id); err == nil {
		id = u // a client may escape the colon of the id
	}
	res, err := h.cat.RiskExplain(c.Request().Context(), catalog.RiskExplainRequest{
		Segment: id, Params: c.QueryParams(), IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	if err != nil {
		return err
	}
	return sendCached(c, res, echo.MIMEApplicationJSON)
}

// riskPriorities answers the ranked outreach priorities; limit= bounds
// the list, every other parameter is the analysis's own.
func (h *handlers) riskPriorities(c echo.Context) error {
	params := c.QueryParams()
	limit := 0
	if vals, ok := params["limit"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
		if len(vals) > 1 || err != nil || n < 1 || n > catalog.MaxPriorities {
			return geodata.InvalidParam("limit", fmt.Sprintf("is %q", strings.Join(vals, ",")),
				fmt.Sprintf("use a whole number from 1 to %d (default %d)", catalog.MaxPriorities, catalog.DefaultPriorities))
		}
		limit = n
		delete(params, "limit")
	}
	csv := false
	if vals, ok := params["format"]; ok {
		if len(vals) > 1 || (vals[0] != "csv" && vals[0] != "geojson") {
			return geodata.InvalidParam("format", fmt.Sprintf("is %q", strings.Join(vals, ",")), "use format=geojson (default) or format=csv")
		}
		csv = vals[0] == "csv"
		delete(params, "format")
	}
	res, err := h.cat.Risk(c.Request().Context(), catalog.RiskRequest{
		Params: params, Priorities: true, Limit: limit, CSV: csv, IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	if err != nil {
		return err
	}
	if csv {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="outreach-priorities.csv"`)
		return sendCached(c, res, "text/csv; charset=utf-8")
	}
	return sendCached(c, res, contentGeoJSON)
}
