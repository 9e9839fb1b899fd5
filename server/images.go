package server

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/maps"
	"github.com/routerisk/routerisk/server/render"
	"github.com/routerisk/routerisk/server/web"
)

// imageParams are the query parameters the image routes accept.
var imageParams = append([]string{"bbox", "z", "lat", "lon", "title", "asof", "legend", "lang", "width", "height", "ratio", "token"}, maps.StateParams...)

func (h *handlers) renderPNG(c echo.Context) error { return h.renderImage(c, render.PNG) }
func (h *handlers) renderSVG(c echo.Context) error { return h.renderImage(c, render.SVG) }

// renderImage answers a still image of a map view for reports, drawn on
// the server from the same data, at the same privacy tier, as the API
// answers the caller.
func (h *handlers) renderImage(c echo.Context, f render.Format) error {
	r, err := parseImageRequest(c, f)
	if err != nil {
		return err
	}
	res, err := h.uc.Maps.Image(c.Request().Context(), r)
	if err != nil {
		return err
	}
	ctype, ext := "image/png", "png"
	if f == render.SVG {
		ctype, ext = "image/svg+xml", "svg"
		// An SVG opened on its own must not run anything.
		c.Response().Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="routerisk-%s.%s"`, r.Map.AsOf, ext))
	return web.SendCached(c, res, ctype)
}

// parseImageRequest reads an image request: its size, and the view a
// signed embed fixes or the query describes.
func parseImageRequest(c echo.Context, f render.Format) (maps.ImageRequest, error) {
	q := c.QueryParams()
	r := maps.ImageRequest{View: web.View(c), Format: f, Ratio: 1, IfNoneMatch: c.Request().Header.Get("If-None-Match")}
	var err error
	if r.Width, err = intParam(q, "width", maps.DefaultWidth, render.MinSize, render.MaxSize, "pixels"); err != nil {
		return r, err
	}
	if r.Height, err = intParam(q, "height", maps.DefaultHeight, render.MinSize, render.MaxSize, "pixels"); err != nil {
		return r, err
	}
	if s := q.Get("ratio"); s != "" {
		r.Ratio, err = strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(r.Ratio) || r.Ratio < 1 || r.Ratio > render.MaxPixelRatio {
			return r, geodata.InvalidParam("ratio", fmt.Sprintf("is %q", geodata.Truncate(s, 20)), fmt.Sprintf("a pixel ratio from 1 to %g", render.MaxPixelRatio))
		}
	}
	if cl, ok := embedClaims(c); ok {
		r.Map, r.Embed = embedMapView(cl, r.Width, r.Height), cl.ID
	} else if r.Map, err = parseImageView(q, r.Width, r.Height); err != nil {
		return r, err
	}
	if r.Map.AsOf == "" {
		r.Map.AsOf = time.Now().UTC().Format(time.DateOnly)
	}
	return r, nil
}

// parseImageView reads the view of an image request.
func parseImageView(q url.Values, width, height int) (maps.View, error) {
	for k := range q {
		if !slices.Contains(imageParams, k) {
			return maps.View{}, geodata.InvalidParam(k, "is not known here", "use "+strings.Join(imageParams, ", "))
		}
	}
	v := maps.View{Legend: q.Get("legend") != "0" && q.Get("legend") != "false", Title: q.Get("title"), AsOf: q.Get("asof")}
	if v.AsOf != "" {
		if _, err := time.Parse(time.DateOnly, v.AsOf); err != nil {
			return v, geodata.InvalidParam("asof", fmt.Sprintf("is %q", geodata.Truncate(v.AsOf, 20)), "a date written YYYY-MM-DD")
		}
	}
	switch {
	case q.Get("bbox") != "":
		b, err := maps.ParseBBox(q.Get("bbox"))
		if err != nil {
			return v, err
		}
		v.Bound = b
	case q.Get("z") != "" || q.Get("lat") != "" || q.Get("lon") != "":
		z, errZ := strconv.Atoi(q.Get("z"))
		lat, errLat := strconv.ParseFloat(q.Get("lat"), 64)
		lon, errLon := strconv.ParseFloat(q.Get("lon"), 64)
		if errZ != nil || errLat != nil || errLon != nil || z < 0 || z > 18 || math.Abs(lat) > 85 || math.Abs(lon) > 180 {
			return v, geodata.InvalidParam("z", "with lat and lon must be a zoom 0–18, a latitude -85..85 and a longitude -180..180", "or give bbox=minLon,minLat,maxLon,maxLat")
		}
		v.Bound = maps.CentreBound(z, lat, lon, width, height)
	default:
		v.Bound = maps.CentreBound(2, 20, 10, width, height) // the dashboard's first view
	}
	return v, maps.ParseState(q, &v)
}

// embedMapView is the view an embed token fixes.
func embedMapView(cl auth.EmbedClaims, width, height int) maps.View {
	v := maps.View{Legend: cl.Legend, Title: cl.Title, AsOf: cl.AsOf, Layers: slices.Clone(cl.Layers)}
	v.Bound = viewBound(cl.View)
	if cl.View.BBox == nil { // a centre and zoom: the image's own size
		v.Bound = maps.CentreBound(*cl.View.Z, *cl.View.Lat, *cl.View.Lon, width, height)
	}
	q, err := url.ParseQuery(cl.Params)
	if err != nil {
		q = url.Values{}
	}
	q.Del("layers")
	if maps.ParseState(q, &v) != nil {
		// Signed params were checked when issued; a bad one shows no filter.
		layers := v.Layers
		v.Filters = maps.Filters{}
		_ = maps.ParseState(url.Values{}, &v)
		v.Layers = layers
	}
	return v
}

// intParam reads an integer parameter within [lo, hi], def when absent.
func intParam(q url.Values, name string, def, lo, hi int, unit string) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, geodata.InvalidParam(name, fmt.Sprintf("is %q", geodata.Truncate(s, 20)), fmt.Sprintf("a number of %s from %d to %d", unit, lo, hi))
	}
	return n, nil
}
