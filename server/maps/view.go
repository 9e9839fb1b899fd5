package maps

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/risk"
)

// The layer ids of the analyses, as the dashboard's URL names them.
const (
	LayerRisk     = "risk"
	LayerHotspots = "hotspots"
)

// MaxLayers bounds the layers one view may name.
const MaxLayers = 20

// Filters are the dashboard's filters, each repeatable: the one dialect
// of route=, cause= and category= across features, analyses, images and
// embeds.
type Filters struct {
	From, To   string   // dates YYYY-MM-DD, either may be empty
	Routes     []string // route names
	Causes     []string // cause categories
	Categories []string // service categories
}

// Datetime is the filters' date range as datetime= reads it, "" for none.
func (f Filters) Datetime() string {
	switch {
	case f.From != "" && f.To != "":
		return f.From + "/" + f.To
	case f.From != "":
		return f.From + "/.."
	case f.To != "":
		return "../" + f.To
	}
	return ""
}

// Interval is the filters' date range, whole days, nil for none.
func (f Filters) Interval() *geodata.Interval {
	iv, err := geodata.ParseInterval(f.Datetime())
	if err != nil || f.Datetime() == "" {
		return nil
	}
	return iv
}

// View is what an image (or an embed) shows: the dashboard's URL state
// plus the report's title, date and legend.
type View struct {
	Bound   [4]float64 // minLon, minLat, maxLon, maxLat
	Layers  []string   // nil: every layer and the risk analysis
	Filters Filters
	// Risk holds the analysis parameters: the dashboard's radius,
	// halflife and reach settings over the defaults.
	Risk   risk.Params
	Title  string
	AsOf   string // YYYY-MM-DD
	Legend bool
}

// riskSettingParams maps the dashboard's risk settings to the analysis's
// parameters.
var riskSettingParams = map[string]string{"radius": "radius_km", "halflife": "half_life_days", "reach": "reach_km"}

// StateParams are the query parameters of the dashboard's map state.
var StateParams = []string{"layers", "from", "to", "route", "cause", "category", "radius", "halflife", "reach"}

// ParseState reads the dashboard's URL state (layers, filters, risk
// settings) from q into v; other parameters are left for the caller.
func ParseState(q url.Values, v *View) error {
	if l := q.Get("layers"); l != "" {
		for id := range strings.SplitSeq(l, ",") {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(v.Layers, id) {
				v.Layers = append(v.Layers, id)
			}
		}
		if len(v.Layers) > MaxLayers {
			return geodata.InvalidParam("layers", fmt.Sprintf("names %d layers", len(v.Layers)), fmt.Sprintf("at most %d", MaxLayers))
		}
	}
	for _, k := range []string{"from", "to"} {
		if s := q.Get(k); s != "" {
			if _, err := time.Parse(time.DateOnly, s); err != nil {
				return geodata.InvalidParam(k, fmt.Sprintf("is %q", geodata.Truncate(s, 20)), "a date written YYYY-MM-DD")
			}
		}
	}
	f := Filters{From: q.Get("from"), To: q.Get("to")}
	if f.From != "" && f.To != "" && f.From > f.To {
		f.From, f.To = f.To, f.From
	}
	f.Routes, f.Causes, f.Categories = values(q["route"]), values(q["cause"]), values(q["category"])
	v.Filters = f
	rq := url.Values{}
	for k, p := range riskSettingParams {
		if s := q.Get(k); s != "" {
			rq.Set(p, s)
		}
	}
	if len(f.Causes) > 0 {
		rq["cause"] = f.Causes
	}
	if dt := f.Datetime(); dt != "" {
		rq.Set("datetime", dt)
	}
	p, err := risk.ParseParams(rq)
	if err != nil {
		return err
	}
	p.Routes = f.Routes // checked against the route layer by the analysis
	v.Risk = p
	return nil
}

// values keeps the non-empty values, sorted, without repeats.
func values(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ParseBBox reads minLon,minLat,maxLon,maxLat as geodata.ParseBBox does,
// and refuses a box with no area, which no map can show.
func ParseBBox(s string) ([4]float64, error) {
	b, err := geodata.ParseBBox(s)
	if err != nil {
		return [4]float64{}, err
	}
	if geodata.CrossesAntimeridian(*b) {
		return [4]float64{}, geodata.InvalidParam("bbox", fmt.Sprintf("is %q, a box across the antimeridian", geodata.Truncate(s, 60)),
			"an image shows one side: give minLon below maxLon")
	}
	if b.Min[0] == b.Max[0] || b.Min[1] == b.Max[1] {
		return [4]float64{}, geodata.InvalidParam("bbox", fmt.Sprintf("is %q, a box with no area", geodata.Truncate(s, 60)),
			"each minimum below its maximum")
	}
	return [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}, nil
}

// CentreBound is the box a width×height map shows at zoom z around lat/lon.
func CentreBound(z int, lat, lon float64, width, height int) [4]float64 {
	world := 256 * math.Exp2(float64(z))
	dx, dy := float64(width)/2/world, float64(height)/2/world
	y := 0.5 - math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))/(2*math.Pi)
	latOf := func(y float64) float64 { return 180 / math.Pi * (2*math.Atan(math.Exp((0.5-y)*2*math.Pi)) - math.Pi/2) }
	return [4]float64{
		math.Max(-180, lon-dx*360), math.Max(-85, latOf(math.Min(1, y+dy))),
		math.Min(180, lon+dx*360), math.Min(85, latOf(math.Max(0, y-dy))),
	}
}

// PadBound widens a box by frac of its size on every side.
func PadBound(b [4]float64, frac float64) [4]float64 {
	dx, dy := (b[2]-b[0])*frac, (b[3]-b[1])*frac
	return [4]float64{math.Max(-180, b[0]-dx), math.Max(-90, b[1]-dy), math.Min(180, b[2]+dx), math.Min(90, b[3]+dy)}
}

// FormatBound writes a box as bbox= reads it.
func FormatBound(b [4]float64) string {
	parts := make([]string, 4)
	for i, v := range b {
		parts[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(parts, ",")
}

// orbBound is the box as orb's.
func orbBound(b [4]float64) orb.Bound {
	return orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}
}

// Zoom is the web map zoom at which the view's box fills width pixels.
func (v View) Zoom(width int) float64 {
	span := v.Bound[2] - v.Bound[0]
	if span <= 0 {
		return 0
	}
	return math.Max(0, math.Log2(360/span*float64(width)/256))
}

// Key is a canonical text of the view, for cache keys.
func (v View) Key() string {
	q := url.Values{}
	q.Set("bbox", FormatBound(v.Bound))
	q.Set("layers", strings.Join(v.Layers, ","))
	q.Set("from", v.Filters.From)
	q.Set("to", v.Filters.To)
	q["route"] = v.Filters.Routes
	q["cause"] = v.Filters.Causes
	q["category"] = v.Filters.Categories
	q.Set("title", v.Title)
	q.Set("asof", v.AsOf)
	q.Set("legend", strconv.FormatBool(v.Legend))
	return q.Encode() + "&" + v.Risk.Key()
}

// Subtitle states the filters in words.
func (v View) Subtitle() string {
	var parts []string
	f := v.Filters
	switch {
	case f.From != "" && f.To != "":
		parts = append(parts, f.From+" to "+f.To)
	case f.From != "":
		parts = append(parts, "from "+f.From)
	case f.To != "":
		parts = append(parts, "until "+f.To)
	}
	if len(f.Routes) > 0 {
		parts = append(parts, "route: "+strings.Join(f.Routes, ", "))
	}
	if len(f.Causes) > 0 {
		parts = append(parts, "cause: "+strings.Join(f.Causes, ", "))
	}
	if len(f.Categories) > 0 {
		parts = append(parts, "services: "+strings.Join(f.Categories, ", "))
	}
	return strings.Join(parts, " · ")
}
