package risk

import (
	"iter"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// SegmentFeatures returns every segment as a GeoJSON LineString feature,
// with the segment id as feature id and these properties: id, route,
// route_id, label (the route's descriptive name, else its name), setting
// ("sea" or "land"), srr (the search-and-rescue region at sea, or null),
// radius_km (only where the segment's radius differs from the request's),
// landing (at sea, the landing place whose services judge it, or null),
// segment_index, start_km, end_km, length_km, risk, class (also
// as risk_class),
// incidents, dead, missing, last_incident (YYYY-MM-DD, or null),
// incidents_per_year, priority, rank (null when not ranked), gap_share
// (null without coverage data), gaps and no_data (lists of categories),
// and per service category C: coverage_C ("ok", "gap" or "no_data": outside
// C's coverage area) and nearest_C_km (null outside the coverage area, or
// when no current service that counts lies within NearestSearchFactor ×
// reach_km).
func (r Result) SegmentFeatures() []*geojson.Feature {
	return slices.Collect(r.EachSegmentFeature())
}

// EachSegmentFeature yields SegmentFeatures' features one at a time, each
// built as it is asked for, so that a caller encoding them as they come
// never holds them all.
func (r *Result) EachSegmentFeature() iter.Seq[*geojson.Feature] {
	return func(yield func(*geojson.Feature) bool) {
		for i := range r.Segments {
			if !yield(segmentFeature(r, &r.Segments[i])) {
				return
			}
		}
	}
}

// PriorityFeatures returns the first n ranked segments (all when n ≤ 0)
// as features in rank order, with SegmentFeatures' properties and
// "reasons", the list of sentences explaining the rank.
func (r Result) PriorityFeatures(n int) []*geojson.Feature {
	if n <= 0 || n > len(r.Priorities) {
		n = len(r.Priorities)
	}
	out := make([]*geojson.Feature, n)
	for i, p := range r.Priorities[:n] {
		f := segmentFeature(&r, &r.Segments[p.Segment])
		f.Properties["reasons"] = p.Reasons
		// The stretch: its extent along the route and its course; the
		// figures are its peak segment's.
		if len(p.Members) > 1 {
			var line orb.LineString
			length := 0.0
			for _, m := range p.Members {
				g := r.Segments[m].Geometry
				if len(line) > 0 && len(g) > 0 && line[len(line)-1] == g[0] {
					g = g[1:]
				}
				line = append(line, g...)
				length += r.Segments[m].LengthKm()
			}
			f.Geometry = line
			f.Properties["length_km"] = length
		}
		f.Properties["start_km"], f.Properties["end_km"] = p.StartKm, p.EndKm
		f.Properties["segments"] = max(1, len(p.Members))
		f.Properties["peak_segment"] = r.Segments[p.Segment].ID()
		out[i] = f
	}
	return out
}

// segmentProperties sizes a segment's property map: the 25 at most that
// segmentFeature sets besides the two of each service category, and the 7
// added later (PriorityFeatures' reasons, segments and peak_segment; the
// place, location and country of a priority; suppressed at the public
// tier). A hint: a map past it still grows.
const segmentProperties = 25 + 7

// setCoreProperties sets the properties of segment s (whose id is id) that
// both its whole feature and the overview carry: id, route, label (the
// route's name when the line has no label), route_id, segment_index,
// start_km, end_km, risk and class.
func setCoreProperties(props geojson.Properties, s *Segment, id string) {
	label := s.Label
	if label == "" {
		label = s.Route
	}
	props["id"], props["route"], props["label"] = id, s.Route, label
	props["route_id"], props["segment_index"] = s.RouteID, s.Index
	props["start_km"], props["end_km"] = s.StartKm, s.EndKm
	props["risk"], props["class"] = s.Risk, string(s.Class)
}

func segmentFeature(r *Result, s *Segment) *geojson.Feature {
	f := &geojson.Feature{Type: "Feature", Geometry: s.Geometry}
	id := s.ID()
	f.ID = id
	// Sized for every property below, so that the map never grows.
	props := make(geojson.Properties, segmentProperties+2*len(s.Coverage))
	setCoreProperties(props, s, id)
	props["setting"] = string(s.Setting)
	props["srr"] = nil
	props["length_km"] = s.LengthKm()
	props["risk_class"] = string(s.Class) // the name the API documents; "class" kept for the map
	props["incidents"] = s.Incidents
	props["dead"] = s.Dead
	props["missing"] = s.Missing
	props["last_incident"] = nil
	props["incidents_per_year"] = s.IncidentsPerYear
	props["priority"] = s.Priority
	props["rank"] = nil
	props["gap_share"] = nil
	if s.SRR != "" {
		props["srr"] = s.SRR
	}
	props["landing"] = nil
	if s.HasLanding {
		props["landing"] = s.Landing
	}
	if s.RadiusKm != r.Params.RadiusKm {
		props["radius_km"] = s.RadiusKm
	}
	if !s.LastIncident.IsZero() {
		props["last_incident"] = s.LastIncident.Format(time.DateOnly)
	}
	if s.Rank > 0 {
		props["rank"] = s.Rank
	}
	if s.HasCoverage {
		props["gap_share"] = s.GapShare
	}
	gaps, noData := []string{}, []string{}
	for j, c := range s.Coverage {
		name := r.Categories[j].Category
		props["coverage_"+name] = c.Status.String()
		props["nearest_"+name+"_km"] = nil
		if c.HasNearest {
			props["nearest_"+name+"_km"] = c.NearestKm
		}
		switch c.Status {
		case Gap:
			gaps = append(gaps, name)
		case NoData:
			noData = append(noData, name)
		}
	}
	props["gaps"] = gaps
	props["no_data"] = noData
	f.Properties = props
	return f
}
