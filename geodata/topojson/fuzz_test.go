package topojson

import (
	"math"
	"os"
	"testing"

	"github.com/routerisk/routerisk/geodata"
)

// FuzzDecodeObject feeds DecodeObject arbitrary bytes and object names,
// seeded with the table cases and the buildsample fixture. It checks that
// nothing panics, that every error has code Invalid, and that a decoded
// object holds only finite coordinates and no more points than its budget
// allows.
func FuzzDecodeObject(f *testing.F) {
	f.Add([]byte(square), "countries")
	f.Add([]byte(`{"type":"Topology","arcs":[[[0,0],[1,0]],[[1,0],[1,1]]],"objects":{"r":{"type":"LineString","arcs":[-2,-1]},"m":{"type":"MultiLineString","arcs":[[0],[1]]}}}`), "r")
	f.Add([]byte(`{"type":"Topology","arcs":[[[0,0],[1,0]],[[1,0],[1,1]]],"objects":{"r":{"type":"LineString","arcs":[-2,-1]},"m":{"type":"MultiLineString","arcs":[[0],[1]]}}}`), "m")
	f.Add([]byte(`{"type":"Topology","transform":{"scale":[0.5,2],"translate":[10,20]},"arcs":[],"objects":{"p":{"type":"Point","coordinates":[2,3]},"mp":{"type":"MultiPoint","coordinates":[[2,3],[4,5]]}}}`), "p")
	f.Add([]byte(`{"type":"Topology","transform":{"scale":[0.5,2],"translate":[10,20]},"arcs":[],"objects":{"p":{"type":"Point","coordinates":[2,3]},"mp":{"type":"MultiPoint","coordinates":[[2,3],[4,5]]}}}`), "mp")
	f.Add([]byte(`{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"g":{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","arcs":[0]}]}]}}}`), "g")
	f.Add([]byte(`{"type":"Topology","arcs":[[[0,0],[4,0],[4,4],[0,4],[0,0]]],"objects":{"p":{"type":"MultiPolygon","arcs":[[[0]],[[-1]]]}}}`), "p")
	if b, err := os.ReadFile("../../cmd/buildsample/testdata/shared/basemap/world-atlas_countries-50m.topojson.json"); err == nil {
		f.Add(b, "countries")
		f.Add(b, "land")
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		fc, err := DecodeObject(data, name)
		if err != nil {
			if geodata.ErrorCode(err) != geodata.Invalid {
				t.Fatalf("error without code Invalid: %v", err)
			}
			return
		}
		n := 0
		for _, f := range fc.Features {
			for _, p := range points(f.Geometry) {
				n++
				if math.IsNaN(p[0]) || math.IsInf(p[0], 0) || math.IsNaN(p[1]) || math.IsInf(p[1], 0) {
					t.Fatalf("non-finite point %v", p)
				}
			}
		}
		// Every point comes from the input or from an arc within budget;
		// each input byte can hold at most one point of a Point geometry.
		if limit := expansionFactor*len(data) + expansionSlack + len(data); n > limit {
			t.Fatalf("%d points from %d bytes", n, len(data))
		}
	})
}
