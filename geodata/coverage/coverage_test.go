package coverage

import (
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"github.com/routerisk/routerisk/geodata"
)

func testCountries(t *testing.T) *Countries {
	t.Helper()
	return NewCountries(func() ([]byte, error) { return os.ReadFile("testdata/countries.topojson.json") })
}

func TestDeclare(t *testing.T) {
	square := `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`
	for _, tc := range []struct {
		name, countries, area string
		want                  []string // countries stored
		wantArea              bool
		err                   string // part of the message; "" for none
	}{
		{name: "nothing", want: nil},
		{name: "alpha-2 and alpha-3, any case, once each", countries: "sq, SQR;fr", want: []string{"FRA", "SQR"}},
		{name: "France has no ISO code in Natural Earth", countries: "FR", want: []string{"FRA"}},
		{name: "unknown code", countries: "SQ,XX", err: `"XX", which is not an ISO 3166-1`},
		{name: "area geometry", area: square, wantArea: true},
		{name: "area feature", area: `{"type":"Feature","properties":{},"geometry":` + square + `}`, wantArea: true},
		{name: "countries and area", countries: "SQ", area: square, want: []string{"SQR"}, wantArea: true},
		{name: "not JSON", area: "POLYGON((0 0,1 0,1 1,0 0))", err: "is not GeoJSON"},
		{name: "a point", area: `{"type":"Point","coordinates":[1,2]}`, err: `GeoJSON "Point"`},
		{name: "a line in a collection", area: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`, err: "holds a LineString"},
		{name: "unclosed ring", area: `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, err: "is not closed"},
		{name: "short ring", area: `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`, err: "needs at least 4"},
		{name: "latitude out of range", area: `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,95],[0,0]]]}`, err: "is not a longitude"},
		{name: "no surface", area: `{"type":"Polygon","coordinates":[[[0,0],[1,1],[2,2],[0,0]]]}`, err: "has no surface"},
		{name: "too many vertices", area: bigRing(MaxAreaVertices + 1), err: "more than 10000 vertices"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Declare(tc.countries, tc.area, testCountries(t))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || geodata.ErrorCode(err) != geodata.Invalid {
					t.Fatalf("err %v, want Invalid with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil && !tc.wantArea {
				if c != nil {
					t.Fatalf("got %+v, want nil", c)
				}
				return
			}
			if strings.Join(c.Countries, ",") != strings.Join(tc.want, ",") || (c.Area != nil) != tc.wantArea {
				t.Fatalf("got %v area %v, want %v area %v", c.Countries, c.Area != nil, tc.want, tc.wantArea)
			}
		})
	}
}

func bigRing(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"Polygon","coordinates":[[`)
	for i := range n - 1 {
		a := float64(i) / float64(n-1) * 6.283
		b.WriteString("[" + ftoa(10*cos(a)) + "," + ftoa(10*sin(a)) + "],")
	}
	b.WriteString("[10,0]]]}")
	return b.String()
}

func TestDeclaredContains(t *testing.T) {
	a, err := FromDeclared(&geodata.Coverage{Countries: []string{"SQR"}}, testCountries(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		p    orb.Point
		want bool
	}{
		{"inside", orb.Point{15, 35}, true},
		{"just outside, within the tolerance", orb.Point{20.05, 35}, true},
		{"outside", orb.Point{21, 35}, false},
		{"far away", orb.Point{-100, 35}, false},
	} {
		if got := a.Contains(tc.p); got != tc.want {
			t.Errorf("%s: Contains(%v) = %v", tc.name, tc.p, got)
		}
	}
}

func TestComputed(t *testing.T) {
	a := Compute([]orb.Point{{12, 35}})
	if !a.Computed() || a.Cells() != 61 { // 1 + 6 + 12 + 18 + 24
		t.Fatalf("computed %v, %d cells", a.Computed(), a.Cells())
	}
	for _, tc := range []struct {
		name string
		km   float64 // distance east of the service
		want bool
	}{
		{"at the service", 0, true},
		{"100 km away", 100, true},
		{"300 km away", 300, false},
		{"1000 km away", 1000, false},
	} {
		p := geo.PointAtBearingAndDistance(orb.Point{12, 35}, 90, tc.km*1000)
		if got := a.Contains(p); got != tc.want {
			t.Errorf("%s: Contains = %v", tc.name, got)
		}
	}
	out := a.Outline()
	if len(out) != 1 || len(out[0]) != 1 {
		t.Fatalf("outline of one disc: %d polygons, %v rings", len(out), len(out))
	}
	if !planar.PolygonContains(out[0], orb.Point{12, 35}) || planar.PolygonContains(out[0], orb.Point{16, 35}) {
		t.Errorf("outline does not hold the service, or holds a point 360 km away")
	}
	coarse := a.Coarse()
	if coarse.Cells() >= a.Cells() || !coarse.Contains(orb.Point{12, 35}) {
		t.Errorf("coarse: %d cells", coarse.Cells())
	}
}

func TestOutlineHole(t *testing.T) {
	// A ring of cells around an empty one: one polygon with one hole.
	a := Compute([]orb.Point{{12, 35}})
	centre, _ := cellOf(orb.Point{12, 35}, CellResolution)
	delete(a.cells, centre)
	out := a.Outline()
	if len(out) != 1 || len(out[0]) != 2 {
		t.Fatalf("got %d polygons, first with %d rings; want 1 with a hole", len(out), len(out[0]))
	}
}

// BenchmarkCompute computes the coverage of 18,000 services spread over
// North and West Africa, about as many as the bundled health layer.
func BenchmarkCompute(b *testing.B) {
	pts := make([]orb.Point, 18000)
	for i := range pts {
		pts[i] = orb.Point{-17 + float64(i*7919%5500)/100, 5 + float64(i*104729%3200)/100}
	}
	b.ReportAllocs()
	for b.Loop() {
		a := Compute(pts)
		_ = a.Outline()
	}
}

// TestProbeAnswersAsContains: one probe tested against areas of several
// resolutions, declared ones and none answers as Contains does for each,
// in any order, for points in and out of range.
func TestProbeAnswersAsContains(t *testing.T) {
	declared, err := FromDeclared(&geodata.Coverage{Countries: []string{"SQR"}}, testCountries(t))
	if err != nil {
		t.Fatal(err)
	}
	fine := Compute([]orb.Point{{12, 35}})
	coarse := fine.Coarse()
	other := Compute([]orb.Point{{12.5, 35.2}, {40, 10}})
	areas := []*Area{fine, coarse, declared, nil, other, coarse, fine}
	for _, p := range []orb.Point{
		{12, 35}, {13.5, 35}, {14.9, 35.1}, {16, 35}, {20.05, 35}, {40.3, 10.1}, {-100, 35},
		{181, 0}, {0, -91},
	} {
		for start := range areas {
			probe := NewProbe(p)
			for k := range areas {
				a := areas[(start+k)%len(areas)]
				if got, want := a.ContainsProbe(&probe), a.Contains(p); got != want {
					t.Errorf("point %v, area %d: ContainsProbe %v, Contains %v", p, (start+k)%len(areas), got, want)
				}
			}
		}
	}
}
