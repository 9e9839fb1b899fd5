package ogc

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
)

// format is a representation a client may ask for.
type format int

const (
	formatJSON format = iota // JSON, GeoJSON for features: the default
	formatHTML               // a page for a browser
)

// negotiate picks the representation: f=json or f=html when given,
// otherwise HTML only when the Accept header prefers it to JSON, as
// browsers do; JSON for everyone else, whatever else they list.
func negotiate(c echo.Context) (format, error) {
	if vals, given := c.QueryParams()["f"]; given {
		if len(vals) > 1 {
			return formatJSON, geodata.InvalidParam("f", "is given more than once", "give f=json or f=html once")
		}
		switch strings.ToLower(strings.TrimSpace(vals[0])) {
		case "json", "geojson", mediaJSON, mediaGeoJSON:
			return formatJSON, nil
		case "html", mediaHTML:
			return formatHTML, nil
		}
		return formatJSON, geodata.InvalidParam("f", "is "+strconv.Quote(geodata.Truncate(vals[0], 32)), "use f=json (GeoJSON for features) or f=html")
	}
	if prefersHTML(c.Request().Header.Get("Accept")) {
		return formatHTML, nil
	}
	return formatJSON, nil
}

// prefersHTML reports whether an Accept header ranks text/html above every
// JSON media type. Wildcards count for both, so a tie goes to JSON.
func prefersHTML(accept string) bool {
	var html, json float64
	for _, part := range strings.Split(accept, ",") {
		media, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		media = strings.ToLower(strings.TrimSpace(media))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(name), "q") {
				if v, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil && v >= 0 && v <= 1 {
					q = v
				}
			}
		}
		switch {
		case media == mediaHTML || media == "application/xhtml+xml":
			html = max(html, q)
		case media == "*/*":
			html, json = max(html, q), max(json, q)
		case media == "text/*":
			html = max(html, q)
		case media == "application/*" || strings.HasSuffix(media, "json"):
			json = max(json, q)
		}
	}
	return html > json
}
