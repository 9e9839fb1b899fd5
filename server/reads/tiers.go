package reads

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/hotspot"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// cellParams takes the cell resolution parameters (zoom, resolution) out
// of a restricted layer's query: the public tier aggregates to cells at
// that resolution, the other tiers ignore them.
func cellParams(params url.Values) (url.Values, int, error) {
	_, hasZoom := params["zoom"]
	_, hasRes := params["resolution"]
	if !hasZoom && !hasRes {
		return params, privacy.DefaultPublicResolution, nil
	}
	rest := make(url.Values, len(params))
	for k, v := range params {
		if k != "zoom" && k != "resolution" {
			rest[k] = v
		}
	}
	res := privacy.DefaultPublicResolution
	if hasZoom {
		z, err := strconv.ParseFloat(params.Get("zoom"), 64)
		if err != nil || !(z >= 0 && z <= hotspot.MaxZoom) { // NaN too
			return nil, 0, geodata.InvalidParam("zoom", fmt.Sprintf("is %q", geodata.Truncate(params.Get("zoom"), 20)), "a map zoom from 0 to 24")
		}
		res = vocab.ResolutionForZoom(z)
	}
	if hasRes {
		r, err := strconv.Atoi(params.Get("resolution"))
		if err != nil || r < hotspot.MinResolution || r > hotspot.MaxResolution {
			return nil, 0, geodata.InvalidParam("resolution", fmt.Sprintf("is %q", geodata.Truncate(params.Get("resolution"), 20)),
				fmt.Sprintf("an H3 resolution from %d to %d", hotspot.MinResolution, hotspot.MaxResolution))
		}
		res = r
	}
	return rest, privacy.ClampResolution(res), nil
}

// checkTierFilters refuses a filter on a property the tier may not see:
// filtering on it would let its values be probed.
func checkTierFilters(q geodata.Query, m geodata.Meta, t privacy.Tier) error {
	var allowed []string
	switch t {
	case privacy.Staff:
		return nil
	case privacy.Partner:
		allowed = privacy.PartnerFields(m.Kind)
	default:
		allowed = privacy.PublicFilters[m.Kind]
	}
	for _, f := range q.Filters {
		if !slices.Contains(allowed, f.Property) {
			return &geodata.Error{Code: geodata.Forbidden, Details: map[string]any{"parameter": f.Param, "tier": t},
				Message: fmt.Sprintf("layer %q is restricted: at the %s tier it cannot be filtered on %q; filters allowed: %v", m.ID, t, f.Param, allowed)}
		}
	}
	return nil
}

// partnerMatched returns the positions of the features partners see that
// match q: the box is matched against the rounded positions, so no request
// can tell more than they show. Only the features of the page asked for are
// then rounded in full (partnerFeature), so no rounded copy of the whole
// layer is kept.
func partnerMatched(ld *loaded, q geodata.Query) []int {
	box := q.BBox
	q.BBox = nil
	found := ld.index.Search(q)
	if box == nil {
		return found
	}
	matched := found[:0]
	for _, i := range found {
		g := ld.index.Feature(i).Geometry
		if g != nil && geodata.BoundIntersects(*box, privacy.Round(g, privacy.PartnerDecimals).Bound()) {
			matched = append(matched, i)
		}
	}
	return matched
}

// partnerFeature returns feature i as partners see it.
func (ld *loaded) partnerFeature(i int) *geojson.Feature {
	return privacy.ForPartner(ld.index.Feature(i), ld.meta.Kind)
}

// partnerPage is encodePage for the partner tier.
func partnerPage(dst []byte, ld *loaded, q geodata.Query, pg page) ([]byte, error) {
	matched := partnerMatched(ld, q)
	opts := formats.EncodeOptions{Properties: q.Properties, Precision: q.Precision}
	return encodeMatched(dst, len(matched), q, pg, "", func(from, to int) ([][]byte, error) {
		out := make([][]byte, 0, to-from)
		for _, i := range matched[from:to] {
			b, err := formats.AppendFeature(nil, ld.partnerFeature(i), opts)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		return out, nil
	})
}

// publicCells returns what the public tier sees of a restricted layer for
// q: the matching features counted into whole cells at resolution res,
// cells under K left out, the box matched against whole cells, the time
// filter widened to whole months. It returns q with the widened time.
func publicCells(ld *loaded, q geodata.Query, res int) ([]*geojson.Feature, geodata.Query, error) {
	if ld.meta.Kind != geodata.KindIncident && ld.meta.Kind != geodata.KindService {
		return nil, q, privacy.Restricted(ld.meta.ID, privacy.Public, "its features are not shown")
	}
	box := q.BBox
	sel := q
	sel.BBox = nil
	if q.Time != nil {
		iv := privacy.MonthInterval(*q.Time)
		sel.Time = &iv
		q.Time = &iv // the links say what was answered
	}
	src := ld.index.Features()
	var feats []*geojson.Feature
	for _, i := range ld.index.Search(sel) {
		feats = append(feats, src[i])
	}
	cells := privacy.Suppress(privacy.Aggregate(feats, res, ld.meta.TimeProperty))
	cellFeats := privacy.Features(cells, ld.meta.Kind)
	if box != nil {
		kept := cellFeats[:0]
		for _, f := range cellFeats {
			if f.Geometry != nil && geodata.BoundIntersects(*box, f.Geometry.Bound()) {
				kept = append(kept, f)
			}
		}
		cellFeats = kept
	}
	return cellFeats, q, nil
}

// publicPage is encodePage for the public tier of a restricted layer.
func publicPage(dst []byte, ld *loaded, q geodata.Query, res int, pg page) ([]byte, error) {
	cells, q, err := publicCells(ld, q, res)
	if err != nil {
		return nil, err
	}
	return encodeFeatures(dst, cells, q, pg, "resolution="+strconv.Itoa(res), formats.EncodeOptions{Precision: -1})
}

// encodeFeatures is encodeMatched over computed features.
func encodeFeatures(dst []byte, feats []*geojson.Feature, q geodata.Query, pg page, extra string, opts formats.EncodeOptions) ([]byte, error) {
	return encodeMatched(dst, len(feats), q, pg, extra, func(from, to int) ([][]byte, error) {
		out := make([][]byte, 0, to-from)
		for _, f := range feats[from:to] {
			b, err := formats.AppendFeature(nil, f, opts)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		return out, nil
	})
}

// Selection is what a view of a layer shows for a query.
type Selection struct {
	Meta geodata.Meta
	// Tier is the tier the layer was read at.
	Tier privacy.Tier
	// Features are the layer's features at that tier, or, when Cells,
	// the counts per cell the public tier sees of a restricted layer.
	Features []*geojson.Feature
	Cells    bool
}

// Select returns what view sees of layer id for q, at most q.Limit
// features from q.Offset: the features as stored at the staff tier (and
// for public layers), rounded at the partner tier, and counts per cell at
// resolution res at the public tier of a restricted layer. Maps and
// images compose from it; the JSON API encodes the same selections.
func (c *Reader) Select(view privacy.View, id string, q geodata.Query, res int) (Selection, error) {
	ld, err := c.lib.get(id)
	if err != nil {
		return Selection{}, err
	}
	tier := view.For(ld.meta)
	if err := checkTierFilters(q, ld.meta, tier); err != nil {
		return Selection{}, err
	}
	sel := Selection{Meta: ld.meta, Tier: tier}
	switch tier {
	case privacy.Public:
		sel.Cells = true
		sel.Features, _, err = publicCells(ld, q, privacy.ClampResolution(res))
		if err != nil {
			return Selection{}, err
		}
	case privacy.Partner:
		matched := partnerMatched(ld, q)
		start := min(q.Offset, len(matched))
		end := min(start+max(q.Limit, 0), len(matched))
		sel.Features = make([]*geojson.Feature, 0, end-start)
		for _, i := range matched[start:end] {
			sel.Features = append(sel.Features, ld.partnerFeature(i))
		}
		return sel, nil
	default:
		src := ld.index.Features()
		for _, i := range ld.index.Search(q) {
			sel.Features = append(sel.Features, src[i])
		}
	}
	start := min(q.Offset, len(sel.Features))
	end := min(start+max(q.Limit, 0), len(sel.Features))
	sel.Features = sel.Features[start:end]
	return sel, nil
}

// encodeMatched appends to dst the collection of one page of n matched items,
// encoded by encode(from, to), with the paging links (extra is added to
// their query).
func encodeMatched(dst []byte, n int, q geodata.Query, pg page, extra string, encode func(from, to int) ([][]byte, error)) ([]byte, error) {
	start := min(q.Offset, n)
	end := min(start+q.Limit, n)
	feats, err := encode(start, end)
	if err != nil {
		return nil, err
	}
	links, stamp := pageLinks(n, q, pg, extra)
	return formats.AppendCollection(dst, feats, n, links, stamp), nil
}

// pageLinks returns the paging links of the page of n matches that q asks
// for, framed as pg says (extra is added to every link's query), and its
// timeStamp (zero unless pg asks for one).
func pageLinks(n int, q geodata.Query, pg page, extra string) ([]formats.Link, time.Time) {
	end := min(min(q.Offset, n)+q.Limit, n)
	join := func(a, b string) string {
		switch {
		case a == "":
			return b
		case b == "":
			return a
		}
		return a + "&" + b
	}
	var links []formats.Link
	if path := pg.path; path != "" {
		own, others := LinkFormat{Type: "application/geo+json"}, []LinkFormat(nil)
		if len(pg.formats) > 0 {
			own, others = pg.formats[0], pg.formats[1:]
		}
		links = append(links, formats.Link{Rel: "self", Type: own.Type, Href: pageHref(path, q, q.Offset, join(own.Query, extra))})
		for _, f := range others {
			links = append(links, formats.Link{Rel: "alternate", Type: f.Type, Href: pageHref(path, q, q.Offset, join(f.Query, extra))})
		}
		if end < n {
			links = append(links, formats.Link{Rel: "next", Type: own.Type, Href: pageHref(path, q, end, join(own.Query, extra))})
		}
		if q.Offset > 0 {
			links = append(links, formats.Link{Rel: "prev", Type: own.Type, Href: pageHref(path, q, max(0, q.Offset-q.Limit), join(own.Query, extra))})
		}
	}
	var stamp time.Time
	if pg.timeStamp {
		stamp = time.Now()
	}
	return links, stamp
}
