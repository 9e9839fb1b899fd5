// Package web holds what every HTTP route of RouteRisk shares: writing an
// answer from the cache, and the privacy view decided for the request
// where it came in. The JSON API (package server) and the OGC API (package
// ogc) both use it.
package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/answers"
)

// HeaderFiltersIgnored names, comma-separated and sorted, the map filters
// (geodata.MapFilters) a feature query gave that its layer does not have:
// they were left out, and the answer is the layer's without them.
const HeaderFiltersIgnored = "X-Filters-Ignored"

// Media types the routes answer in.
const (
	ContentGeoJSON = "application/geo+json"
	ContentCSV     = "text/csv; charset=utf-8"
)

// viewKey is where the request's privacy view is kept in the Echo context.
const viewKey = "routerisk.view"

// SetView records the privacy view decided for the request.
func SetView(c echo.Context, v privacy.View) { c.Set(viewKey, v) }

// View returns the privacy view decided for the request; the public view
// when none was, so a route that forgot it errs on the side of the
// people in the data.
func View(c echo.Context) privacy.View {
	if v, ok := c.Get(viewKey).(privacy.View); ok {
		return v
	}
	return privacy.PublicView()
}

// SendCached writes a cached answer: its ETag and cache outcome, the gzip
// bytes untouched when the client accepts gzip, inflated otherwise, and
// 304 when the client's copy is current.
func SendCached(c echo.Context, res answers.Result, contentType string) error {
	hd := c.Response().Header()
	hd.Set("ETag", res.ETag)
	hd.Set("X-Cache", res.Cache)
	hd.Set("Cache-Control", "no-cache")
	hd.Add("Vary", "Accept-Encoding")
	if res.NotModified {
		return c.NoContent(http.StatusNotModified)
	}
	if AcceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
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
	hd.Set(echo.HeaderContentType, contentType)
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), zr)
	return err
}

// AcceptsGzip reads an Accept-Encoding header: gzip (or *) listed without q=0.
func AcceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
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

// NotModified answers 304 when the request's If-None-Match names etag,
// and reports whether it did; otherwise it sets the ETag header.
func NotModified(c echo.Context, etag string) (bool, error) {
	c.Response().Header().Set("ETag", etag)
	if answers.MatchETag(c.Request().Header.Get("If-None-Match"), etag) {
		return true, c.NoContent(http.StatusNotModified)
	}
	return false, nil
}
