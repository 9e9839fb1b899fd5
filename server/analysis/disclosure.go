package analysis

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
)

// The analysis's side of the disclosure rules (docs/privacy.md): what the
// public and partner tiers may ask, and how their answers are coarsened.

// publicFilters are what the public tier may give the risk analysis
// besides its published defaults.
var publicFilters = []string{"datetime", "route", "cause", "reference_date"}

// refusePublic is the error for a parameter the public tier may not
// change: the published defaults are what makes two public answers
// impossible to difference into one incident's position.
func refusePublic(name string) error {
	return &geodata.Error{Code: geodata.Forbidden, Details: map[string]any{"parameter": name, "tier": privacy.Public, "allowed": publicFilters},
		Message: fmt.Sprintf("at the public tier the route-risk analysis runs with its published defaults (segment_km %g, radius_km %g, half_life_days %g, reach_km %g); "+
			"%q cannot be changed — leave it at its default, or sign in as partner or staff", risk.DefaultSegmentKm, risk.DefaultRadiusKm, risk.DefaultHalfLifeDays, risk.DefaultReachKm, name)}
}

// checkPublicDefaults refuses, at the public tier, analysis parameters
// other than the published defaults (the filters may be given).
func checkPublicDefaults(p risk.Params, tier privacy.Tier) error {
	if tier != privacy.Public {
		return nil
	}
	d := risk.DefaultParams(p.ReferenceDate)
	for _, c := range []struct {
		name string
		same bool
	}{
		{"segment_km", p.SegmentKm == d.SegmentKm}, {"radius_km", p.RadiusKm == d.RadiusKm},
		{"half_life_days", p.HalfLifeDays == d.HalfLifeDays}, {"reach_km", p.ReachKm == d.ReachKm},
		{"nonfatal_weight", p.NonFatalWeight == d.NonFatalWeight}, {"stale_years", p.StaleYears == d.StaleYears},
		{"quality_floor", p.QualityFloor == d.QualityFloor}, {"severity_cap", p.SeverityCap == d.SeverityCap},
		{"approx_radius_km", p.ApproxRadiusKm == d.ApproxRadiusKm},
	} {
		if !c.same {
			return refusePublic(c.name)
		}
	}
	// Which subtypes count changes which services count, not the
	// precision of any figure; but a rule naming one rare subtype would
	// let gap and ok, segment by segment, trace the few services of a
	// restricted directory. The public tier keeps the documented default.
	if len(p.CoverageSubtypes) > 0 {
		return refusePublic(risk.SubtypesParam)
	}
	return nil
}

// coarsenParams snaps the time of an analysis to whole months below the
// staff tier: two requests within one month get the same answer (and the
// same cache entry).
func coarsenParams(p risk.Params, tier privacy.Tier) risk.Params {
	if tier == privacy.Staff {
		return p
	}
	if p.Time != nil {
		iv := privacy.MonthInterval(*p.Time)
		p.Time = &iv
	}
	p.ReferenceDate = privacy.MonthStart(p.ReferenceDate)
	return p
}

// countProps are the segment properties that count incidents or people.
var countProps = []string{"incidents", "dead", "missing"}

// discloseSegments coarsens computed segment features for tier: at the
// public tier counts of 1–4 are suppressed (null, named in "suppressed")
// and the others rounded to multiples of 5, the incident rate follows the
// rounded count, a segment with suppressed incidents has no last
// incident, and risk and priority keep one significant figure (rounded
// down, so the class stays); at the partner tier risk and priority keep
// one significant figure. Dates are in months at the public tier.
func discloseSegments(feats []*geojson.Feature, tier privacy.Tier) {
	for _, f := range feats {
		discloseSegment(f, tier)
	}
}

// discloseSegment is discloseSegments of one feature.
func discloseSegment(f *geojson.Feature, tier privacy.Tier) {
	if tier == privacy.Staff {
		return
	}
	p := f.Properties
	for _, k := range []string{"risk", "priority"} {
		if v, ok := p[k].(float64); ok {
			p[k] = privacy.FloorSignificant(v, 1)
		}
	}
	if tier != privacy.Public {
		return
	}
	monthsOnly([]*geojson.Feature{f})
	var suppressed []string
	exact := number(p["incidents"])
	for _, k := range countProps {
		v, ok := privacy.PublicCount(number(p[k]))
		if ok {
			p[k] = v
		} else {
			p[k] = nil
			suppressed = append(suppressed, k)
		}
	}
	if rate, ok := p["incidents_per_year"].(float64); ok {
		if shown, isNum := p["incidents"].(float64); isNum && exact > 0 {
			p["incidents_per_year"] = privacy.RoundSignificant(rate*shown/exact, 2)
		} else {
			p["incidents_per_year"] = nil
		}
	}
	if slices.Contains(suppressed, "incidents") {
		p["last_incident"] = nil
	}
	if suppressed == nil {
		suppressed = []string{}
	}
	p["suppressed"] = suppressed
	if _, has := p["reasons"]; has {
		p["reasons"] = publicReasons(p)
	}
}

// publicReasons rewrites the reasons of a priority from its coarsened
// figures: the sentences on counts and risk are composed again, the
// others (dates already in months, service gaps) kept.
func publicReasons(p geojson.Properties) []string {
	var rest []string
	switch rs := p["reasons"].(type) {
	case []string:
		if len(rs) > 2 {
			rest = rs[2:]
		}
	case []any:
		for i, r := range rs {
			if s, ok := r.(string); ok && i >= 2 {
				rest = append(rest, s)
			}
		}
	}
	shown := func(k string) string {
		if v, ok := p[k].(float64); ok {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return fmt.Sprintf("fewer than %d", privacy.K)
	}
	out := []string{
		fmt.Sprintf("%s incidents within %g km (risk about %s, %v)", shown("incidents"), risk.DefaultRadiusKm, shown("risk"), p["class"]),
		fmt.Sprintf("%s dead, %s missing", shown("dead"), shown("missing")),
	}
	for _, r := range rest {
		if strings.HasPrefix(r, "last incident") && p["last_incident"] == nil {
			continue
		}
		out = append(out, r)
	}
	return out
}

// discloseHotspots coarsens hotspot cells below the staff tier: counts as
// the public tier shows them (see privacy.PublicCount), and the test
// statistics to few significant figures, so that they cannot be solved
// back into exact counts.
func discloseHotspots(feats []*geojson.Feature, tier privacy.Tier) {
	if tier == privacy.Staff {
		return
	}
	for _, f := range feats {
		p := f.Properties
		if tier == privacy.Public {
			for _, k := range countProps {
				if v, ok := privacy.PublicCount(number(p[k])); ok {
					p[k] = v
				} else {
					p[k] = nil
				}
			}
		}
		if z, ok := p["z"].(float64); ok {
			p["z"] = privacy.RoundSignificant(z, 2)
		}
		for _, k := range []string{"p", "p_fdr"} {
			if v, ok := p[k].(float64); ok {
				p[k] = privacy.RoundSignificant(v, 1)
			}
		}
	}
}

// discloseExplanation coarsens an explanation: at the public tier it lists
// no incident and its tallies are public counts; at the partner tier the
// incidents' distances are in tens of kilometres and their weights keep
// one significant figure, so no weight inverts to a position finer than
// the partner's 0.1°.
func discloseExplanation(ex *risk.Explanation, tier privacy.Tier) map[string]any {
	out := map[string]any{"incidents": ex.Incidents, "incidents_total": ex.IncidentsTotal, "per_year": ex.PerYear, "services": ex.Services}
	switch tier {
	case privacy.Public:
		out["incidents"] = []risk.Contribution{}
		total, ok := privacy.PublicCount(float64(ex.IncidentsTotal))
		out["incidents_total"] = nullable(total, ok)
		years := make([]map[string]any, 0, len(ex.PerYear))
		for _, y := range ex.PerYear {
			row := map[string]any{"year": y.Year}
			n, ok := privacy.PublicCount(float64(y.Incidents))
			row["incidents"] = nullable(n, ok)
			d, ok := privacy.PublicCount(y.Dead)
			row["dead"] = nullable(d, ok)
			m, ok := privacy.PublicCount(y.Missing)
			row["missing"] = nullable(m, ok)
			years = append(years, row)
		}
		out["per_year"] = years
	case privacy.Partner:
		for i := range ex.Incidents {
			ex.Incidents[i].DistanceKm = math.Round(ex.Incidents[i].DistanceKm/10) * 10
			ex.Incidents[i].Weight = privacy.RoundSignificant(ex.Incidents[i].Weight, 1)
		}
	}
	return out
}

func nullable(v float64, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

// number reads a count property, whatever numeric type it has.
func number(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return 0
}
