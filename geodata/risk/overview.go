package risk

import (
	"iter"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"
)

// The route-risk layer for a map zoom. Below OverviewMaxZoom a map cannot
// tell one 10 km segment from the next: the layer is sent as stretches
// (the consecutive segments of one line in one risk class, merged),
// simplified and quantised to what the zoom band shows, with only the
// properties the map draws and names. From OverviewMaxZoom on, every
// segment is sent as it is.

// OverviewMaxZoom is the first map zoom at which every segment is sent.
const OverviewMaxZoom = 7

// overviewBands are the highest zooms of the overview bands: a zoom is
// answered as the first band at or above it, so that the zooms of one
// band share one answer.
var overviewBands = []int{3, 6}

// OverviewZoom returns the zoom whose answer serves map zoom z: the top
// of its band, and ok false from OverviewMaxZoom on (every segment).
func OverviewZoom(z int) (band int, ok bool) {
	for _, b := range overviewBands {
		if z <= b {
			return b, true
		}
	}
	return 0, false
}

// OverviewPrecision is the number of decimals of the coordinates at zoom
// z: the largest step below half a screen pixel (256-pixel tiles).
func OverviewPrecision(z int) int {
	half := pixelDegrees(z) / 2
	return max(0, int(math.Ceil(-math.Log10(half))))
}

// pixelDegrees is the width of a screen pixel in degrees of longitude at
// zoom z.
func pixelDegrees(z int) float64 { return 360 / (256 * math.Exp2(float64(z))) }

// OverviewProperties are the properties of an overview stretch: those of
// its first segment (id, route, label, start_km), its class, the highest
// risk of its segments, end_km of its last segment (both km to 0.1) and how many segments
// it merges.
var OverviewProperties = []string{"id", "route", "label", "class", "risk", "start_km", "end_km", "segments"}

// Overview merges segment features (as SegmentFeatures or
// EachSegmentFeature gives them, in route order) for map zoom z:
// consecutive segments of one line (route_id, segment_index one apart,
// touching) in one class become one LineString with the id of the first
// and the highest risk, simplified (Douglas–Peucker) to half a pixel at z.
// Features are not changed, nor kept.
func Overview(feats iter.Seq[*geojson.Feature], z int) []*geojson.Feature {
	tolerance := pixelDegrees(z) / 2
	var out []*geojson.Feature
	var cur *geojson.Feature
	var line orb.LineString
	var lastRoute string
	var lastIndex int
	flush := func() {
		if cur == nil {
			return
		}
		cur.Geometry = simplify.DouglasPeucker(tolerance).Simplify(line)
		out = append(out, cur)
		cur, line = nil, nil
	}
	for f := range feats {
		g, ok := f.Geometry.(orb.LineString)
		if !ok || len(g) == 0 {
			continue
		}
		p := f.Properties
		route, _ := p["route_id"].(string)
		index, _ := p["segment_index"].(int)
		class, _ := p["class"].(string)
		if cur != nil && route == lastRoute && index == lastIndex+1 && class == cur.Properties["class"] && line[len(line)-1] == g[0] {
			line = append(line, g[1:]...)
			if r, ok := p["risk"].(float64); ok {
				if have, ok := cur.Properties["risk"].(float64); !ok || r > have {
					cur.Properties["risk"] = r
				}
			}
			cur.Properties["end_km"] = roundKm(p["end_km"])
			cur.Properties["segments"] = cur.Properties["segments"].(int) + 1
		} else {
			flush()
			cur = geojson.NewFeature(nil)
			cur.ID = f.ID
			for _, k := range OverviewProperties {
				cur.Properties[k] = p[k]
			}
			cur.Properties["segments"] = 1
			cur.Properties["start_km"], cur.Properties["end_km"] = roundKm(p["start_km"]), roundKm(p["end_km"])
			line = append(orb.LineString{}, g...)
		}
		lastRoute, lastIndex = route, index
	}
	flush()
	return out
}

// EachOverviewFeature yields every segment as Overview reads it: its
// geometry and the properties Overview copies or merges
// (setCoreProperties), with SegmentFeatures' values. It yields one feature, filled again for each
// segment, so an overview of every segment builds no feature per segment;
// a caller must keep nothing it yields (Overview keeps nothing).
func (r *Result) EachOverviewFeature() iter.Seq[*geojson.Feature] {
	return func(yield func(*geojson.Feature) bool) {
		f := &geojson.Feature{Type: "Feature"}
		props := make(geojson.Properties, 16)
		for i := range r.Segments {
			s := &r.Segments[i]
			clear(props)
			id := s.ID()
			f.ID, f.Geometry, f.Properties = id, s.Geometry, props
			setCoreProperties(props, s, id)
			if !yield(f) {
				return
			}
		}
	}
}

// roundKm rounds a distance along the route to 0.1 km.
func roundKm(v any) any {
	if f, ok := v.(float64); ok {
		return math.Round(f*10) / 10
	}
	return v
}
