package risk

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// TestSeaStretchesAreJudgedAtTheirLandingPlace: a crossing from Sfax to
// Lampedusa, drawn from departure to arrival. Its sea segments are judged
// on the services of Lampedusa, not on the clinic of Sfax they pass; a
// category with nothing within the coverage area is no_data, not a gap.
func TestSeaStretchesAreJudgedAtTheirLandingPlace(t *testing.T) {
	crossing := routeFeature("x", orb.LineString{{10.80, 34.70}, {11.40, 34.95}, {12.60, 35.50}})
	sfax := serviceFeature(10.76, 34.74, "health", "2024-01-01")
	lampedusa := serviceFeature(12.61, 35.51, "health", "2024-01-01")
	tehran := serviceFeature(51.39, 35.69, "legal", "2024-01-01")
	near := incidentFeature(11.0, 34.8, geojson.Properties{"date": "2024-06-01", "dead": 5.0})
	tests := []struct {
		name     string
		services []*geojson.Feature
		want     Status // health, for the sea segment nearest Sfax
	}{
		{"a clinic where they land: ok", []*geojson.Feature{sfax, lampedusa, tehran}, Covered},
		{"only the clinic of the departure coast: a gap at the landing place", []*geojson.Feature{sfax, tehran}, Gap},
		{"no health service within the coverage area: no data", []*geojson.Feature{tehran}, NoData},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParams(refDate)
			res, err := NewAnalyser([]*geojson.Feature{crossing}, []*geojson.Feature{near}, tc.services).Analyse(p)
			if err != nil {
				t.Fatal(err)
			}
			var first *Segment
			for i := range res.Segments {
				if s := &res.Segments[i]; s.Setting == "sea" {
					first = s
					break
				}
			}
			if first == nil {
				t.Fatal("no segment at sea")
			}
			if !first.HasLanding || !strings.Contains(first.Landing, "Lampedusa") {
				t.Errorf("landing %q (%v), want Lampedusa", first.Landing, first.HasLanding)
			}
			health := first.Coverage[0]
			if res.Categories[0].Category != "health" || health.Status != tc.want {
				t.Errorf("health %+v, want %s", health, tc.want)
			}
			legal := first.Coverage[1]
			if res.Categories[1].Category != "legal" || legal.Status != NoData {
				t.Errorf("legal %+v, want no_data: its only office is in Tehran", legal)
			}
		})
	}
}
