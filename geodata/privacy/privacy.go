package privacy

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/hotspot"

	"github.com/routerisk/routerisk/geodata/vocab"
)

// Tier is how much of a restricted layer a caller sees.
type Tier string

// The tiers, least first.
const (
	Public  Tier = "public"  // anonymous callers and embeds: aggregated cells only
	Partner Tier = "partner" // rounded points, no free text
	Staff   Tier = "staff"   // exact
)

// The rules of the tiers.
const (
	// K is the fewest features a public cell may count; cells with fewer
	// are left out.
	K = vocab.MinPublicCount
	// MaxPublicResolution is the finest H3 resolution served at the public
	// tier: cells of about 250 km², 10 km across.
	MaxPublicResolution = vocab.MaxPublicResolution
	// DefaultPublicResolution is used when the request names no resolution
	// or zoom: cells of about 12,000 km².
	DefaultPublicResolution = vocab.DefaultResolution
	// PartnerDecimals is how many decimals of a degree partner coordinates
	// keep: 0.1°, about 11 km.
	PartnerDecimals = 1
)

// partnerFields are the properties a partner sees, per kind: counts,
// categories and dates, never free text (locations, causes as written,
// sources, notes), which can name people and places.
var partnerFields = map[geodata.Kind][]string{
	geodata.KindIncident: {"date", "dead", "missing", "survivors", "female", "male", "children", "cause_category",
		"route", "country", "region", "unsd_grouping", "geo_precision", "source_quality"},
	geodata.KindService: {"name", "category", "organization", "languages", "referral_required", "last_verified", "country"},
	geodata.KindRoute:   {"name", "mode", "region", "valid_from", "valid_to", "approximate"},
	geodata.KindArea:    {"name"},
	// Exposure layers are public statistics; a restricted one shows its
	// counts, never its notes.
	geodata.KindExposure: {"route", "month", "count", "key"},
	// Context events show what they are and when, never their actors,
	// places as written, sources or notes.
	geodata.KindEvent: {"date", "event_type", "sub_event_type", "fatalities", "country", "geo_precision"},
}

// PartnerFields lists the properties a partner sees of a layer of kind.
func PartnerFields(kind geodata.Kind) []string { return partnerFields[kind] }

// PublicFilters are the properties a public request may filter a
// restricted layer on: categories only, never free text.
var PublicFilters = map[geodata.Kind][]string{
	geodata.KindIncident: {"cause_category", "route", "country"},
	geodata.KindService:  {"category", "country"},
}

// ForPartner returns a copy of f as a partner sees it: coordinates rounded
// to PartnerDecimals, only the allow-listed properties of kind.
func ForPartner(f *geojson.Feature, kind geodata.Kind) *geojson.Feature {
	out := geojson.NewFeature(Round(f.Geometry, PartnerDecimals))
	out.ID = f.ID
	for _, k := range partnerFields[kind] {
		if v, ok := f.Properties[k]; ok {
			out.Properties[k] = v
		}
	}
	return out
}

// Round returns g with every coordinate rounded to the given decimals.
func Round(g orb.Geometry, decimals int) orb.Geometry {
	scale := math.Pow(10, float64(decimals))
	r := func(p orb.Point) orb.Point {
		return orb.Point{math.Round(p[0]*scale) / scale, math.Round(p[1]*scale) / scale}
	}
	line := func(ls []orb.Point) []orb.Point {
		out := make([]orb.Point, len(ls))
		for i, p := range ls {
			out[i] = r(p)
		}
		return out
	}
	switch x := g.(type) {
	case orb.Point:
		return r(x)
	case orb.MultiPoint:
		return orb.MultiPoint(line(x))
	case orb.LineString:
		return orb.LineString(line(x))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(x))
		for i, l := range x {
			out[i] = line(l)
		}
		return out
	case orb.Polygon:
		out := make(orb.Polygon, len(x))
		for i, l := range x {
			out[i] = line(l)
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(x))
		for i, p := range x {
			out[i] = Round(p, decimals).(orb.Polygon)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(x))
		for i, c := range x {
			out[i] = Round(c, decimals)
		}
		return out
	}
	return g
}

// Cell is one public cell: how many features of a restricted layer fall
// in it, with their dead and missing, and the months they span.
type Cell struct {
	ID         h3.Cell
	Resolution int
	Count      int
	Dead       int
	Missing    int
	FirstMonth string // YYYY-MM, empty when no feature is dated
	LastMonth  string
}

// Aggregate counts point features into cells at res (clamped to
// MinResolution..MaxPublicResolution). Features that are not points are
// left out. The cells come sorted by H3 index, all of them — callers
// suppress with Suppress.
func Aggregate(features []*geojson.Feature, res int, timeProperty string) []Cell {
	res = ClampResolution(res)
	byCell := map[h3.Cell]*Cell{}
	for _, f := range features {
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		id, ok := hotspot.CellOf(p[0], p[1], res)
		if !ok {
			continue
		}
		c := byCell[id]
		if c == nil {
			c = &Cell{ID: id, Resolution: res}
			byCell[id] = c
		}
		c.Count++
		c.Dead += int(geodata.Count(f.Properties["dead"]))
		c.Missing += int(geodata.Count(f.Properties["missing"]))
		if timeProperty != "" {
			if t, ok := geodata.ParseDate(f.Properties[timeProperty]); ok {
				m := t.Format("2006-01")
				if c.FirstMonth == "" || m < c.FirstMonth {
					c.FirstMonth = m
				}
				if m > c.LastMonth {
					c.LastMonth = m
				}
			}
		}
	}
	out := make([]Cell, 0, len(byCell))
	for _, c := range byCell {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Suppress keeps the cells that count at least K features.
func Suppress(cells []Cell) []Cell {
	out := cells[:0:0]
	for _, c := range cells {
		if c.Count >= K {
			out = append(out, c)
		}
	}
	return out
}

// ClampResolution bounds a requested resolution to what the public tier serves.
func ClampResolution(res int) int {
	return min(max(res, hotspot.MinResolution), MaxPublicResolution)
}

// Features turns cells into GeoJSON features: the cell boundary, the H3
// index as id, and the properties cell, resolution, features (the count),
// dead, missing (incident layers), first_month, last_month.
func Features(cells []Cell, kind geodata.Kind) []*geojson.Feature {
	out := make([]*geojson.Feature, 0, len(cells))
	for _, c := range cells {
		f := geojson.NewFeature(hotspot.CellGeometry(c.ID))
		f.ID = c.ID.String()
		f.Properties["cell"] = c.ID.String()
		f.Properties["resolution"] = c.Resolution
		f.Properties["aggregated"] = true
		// Counts as the public tier shows them (PublicCount): rounded to
		// multiples of K, dead and missing of 1 to K−1 suppressed.
		if kind == geodata.KindIncident {
			f.Properties["incidents"] = publicCountValue(float64(c.Count))
			f.Properties["dead"] = publicCountValue(float64(c.Dead))
			f.Properties["missing"] = publicCountValue(float64(c.Missing))
		} else {
			f.Properties["features"] = publicCountValue(float64(c.Count))
		}
		if c.FirstMonth != "" {
			f.Properties["first_month"] = c.FirstMonth
			f.Properties["last_month"] = c.LastMonth
		}
		out = append(out, f)
	}
	return out
}

// publicCountValue is PublicCount as a property value: null when
// suppressed.
func publicCountValue(n float64) any {
	if v, ok := PublicCount(n); ok {
		return v
	}
	return nil
}

// MonthInterval widens an interval to whole calendar months, so a public
// answer can never tell two dates of one month apart.
func MonthInterval(iv geodata.Interval) geodata.Interval {
	out := iv
	if !iv.Start.IsZero() {
		s := iv.Start.UTC()
		out.Start = time.Date(s.Year(), s.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	if !iv.End.IsZero() {
		e := iv.End.UTC()
		out.End = time.Date(e.Year(), e.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0).Add(-time.Nanosecond)
	}
	return out
}

// Month returns the YYYY-MM of a date value, or "" when it is not a date.
func Month(v any) string {
	t, ok := geodata.ParseDate(v)
	if !ok {
		return ""
	}
	return t.Format("2006-01")
}

// Restricted is the error for a request the tier may not make.
func Restricted(layer string, t Tier, what string) error {
	return &geodata.Error{Code: geodata.Forbidden, Details: map[string]any{"layer": layer, "tier": t},
		Message: fmt.Sprintf("layer %q is restricted: at the %s tier %s; sign in as partner or staff to see more", layer, t, what)}
}

// View is the privacy decision for one request, made once where the
// request comes in: the caller's tier and, for a signed embed, the layers
// that tier holds for. Every read and analysis receives it; none decides
// again who is calling.
type View struct {
	// Tier is the caller's tier; empty counts as Public, so a path that
	// forgot to set it errs on the side of the people in the data.
	Tier Tier
	// Scope, when not nil, limits Tier to these layers: every other
	// restricted layer is served at the public tier. Signed embeds use
	// it, so a partner-tier embed of one layer opens no other.
	Scope []string
}

// PublicView is the view of an anonymous caller.
func PublicView() View { return View{Tier: Public} }

// ForLayer returns the tier the view holds for one restricted layer.
func (v View) ForLayer(layer string) Tier {
	if v.Scope != nil && !slices.Contains(v.Scope, layer) {
		return Public
	}
	switch v.Tier {
	case Partner, Staff:
		return v.Tier
	}
	return Public
}

// For returns the tier a layer is served at in this view: the view's
// own for a restricted layer, Staff (as stored) for a public one.
func (v View) For(m geodata.Meta) Tier {
	if m.Sensitivity != geodata.Restricted {
		return Staff
	}
	return v.ForLayer(m.ID)
}

// Lowest returns the lowest tier the view holds for any restricted layer
// among metas, Staff when none is restricted.
func (v View) Lowest(metas []geodata.Meta) Tier {
	t := Staff
	for _, m := range metas {
		t = Lower(t, v.For(m))
	}
	return t
}

// Lower returns the lower of two tiers (Public < Partner < Staff).
func Lower(a, b Tier) Tier {
	rank := map[Tier]int{Public: 0, Partner: 1, Staff: 2}
	if rank[b] < rank[a] {
		return b
	}
	return a
}
