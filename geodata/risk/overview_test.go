package risk

import (
	"iter"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func seg(route string, index int, class string, risk float64, line orb.LineString) *geojson.Feature {
	f := geojson.NewFeature(line)
	id := route + ":" + string(rune('0'+index))
	f.ID = id
	f.Properties = geojson.Properties{"id": id, "route": "R " + route, "label": "L " + route, "route_id": route,
		"segment_index": index, "class": class, "risk": risk, "start_km": float64(index * 10), "end_km": float64(index*10 + 10),
		"dead": 3, "coverage_health": "gap"}
	return f
}

func TestOverview(t *testing.T) {
	// A straight line along the equator, 0.1° a segment, with a wiggle of
	// 0.001° that no pixel at zoom 3 shows.
	pt := func(i int) orb.Point { return orb.Point{float64(i) / 10, float64(i%2) * 0.001} }
	l := func(i int) orb.LineString { return orb.LineString{pt(i), pt(i + 1)} }
	cases := []struct {
		name   string
		feats  []*geojson.Feature
		ids    []string
		risks  []float64
		counts []int
		endKm  []float64
		maxPts int
	}{
		{"one class merges, highest risk, ends of the last", []*geojson.Feature{
			seg("a", 0, "high", 40, l(0)), seg("a", 1, "high", 60, l(1)), seg("a", 2, "high", 50, l(2)),
		}, []string{"a:0"}, []float64{60}, []int{3}, []float64{30}, 2},
		{"a change of class splits", []*geojson.Feature{
			seg("a", 0, "high", 40, l(0)), seg("a", 1, "critical", 90, l(1)), seg("a", 2, "high", 50, l(2)),
		}, []string{"a:0", "a:1", "a:2"}, []float64{40, 90, 50}, []int{1, 1, 1}, []float64{10, 20, 30}, 2},
		{"another line splits", []*geojson.Feature{
			seg("a", 0, "low", 1, l(0)), seg("b", 1, "low", 2, l(1)),
		}, []string{"a:0", "b:1"}, []float64{1, 2}, []int{1, 1}, []float64{10, 20}, 2},
		{"a gap in the index splits", []*geojson.Feature{
			seg("a", 0, "low", 1, l(0)), seg("a", 2, "low", 2, l(1)),
		}, []string{"a:0", "a:2"}, []float64{1, 2}, []int{1, 1}, []float64{10, 30}, 2},
		{"lines that do not touch split", []*geojson.Feature{
			seg("a", 0, "low", 1, l(0)), seg("a", 1, "low", 2, l(2)),
		}, []string{"a:0", "a:1"}, []float64{1, 2}, []int{1, 1}, []float64{10, 20}, 2},
		{"nothing", nil, nil, nil, nil, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.feats
			out := Overview(slices.Values(tc.feats), 3)
			if len(out) != len(tc.ids) {
				t.Fatalf("%d stretches, want %d", len(out), len(tc.ids))
			}
			for i, f := range out {
				p := f.Properties
				if f.ID != tc.ids[i] || p["id"] != tc.ids[i] || p["risk"] != tc.risks[i] || p["segments"] != tc.counts[i] || p["end_km"] != tc.endKm[i] {
					t.Errorf("stretch %d: id %v %v risk %v segments %v end_km %v, want %s %v %d %v", i, f.ID, p["id"], p["risk"], p["segments"], p["end_km"],
						tc.ids[i], tc.risks[i], tc.counts[i], tc.endKm[i])
				}
				if len(p) != len(OverviewProperties) || p["route"] == nil || p["label"] == nil || p["class"] == nil {
					t.Errorf("stretch %d has properties %v, want %v", i, p, OverviewProperties)
				}
				if n := len(f.Geometry.(orb.LineString)); n > tc.maxPts {
					t.Errorf("stretch %d has %d points, want at most %d", i, n, tc.maxPts)
				}
			}
			for _, f := range before {
				if f.Properties["dead"] != 3 || len(f.Geometry.(orb.LineString)) != 2 {
					t.Errorf("input feature %v changed", f.ID)
				}
			}
		})
	}
}

func TestOverviewZoom(t *testing.T) {
	for _, tc := range []struct {
		z, band, precision int
		ok                 bool
	}{
		{0, 3, 2, true}, {2, 3, 2, true}, {3, 3, 2, true}, {4, 6, 2, true}, {6, 6, 2, true}, {7, 0, 0, false}, {18, 0, 0, false},
	} {
		band, ok := OverviewZoom(tc.z)
		if band != tc.band || ok != tc.ok {
			t.Errorf("OverviewZoom(%d) = %d, %v, want %d, %v", tc.z, band, ok, tc.band, tc.ok)
		}
		if ok && OverviewPrecision(band) != tc.precision {
			t.Errorf("OverviewPrecision(%d) = %d, want %d", band, OverviewPrecision(band), tc.precision)
		}
	}
}

// TestOverviewOfOverviewFeatures: the overview merged from
// EachOverviewFeature (one feature filled again per segment) is the one
// merged from the whole segment features, for every band, with the risk of
// each feature changed on the way as the tiers below staff change it.
func TestOverviewOfOverviewFeatures(t *testing.T) {
	l := sampleLayers(t)
	// The bundled routes, and one line without a label of its own.
	unlabelled := routeFeature("u", orb.LineString{{20, 0}, {24, 0}})
	res, err := NewAnalyser(append(slices.Clone(l.routes), unlabelled), l.incidents, l.services).Analyse(DefaultParams(sampleDate))
	if err != nil {
		t.Fatal(err)
	}
	last := &res.Segments[len(res.Segments)-1]
	if last.Label != "" {
		t.Fatalf("the last segment is labelled %q: the label a line without one is given goes untested", last.Label)
	}
	if label := segmentFeature(&res, last).Properties["label"]; label != "Route u" {
		t.Fatalf("a segment of a line without a label is labelled %v, not with its route's name", label)
	}
	floored := func(feats iter.Seq[*geojson.Feature]) iter.Seq[*geojson.Feature] {
		return func(yield func(*geojson.Feature) bool) {
			for f := range feats {
				if r, ok := f.Properties["risk"].(float64); ok {
					f.Properties["risk"] = math.Floor(r)
				}
				if !yield(f) {
					return
				}
			}
		}
	}
	for _, band := range overviewBands {
		for _, floor := range []bool{false, true} {
			whole, each := res.EachSegmentFeature(), res.EachOverviewFeature()
			if floor {
				whole, each = floored(whole), floored(each)
			}
			want, got := Overview(whole, band), Overview(each, band)
			if len(want) < 100 || !reflect.DeepEqual(got, want) {
				t.Fatalf("zoom %d, risk floored %v: %d stretches from the overview features, %d from the whole features",
					band, floor, len(got), len(want))
			}
		}
	}
}
