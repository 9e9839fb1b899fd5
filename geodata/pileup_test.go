package geodata

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func TestMarkPileUps(t *testing.T) {
	pile := orb.Point{51.389, 35.6892}
	feature := func(p orb.Point, precision string) *geojson.Feature {
		f := geojson.NewFeature(p)
		if precision != "" {
			f.Properties["geo_precision"] = precision
		}
		return f
	}
	tests := []struct {
		name       string
		shared     int    // features on the pile-up point
		precision  string // their geo_precision
		wantMarked int
		wantAfter  string
	}{
		{"eleven on one point: each shares it with ten others", PileUpOthers + 1, PrecisionExact, PileUpOthers + 1, PrecisionApproximate},
		{"ten on one point: each shares it with nine", PileUpOthers, PrecisionExact, 0, PrecisionExact},
		{"absent precision is marked", PileUpOthers + 5, "", PileUpOthers + 5, PrecisionApproximate},
		{"a coarser precision is kept", PileUpOthers + 1, PrecisionRegion, 0, PrecisionRegion},
		{"already approximate is not counted again", PileUpOthers + 1, PrecisionApproximate, 0, PrecisionApproximate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var feats []*geojson.Feature
			for i := range tc.shared {
				// the same coordinate to six decimals
				feats = append(feats, feature(orb.Point{pile[0] + float64(i%3)*1e-8, pile[1]}, tc.precision))
			}
			lone := feature(orb.Point{12.6, 35.5}, PrecisionExact)
			near := feature(orb.Point{pile[0] + 2e-6, pile[1]}, PrecisionExact) // a different coordinate
			feats = append(feats, lone, near, &geojson.Feature{Geometry: orb.LineString{{0, 0}, {1, 1}}})
			var rep Report
			if got := MarkPileUps(feats, &rep); got != tc.wantMarked {
				t.Fatalf("marked %d, want %d", got, tc.wantMarked)
			}
			if rep.Counts[CodeSharedCoordinate] != tc.wantMarked || len(rep.Issues) != tc.wantMarked {
				t.Errorf("report counts %v with %d issues, want %d", rep.Counts, len(rep.Issues), tc.wantMarked)
			}
			if got := feats[0].Properties["geo_precision"]; tc.precision != "" || tc.wantMarked > 0 {
				if got != tc.wantAfter {
					t.Errorf("geo_precision %v, want %v", got, tc.wantAfter)
				}
			}
			if lone.Properties["geo_precision"] != PrecisionExact || near.Properties["geo_precision"] != PrecisionExact {
				t.Error("a point of its own was marked")
			}
			if tc.wantMarked > 0 && feats[0].Properties["flags"] != CodeSharedCoordinate {
				t.Errorf("flags %v", feats[0].Properties["flags"])
			}
		})
	}
}

func TestMarkPileUpsKeepsFlags(t *testing.T) {
	var feats []*geojson.Feature
	for range PileUpOthers + 1 {
		f := geojson.NewFeature(orb.Point{1, 2})
		f.Properties["flags"] = "whole_degree," + CodeSharedCoordinate
		feats = append(feats, f)
	}
	feats[0].Properties["flags"] = "whole_degree"
	MarkPileUps(feats, nil)
	if got := feats[0].Properties["flags"]; got != "whole_degree,"+CodeSharedCoordinate {
		t.Errorf("flags %v", got)
	}
	if got := feats[1].Properties["flags"]; got != "whole_degree,"+CodeSharedCoordinate {
		t.Errorf("flags %v, want the code once", got)
	}
}
