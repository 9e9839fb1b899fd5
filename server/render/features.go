package render

import (
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// Reading the untrusted properties of features, as the dashboard does
// (frontend/src/features.ts, analysis.ts); counts through geodata.Count,
// as every analysis reads them.

// text is a string property, trimmed; "" for other values.
func text(p geojson.Properties, key string) string {
	s, _ := p[key].(string)
	return strings.TrimSpace(s)
}

// deadMissing is dead plus missing, negatives counted as 0 (features.ts deadMissing).
func deadMissing(p geojson.Properties) float64 {
	return geodata.Count(p["dead"]) + geodata.Count(p["missing"])
}

// isAggregated reports a public cell (features.ts isAggregated).
func isAggregated(p geojson.Properties) bool { return p["aggregated"] == true }

// cellCount is what a public cell counts: its incidents, else its features (features.ts cellCount).
func cellCount(p geojson.Properties) float64 {
	v, ok := p["incidents"]
	if !ok {
		v = p["features"]
	}
	return geodata.Count(v)
}

// isApproximate reports a schematic route (features.ts isApproximate).
func isApproximate(p geojson.Properties) bool {
	switch v := p["approximate"].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	default:
		return v != nil && geodata.Count(v) == 1
	}
}

// classOf is the "class" property when it is one of classes, else "".
func classOf(p geojson.Properties, classes []string) string {
	c, _ := p["class"].(string)
	for _, k := range classes {
		if c == k {
			return c
		}
	}
	return ""
}

// parts splits a geometry into points, lines and polygons
// (features.ts geometryParts); collections are walked to a bounded depth.
type parts struct {
	points   []orb.Point
	lines    []orb.LineString
	polygons []orb.Polygon
}

func geometryParts(g orb.Geometry) parts {
	var out parts
	out.add(g, 0)
	return out
}

func (ps *parts) add(g orb.Geometry, depth int) {
	switch g := g.(type) {
	case orb.Point:
		ps.points = append(ps.points, g)
	case orb.MultiPoint:
		ps.points = append(ps.points, g...)
	case orb.LineString:
		ps.lines = append(ps.lines, g)
	case orb.MultiLineString:
		for _, l := range g {
			ps.lines = append(ps.lines, l)
		}
	case orb.Ring:
		ps.polygons = append(ps.polygons, orb.Polygon{g})
	case orb.Polygon:
		ps.polygons = append(ps.polygons, g)
	case orb.MultiPolygon:
		ps.polygons = append(ps.polygons, g...)
	case orb.Collection:
		if depth < 8 {
			for _, m := range g {
				ps.add(m, depth+1)
			}
		}
	case orb.Bound:
		ps.polygons = append(ps.polygons, g.ToPolygon())
	}
}
