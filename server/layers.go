package server

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/analysis"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/reads"
	"github.com/routerisk/routerisk/server/web"
)

func (h *handlers) layers(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"layers": h.uc.Reader.Layers(web.View(c))})
}

func (h *handlers) layer(c echo.Context) error {
	m, err := h.uc.Reader.Layer(web.View(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

// layerCoverage answers a service layer's coverage outline as GeoJSON.
func (h *handlers) layerCoverage(c echo.Context) error {
	for name := range c.QueryParams() {
		return geodata.InvalidParam(name, "is not known here", "this endpoint takes no parameters")
	}
	res, err := h.uc.Analysis.Coverage(c.Request().Context(), analysis.CoverageRequest{
		View: web.View(c), Layer: c.Param("id"), IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	if err != nil {
		return err
	}
	return web.SendCached(c, res, web.ContentGeoJSON)
}

func (h *handlers) features(c echo.Context) error {
	res, err := h.uc.Reader.Features(c.Request().Context(), reads.FeaturesRequest{
		View:        web.View(c),
		Layer:       c.Param("id"),
		Params:      c.QueryParams(),
		RawQuery:    c.Request().URL.RawQuery,
		Path:        c.Request().URL.Path,
		IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	if err != nil {
		return err
	}
	if ignored, err := h.uc.Reader.IgnoredFilters(c.Param("id"), c.QueryParams()); err == nil && len(ignored) > 0 {
		c.Response().Header().Set(web.HeaderFiltersIgnored, strings.Join(ignored, ","))
	}
	return web.SendCached(c, res, web.ContentGeoJSON)
}

// values answers the distinct values of one property with their counts,
// narrowed by the other filters given (datetime, route, cause, …).
func (h *handlers) values(c echo.Context) error {
	params := c.QueryParams()
	props := params["property"]
	if len(props) == 0 || props[0] == "" {
		return geodata.InvalidParam("property", "is missing", "use property=NAME with a property of the layer's schema")
	}
	if len(props) > 1 {
		return geodata.InvalidParam("property", "is given more than once", "ask for one property per request")
	}
	filters := make(url.Values, len(params))
	for name, v := range params {
		if name != "property" {
			filters[name] = v
		}
	}
	res, err := h.uc.Reader.Values(c.Request().Context(), web.View(c), c.Param("id"), props[0], filters, c.Request().Header.Get("If-None-Match"))
	if err != nil {
		return err
	}
	return web.SendCached(c, res, echo.MIMEApplicationJSON)
}

// months answers the incidents, dead and missing per month of an
// incident layer under the filters given.
func (h *handlers) months(c echo.Context) error {
	res, err := h.uc.Reader.Months(c.Request().Context(), web.View(c), c.Param("id"), c.QueryParams(), c.Request().Header.Get("If-None-Match"))
	if err != nil {
		return err
	}
	return web.SendCached(c, res, echo.MIMEApplicationJSON)
}

func (h *handlers) feature(c echo.Context) error {
	body, _, err := h.uc.Reader.Feature(web.View(c), c.Param("id"), c.Param("fid"))
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, web.ContentGeoJSON, body)
}

// download sends a whole layer as GeoJSON, CSV (with a HXL hashtag row
// when hxl=1), KML or GeoPackage. Restricted layers need the staff role.
func (h *handlers) download(c echo.Context) error {
	m, err := h.uc.Library.Layer(c.Param("id"))
	if err != nil {
		return err
	}
	if m.Sensitivity == geodata.Restricted {
		if err := require(auth.Staff)(func(echo.Context) error { return nil })(c); err != nil {
			return err
		}
	}
	withHXL, err := web.HXLParam(c.QueryParams(), false)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	if format == "" {
		format = "geojson"
	}
	ctype, ext := map[string][2]string{
		"geojson": {"application/geo+json", "geojson"},
		"csv":     {web.ContentCSV, "csv"},
		"kml":     {"application/vnd.google-earth.kml+xml", "kml"},
		"gpkg":    {contentGeoPackage, "gpkg"},
	}[format][0], format
	if ctype == "" {
		return geodata.InvalidParam("format", fmt.Sprintf("is %q", geodata.Truncate(format, 20)), "one of "+strings.Join(reads.DownloadFormats, ", "))
	}
	if format == "gpkg" {
		return h.downloadGeoPackage(c, m)
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-v%d.%s"`, m.ID, m.Version, ext))
	hd.Set("Cache-Control", "private, no-store")
	hd.Set(echo.HeaderContentType, ctype)
	c.Response().WriteHeader(http.StatusOK)
	if _, err := h.uc.Reader.Download(m.ID, format, reads.DownloadOptions{HXL: withHXL}, c.Response()); err != nil {
		h.opts.Logger.Error("download", "layer", m.ID, "err", err) // the status is sent; the body is cut short
	}
	return nil
}

// contentGeoPackage is the media type of a GeoPackage (OGC 12-128r18).
const contentGeoPackage = "application/geopackage+sqlite3"

// downloadGeoPackage writes the layer to a GeoPackage in a temporary
// directory, sends it and removes it.
func (h *handlers) downloadGeoPackage(c echo.Context, m geodata.Meta) error {
	dir, err := os.MkdirTemp("", "routerisk-gpkg-")
	if err != nil {
		return &geodata.Error{Code: geodata.Internal, Message: "the GeoPackage could not be written", Err: err}
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, m.ID+".gpkg")
	m, err = h.uc.Reader.DownloadGeoPackage(c.Request().Context(), m.ID, path)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return &geodata.Error{Code: geodata.Internal, Message: "the GeoPackage could not be read back", Err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &geodata.Error{Code: geodata.Internal, Message: "the GeoPackage could not be read back", Err: err}
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-v%d.gpkg"`, m.ID, m.Version))
	hd.Set("Cache-Control", "private, no-store")
	hd.Set(echo.HeaderContentType, contentGeoPackage)
	hd.Set(echo.HeaderContentLength, strconv.FormatInt(st.Size(), 10))
	c.Response().WriteHeader(http.StatusOK)
	if _, err := io.Copy(c.Response(), f); err != nil {
		h.opts.Logger.Error("download", "layer", m.ID, "err", err) // the status is sent; the body is cut short
	}
	return nil
}

// auditReads counts, after the answer, a staff read or download of a
// restricted layer's features (JSON API, OGC API items, downloads) in
// the read log: one audit entry per caller, layer and hour.
func (h *handlers) auditReads(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if h.opts.ReadLog == nil || err != nil || c.Response().Status != http.StatusOK || web.View(c).Tier != privacy.Staff {
			return err
		}
		path := c.Path()
		if strings.HasPrefix(path, "/ogc") && !strings.Contains(path, "/items") {
			return err // collection metadata, not features
		}
		id := c.Param("id")
		if m, lerr := h.uc.Library.Layer(id); lerr != nil || m.Sensitivity != geodata.Restricted {
			return err
		}
		action := "read"
		if strings.HasSuffix(path, "/download") {
			action = "download"
		}
		h.opts.ReadLog.Note(actor(c), id, action)
		return err
	}
}
