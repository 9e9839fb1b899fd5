package server

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/catalog"
	"github.com/routerisk/routerisk/server/render"
)

// Image defaults.
const (
	defaultImageWidth  = 1200
	defaultImageHeight = 800
	// imageFeatureLimit bounds the features of one layer in an image.
	imageFeatureLimit = 50000
	// analysisRisk and analysisHotspots are the layer ids of the analyses,
	// as the dashboard's URL names them.
	analysisRisk       = "risk"
	analysisHotspots   = "hotspots"
	basemapAttribution = "Natural Earth; world-atlas"
)

// imageParams are the query parameters the image routes accept.
var imageParams = []string{"bbox", "z", "lat", "lon", "layers", "from", "to", "route", "cause", "category",
	"radius", "halflife", "reach", "title", "asof", "legend", "lang", "width", "height", "ratio", "token"}

// mapView is what an image (or an embed) shows: the dashboard's URL state
// plus the report's title, date and legend.
type mapView struct {
	bound                  [4]float64
	layers                 []string // nil: every layer and the risk analysis
	from, to               string
	route, cause, category string
	risk                   url.Values // radius_km, half_life_days, reach_km as given
	title, asOf            string
	legend                 bool
}

// riskSettingParams maps the dashboard's risk settings to the analysis's
// parameters.
var riskSettingParams = map[string]string{"radius": "radius_km", "halflife": "half_life_days", "reach": "reach_km"}

// parseMapState reads the dashboard's URL state (filters, layers, risk
// settings) from q into v.
func parseMapState(q url.Values, v *mapView) error {
	if l := q.Get("layers"); l != "" {
		for _, id := range strings.Split(l, ",") {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(v.layers, id) {
				v.layers = append(v.layers, id)
			}
		}
		if len(v.layers) > auth.MaxEmbedLayers {
			return geodata.InvalidParam("layers", fmt.Sprintf("names %d layers", len(v.layers)), fmt.Sprintf("at most %d", auth.MaxEmbedLayers))
		}
	}
	for _, k := range []string{"from", "to"} {
		if s := q.Get(k); s != "" {
			if _, err := time.Parse("2006-01-02", s); err != nil {
				return geodata.InvalidParam(k, fmt.Sprintf("is %q", truncateText(s, 20)), "a date written YYYY-MM-DD")
			}
		}
	}
	v.from, v.to = q.Get("from"), q.Get("to")
	if v.from != "" && v.to != "" && v.from > v.to {
		v.from, v.to = v.to, v.from
	}
	v.route, v.cause, v.category = q.Get("route"), q.Get("cause"), q.Get("category")
	v.risk = url.Values{}
	for k, p := range riskSettingParams {
		if s := q.Get(k); s != "" {
			v.risk.Set(p, s) // checked by the analysis, which names the parameter
		}
	}
	return nil
}

// parseImageView reads the view of an image request.
func parseImageView(q url.Values, width, height int) (mapView, error) {
	for k := range q {
		if !slices.Contains(imageParams, k) {
			return mapView{}, geodata.InvalidParam(k, "is not known here", "use "+strings.Join(imageParams, ", "))
		}
	}
	v := mapView{legend: q.Get("legend") != "0" && q.Get("legend") != "false", title: q.Get("title"), asOf: q.Get("asof")}
	if v.asOf != "" {
		if _, err := time.Parse("2006-01-02", v.asOf); err != nil {
			return v, geodata.InvalidParam("asof", fmt.Sprintf("is %q", truncateText(v.asOf, 20)), "a date written YYYY-MM-DD")
		}
	}
	switch {
	case q.Get("bbox") != "":
		b, err := parseBBox(q.Get("bbox"))
		if err != nil {
			return v, err
		}
		v.bound = b
	case q.Get("z") != "" || q.Get("lat") != "" || q.Get("lon") != "":
		z, errZ := strconv.Atoi(q.Get("z"))
		lat, errLat := strconv.ParseFloat(q.Get("lat"), 64)
		lon, errLon := strconv.ParseFloat(q.Get("lon"), 64)
		if errZ != nil || errLat != nil || errLon != nil || z < 0 || z > 18 || math.Abs(lat) > 85 || math.Abs(lon) > 180 {
			return v, geodata.InvalidParam("z", "with lat and lon must be a zoom 0–18, a latitude -85..85 and a longitude -180..180", "or give bbox=minLon,minLat,maxLon,maxLat")
		}
		v.bound = centreBound(z, lat, lon, width, height)
	default:
		v.bound = centreBound(2, 20, 10, width, height) // the dashboard's first view
	}
	return v, parseMapState(q, &v)
}

// parseBBox reads minLon,minLat,maxLon,maxLat.
func parseBBox(s string) ([4]float64, error) {
	parts := strings.Split(s, ",")
	var b [4]float64
	if len(parts) != 4 {
		return b, geodata.InvalidParam("bbox", fmt.Sprintf("is %q", truncateText(s, 60)), "minLon,minLat,maxLon,maxLat")
	}
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return b, geodata.InvalidParam("bbox", fmt.Sprintf("is %q", truncateText(s, 60)), "four numbers minLon,minLat,maxLon,maxLat")
		}
		b[i] = f
	}
	if b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] >= b[2] || b[1] >= b[3] {
		return b, geodata.InvalidParam("bbox", fmt.Sprintf("is %q", truncateText(s, 60)), "longitudes within -180..180, latitudes within -90..90, each minimum below its maximum")
	}
	return b, nil
}

// centreBound is the box a width×height map shows at zoom z around lat/lon.
func centreBound(z int, lat, lon float64, width, height int) [4]float64 {
	world := 256 * math.Exp2(float64(z))
	dx, dy := float64(width)/2/world, float64(height)/2/world
	y := 0.5 - math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))/(2*math.Pi)
	latOf := func(y float64) float64 { return 180 / math.Pi * (2*math.Atan(math.Exp((0.5-y)*2*math.Pi)) - math.Pi/2) }
	return [4]float64{
		math.Max(-180, lon-dx*360), math.Max(-85, latOf(math.Min(1, y+dy))),
		math.Min(180, lon+dx*360), math.Min(85, latOf(math.Max(0, y-dy))),
	}
}

// embedView is the view an embed token fixes.
func embedView(cl auth.EmbedClaims, width, height int) mapView {
	v := mapView{legend: cl.Legend, title: cl.Title, asOf: cl.AsOf, layers: slices.Clone(cl.Layers)}
	v.bound = viewBound(cl.View)
	if cl.View.BBox == nil { // a centre and zoom: the image's own size
		v.bound = centreBound(*cl.View.Z, *cl.View.Lat, *cl.View.Lon, width, height)
	}
	q, err := url.ParseQuery(cl.Params)
	if err != nil {
		q = url.Values{}
	}
	q.Del("layers")
	if parseMapState(q, &v) != nil {
		// Signed params were checked when issued; a bad one shows no filter.
		v.from, v.to, v.route, v.cause, v.category, v.risk = "", "", "", "", "", url.Values{}
	}
	return v
}

// zoom is the web map zoom at which the bound fills width pixels.
func (v mapView) zoom(width int) float64 {
	span := v.bound[2] - v.bound[0]
	if span <= 0 {
		return 0
	}
	return math.Max(0, math.Log2(360/span*float64(width)/256))
}

func (h *handlers) renderPNG(c echo.Context) error { return h.renderImage(c, render.PNG) }
func (h *handlers) renderSVG(c echo.Context) error { return h.renderImage(c, render.SVG) }

// renderImage answers a still image of a map view for reports, drawn on
// the server from the same data, at the same privacy tier, as the API
// answers the caller.
func (h *handlers) renderImage(c echo.Context, f render.Format) error {
	q := c.QueryParams()
	width, err := intParam(q, "width", defaultImageWidth, render.MinSize, render.MaxSize, "pixels")
	if err != nil {
		return err
	}
	height, err := intParam(q, "height", defaultImageHeight, render.MinSize, render.MaxSize, "pixels")
	if err != nil {
		return err
	}
	ratio := 1.0
	if s := q.Get("ratio"); s != "" {
		ratio, err = strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(ratio) || ratio < 1 || ratio > render.MaxPixelRatio {
			return geodata.InvalidParam("ratio", fmt.Sprintf("is %q", truncateText(s, 20)), fmt.Sprintf("a pixel ratio from 1 to %g", render.MaxPixelRatio))
		}
	}
	var v mapView
	if cl, ok := embedClaims(c); ok {
		v = embedView(cl, width, height)
	} else if v, err = parseImageView(q, width, height); err != nil {
		return err
	}
	if v.asOf == "" {
		v.asOf = time.Now().UTC().Format("2006-01-02")
	}
	ctx := c.Request().Context()
	tier := privacy.FromContext(ctx)
	key := fmt.Sprintf("{render}:%s:%s:%dx%d@%g:%s|tier:%s", f, h.layerVersions(), width, height, ratio, v.key(), tier)
	if cl, ok := embedClaims(c); ok {
		key += "|embed:" + cl.ID
	}
	res, err := h.cat.Cached(ctx, key, c.Request().Header.Get("If-None-Match"), func() ([]byte, error) {
		m, err := h.imageMap(ctx, v, width, height, ratio)
		if err != nil {
			return nil, err
		}
		return render.Render(m, f)
	})
	if err != nil {
		return err
	}
	ctype, ext := "image/png", "png"
	if f == render.SVG {
		ctype, ext = "image/svg+xml", "svg"
		// An SVG opened on its own must not run anything.
		c.Response().Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="routerisk-%s.%s"`, v.asOf, ext))
	return sendCached(c, res, ctype)
}

// intParam reads an integer parameter within [lo, hi], def when absent.
func intParam(q url.Values, name string, def, lo, hi int, unit string) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, geodata.InvalidParam(name, fmt.Sprintf("is %q", truncateText(s, 20)), fmt.Sprintf("a number of %s from %d to %d", unit, lo, hi))
	}
	return n, nil
}

// layerVersions names the current version of every layer, for cache keys
// of results that read several.
func (h *handlers) layerVersions() string {
	var b strings.Builder
	for _, m := range h.cat.Layers() {
		fmt.Fprintf(&b, "%s@%d,", m.ID, m.Version)
	}
	return b.String()
}

// key is a canonical text of the view, for cache keys.
func (v mapView) key() string {
	q := url.Values{}
	q.Set("bbox", formatBound(v.bound))
	q.Set("layers", strings.Join(v.layers, ","))
	q.Set("from", v.from)
	q.Set("to", v.to)
	q.Set("route", v.route)
	q.Set("cause", v.cause)
	q.Set("category", v.category)
	q.Set("title", v.title)
	q.Set("asof", v.asOf)
	q.Set("legend", strconv.FormatBool(v.legend))
	for k, vals := range v.risk {
		q[k] = vals
	}
	return q.Encode()
}

// imageMap gathers what an image shows, each layer read through the
// catalog exactly as the JSON API reads it for this caller.
func (h *handlers) imageMap(ctx context.Context, v mapView, width, height int, ratio float64) (render.Map, error) {
	m := render.Map{
		Width: width, Height: height, PixelRatio: ratio,
		Bound: orb.Bound{Min: orb.Point{v.bound[0], v.bound[1]}, Max: orb.Point{v.bound[2], v.bound[3]}},
		Title: v.title, AsOf: v.asOf, Legend: v.legend, Subtitle: v.subtitle(),
	}
	zoom := v.zoom(width)
	base, err := h.basemap(zoom)
	if err != nil {
		return m, err
	}
	m.Basemap = base

	metas := map[string]geodata.Meta{}
	var ids []string
	for _, meta := range h.cat.Layers() {
		metas[meta.ID] = meta
		ids = append(ids, meta.ID)
	}
	show := v.layers
	if show == nil {
		show = append(ids, analysisRisk)
	}
	var attributions []string
	addSources := func(meta geodata.Meta) {
		for _, s := range meta.Sources {
			if a := strings.TrimSpace(cmp.Or(s.Attribution, s.Name)); a != "" && !slices.Contains(attributions, a) {
				attributions = append(attributions, a)
			}
		}
	}
	var layers []render.Layer
	box := formatBound(padBound(v.bound, 0.05))
	for _, id := range show {
		switch id {
		case analysisRisk:
			q := url.Values{}
			for k, vals := range v.risk {
				q[k] = vals
			}
			if dt := datetimeOf(v.from, v.to); dt != "" {
				q.Set("datetime", dt)
			}
			if v.route != "" {
				q.Set("routes", v.route)
			}
			if v.cause != "" {
				q.Set("causes", v.cause)
			}
			res, err := h.cat.Risk(ctx, catalog.RiskRequest{Params: q})
			if err != nil {
				if geodata.ErrorCode(err) == geodata.NotFound {
					continue // no route or incident layer: nothing to colour
				}
				return m, err
			}
			fc, err := decodeResult(res)
			if err != nil {
				return m, err
			}
			layers = append(layers, render.Layer{Title: "Risk along the routes", Style: render.StyleRiskSegments, Features: fc.Features})
		case analysisHotspots:
			q := url.Values{"resolution": {strconv.Itoa(hotspotResolution(zoom))}}
			if dt := datetimeOf(v.from, v.to); dt != "" {
				q.Set("datetime", dt)
			}
			if v.cause != "" {
				q.Set("cause", v.cause)
			}
			res, err := h.cat.Hotspots(ctx, catalog.HotspotsRequest{Params: q})
			if err != nil {
				if geodata.ErrorCode(err) == geodata.NotFound {
					continue
				}
				return m, err
			}
			fc, err := decodeResult(res)
			if err != nil {
				return m, err
			}
			layers = append(layers, render.Layer{Title: "Incident hotspots", Style: render.StyleHotspots, Features: fc.Features})
		default:
			meta, ok := metas[id]
			if !ok {
				return m, geodata.InvalidParam("layers", fmt.Sprintf("names %q, which is not a layer here", truncateText(id, 60)), "use ids from /api/v1/layers, risk or hotspots")
			}
			q := url.Values{"bbox": {box}, "limit": {strconv.Itoa(imageFeatureLimit)}}
			switch meta.Kind {
			case geodata.KindIncident:
				if dt := datetimeOf(v.from, v.to); dt != "" && meta.TimeProperty != "" {
					q.Set("datetime", dt)
				}
				if v.route != "" {
					q.Set("route", v.route)
				}
				if v.cause != "" {
					q.Set("cause", v.cause)
				}
			case geodata.KindRoute:
				if v.route != "" {
					q.Set("route", v.route)
				}
			case geodata.KindService:
				if v.category != "" {
					q.Set("category", v.category)
				}
			}
			if meta.Sensitivity == geodata.Restricted {
				q.Set("zoom", strconv.FormatFloat(math.Floor(zoom), 'f', 0, 64))
			}
			res, err := h.cat.Features(ctx, catalog.FeaturesRequest{Layer: id, Params: q})
			if err != nil {
				return m, err
			}
			fc, err := decodeResult(res)
			if err != nil {
				return m, err
			}
			style := map[geodata.Kind]render.Style{geodata.KindRoute: render.StyleRoutes, geodata.KindIncident: render.StyleIncidents, geodata.KindService: render.StyleServices}[meta.Kind]
			if meta.Kind == geodata.KindIncident && privacy.ForLayer(ctx, id) == privacy.Public && meta.Sensitivity == geodata.Restricted {
				style = render.StyleIncidentCells
				m.PrivacyNote = fmt.Sprintf("Incidents are shown as counts per area; areas with fewer than %d incidents are left out.", privacy.K)
			}
			if meta.Kind == geodata.KindRoute && slices.Contains(show, analysisRisk) {
				continue // the risk segments draw the routes
			}
			addSources(meta)
			layers = append(layers, render.Layer{Title: meta.Title, Style: style, Features: fc.Features})
		}
	}
	render.DashboardOrder(layers)
	m.Layers = layers
	if slices.ContainsFunc(show, func(id string) bool { return id == analysisRisk || id == analysisHotspots }) {
		for _, meta := range metas {
			if meta.Kind == geodata.KindIncident || meta.Kind == geodata.KindRoute {
				addSources(meta)
			}
		}
	}
	m.Attribution = strings.Join(append(attributions, basemapAttribution), "; ")
	return m, nil
}

// subtitle states the filters in words.
func (v mapView) subtitle() string {
	var parts []string
	switch {
	case v.from != "" && v.to != "":
		parts = append(parts, v.from+" to "+v.to)
	case v.from != "":
		parts = append(parts, "from "+v.from)
	case v.to != "":
		parts = append(parts, "until "+v.to)
	}
	if v.route != "" {
		parts = append(parts, "route: "+v.route)
	}
	if v.cause != "" {
		parts = append(parts, "cause: "+v.cause)
	}
	if v.category != "" {
		parts = append(parts, "services: "+v.category)
	}
	return strings.Join(parts, " · ")
}

// hotspotResolution is the dashboard's hotspot resolution for a zoom.
func hotspotResolution(zoom float64) int {
	switch z := int(math.Floor(zoom)); {
	case z <= 4:
		return 2
	case z == 5:
		return 3
	case z <= 7:
		return 4
	case z == 8:
		return 5
	case z == 9:
		return 6
	}
	return 7
}

// decodeResult reads a cached GeoJSON answer back into features.
func decodeResult(res catalog.Result) (*geojson.FeatureCollection, error) {
	zr, err := gzip.NewReader(bytes.NewReader(res.Gzip))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	return geojson.UnmarshalFeatureCollection(raw)
}

// basemapCache holds the decoded offline basemap, coarse and detailed.
type basemapCache struct {
	once             sync.Once
	coarse, detailed []orb.Geometry
	err              error
}

// basemap returns the country outlines for a zoom: the 1:110m set below
// zoom 5, the 1:50m set from there, as the dashboard draws them.
func (h *handlers) basemap(zoom float64) ([]orb.Geometry, error) {
	if h.opts.Basemap == nil {
		return nil, nil
	}
	basemaps := h.basemaps
	basemaps.once.Do(func() {
		load := func(name string) []orb.Geometry {
			data, err := fs.ReadFile(h.opts.Basemap, name)
			if err != nil {
				basemaps.err = err
				return nil
			}
			g, err := render.LoadBasemap(data)
			if err != nil {
				basemaps.err = err
			}
			return g
		}
		basemaps.coarse = load("world-atlas_countries-110m.topojson.json")
		basemaps.detailed = load("world-atlas_countries-50m.topojson.json")
	})
	if basemaps.err != nil {
		return nil, basemaps.err
	}
	if zoom >= 5 {
		return basemaps.detailed, nil
	}
	return basemaps.coarse, nil
}
