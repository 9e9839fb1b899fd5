package topojson_test

import (
	"fmt"

	"github.com/routerisk/routerisk/geodata/topojson"
)

// Decode a quantised topology: one square country drawn from one arc.
func ExampleDecodeObject() {
	topo := []byte(`{"type":"Topology",
		"transform":{"scale":[0.1,0.1],"translate":[-10,-10]},
		"arcs":[[[0,0],[100,0],[0,100],[-100,0],[0,-100]]],
		"objects":{"countries":{"type":"GeometryCollection","geometries":[
			{"type":"Polygon","arcs":[[0]],"properties":{"name":"Alpha"}}]}}}`)
	countries, err := topojson.DecodeObject(topo, "countries")
	if err != nil {
		panic(err)
	}
	f := countries.Features[0]
	fmt.Println(f.Properties["name"], f.Geometry.GeoJSONType(), f.Geometry.Bound())
	// Output: Alpha Polygon {[-10 -10] [0 0]}
}
