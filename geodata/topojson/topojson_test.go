package topojson

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
)

// square is a quantised topology: arc 0 is the square (-10,-10)–(0,0),
// arc 1 an open three-point line from (10,10), arc 2 a line from (0,0) to
// (0,10).
const square = `{"type": "Topology",
 "transform": {"scale": [0.1, 0.1], "translate": [-10, -10]},
 "arcs": [[[0, 0], [100, 0], [0, 100], [-100, 0], [0, -100]], [[200, 200], [10, 0], [0, 10]], [[100, 100], [0, 100]]],
 "objects": {"countries": {"type": "GeometryCollection", "geometries": [
   {"type": "Polygon", "arcs": [[0]], "id": "AAA", "properties": {"name": "Alpha"}},
   {"type": "MultiPolygon", "arcs": [[[-2]]], "id": 7, "properties": {"name": "Beta"}},
   {"type": null, "properties": {"name": "Nowhere"}}
 ]}}}`

func TestDecodeObject(t *testing.T) {
	tests := []struct {
		name  string
		topo  string
		obj   string
		want  []orb.Geometry
		ids   []any
		props []geojson.Properties
	}{
		{
			name: "quantised polygons, reversed arc, null geometry",
			topo: square, obj: "countries",
			want: []orb.Geometry{
				orb.Polygon{{{-10, -10}, {0, -10}, {0, 0}, {-10, 0}, {-10, -10}}},
				// Arc 1 reversed; a ring shorter than 4 points repeats its first point.
				orb.MultiPolygon{{{{11, 11}, {11, 10}, {10, 10}, {11, 11}}}},
				nil,
			},
			ids:   []any{"AAA", 7.0, nil},
			props: []geojson.Properties{{"name": "Alpha"}, {"name": "Beta"}, {"name": "Nowhere"}},
		},
		{
			name: "line stitched from two arcs keeps the shared point once",
			topo: `{"type":"Topology","arcs":[[[0,0],[1,0]],[[1,0],[1,1]],[[5,5],[6,6]]],
				"objects":{"l":{"type":"LineString","arcs":[0,1]},"r":{"type":"LineString","arcs":[-2,-1]},
				"m":{"type":"MultiLineString","arcs":[[0],[2]]}}}`,
			obj:  "l",
			want: []orb.Geometry{orb.LineString{{0, 0}, {1, 0}, {1, 1}}},
		},
		{
			name: "reversed arcs stitched",
			topo: `{"type":"Topology","arcs":[[[0,0],[1,0]],[[1,0],[1,1]]],"objects":{"r":{"type":"LineString","arcs":[-2,-1]}}}`,
			obj:  "r",
			want: []orb.Geometry{orb.LineString{{1, 1}, {1, 0}, {0, 0}}},
		},
		{
			name: "multilinestring",
			topo: `{"type":"Topology","arcs":[[[0,0],[1,0]],[[5,5],[6,6]]],"objects":{"m":{"type":"MultiLineString","arcs":[[0],[1]]}}}`,
			obj:  "m",
			want: []orb.Geometry{orb.MultiLineString{{{0, 0}, {1, 0}}, {{5, 5}, {6, 6}}}},
		},
		{
			name: "polygon with a hole, no transform",
			topo: `{"type":"Topology","arcs":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],[2,1],[1,1]]],
				"objects":{"p":{"type":"Polygon","arcs":[[0],[1]],"properties":{"n":1}}}}`,
			obj:   "p",
			want:  []orb.Geometry{orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {1, 2}, {2, 2}, {2, 1}, {1, 1}}}},
			props: []geojson.Properties{{"n": 1.0}},
		},
		{
			name: "quantised points are absolute, not delta-encoded",
			topo: `{"type":"Topology","transform":{"scale":[0.5,2],"translate":[10,20]},"arcs":[],
				"objects":{"p":{"type":"Point","coordinates":[2,3]},"mp":{"type":"MultiPoint","coordinates":[[2,3],[4,5]]}}}`,
			obj:  "p",
			want: []orb.Geometry{orb.Point{11, 26}},
		},
		{
			name: "multipoint",
			topo: `{"type":"Topology","transform":{"scale":[0.5,2],"translate":[10,20]},"arcs":[],
				"objects":{"mp":{"type":"MultiPoint","coordinates":[[2,3],[4,5,99]]}}}`,
			obj:  "mp",
			want: []orb.Geometry{orb.MultiPoint{{11, 26}, {12, 30}}},
		},
		{
			name: "nested geometry collection becomes orb.Collection",
			topo: `{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"g":{"type":"GeometryCollection","geometries":[
				{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","arcs":[0]},{"type":null}]}]}}}`,
			obj:  "g",
			want: []orb.Geometry{orb.Collection{orb.Point{1, 2}, orb.LineString{{0, 0}, {1, 1}}}},
		},
		{
			name: "a one-point line repeats its point",
			topo: `{"type":"Topology","arcs":[[[3,3]]],"objects":{"l":{"type":"LineString","arcs":[0]}}}`,
			obj:  "l",
			want: []orb.Geometry{orb.LineString{{3, 3}, {3, 3}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fc, err := DecodeObject([]byte(tc.topo), tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			if len(fc.Features) != len(tc.want) {
				t.Fatalf("%d features, want %d", len(fc.Features), len(tc.want))
			}
			for i, f := range fc.Features {
				if !equalGeometry(f.Geometry, tc.want[i]) {
					t.Errorf("feature %d: %#v, want %#v", i, f.Geometry, tc.want[i])
				}
				if tc.ids != nil && f.ID != tc.ids[i] {
					t.Errorf("feature %d: id %#v, want %#v", i, f.ID, tc.ids[i])
				}
				if f.Properties == nil {
					t.Errorf("feature %d: nil properties", i)
				}
				if tc.props != nil && !reflect.DeepEqual(f.Properties, tc.props[i]) {
					t.Errorf("feature %d: properties %v, want %v", i, f.Properties, tc.props[i])
				}
			}
		})
	}
}

// equalGeometry compares with a tolerance: 0.1 steps are not exact in binary.
func equalGeometry(a, b orb.Geometry) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return false
	}
	if c, ok := a.(orb.Collection); ok {
		d := b.(orb.Collection)
		if len(c) != len(d) {
			return false
		}
		for i := range c {
			if !equalGeometry(c[i], d[i]) {
				return false
			}
		}
		return true
	}
	pa, pb := points(a), points(b)
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if d := pa[i].X() - pb[i].X(); d > 1e-9 || d < -1e-9 {
			return false
		}
		if d := pa[i].Y() - pb[i].Y(); d > 1e-9 || d < -1e-9 {
			return false
		}
	}
	return reflect.DeepEqual(shape(a), shape(b))
}

// points lists every position of a geometry in order.
func points(g orb.Geometry) []orb.Point {
	var out []orb.Point
	switch g := g.(type) {
	case orb.Point:
		out = append(out, g)
	case orb.MultiPoint:
		out = append(out, g...)
	case orb.LineString:
		out = append(out, g...)
	case orb.MultiLineString:
		for _, l := range g {
			out = append(out, l...)
		}
	case orb.Polygon:
		for _, r := range g {
			out = append(out, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				out = append(out, r...)
			}
		}
	case orb.Collection:
		for _, m := range g {
			out = append(out, points(m)...)
		}
	}
	return out
}

// shape gives the part lengths of a geometry, to compare structure.
func shape(g orb.Geometry) []int {
	switch g := g.(type) {
	case orb.MultiLineString:
		var n []int
		for _, l := range g {
			n = append(n, len(l))
		}
		return n
	case orb.Polygon:
		var n []int
		for _, r := range g {
			n = append(n, len(r))
		}
		return n
	case orb.MultiPolygon:
		var n []int
		for _, p := range g {
			n = append(n, -1)
			for _, r := range p {
				n = append(n, len(r))
			}
		}
		return n
	}
	return nil
}

func TestDecodeErrors(t *testing.T) {
	deep := `{"type":"Point","coordinates":[0,0]}`
	for range MaxDepth + 1 {
		deep = `{"type":"GeometryCollection","geometries":[` + deep + `]}`
	}
	// One 1000-point arc referenced 20000 times: 20 million points from 100 kB.
	long := `[[0,0]` + strings.Repeat(`,[1,1]`, 999) + `]`
	refs := `0` + strings.Repeat(`,0`, 19999)
	tests := []struct {
		name, topo, want string
	}{
		{"not JSON", `{"type":`, "not valid TopoJSON"},
		{"not a topology", `{"type":"FeatureCollection","features":[]}`, `type is "FeatureCollection"`},
		{"no objects", `{"type":"Topology","arcs":[]}`, "no objects"},
		{"arc out of range", `{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"a":{"type":"LineString","arcs":[1]}}}`, "arc 1 does not exist; the topology has 1 arcs"},
		{"reversed arc out of range", `{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"a":{"type":"LineString","arcs":[-3]}}}`, "arc -3 does not exist"},
		{"huge arc index", `{"type":"Topology","arcs":[],"objects":{"a":{"type":"Polygon","arcs":[[9223372036854775807]]}}}`, "does not exist"},
		{"fractional arc index", `{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"a":{"type":"LineString","arcs":[0.5]}}}`, `object "a"`},
		{"arc indexes of the wrong depth", `{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"a":{"type":"Polygon","arcs":[0]}}}`, `object "a"`},
		{"unknown type", `{"type":"Topology","arcs":[],"objects":{"a":{"type":"Circle"}}}`, `unknown geometry type "Circle"`},
		{"short arc position", `{"type":"Topology","arcs":[[[0]]],"objects":{}}`, "arc 0, position 0 has 1 numbers"},
		{"short point", `{"type":"Topology","arcs":[],"objects":{"a":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1]}]}}}`, `object "a", geometry 0: a position has 1 numbers`},
		{"delta overflow", `{"type":"Topology","transform":{"scale":[1,1],"translate":[0,0]},"arcs":[[[1e308,0],[1e308,0]]],"objects":{}}`, "not a finite coordinate"},
		{"point overflow", `{"type":"Topology","transform":{"scale":[1e308,1],"translate":[0,0]},"arcs":[],"objects":{"a":{"type":"Point","coordinates":[10,0]}}}`, "not a finite coordinate"},
		{"too deep", `{"type":"Topology","arcs":[],"objects":{"a":` + deep + `}}`, "nested more than 32 deep"},
		{"arc referenced too often", `{"type":"Topology","arcs":[` + long + `],"objects":{"a":{"type":"LineString","arcs":[` + refs + `]}}}`, "reference their arcs too often"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeObject([]byte(tc.topo), "a")
			if err == nil {
				t.Fatal("no error")
			}
			if geodata.ErrorCode(err) != geodata.Invalid {
				t.Errorf("code %s, want invalid: %v", geodata.ErrorCode(err), err)
			}
			var e *geodata.Error
			if !errors.As(err, &e) || !strings.Contains(e.Message, tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestDecodeObjectMissing(t *testing.T) {
	_, err := DecodeObject([]byte(square), "land")
	if geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), `no object "land" (it has ["countries"])`) {
		t.Errorf("got %v", err)
	}
}

// TestDecodeWorldAtlas decodes the basemap the dashboard ships.
func TestDecodeWorldAtlas(t *testing.T) {
	data, err := os.ReadFile("../../frontend/public/basemap/world-atlas_countries-110m.topojson.json")
	if err != nil {
		t.Fatal(err)
	}
	land, err := DecodeObject(data, "land")
	if err != nil {
		t.Fatal(err)
	}
	if len(land.Features) != 1 {
		t.Errorf("land: %d features", len(land.Features))
	}
	countries, err := DecodeObject(data, "countries")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(countries.Features); n < 170 || n > 260 {
		t.Fatalf("%d countries", n)
	}
	var italy *geojson.Feature
	for _, f := range countries.Features {
		if f.Properties["adm0A3"] == "ITA" {
			italy = f
		}
		b := f.Geometry.Bound()
		if b.Min.X() < -180.001 || b.Max.X() > 180.001 || b.Min.Y() < -90.001 || b.Max.Y() > 90.001 {
			t.Errorf("%v: bound %v outside lon/lat", f.Properties["name"], b)
		}
	}
	if italy == nil {
		t.Fatal("no Italy")
	}
	if _, ok := italy.Geometry.(orb.MultiPolygon); !ok {
		t.Errorf("Italy is a %T, want a MultiPolygon (mainland, Sicily, Sardinia)", italy.Geometry)
	}
	b := italy.Geometry.Bound()
	if b.Min.X() < 6 || b.Min.X() > 7 || b.Max.X() < 18 || b.Max.X() > 19 || b.Min.Y() < 36 || b.Min.Y() > 37 || b.Max.Y() < 46.5 || b.Max.Y() > 47.5 {
		t.Errorf("Italy's bound %v", b)
	}
	for _, r := range italy.Geometry.(orb.MultiPolygon)[0] {
		if r[0] != r[len(r)-1] {
			t.Errorf("ring not closed: %v … %v", r[0], r[len(r)-1])
		}
	}
}

func BenchmarkDecodeWorldAtlas50m(b *testing.B) {
	data, err := os.ReadFile("../../frontend/public/basemap/world-atlas_countries-50m.topojson.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeObject(data, "countries"); err != nil {
			b.Fatal(err)
		}
	}
}
