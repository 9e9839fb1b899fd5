package ogc

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/reads"
)

// Prefix is the path under which the OGC API is served.
const Prefix = "/ogc"

// Media types of the representations served.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaHTML    = "text/html"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	mediaSchema  = "application/schema+json"
)

// CRS84 is the one coordinate reference system served: WGS 84
// longitude, latitude.
const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// Options configures the OGC API. Library and Reader are required.
type Options struct {
	Library *reads.Library
	Reader  *reads.Reader
	// Middleware runs on every OGC route, such as CORS for reads.
	Middleware []echo.MiddlewareFunc
	Title      string // of the landing page; default "RouteRisk"
	Version    string // of the API definition; default "dev"
}

// service answers the OGC API requests.
type service struct {
	lib     *reads.Library
	reader  *reads.Reader
	title   string
	version string
	pages   *pages
}

// Register adds the OGC API routes under Prefix to e, for GET, HEAD and
// OPTIONS.
func Register(e *echo.Echo, o Options) {
	s := &service{lib: o.Library, reader: o.Reader, title: o.Title, version: o.Version, pages: newPages()}
	if s.title == "" {
		s.title = "RouteRisk"
	}
	if s.version == "" {
		s.version = "dev"
	}
	read := []string{http.MethodGet, http.MethodHead, http.MethodOptions}
	for path, h := range map[string]echo.HandlerFunc{
		"":                            s.landing,
		"/conformance":                s.conformance,
		"/api":                        s.api,
		"/collections":                s.collections,
		"/collections/:id":            s.collection,
		"/collections/:id/queryables": s.queryables,
		"/collections/:id/items":      s.items,
		"/collections/:id/items/:fid": s.item,
	} {
		e.Match(read, Prefix+path, h, o.Middleware...)
	}
}

// Link is a hypermedia link of an OGC API document.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// linkBase returns scheme://host of the request, for absolute links. The
// scheme is the connection's, or X-Forwarded-Proto when a proxy on a
// loopback or private address sends it (Echo's rule); anything but https
// counts as http.
func linkBase(c echo.Context) string {
	host := c.Request().Host
	if host == "" {
		return ""
	}
	scheme := "http"
	if c.Scheme() == "https" {
		scheme = "https"
	}
	return scheme + "://" + host
}

// root returns the absolute URL of the OGC API's landing page.
func root(c echo.Context) string { return linkBase(c) + Prefix }

// sendDoc writes a small document that is built per request, with an ETag
// from its bytes and 304 when the client has them already.
func sendDoc(c echo.Context, contentType string, body []byte) error {
	sum := sha256.Sum256(append([]byte(contentType+"\n"), body...))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	hd := c.Response().Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", "no-cache")
	hd.Add("Vary", "Accept")
	if answers.MatchETag(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if c.Request().Method == http.MethodHead {
		hd.Set(echo.HeaderContentType, contentType)
		return c.NoContent(http.StatusOK)
	}
	return c.Blob(http.StatusOK, contentType, body)
}
