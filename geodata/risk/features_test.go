package risk

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata/formats"
)

func TestSegmentFeatures(t *testing.T) {
	routes, incidents, services := handLayers()
	res, err := NewAnalyser(routes, incidents, services).Analyse(DefaultParams(refDate))
	if err != nil {
		t.Fatal(err)
	}
	fs := res.SegmentFeatures()
	if len(fs) != len(res.Segments) || len(fs) != 6 {
		t.Fatalf("%d features for %d segments", len(fs), len(res.Segments))
	}
	required := []string{"id", "route", "route_id", "segment_index", "start_km", "end_km", "length_km", "risk", "class",
		"incidents", "dead", "missing", "last_incident", "incidents_per_year", "priority", "rank", "gap_share", "gaps", "no_data",
		"coverage_health", "nearest_health_km", "coverage_legal", "nearest_legal_km", "coverage_transport", "coverage_cash"}
	for i, f := range fs {
		s := &res.Segments[i]
		if _, ok := f.Geometry.(orb.LineString); !ok || f.ID != s.ID() {
			t.Fatalf("feature %d: geometry %T, id %v", i, f.Geometry, f.ID)
		}
		for _, k := range required {
			if _, ok := f.Properties[k]; !ok {
				t.Errorf("feature %s has no %q", s.ID(), k)
			}
		}
		if f.Properties["class"] != string(s.Class) || f.Properties["incidents"] != s.Incidents || f.Properties["coverage_cash"] != "no_data" {
			t.Errorf("feature %s: %v", s.ID(), f.Properties)
		}
		if (s.Rank == 0) != (f.Properties["rank"] == nil) {
			t.Errorf("feature %s: rank %v for segment rank %d", s.ID(), f.Properties["rank"], s.Rank)
		}
		raw, err := formats.AppendFeature(nil, f, formats.EncodeOptions{Precision: -1})
		if err != nil {
			t.Fatalf("feature %s does not encode: %v", s.ID(), err)
		}
		var back map[string]any
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatalf("feature %s encodes to invalid JSON: %v", s.ID(), err)
		}
	}
	first := fs[0].Properties
	if first["last_incident"] != "2025-01-01" || first["coverage_legal"] != "gap" || first["coverage_health"] != "ok" {
		t.Errorf("first segment properties %v", first)
	}
	if !slices.Equal(first["gaps"].([]string), []string{"legal"}) {
		t.Errorf("gaps %v", first["gaps"])
	}

	top := res.PriorityFeatures(2)
	if len(top) != min(2, len(res.Priorities)) || top[0].Properties["rank"] != 1 || top[0].Properties["reasons"] == nil {
		t.Fatalf("priority features %v", top)
	}
	if all := res.PriorityFeatures(0); len(all) != len(res.Priorities) {
		t.Errorf("%d priority features, want %d", len(all), len(res.Priorities))
	}
}

func TestPriorityJSON(t *testing.T) {
	routes, incidents, services := handLayers()
	res, _ := NewAnalyser(routes, incidents, services).Analyse(handParams())
	raw, err := json.Marshal(res.Priorities[0])
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"rank", "priority", "segment_id", "route", "route_id", "segment_index", "start_km", "end_km",
		"risk", "class", "incidents", "dead", "missing", "last_incident", "gaps", "no_data", "reasons"} {
		if _, ok := got[k]; !ok {
			t.Errorf("priority JSON has no %q: %s", k, raw)
		}
	}
	if s, _ := json.Marshal(Gap); string(s) != `"gap"` {
		t.Errorf("Gap marshals as %s", s)
	}
}
