package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/hotspot"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
	"github.com/routerisk/routerisk/geodata/spatial"
)

// DefaultIncidentLayer is the layer analyses read when none is named.
const DefaultIncidentLayer = "incidents"

// HotspotsRequest asks for the hotspot analysis of one incident layer.
type HotspotsRequest struct {
	Layer       string     // an incident layer; "" for DefaultIncidentLayer
	Params      url.Values // as hotspot.ParseParams reads them
	IfNoneMatch string
}

// Hotspots aggregates a layer's incidents to H3 cells and marks the
// significant hotspots (Getis-Ord Gi*, FDR-corrected), through the cache.
// The answer is a GeoJSON FeatureCollection of the cells that hold
// incidents or are significant. Errors: NotFound for an unknown layer,
// Invalid for a bad parameter or a layer that does not hold incidents.
func (c *Catalog) Hotspots(ctx context.Context, r HotspotsRequest) (Result, error) {
	id := r.Layer
	if id == "" {
		id = DefaultIncidentLayer
	}
	ld, err := c.get(id)
	if err != nil {
		return Result{}, err
	}
	if ld.meta.Kind != geodata.KindIncident {
		return Result{}, geodata.InvalidParam("layer", fmt.Sprintf("names %q, a %s layer", id, ld.meta.Kind), "name a layer of kind incident")
	}
	p, err := hotspot.ParseParams(r.Params)
	if err != nil {
		return Result{}, err
	}
	tier := tierFor(ctx, ld.meta)
	if tier == privacy.Public {
		p.Resolution = privacy.ClampResolution(p.Resolution)
	}
	key := fmt.Sprintf("{%s}:v%d:hotspots:%s", ld.meta.ID, ld.meta.Version, p.Key())
	if ld.meta.Sensitivity == geodata.Restricted {
		key += "|tier:" + string(tier)
	}
	return c.cached(ctx, key, r.IfNoneMatch, func() ([]byte, error) {
		cells := hotspot.Notable(hotspot.Compute(ld.index.Features(), p))
		if tier == privacy.Public { // the same k rule as the public cells of a layer
			kept := cells[:0]
			for _, c := range cells {
				if c.Incidents >= privacy.K {
					kept = append(kept, c)
				}
			}
			cells = kept
		}
		return encodeCollection(hotspot.Features(cells), 6)
	})
}

// Priority list bounds for RiskRequest.Limit.
const (
	DefaultPriorities = 20
	MaxPriorities     = 500
)

// RiskRequest asks for the route-risk analysis: every segment, or the
// ranked outreach priorities.
type RiskRequest struct {
	Params      url.Values // as risk.ParseParams reads them
	Priorities  bool       // the ranked list instead of every segment
	Limit       int        // how many priorities; 0 for DefaultPriorities
	CSV         bool       // priorities as CSV instead of GeoJSON
	IfNoneMatch string
}

// analysis is a risk.Analyser for one set of layer versions.
type analysis struct {
	versions string // e.g. "incidents@3,routes@1,services@2"
	analyser *risk.Analyser
}

// Risk runs the route-risk analysis over every route, incident and service
// layer, through the cache, and answers a GeoJSON FeatureCollection of
// segments (every one, or the ranked priorities with their reasons).
// Errors: Invalid for a bad parameter, NotFound when no route layer or no
// incident layer is loaded.
func (c *Catalog) Risk(ctx context.Context, r RiskRequest) (Result, error) {
	p, err := risk.ParseParams(r.Params)
	if err != nil {
		return Result{}, err
	}
	versions, layers := c.analysisLayers()
	if len(layers[geodata.KindRoute]) == 0 || len(layers[geodata.KindIncident]) == 0 {
		return Result{}, geodata.Errorf(geodata.NotFound, "the route-risk analysis needs a route layer and an incident layer; load them first")
	}
	what := "segments"
	if r.Priorities {
		if r.Limit == 0 {
			r.Limit = DefaultPriorities
		}
		what = "priorities:" + strconv.Itoa(r.Limit)
		if r.CSV {
			what += ":csv"
		}
	}
	tier := c.analysisTier(ctx)
	key := fmt.Sprintf("{risk}:%s:%s:%s|tier:%s", versions, what, p.Key(), tier)
	return c.cached(ctx, key, r.IfNoneMatch, func() ([]byte, error) {
		an, err := c.analyser(versions, layers)
		if err != nil {
			return nil, err
		}
		res, err := an.Analyse(p)
		if err != nil {
			return nil, err
		}
		feats := res.SegmentFeatures()
		if r.Priorities {
			feats = res.PriorityFeatures(r.Limit)
			c.labelPriorities(feats)
		}
		if tier == privacy.Public {
			monthsOnly(feats)
		}
		if r.Priorities && r.CSV {
			return prioritiesCSV(feats), nil
		}
		return encodeCollection(feats, 5)
	})
}

// RiskExplainRequest asks what makes up one segment's figures.
type RiskExplainRequest struct {
	Segment     string     // a segment id, as the segments list gives it
	Params      url.Values // as risk.ParseParams reads them
	IfNoneMatch string
}

// RiskExplain explains one segment of the route-risk analysis, through
// the cache: a JSON object with the segment (as /risk/segments gives it,
// plus its reasons), the incidents counted for it with their weights,
// their tally by year and the nearest service of each category (see
// risk.Explanation). Errors: Invalid for a bad parameter, NotFound for an
// unknown segment or when no route layer or no incident layer is loaded.
func (c *Catalog) RiskExplain(ctx context.Context, r RiskExplainRequest) (Result, error) {
	p, err := risk.ParseParams(r.Params)
	if err != nil {
		return Result{}, err
	}
	versions, layers := c.analysisLayers()
	if len(layers[geodata.KindRoute]) == 0 || len(layers[geodata.KindIncident]) == 0 {
		return Result{}, geodata.Errorf(geodata.NotFound, "the route-risk analysis needs a route layer and an incident layer; load them first")
	}
	tier := c.analysisTier(ctx)
	key := fmt.Sprintf("{risk}:%s:explain:%q:%s|tier:%s", versions, r.Segment, p.Key(), tier)
	return c.cached(ctx, key, r.IfNoneMatch, func() ([]byte, error) {
		an, err := c.analyser(versions, layers)
		if err != nil {
			return nil, err
		}
		ex, err := an.Explain(p, r.Segment)
		if geodata.ErrorCode(err) == geodata.NotFound {
			return nil, geodata.Errorf(geodata.NotFound,
				"no segment %q with these parameters; GET /api/v1/risk/segments with the same parameters lists the segments, each with its id", r.Segment)
		}
		if err != nil {
			return nil, err
		}
		switch tier {
		case privacy.Public: // segment figures only: no incident, not even its id
			ex.Incidents = []risk.Contribution{}
			monthsOnly([]*geojson.Feature{ex.Segment})
		case privacy.Partner: // no distance finer than the partner's rounding
			for i := range ex.Incidents {
				ex.Incidents[i].DistanceKm = math.Round(ex.Incidents[i].DistanceKm/10) * 10
			}
		}
		seg, err := formats.AppendFeature(nil, ex.Segment, formats.EncodeOptions{Precision: 5})
		if err != nil {
			return nil, err
		}
		return json.Marshal(struct {
			Segment json.RawMessage `json:"segment"`
			*risk.Explanation
		}{seg, &ex})
	})
}

// analysisTier is the tier the risk analysis answers at: the lowest the
// caller has for any restricted incident layer it reads, Staff when none
// is restricted.
func (c *Catalog) analysisTier(ctx context.Context) privacy.Tier {
	c.mu.RLock()
	defer c.mu.RUnlock()
	tier := privacy.Staff
	for _, ld := range c.layers {
		if ld.meta.Kind == geodata.KindIncident && ld.meta.Sensitivity == geodata.Restricted {
			tier = privacy.Lower(tier, privacy.ForLayer(ctx, ld.meta.ID))
		}
	}
	return tier
}

// monthsOnly shortens the incident dates of segment features, and the
// dates quoted in their reasons, to months.
func monthsOnly(feats []*geojson.Feature) {
	for _, f := range feats {
		if v, ok := f.Properties["last_incident"]; ok {
			if m := privacy.Month(v); m != "" {
				f.Properties["last_incident"] = m
			} else {
				delete(f.Properties, "last_incident")
			}
		}
		switch rs := f.Properties["reasons"].(type) {
		case []string:
			out := make([]string, len(rs))
			for i, r := range rs {
				out[i] = dayInText.ReplaceAllString(r, "$1")
			}
			f.Properties["reasons"] = out
		case []any:
			out := make([]any, len(rs))
			for i, r := range rs {
				if s, ok := r.(string); ok {
					out[i] = dayInText.ReplaceAllString(s, "$1")
				} else {
					out[i] = r
				}
			}
			f.Properties["reasons"] = out
		}
	}
}

// dayInText finds a YYYY-MM-DD date in a sentence, keeping YYYY-MM.
var dayInText = regexp.MustCompile(`\b(\d{4}-\d{2})-\d{2}\b`)

// analysisLayers returns the features of every route, incident and
// service layer, by kind, and a string naming their versions.
func (c *Catalog) analysisLayers() (string, map[geodata.Kind][]*geojson.Feature) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var names []string
	layers := map[geodata.Kind][]*geojson.Feature{}
	for _, id := range slices.Sorted(maps.Keys(c.layers)) {
		ld := c.layers[id]
		switch ld.meta.Kind {
		case geodata.KindRoute, geodata.KindIncident, geodata.KindService:
			names = append(names, fmt.Sprintf("%s@%d", id, ld.meta.Version))
			layers[ld.meta.Kind] = append(layers[ld.meta.Kind], ld.index.Features()...)
		}
	}
	return strings.Join(names, ","), layers
}

// analyser returns the analyser of these layer versions, building it once.
func (c *Catalog) analyser(versions string, layers map[geodata.Kind][]*geojson.Feature) (*risk.Analyser, error) {
	c.mu.RLock()
	cur := c.risk
	c.mu.RUnlock()
	if cur != nil && cur.versions == versions {
		return cur.analyser, nil
	}
	v, err, _ := c.flight.Do("analyser:"+versions, func() (any, error) {
		an := risk.NewAnalyser(layers[geodata.KindRoute], layers[geodata.KindIncident], layers[geodata.KindService])
		c.mu.Lock()
		c.risk = &analysis{versions: versions, analyser: an}
		c.mu.Unlock()
		return an, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*risk.Analyser), nil
}

// priorityColumns are the columns of the priorities CSV, each a segment
// property; list values are joined with "; ".
var priorityColumns = []string{"rank", "id", "route", "location", "start_km", "end_km", "priority", "risk", "class",
	"incidents", "dead", "missing", "last_incident", "incidents_per_year", "gaps", "no_data", "reasons"}

// numericColumns are the positions of priorityColumns that hold numbers.
var numericColumns = map[int]bool{0: true, 4: true, 5: true, 6: true, 7: true, 9: true, 10: true, 11: true, 13: true}

func prioritiesCSV(feats []*geojson.Feature) []byte {
	rows := make([][]string, len(feats))
	for i, f := range feats {
		row := make([]string, len(priorityColumns))
		for j, col := range priorityColumns {
			row[j] = cellText(f.Properties[col])
		}
		rows[i] = row
	}
	return formats.EncodeCSV(priorityColumns, rows, numericColumns)
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case []string:
		return strings.Join(x, "; ")
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = cellText(p)
		}
		return strings.Join(parts, "; ")
	default:
		return fmt.Sprint(x)
	}
}

// maxLabelKm bounds how far the incident that names a priority's location
// may lie from the segment's midpoint.
const maxLabelKm = 100

// labelPriorities gives each priority segment a "location": the country in
// which the incident nearest to the segment's midpoint was recorded
// (the Missing Migrants country_of_incident; at sea, the country whose
// waters or coast the record names), or null when no incident lies within
// maxLabelKm. It names a place for the list without a gazetteer.
func (c *Catalog) labelPriorities(feats []*geojson.Feature) {
	c.mu.RLock()
	var indexes []*spatial.Index
	for _, ld := range c.layers {
		if ld.meta.Kind == geodata.KindIncident {
			indexes = append(indexes, ld.index)
		}
	}
	c.mu.RUnlock()
	const pad = 1.5 // degrees of latitude searched around the midpoint: ~165 km
	for _, f := range feats {
		f.Properties["location"] = nil
		line, ok := f.Geometry.(orb.LineString)
		if !ok || len(line) == 0 {
			continue
		}
		mid := geo.Midpoint(line[0], line[len(line)-1])
		box := orb.Bound{Min: orb.Point{max(-180, mid[0]-2*pad), max(-90, mid[1]-pad)}, Max: orb.Point{min(180, mid[0]+2*pad), min(90, mid[1]+pad)}}
		best, bestKm := "", float64(maxLabelKm)
		for _, ix := range indexes {
			for _, i := range ix.Search(geodata.Query{BBox: &box}) {
				inc := ix.Feature(i)
				p, isPoint := inc.Geometry.(orb.Point)
				country, _ := inc.Properties["country"].(string)
				if !isPoint || country == "" {
					continue
				}
				if km := geo.Distance(mid, p) / 1000; km <= bestKm {
					best, bestKm = country, km
				}
			}
		}
		if best != "" {
			f.Properties["location"] = best
		}
	}
}

// encodeCollection encodes computed features as a GeoJSON
// FeatureCollection, coordinates rounded to precision decimals.
func encodeCollection(feats []*geojson.Feature, precision int) ([]byte, error) {
	encoded := make([][]byte, len(feats))
	for i, f := range feats {
		b, err := formats.AppendFeature(nil, f, formats.EncodeOptions{Precision: precision})
		if err != nil {
			return nil, err
		}
		encoded[i] = b
	}
	return formats.AppendCollection(nil, encoded, len(encoded), nil), nil
}
