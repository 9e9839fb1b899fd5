package coverage

import (
	"testing"

	"github.com/paulmach/orb"
)

// FuzzParseArea: no declared area makes ParseArea panic; what it accepts
// has only closed rings of coordinates in range, and an outline.
func FuzzParseArea(f *testing.F) {
	for _, s := range []string{
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`,
		`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}`,
		`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}`,
		`{"type":"FeatureCollection","features":[]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0]]]}`,
		`{"type":"Polygon","coordinates":[]}`,
		`{"type":"GeometryCollection","geometries":[]}`,
		`null`, `[]`, `{"type":1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseArea([]byte(s))
		if err != nil {
			return
		}
		var mp orb.MultiPolygon
		switch g := g.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			t.Fatalf("accepted a %T", g)
		}
		for _, p := range mp {
			for _, r := range p {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Fatalf("accepted ring %v", r)
				}
			}
		}
		a := &Area{}
		for _, p := range mp {
			a.add(p)
		}
		a.Contains(orb.Point{0.5, 0.5})
		_ = a.Outline()
	})
}
