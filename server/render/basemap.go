package render

import (
	"github.com/paulmach/orb"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/topojson"
)

// LoadBasemap reads the world-atlas countries TopoJSON (object "countries",
// as frontend.Basemap serves it) into country polygons in lon/lat, for
// Map.Basemap. Like the dashboard (map.ts unwrapRing), a ring that crosses
// the antimeridian (Russia's, Fiji's) is made continuous by shifting the
// rest of it by 360°, so that it is drawn as one shape rather than a band
// across the world. Decoding the 50m file takes tens of milliseconds: load
// it once and keep the result, which Render never modifies. Errors have
// code geodata.Invalid.
func LoadBasemap(topojsonData []byte) ([]orb.Geometry, error) {
	fc, err := topojson.DecodeObject(topojsonData, "countries")
	if err != nil {
		return nil, err
	}
	out := make([]orb.Geometry, 0, len(fc.Features))
	for _, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			out = append(out, unwrapPolygon(g))
		case orb.MultiPolygon:
			mp := make(orb.MultiPolygon, len(g))
			for i, p := range g {
				mp[i] = unwrapPolygon(p)
			}
			out = append(out, mp)
		case nil:
		default:
			return nil, geodata.Errorf(geodata.Invalid, "the basemap's countries must be polygons; %v is a %s", f.Properties["name"], g.GeoJSONType())
		}
	}
	return out, nil
}

func unwrapPolygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = unwrapRing(r)
	}
	return out
}

// unwrapRing makes a ring continuous in longitude: where two consecutive
// vertices are more than 180° apart, the rest of the ring is shifted by
// 360° (map.ts unwrapRing).
func unwrapRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	shift := 0.0
	for i, p := range r {
		lon := p[0] + shift
		if i > 0 {
			d := lon - out[i-1][0]
			if d > 180 {
				shift -= 360
			} else if d < -180 {
				shift += 360
			}
		}
		out[i] = orb.Point{p[0] + shift, p[1]}
	}
	return out
}
