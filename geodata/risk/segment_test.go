package risk

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
)

func routeFeature(id string, g orb.Geometry) *geojson.Feature {
	f := geojson.NewFeature(g)
	f.ID = id
	f.Properties = geojson.Properties{"name": "Route " + id}
	return f
}

// haversineLengthKm is orb's haversine length rescaled to the analysis
// sphere.
func haversineLengthKm(g orb.Geometry) float64 {
	return geo.LengthHaversine(g) / orb.EarthRadius * EarthRadiusKm
}

func TestCutRoutesLengths(t *testing.T) {
	tests := []struct {
		name      string
		line      orb.LineString
		segmentKm float64
		wantLen   float64 // the line's length, km
		wantN     int
	}{
		{"along the equator", orb.LineString{{0, 0}, {1, 0}, {2.5, 0}}, 10, 2.5 * kmPerDeg, 28},
		{"along a meridian", orb.LineString{{10, 0}, {10, 3}}, 10, 3 * kmPerDeg, 33},
		{"along a meridian, 25 km", orb.LineString{{10, 0}, {10, 3}}, 25, 3 * kmPerDeg, 13},
		{"across the antimeridian", orb.LineString{{179.5, 10}, {-179.5, 10}}, 10, haversineKm(orb.Point{179.5, 10}, orb.Point{-179.5, 10}), 11},
		{"shorter than half a segment", orb.LineString{{0, 0}, {0.027, 0}}, 10, 0.027 * kmPerDeg, 1},
		{"1.4 segments round to one", orb.LineString{{0, 0}, {14 / kmPerDeg, 0}}, 10, 14, 1},
		{"1.6 segments round to two", orb.LineString{{0, 0}, {16 / kmPerDeg, 0}}, 10, 16, 2},
		{"repeated vertices", orb.LineString{{0, 0}, {0, 0}, {1, 0}, {1, 0}}, 10, kmPerDeg, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes := newRoutes([]*geojson.Feature{routeFeature("r", tt.line)})
			c := cutRoutes(routes, nil, tt.segmentKm)
			if len(c.cuts) != tt.wantN {
				t.Fatalf("%d segments, want %d", len(c.cuts), tt.wantN)
			}
			if h := haversineLengthKm(tt.line); math.Abs(h-tt.wantLen) > 1e-6 {
				t.Fatalf("test case: haversine length %.9f, want %.9f", h, tt.wantLen)
			}
			step := tt.wantLen / float64(tt.wantN)
			for i, s := range c.cuts {
				if s.index != i || math.Abs(s.startKm-float64(i)*step) > 1e-6 || math.Abs(s.endKm-float64(i+1)*step) > 1e-6 {
					t.Errorf("segment %d: index %d, %.6f–%.6f km, want %.6f–%.6f", i, s.index, s.startKm, s.endKm, float64(i)*step, float64(i+1)*step)
				}
				geom := orb.LineString(c.ll[s.p0:s.p1])
				if l := haversineLengthKm(geom); math.Abs(l-step) > 1e-6 {
					t.Errorf("segment %d: geometry %.9f km long by haversine, want %.9f", i, l, step)
				}
			}
			last := c.cuts[len(c.cuts)-1]
			if last.endKm != tt.wantLen && math.Abs(last.endKm-tt.wantLen) > 1e-9 {
				t.Errorf("route ends at %.9f km, want %.9f", last.endKm, tt.wantLen)
			}
			if first := c.ll[0]; first != tt.line[0] {
				t.Errorf("first point %v, want the first vertex %v", first, tt.line[0])
			}
			if end := c.ll[len(c.ll)-1]; end != tt.line[len(tt.line)-1] {
				t.Errorf("last point %v, want the last vertex %v", end, tt.line[len(tt.line)-1])
			}
		})
	}
}

func TestCutRoutesKeepsVerticesAndJoinsSegments(t *testing.T) {
	line := orb.LineString{{0, 0}, {0.3, 0.1}, {0.35, 0.5}, {1, 0.5}}
	routes := newRoutes([]*geojson.Feature{routeFeature("r", line)})
	c := cutRoutes(routes, nil, 10)
	seen := map[orb.Point]bool{}
	for i, s := range c.cuts {
		if s.p1-s.p0 < 2 {
			t.Fatalf("segment %d has %d points", i, s.p1-s.p0)
		}
		for _, p := range c.ll[s.p0:s.p1] {
			seen[p] = true
		}
		if i > 0 && c.ll[s.p0] != c.ll[c.cuts[i-1].p1-1] {
			t.Errorf("segment %d starts at %v, the previous ends at %v", i, c.ll[s.p0], c.ll[c.cuts[i-1].p1-1])
		}
	}
	for _, v := range line {
		if !seen[v] {
			t.Errorf("vertex %v is in no segment", v)
		}
	}
}

func TestCutRoutesMultiLineString(t *testing.T) {
	ml := orb.MultiLineString{
		{{0, 0}, {0.5, 0}},
		{{0, 0}, {0, 0}}, // no length: left out
		{{2, 0}, {2, 0.25}},
	}
	routes := newRoutes([]*geojson.Feature{routeFeature("m", ml)})
	c := cutRoutes(routes, nil, 10)
	// 0.5° = 55.6 km → 6 segments; 0.25° = 27.8 km → 3 segments.
	if len(c.cuts) != 9 {
		t.Fatalf("%d segments, want 9", len(c.cuts))
	}
	for i, s := range c.cuts {
		if s.index != i {
			t.Errorf("segment %d has index %d", i, s.index)
		}
		if i > 0 && math.Abs(s.startKm-c.cuts[i-1].endKm) > 1e-9 {
			t.Errorf("segment %d starts at %.6f km, the previous ends at %.6f", i, s.startKm, c.cuts[i-1].endKm)
		}
	}
	if got, want := c.cuts[8].endKm, 0.75*kmPerDeg; math.Abs(got-want) > 1e-6 {
		t.Errorf("route ends at %.6f km, want %.6f", got, want)
	}
}

func TestNewRoutesSkipsWhatIsNotALine(t *testing.T) {
	features := []*geojson.Feature{
		nil,
		geojson.NewFeature(orb.Point{1, 2}),
		geojson.NewFeature(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}),
		geojson.NewFeature(orb.LineString{}),
		geojson.NewFeature(orb.LineString{{1, 1}}),
		geojson.NewFeature(orb.LineString{{1, 1}, {1, 1}}),
		geojson.NewFeature(orb.LineString{{1, 1}, {math.NaN(), 1}}),
		geojson.NewFeature(orb.LineString{{1, 1}, {200, 1}}),
		{Properties: geojson.Properties{"name": "no geometry"}},
		geojson.NewFeature(orb.LineString{{1, 1}, {2, 1}}),
	}
	routes := newRoutes(features)
	if len(routes) != 1 || routes[0].id != "route-10" || routes[0].name != "" {
		t.Fatalf("routes %+v, want only the last, as route-10 without a name", routes)
	}
}
