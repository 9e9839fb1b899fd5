package hotspot

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"
)

// checkPolygons checks what Features promises of every geometry: closed
// counter-clockwise rings of at least 3 distinct points, longitudes in
// [−180, 180], latitudes in [−90, 90]. It returns the polygons.
func checkPolygons(t *testing.T, name string, g orb.Geometry) orb.MultiPolygon {
	t.Helper()
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	default:
		t.Fatalf("%s: geometry %T", name, g)
	}
	for _, poly := range mp {
		if len(poly) != 1 {
			t.Errorf("%s: %d rings", name, len(poly))
		}
		r := poly[0]
		if len(r) < 4 || !r.Closed() {
			t.Errorf("%s: ring of %d points, closed %v", name, len(r), r.Closed())
		}
		if r.Orientation() != orb.CCW {
			t.Errorf("%s: ring not counter-clockwise", name)
		}
		for _, p := range r {
			if p.Lon() < -180 || p.Lon() > 180 || p.Lat() < -90 || p.Lat() > 90 || math.IsNaN(p.Lon()) || math.IsNaN(p.Lat()) {
				t.Errorf("%s: point %v out of range", name, p)
			}
		}
	}
	return mp
}

func TestCellGeometryOrdinary(t *testing.T) {
	for res := MinResolution; res <= MaxResolution; res++ {
		c := h3.LatLngToCell(h3.NewLatLng(35.5, 12.6), res) // Lampedusa
		g := cellGeometry(c)
		poly, ok := g.(orb.Polygon)
		if !ok {
			t.Fatalf("res %d: %T, want a Polygon", res, g)
		}
		checkPolygons(t, c.String(), g)
		ll := h3.CellToLatLng(c)
		// [lon, lat] order: the centre lies inside, the same point with
		// the axes swapped does not.
		if !planar.PolygonContains(poly, orb.Point{ll.Lng, ll.Lat}) {
			t.Errorf("res %d: centre %v not inside %v", res, ll, poly)
		}
		if planar.PolygonContains(poly, orb.Point{ll.Lat, ll.Lng}) {
			t.Errorf("res %d: axes swapped", res)
		}
		if n := len(poly[0]); n < 7 {
			t.Errorf("res %d: %d points for a hexagon", res, n)
		}
	}
}

func TestCellGeometryPentagons(t *testing.T) {
	for _, c := range h3.Pentagons(MinResolution) {
		g := cellGeometry(c)
		mp := checkPolygons(t, c.String(), g)
		ll := h3.CellToLatLng(c)
		if !planar.MultiPolygonContains(mp, orb.Point{ll.Lng, ll.Lat}) {
			t.Errorf("pentagon %s: centre %v not inside", c, ll)
		}
	}
}

// TestCellGeometryAntimeridian walks down the antimeridian: every cell on
// it is cut into two parts that meet at ±180°, both containing points of
// the cell, with the area of the uncut hexagon.
func TestCellGeometryAntimeridian(t *testing.T) {
	seen := map[h3.Cell]bool{}
	split := 0
	for lat := -80.0; lat <= 80; lat += 0.5 {
		for _, res := range []int{MinResolution, 4, MaxResolution} {
			c := h3.LatLngToCell(h3.NewLatLng(lat, 180), res)
			if seen[c] {
				continue
			}
			seen[c] = true
			g := cellGeometry(c)
			mp := checkPolygons(t, c.String(), g)
			if len(mp) == 1 {
				continue // touches the meridian only at its edge
			}
			split++
			if len(mp) != 2 {
				t.Fatalf("%s: %d parts", c, len(mp))
			}
			east, west := mp[0].Bound(), mp[1].Bound()
			if east.Max[0] != 180 && west.Max[0] != 180 {
				t.Errorf("%s: no part reaches +180: %v %v", c, east, west)
			}
			if east.Min[0] != -180 && west.Min[0] != -180 {
				t.Errorf("%s: no part reaches −180: %v %v", c, east, west)
			}
			// The parts add up to the hexagon: compare with the ring
			// moved east by 360° where it lies west.
			var whole orb.Ring
			for _, p := range h3.CellToBoundary(c) {
				lon := p.Lng
				if lon < 0 {
					lon += 360
				}
				whole = append(whole, orb.Point{lon, p.Lat})
			}
			whole = append(whole, whole[0])
			want := math.Abs(planar.Area(whole))
			got := planar.Area(mp[0]) + planar.Area(mp[1])
			if math.Abs(got-want) > 1e-9*want {
				t.Errorf("%s: parts have area %v, the cell %v", c, got, want)
			}
		}
	}
	if split < 50 {
		t.Errorf("only %d cells on the antimeridian were split", split)
	}
}

func TestCellGeometryPoles(t *testing.T) {
	for _, pole := range []float64{90, -90} {
		for res := MinResolution; res <= MaxResolution; res++ {
			c := h3.LatLngToCell(h3.NewLatLng(pole, 0), res)
			g := cellGeometry(c)
			if _, ok := g.(orb.Polygon); !ok {
				t.Errorf("res %d pole %v: %T, want one Polygon", res, pole, g)
			}
			mp := checkPolygons(t, c.String(), g)
			b := mp.Bound()
			if b.Min[0] != -180 || b.Max[0] != 180 || (pole > 0 && b.Max[1] != 90) || (pole < 0 && b.Min[1] != -90) {
				t.Errorf("res %d pole %v: bound %v does not cover the cap", res, pole, b)
			}
			// Points near the pole at several longitudes lie inside.
			near := pole - math.Copysign(1e-4, pole)
			for lon := -179.0; lon <= 179; lon += 37 {
				if !planar.MultiPolygonContains(mp, orb.Point{lon, near}) {
					t.Errorf("res %d pole %v: (%v, %v) not inside", res, pole, lon, near)
				}
			}
		}
	}
}

// TestBoundaryGeometryPoleOnMeridian covers a cap around the north pole
// with a vertex exactly on the antimeridian, which H3 does not produce at
// the served resolutions: it is cut like a crossing cell, into parts that
// still cover the cap.
func TestBoundaryGeometryPoleOnMeridian(t *testing.T) {
	b := h3.CellBoundary{{Lat: 88, Lng: 0}, {Lat: 87, Lng: 90}, {Lat: 88, Lng: 180}, {Lat: 87, Lng: -90}}
	mp := checkPolygons(t, "cap", boundaryGeometry(b))
	var area float64
	for _, p := range mp {
		area += planar.Area(p)
	}
	// In lon/lat degrees the cap is four trapezoids 90° wide between the
	// pole and edges from 88° to 87° or back: 4 · 90 · (2 + 3)/2 = 900.
	if want := 900.0; math.Abs(area-want) > 1e-9 {
		t.Errorf("area %v, want %v", area, want)
	}
	for lon := -179.0; lon <= 179; lon += 37 {
		if !planar.MultiPolygonContains(mp, orb.Point{lon, 89.9}) {
			t.Errorf("(%v, 89.9) not inside %v", lon, mp)
		}
	}
}

func TestBoundaryGeometryDegenerate(t *testing.T) {
	if g := boundaryGeometry(h3.CellBoundary{{Lat: 1, Lng: 1}, {Lat: 2, Lng: 2}}); g != nil {
		t.Errorf("two vertices give %v", g)
	}
}

func TestFeatures(t *testing.T) {
	_, fs := ringIncidents()
	p := DefaultParams()
	p.Resolution = 4
	cells := Compute(fs, p)
	features := Features(cells)
	if len(features) != len(cells) {
		t.Fatalf("%d features for %d cells", len(features), len(cells))
	}
	for i, f := range features {
		c := cells[i]
		checkPolygons(t, c.ID, f.Geometry)
		if f.ID != c.ID {
			t.Errorf("feature id %v, want %s", f.ID, c.ID)
		}
		want := map[string]any{
			"cell": c.ID, "resolution": 4, "incidents": c.Incidents, "dead": c.Dead, "missing": c.Missing,
			"z": c.Z, "p": c.P, "p_fdr": c.PFDR, "class": string(c.Class),
		}
		if len(f.Properties) != len(want) {
			t.Errorf("%s: properties %v", c.ID, f.Properties)
		}
		for k, v := range want {
			if f.Properties[k] != v {
				t.Errorf("%s: %s = %#v, want %#v", c.ID, k, f.Properties[k], v)
			}
		}
	}
	// The features encode as GeoJSON.
	if _, err := json.Marshal(features[0]); err != nil {
		t.Fatal(err)
	}
	// An ID that is no H3 index gets no geometry.
	if g := Features([]Cell{{ID: "not-a-cell"}})[0].Geometry; g != nil {
		t.Errorf("geometry %v for a bad ID", g)
	}
}
