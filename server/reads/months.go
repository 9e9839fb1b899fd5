package reads

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/answers"
)

// MonthCaveats qualify every monthly series.
var MonthCaveats = []string{
	"Figures are minimum estimates: the Missing Migrants Project records only the deaths and disappearances that someone reported, and many are never found or reported.",
	"An incident counts in the month of its date; a month without a recorded incident counts zero, which is not evidence that no one died.",
}

// monthPublicCaveat says how the public tier's series is coarsened.
var monthPublicCaveat = fmt.Sprintf("At the public tier a count from 1 to %d is withheld (null) and every other count is rounded to the nearest multiple of %d.", privacy.K-1, privacy.K)

// seriesParams are the parameters a series (months, values) takes besides
// the layer's filters: the date range only.
var seriesParams = []string{"datetime"}

// parseSeriesQuery reads the filters of a series request on layer m: the
// date range and the layer's attribute filters, as the features endpoint
// reads them; paging, boxes and output parameters are refused, since a
// series is over every matching feature. The public tier's date range
// widens to whole months on a restricted layer.
func parseSeriesQuery(params url.Values, m geodata.Meta, tier privacy.Tier, what string) (geodata.Query, error) {
	for name := range params {
		switch name {
		case "bbox", "properties", "precision", "limit", "offset", "zoom", "resolution":
			return geodata.Query{}, geodata.InvalidParam(name, "is not taken by "+what,
				"it counts every feature of the layer that passes the date range (datetime=FROM/TO) and the layer's filters (route=, cause=, …)")
		}
	}
	q, err := geodata.ParseQuery(params, m)
	if err != nil {
		return q, err
	}
	if err := checkTierFilters(q, m, tier); err != nil {
		return q, err
	}
	if m.Sensitivity == geodata.Restricted && tier == privacy.Public && q.Time != nil {
		iv := privacy.MonthInterval(*q.Time)
		q.Time = &iv
	}
	return q, nil
}

// hasMonths reports whether a layer has a monthly series: incidents with a
// date and a count of dead or missing.
func hasMonths(m geodata.Meta) bool {
	return m.Kind == geodata.KindIncident && m.TimeProperty != "" && (len(m.Schema) == 0 || m.HasField(m.TimeProperty)) &&
		(len(m.Schema) == 0 || m.HasField("dead") || m.HasField("missing"))
}

// MonthSeries is the answer of Months.
type MonthSeries struct {
	Layer  string      `json:"layer"`
	Months []monthJSON `json:"months"`
	// DataThrough is the date of the layer's last incident (YYYY-MM-DD;
	// below the staff tier of a restricted layer its month, YYYY-MM); ""
	// when none is dated.
	DataThrough string   `json:"data_through"`
	Caveats     []string `json:"caveats"`
}

// monthJSON is one month as a tier sees it: a nil count is withheld.
type monthJSON struct {
	Month     string   `json:"month"`
	Incidents *float64 `json:"incidents"`
	Dead      *float64 `json:"dead"`
	Missing   *float64 `json:"missing"`
}

// Months answers, through the cache, the incidents, dead and missing per
// calendar month of an incident layer's features that pass the filters in
// params (datetime and the layer's attribute filters, as for its
// features). The series spans the layer's dated months (within datetime
// when given), so series under different filters line up. At the public
// tier of a restricted layer each count is shown as privacy.PublicCount
// shows it: 1 to K−1 withheld (null), the others rounded to multiples of
// K. Errors: NotFound for an unknown layer, Invalid for a layer without
// dated casualty counts or a bad parameter, Forbidden for a filter the
// tier may not use.
func (c *Reader) Months(ctx context.Context, view privacy.View, id string, params url.Values, ifNoneMatch string) (answers.Result, error) {
	ld, err := c.lib.get(id)
	if err != nil {
		return answers.Result{}, err
	}
	if !hasMonths(ld.meta) {
		return answers.Result{}, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"layer": id, "kind": ld.meta.Kind},
			Message: fmt.Sprintf("layer %q (%s) has no monthly series: only incident layers with a date and dead or missing counts have one", geodata.Truncate(id, 64), ld.meta.Kind)}
	}
	tier := view.For(ld.meta)
	q, err := parseSeriesQuery(params, ld.meta, tier, "the monthly series")
	if err != nil {
		return answers.Result{}, err
	}
	public := tier == privacy.Public && ld.meta.Sensitivity == geodata.Restricted
	key := answers.Key{Slot: ld.meta.ID, Versions: fmt.Sprintf("v%d", ld.meta.Version), What: "months", Query: q.Key(), Tier: tier}
	compute := func() ([]byte, error) {
		src := ld.index.Features()
		matched := ld.index.Search(q)
		feats := make([]*geojson.Feature, len(matched))
		for i, fi := range matched {
			feats[i] = src[fi]
		}
		span := ld.times
		if q.Time != nil {
			span = intersect(span, *q.Time)
		}
		counts := geodata.CountMonths(feats, ld.meta.TimeProperty, span)
		if ld.times.Start.IsZero() {
			counts = []geodata.MonthCount{}
		}
		out := MonthSeries{Layer: ld.meta.ID, Months: make([]monthJSON, len(counts)), Caveats: MonthCaveats}
		for i, m := range counts {
			out.Months[i] = monthJSON{Month: m.Month, Incidents: shownCount(float64(m.Incidents), public), Dead: shownCount(m.Dead, public), Missing: shownCount(m.Missing, public)}
		}
		if public {
			out.Caveats = append(slices.Clip(MonthCaveats), monthPublicCaveat)
		}
		if !ld.times.End.IsZero() {
			out.DataThrough = ld.times.End.UTC().Format(time.DateOnly)
			if public || (tier != privacy.Staff && ld.meta.Sensitivity == geodata.Restricted) {
				out.DataThrough = ld.times.End.UTC().Format("2006-01")
			}
		}
		return json.Marshal(out)
	}
	if ld.matchesNothing(q) {
		return c.answers.Uncached(ctx, answers.Prepare(key), ifNoneMatch, compute)
	}
	return c.answers.Get(ctx, key, ifNoneMatch, compute)
}

// shownCount is a count as the answer shows it: at the public tier through
// privacy.PublicCount, nil when withheld.
func shownCount(n float64, public bool) *float64 {
	if public {
		v, ok := privacy.PublicCount(n)
		if !ok {
			return nil
		}
		return &v
	}
	return &n
}

// intersect returns the part of the layer's span iv within the asked range
// r (an end of r left open keeps iv's).
func intersect(iv, r geodata.Interval) geodata.Interval {
	if !r.Start.IsZero() && r.Start.After(iv.Start) {
		iv.Start = r.Start
	}
	if !r.End.IsZero() && (iv.End.IsZero() || r.End.Before(iv.End)) {
		iv.End = r.End
	}
	return iv
}
