package hotspot

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"
)

// Features returns one GeoJSON feature per cell, in the cells' order,
// with the cell's H3 index as feature id, its boundary as geometry and
// the properties cell, resolution, incidents, dead, missing, z, p, p_fdr
// and class. A cell whose ID is not a valid H3 index gets a nil geometry.
//
// The geometry is the H3 cell boundary in [lon, lat] degrees: a Polygon
// with one closed, counter-clockwise ring; for a cell that crosses the
// antimeridian, a MultiPolygon of the parts on either side, cut at ±180°
// so that every longitude lies in [−180, 180] (RFC 7946 §3.1.9); a cell
// that holds a pole is closed along the pole's latitude (±90°).
func Features(cells []Cell) []*geojson.Feature {
	out := make([]*geojson.Feature, len(cells))
	for i, c := range cells {
		var g orb.Geometry
		if h := h3.Cell(h3.IndexFromString(c.ID)); h.IsValid() {
			g = cellGeometry(h)
		}
		f := geojson.NewFeature(g)
		f.ID = c.ID
		f.Properties = geojson.Properties{
			"cell":       c.ID,
			"resolution": c.Resolution,
			"incidents":  c.Incidents,
			"dead":       c.Dead,
			"missing":    c.Missing,
			"z":          c.Z,
			"p":          c.P,
			"p_fdr":      c.PFDR,
			"class":      string(c.Class),
		}
		out[i] = f
	}
	return out
}

// cellGeometry returns the boundary of an H3 cell as Features describes it.
func cellGeometry(c h3.Cell) orb.Geometry {
	return boundaryGeometry(h3.CellToBoundary(c))
}

// boundaryGeometry turns the vertices of a cell boundary (counter-clockwise,
// longitudes in [−180, 180]) into its geometry.
func boundaryGeometry(b h3.CellBoundary) orb.Geometry {
	if len(b) < 3 {
		return nil
	}
	// Unwrap the longitudes so that no edge jumps by more than 180°.
	ring := make(orb.Ring, 0, len(b)+4)
	lon := b[0].Lng
	ring = append(ring, orb.Point{lon, b[0].Lat})
	for i := 1; i < len(b); i++ {
		lon += lonStep(b[i-1].Lng, b[i].Lng)
		ring = append(ring, orb.Point{lon, b[i].Lat})
	}
	winding := lon + lonStep(b[len(b)-1].Lng, b[0].Lng) - b[0].Lng
	if math.Abs(winding) > 180 {
		if r := poleCap(b); r != nil {
			return orb.Polygon{counterClockwise(r)}
		}
		// A vertex lies on the antimeridian: close the unwrapped ring
		// along the pole's latitude and cut it like any other below.
		end := b[0].Lng + winding
		pole := math.Copysign(90, b[0].Lat)
		ring = append(ring, orb.Point{end, b[0].Lat}, orb.Point{end, pole}, orb.Point{b[0].Lng, pole})
	}
	ring = append(ring, ring[0])

	bound := ring.Bound()
	if bound.Min[0] >= -180 && bound.Max[0] <= 180 {
		return orb.Polygon{counterClockwise(ring)}
	}
	// Cut the ring into the 360°-wide windows it spans and move each
	// part back into [−180, 180].
	var parts orb.MultiPolygon
	for shift := -360.0; shift <= 360; shift += 360 {
		window := orb.Bound{Min: orb.Point{-180 + shift, -90}, Max: orb.Point{180 + shift, 90}}
		if !window.Intersects(bound) {
			continue
		}
		part := clip.Ring(window, ring.Clone())
		part = dedupe(part)
		if len(part) < 4 || part.Orientation() == 0 {
			continue
		}
		for i := range part {
			part[i][0] -= shift
			// Keep the cut exactly on the meridian despite rounding.
			part[i][0] = math.Max(-180, math.Min(180, part[i][0]))
		}
		parts = append(parts, orb.Polygon{counterClockwise(part)})
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return parts
}

// poleCap returns the ring of a cell that holds a pole (its boundary
// goes once around it): the boundary from where it leaves the
// antimeridian to where it comes back, closed along the meridian and the
// pole's latitude. It returns nil unless exactly one edge crosses the
// antimeridian and no vertex lies on it.
func poleCap(b h3.CellBoundary) orb.Ring {
	n := len(b)
	cross := -1
	for i := range b {
		if math.Abs(b[i].Lng) == 180 {
			return nil
		}
		if math.Abs(b[(i+1)%n].Lng-b[i].Lng) > 180 {
			if cross >= 0 {
				return nil
			}
			cross = i
		}
	}
	if cross < 0 {
		return nil
	}
	// The crossing edge runs from a to c; it meets the meridian on a's
	// side at latitude lat.
	a, c := b[cross], b[(cross+1)%n]
	exit := math.Copysign(180, a.Lng)
	t := (exit - a.Lng) / lonStep(a.Lng, c.Lng)
	lat := a.Lat + t*(c.Lat-a.Lat)
	pole := math.Copysign(90, a.Lat)
	r := make(orb.Ring, 0, n+5)
	r = append(r, orb.Point{-exit, lat})
	for i := 1; i <= n; i++ {
		v := b[(cross+i)%n]
		r = append(r, orb.Point{v.Lng, v.Lat})
	}
	r = append(r, orb.Point{exit, lat}, orb.Point{exit, pole}, orb.Point{-exit, pole}, orb.Point{-exit, lat})
	return r
}

// lonStep returns the change of longitude from a to b the short way
// round, in (−180, 180].
func lonStep(a, b float64) float64 {
	d := b - a
	for d > 180 {
		d -= 360
	}
	for d <= -180 {
		d += 360
	}
	return d
}

// dedupe drops consecutive repeated points of a closed ring, keeping it
// closed.
func dedupe(r orb.Ring) orb.Ring {
	if len(r) == 0 {
		return r
	}
	out := r[:1]
	for _, p := range r[1:] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	if out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}

// counterClockwise returns r, reversed in place when it winds clockwise.
func counterClockwise(r orb.Ring) orb.Ring {
	if r.Orientation() == orb.CW {
		r.Reverse()
	}
	return r
}

// CellGeometry returns the boundary of an H3 cell as Features describes
// it: a Polygon, or a MultiPolygon cut at the antimeridian.
func CellGeometry(c h3.Cell) orb.Geometry { return cellGeometry(c) }
