package analysis

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"golang.org/x/sync/singleflight"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/coverage"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/hotspot"
	"github.com/routerisk/routerisk/geodata/hxl"
	"github.com/routerisk/routerisk/geodata/places"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/reads"
)

// Service runs the analyses over the library's layers, through the
// answers cache: hotspots, route risk, its explanations and the outreach
// priorities. It registers the derived risk-segments layer with the
// library. It is safe for concurrent use.
type Service struct {
	lib     *reads.Library
	answers *answers.Answers

	mu     sync.RWMutex
	risk   *analysis // the route-risk analyser of the current layer versions
	flight singleflight.Group
	limit  *limiter // analyses computed at once

	countries *coverage.Countries // the boundaries declared coverage is drawn from
}

// New returns the analyses of lib's layers, answered through a, and
// registers the derived layer RiskSegmentsID with lib. countries are the
// boundaries declared coverage countries are drawn from (nil: none, and a
// layer declaring countries is analysed with its computed coverage).
func New(lib *reads.Library, a *answers.Answers, countries *coverage.Countries) *Service {
	if countries == nil {
		countries = coverage.NewCountries(nil)
	}
	s := &Service{lib: lib, answers: a, limit: newLimiter(), countries: countries}
	lib.Derive(RiskSegmentsID, riskSegments{s})
	return s
}

// DefaultIncidentLayer is the layer analyses read when none is named.
const DefaultIncidentLayer = "incidents"

// HotspotsRequest asks for the hotspot analysis of one incident layer.
type HotspotsRequest struct {
	View        privacy.View // who is asking, decided once where the request came in
	Layer       string       // an incident layer; "" for DefaultIncidentLayer
	Params      url.Values   // as hotspot.ParseParams reads them
	IfNoneMatch string
}

// Hotspots aggregates a layer's incidents to H3 cells and marks the
// significant hotspots (Getis-Ord Gi*, FDR-corrected), through the cache.
// The answer is a GeoJSON FeatureCollection of the cells that hold
// incidents or are significant. Errors: NotFound for an unknown layer,
// Invalid for a bad parameter or a layer that does not hold incidents.
func (c *Service) Hotspots(ctx context.Context, r HotspotsRequest) (answers.Result, error) {
	p, err := hotspot.ParseParams(r.Params)
	if err != nil {
		return answers.Result{}, err
	}
	meta, feats, p, tier, err := c.hotspotInputs(r.View, r.Layer, p)
	if err != nil {
		return answers.Result{}, err
	}
	key := answers.Key{Slot: meta.ID, Versions: "v" + strconv.Itoa(meta.Version), What: "hotspots", Query: p.Key(), Tier: tier}
	return c.answers.Get(ctx, key, r.IfNoneMatch, func() ([]byte, error) {
		release, err := c.limit.acquire(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
		return encodeFeatures(hotspotFeatures(feats, p, tier), 6)
	})
}

// HotspotCells returns the notable hotspot cells of an incident layer
// ("" for DefaultIncidentLayer) as features, as view sees them.
func (c *Service) HotspotCells(view privacy.View, layer string, p hotspot.Params) ([]*geojson.Feature, error) {
	_, feats, p, tier, err := c.hotspotInputs(view, layer, p)
	if err != nil {
		return nil, err
	}
	return hotspotFeatures(feats, p, tier), nil
}

// hotspotFeatures computes the notable cells as features, as tier sees them.
func hotspotFeatures(feats []*geojson.Feature, p hotspot.Params, tier privacy.Tier) []*geojson.Feature {
	out := hotspot.Features(notableCells(feats, p, tier))
	discloseHotspots(out, tier)
	return out
}

// hotspotInputs finds the incident layer of a hotspot analysis and the
// tier it is read at; the public tier gets no resolution finer than its
// cells.
func (c *Service) hotspotInputs(view privacy.View, id string, p hotspot.Params) (geodata.Meta, []*geojson.Feature, hotspot.Params, privacy.Tier, error) {
	if id == "" {
		id = DefaultIncidentLayer
	}
	meta, feats, err := c.lib.LayerFeatures(id)
	if err != nil {
		return meta, nil, p, "", err
	}
	if meta.Kind != geodata.KindIncident {
		return meta, nil, p, "", geodata.InvalidParam("layer", fmt.Sprintf("names %q, a %s layer", id, meta.Kind), "name a layer of kind incident")
	}
	tier := view.For(meta)
	if tier != privacy.Staff { // cells of at most resolution 5, about 10 km, and whole months
		p.Resolution = privacy.ClampResolution(p.Resolution)
		if p.Time != nil {
			iv := privacy.MonthInterval(*p.Time)
			p.Time = &iv
		}
	}
	return meta, feats, p, tier, nil
}

// notableCells computes the hotspot cells; the public tier keeps only
// cells of at least K incidents, the rule of its cells of a layer.
func notableCells(feats []*geojson.Feature, p hotspot.Params, tier privacy.Tier) []hotspot.Cell {
	cells := hotspot.Notable(hotspot.Compute(feats, p))
	if tier == privacy.Public {
		kept := cells[:0]
		for _, c := range cells {
			if c.Incidents >= privacy.K {
				kept = append(kept, c)
			}
		}
		cells = kept
	}
	return cells
}

// Priority list bounds for RiskRequest.Limit.
const (
	DefaultPriorities = 20
	MaxPriorities     = 500
)

// RiskRequest asks for the route-risk analysis: every segment, or the
// ranked outreach priorities.
type RiskRequest struct {
	View       privacy.View // who is asking, decided once where the request came in
	Params     url.Values   // as risk.ParseParams reads them
	Priorities bool         // the ranked list instead of every segment
	Limit      int          // how many priorities; 0 for DefaultPriorities
	CSV        bool         // priorities as CSV instead of GeoJSON
	HXL        bool         // with CSV: a HXL hashtag row under the header
	// Zoom, when Zoomed, is the map zoom the segments are for: below
	// risk.OverviewMaxZoom they come as merged, simplified stretches
	// (risk.Overview); from it on, every segment as without a zoom.
	Zoom        int
	Zoomed      bool
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
func (c *Service) Risk(ctx context.Context, r RiskRequest) (answers.Result, error) {
	snap, tier, p, err := c.riskInputs(r.View, r.Params)
	if err != nil {
		return answers.Result{}, err
	}
	what := "segments"
	band, overview := risk.OverviewZoom(r.Zoom)
	overview = overview && r.Zoomed && !r.Priorities
	if overview {
		what = "segments:z" + strconv.Itoa(band)
	}
	if r.Priorities {
		if r.Limit == 0 {
			r.Limit = DefaultPriorities
		}
		what = "priorities:" + strconv.Itoa(r.Limit)
		if r.CSV {
			what += ":csv"
			if r.HXL {
				what += ":hxl"
			}
		}
	}
	key := answers.Key{Slot: "risk", Versions: snap.Versions, What: what, Query: p.Key(), Tier: tier}
	return c.analysed(ctx, key, r.IfNoneMatch, snap, func(an *risk.Analyser) ([]byte, error) {
		about := Describe(an, p, tier)
		if r.Priorities {
			feats, err := c.segments(ctx, snap, p, tier, true, r.Limit)
			if err != nil {
				return nil, err
			}
			if r.CSV {
				return prioritiesCSV(feats, about, r.HXL), nil
			}
			return encodeFramed(about, len(feats), slices.Values(feats), 5)
		}
		// Every segment: each feature is built, disclosed and encoded in
		// turn, never all held at once; the overview merges one feature
		// filled again for each segment with what it reads.
		res, err := c.analyse(ctx, snap, p)
		if err != nil {
			return nil, err
		}
		if overview {
			stretches := risk.Overview(disclosedSegments(res.EachOverviewFeature(), tier), band)
			return encodeFramed(about, len(stretches), slices.Values(stretches), risk.OverviewPrecision(band))
		}
		return encodeFramed(about, len(res.Segments), disclosedSegments(res.EachSegmentFeature(), tier), 5)
	})
}

// encodeFramed encodes n features as a FeatureCollection framed with
// about.
func encodeFramed(about About, n int, feats iter.Seq[*geojson.Feature], precision int) ([]byte, error) {
	body, err := encodeCollection(n, feats, precision)
	if err != nil {
		return nil, err
	}
	return about.Frame(body)
}

// disclosedSegments yields the features of feats as tier may see them
// (discloseSegments), one at a time.
func disclosedSegments(feats iter.Seq[*geojson.Feature], tier privacy.Tier) iter.Seq[*geojson.Feature] {
	return func(yield func(*geojson.Feature) bool) {
		for f := range feats {
			discloseSegment(f, tier)
			if !yield(f) {
				return
			}
		}
	}
}

// Segments returns every route segment with its risk, as view sees them,
// for maps and images.
func (c *Service) Segments(ctx context.Context, view privacy.View, p risk.Params) ([]*geojson.Feature, error) {
	snap, err := riskSnapshot(c.lib)
	if err != nil {
		return nil, err
	}
	tier := view.Lowest(snap.Metas)
	if err := checkPublicDefaults(p, tier); err != nil {
		return nil, err
	}
	if err := checkWork(p, tier); err != nil {
		return nil, err
	}
	release, err := c.limit.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	// The map state has no reference date: maps are drawn as of the last
	// incident, as the API answers by default.
	an, err := c.analyser(snap)
	if err != nil {
		return nil, err
	}
	p.ReferenceDate = risk.DateOf(referenceDay(an, tier))
	return c.segments(ctx, snap, coarsenParams(p, tier), tier, false, 0)
}

// riskInputs gathers what a risk request needs: the layers, the tier it
// answers at (the lowest the view holds for any restricted incident
// layer) and the parameters that tier may give.
func (c *Service) riskInputs(view privacy.View, params url.Values) (reads.Snapshot, privacy.Tier, risk.Params, error) {
	snap, err := riskSnapshot(c.lib)
	if err != nil {
		return snap, "", risk.Params{}, err
	}
	tier := view.Lowest(snap.Metas)
	an, err := c.analyser(snap)
	if err != nil {
		return snap, tier, risk.Params{}, err
	}
	p, err := parseRiskParams(params, tier, referenceDay(an, tier))
	return snap, tier, p, err
}

// referenceDay is the default reference date of an analysis: the date of
// the last incident of the layers used, so that an answer does not age
// with the calendar; today when no incident is dated. Below the staff
// tier, where dates are whole months, it is the first day of the month
// after, so that the last month of the record is in the analysis without
// its last day being told.
func referenceDay(an *risk.Analyser, tier privacy.Tier) time.Time {
	t, ok := an.DataThrough()
	if !ok {
		return time.Now()
	}
	if tier != privacy.Staff {
		return privacy.MonthStart(t).AddDate(0, 1, 0)
	}
	return t
}

// parseRiskParams reads the analysis parameters a caller of tier may
// give, snapped to what the tier sees; reference_date defaults to the
// date of ref.
func parseRiskParams(params url.Values, tier privacy.Tier, ref time.Time) (risk.Params, error) {
	p, err := risk.ParseParamsAt(params, ref)
	if err != nil {
		return p, err
	}
	if err := checkPublicDefaults(p, tier); err != nil {
		return p, err
	}
	if err := checkWork(p, tier); err != nil {
		return p, err
	}
	return coarsenParams(p, tier), nil
}

// segments runs the analysis: every segment, or the first limit
// priorities with the places they lie in, at tier.
func (c *Service) segments(ctx context.Context, snap reads.Snapshot, p risk.Params, tier privacy.Tier, priorities bool, limit int) ([]*geojson.Feature, error) {
	res, err := c.analyse(ctx, snap, p)
	if err != nil {
		return nil, err
	}
	var feats []*geojson.Feature
	if priorities {
		feats = res.PriorityFeatures(limit)
		labelPriorities(snap, feats)
	} else {
		feats = res.SegmentFeatures()
	}
	discloseSegments(feats, tier)
	return feats, nil
}

// analyse runs the analysis of the layers of snap with p.
func (c *Service) analyse(ctx context.Context, snap reads.Snapshot, p risk.Params) (risk.Result, error) {
	an, err := c.analyser(snap)
	if err != nil {
		return risk.Result{}, err
	}
	return an.AnalyseContext(ctx, p)
}

// riskSnapshot returns the layers of the route-risk analysis; NotFound
// when a route or an incident layer is missing.
func riskSnapshot(lib *reads.Library) (reads.Snapshot, error) {
	snap := lib.Snapshot()
	if !snap.Has(geodata.KindRoute, geodata.KindIncident) {
		return snap, geodata.Errorf(geodata.NotFound, "the route-risk analysis needs a route layer and an incident layer; load them first")
	}
	return snap, nil
}

// RiskExplainRequest asks what makes up one segment's figures.
type RiskExplainRequest struct {
	View        privacy.View // who is asking, decided once where the request came in
	Segment     string       // a segment id, as the segments list gives it
	Params      url.Values   // as risk.ParseParams reads them
	IfNoneMatch string
}

// RiskExplain explains one segment of the route-risk analysis, through
// the cache: a JSON object with the segment (as /risk/segments gives it,
// plus its reasons), the incidents counted for it with their weights,
// their tally by year and the nearest service of each category (see
// risk.Explanation). Errors: Invalid for a bad parameter, NotFound for an
// unknown segment or when no route layer or no incident layer is loaded.
func (c *Service) RiskExplain(ctx context.Context, r RiskExplainRequest) (answers.Result, error) {
	snap, tier, p, err := c.riskInputs(r.View, r.Params)
	if err != nil {
		return answers.Result{}, err
	}
	key := answers.Key{Slot: "risk", Versions: snap.Versions, What: "explain:" + strconv.Quote(r.Segment), Query: p.Key(), Tier: tier}
	return c.analysed(ctx, key, r.IfNoneMatch, snap, func(an *risk.Analyser) ([]byte, error) {
		ex, err := an.Explain(p, r.Segment)
		if geodata.ErrorCode(err) == geodata.NotFound {
			return nil, geodata.Errorf(geodata.NotFound,
				"no segment %q with these parameters; GET /api/v1/risk/segments with the same parameters lists the segments, each with its id", r.Segment)
		}
		if err != nil {
			return nil, err
		}
		discloseSegments([]*geojson.Feature{ex.Segment}, tier)
		seg, err := formats.AppendFeature(nil, ex.Segment, formats.EncodeOptions{Precision: 5})
		if err != nil {
			return nil, err
		}
		out := discloseExplanation(&ex, tier)
		out["segment"] = json.RawMessage(seg)
		return json.Marshal(out)
	})
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

// analysed answers key through the cache, computing a miss under the
// analysis limiter with the analyser of snap.
func (c *Service) analysed(ctx context.Context, key answers.Key, ifNoneMatch string, snap reads.Snapshot, compute func(*risk.Analyser) ([]byte, error)) (answers.Result, error) {
	return c.answers.Get(ctx, key, ifNoneMatch, func() ([]byte, error) {
		release, err := c.limit.acquire(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
		an, err := c.analyser(snap)
		if err != nil {
			return nil, err
		}
		return compute(an)
	})
}

// analyser returns the analyser of the snapshot's layer versions,
// building it once.
func (c *Service) analyser(snap reads.Snapshot) (*risk.Analyser, error) {
	c.mu.RLock()
	cur := c.risk
	c.mu.RUnlock()
	if cur != nil && cur.versions == snap.Versions {
		return cur.analyser, nil
	}
	v, err, _ := c.flight.Do("analyser:"+snap.Versions, func() (any, error) {
		an := risk.NewAnalyserLayers(snap.Features[geodata.KindRoute], snap.Features[geodata.KindIncident], c.serviceLayers(snap))
		c.mu.Lock()
		c.risk = &analysis{versions: snap.Versions, analyser: an}
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
var priorityColumns = []string{"rank", "id", "route", "label", "place", "location", "setting", "srr", "start_km", "end_km", "priority", "risk", "class",
	"incidents", "dead", "missing", "last_incident", "incidents_per_year", "gaps", "no_data", "reasons"}

// aboutColumns follow priorityColumns on every row of the priorities CSV:
// the About of the analysis, so that a sheet copied out of the file keeps
// its date, parameters (as a query string) and caveats.
var aboutColumns = []string{"reference_date", "data_through", "parameters", "caveats"}

// numericColumns are the positions of priorityColumns that hold numbers.
var numericColumns = map[int]bool{0: true, 8: true, 9: true, 10: true, 11: true, 13: true, 14: true, 15: true, 17: true}

func prioritiesCSV(feats []*geojson.Feature, about About, withHXL bool) []byte {
	rows := make([][]string, len(feats))
	params := url.Values{}
	for k, v := range about.Parameters {
		switch v := v.(type) {
		case []string:
			params[k] = v
		default:
			params.Set(k, formats.CellText(v))
		}
	}
	tail := []string{about.ReferenceDate, about.DataThrough, params.Encode(), strings.Join(about.Caveats, " ")}
	for i, f := range feats {
		row := make([]string, len(priorityColumns), len(priorityColumns)+len(tail))
		suppressed, _ := f.Properties["suppressed"].([]string)
		for j, col := range priorityColumns {
			row[j] = formats.CellText(f.Properties[col])
			if slices.Contains(suppressed, col) {
				row[j] = fmt.Sprintf("<%d", privacy.K)
			}
		}
		rows[i] = append(row, tail...)
	}
	header := slices.Concat(priorityColumns, aboutColumns)
	var tags []string
	if withHXL {
		tags = hxl.Row(hxl.ScopePriorities, header)
	}
	return formats.EncodeCSVTagged(header, tags, rows, numericColumns)
}

// maxLabelKm bounds how far the incident that names a priority's location
// may lie from the segment's midpoint.
const maxLabelKm = 100

// labelPriorities gives each priority segment a "place", the nearest named
// place of the bundled gazetteer with its country, or at sea the sea area
// and the place it lies off (places.Index.Describe), and a "location": the country in
// which the incident nearest to the segment's midpoint was recorded
// (the Missing Migrants country_of_incident; at sea, the country whose
// waters or coast the record names), or null when no incident lies within
// maxLabelKm. It names a place for the list without a gazetteer.
func labelPriorities(snap reads.Snapshot, feats []*geojson.Feature) {
	indexes := snap.Indexes[geodata.KindIncident]
	const pad = 1.5 // degrees of latitude searched around the midpoint: ~165 km
	gazetteer := places.Default()
	for _, f := range feats {
		f.Properties["location"] = nil
		f.Properties["place"] = nil
		line, ok := f.Geometry.(orb.LineString)
		if !ok || len(line) == 0 {
			continue
		}
		mid := geo.Midpoint(line[0], line[len(line)-1])
		atSea := f.Properties["setting"] == "sea"
		if name := gazetteer.Describe(mid[0], mid[1], atSea); name != "" {
			f.Properties["place"] = name
		}
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

// encodeFeatures encodes computed features as encodeCollection does.
func encodeFeatures(feats []*geojson.Feature, precision int) ([]byte, error) {
	return encodeCollection(len(feats), slices.Values(feats), precision)
}

// encodeCollection encodes n computed features as a GeoJSON
// FeatureCollection, coordinates rounded to precision decimals, each
// feature as it comes. Every feature's properties come in key order, as
// AppendFeature writes them; the order is sorted once for a run of
// features with the same keys (computed features share theirs), not once
// a feature.
func encodeCollection(n int, feats iter.Seq[*geojson.Feature], precision int) ([]byte, error) {
	out := formats.AppendCollectionHead(nil, n, n, nil, time.Time{})
	var order keyOrder
	i := 0
	for f := range feats {
		if i > 0 {
			out = append(out, ',')
		}
		start := len(out)
		var err error
		if out, err = formats.AppendFeature(out, f, formats.EncodeOptions{Precision: precision, Properties: order.of(f.Properties)}); err != nil {
			return nil, err
		}
		if i == 0 && n > 1 {
			// Room for the rest, as large as the first and a tenth more, up
			// to maxReserve: a long first stretch must not reserve for all.
			out = slices.Grow(out, min((len(out)-start+1)*(n-1)*11/10, maxReserve))
		}
		i++
	}
	if i != n {
		return nil, fmt.Errorf("encoding a collection of %d features: %d came", n, i)
	}
	return append(out, "]}"...), nil
}

// maxReserve is the most encodeCollection reserves ahead for the
// features after the first.
const maxReserve = 32 << 20

// keyOrder gives the sorted keys of property maps, reusing the last
// order while the maps have the same keys.
type keyOrder struct{ keys []string }

func (o *keyOrder) of(p geojson.Properties) []string {
	if len(p) == len(o.keys) {
		same := true
		for _, k := range o.keys {
			if _, ok := p[k]; !ok {
				same = false
				break
			}
		}
		if same {
			return o.keys
		}
	}
	o.keys = slices.Sorted(maps.Keys(p))
	return o.keys
}
