package formats

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// geometryProblem is why one geometry was rejected: an issue code and a
// message for the report.
type geometryProblem struct {
	code, message string
}

// parseShape reads one record's content (shape type onwards) into an orb
// geometry, checking every count and index against the bytes present. It
// returns the geometry and its number of vertices, or why it was rejected.
func parseShape(b []byte) (orb.Geometry, int, *geometryProblem) {
	if len(b) < 4 {
		return nil, 0, corruptShape("the record is %d bytes long, too short to hold a shape type", len(b))
	}
	t := int32(binary.LittleEndian.Uint32(b))
	switch t {
	case shpNull:
		return nil, 0, &geometryProblem{code: "missing_geometry",
			message: "the record has no geometry (a null shape); draw it in your GIS or delete the record"}
	case shpPoint, shpPointZ, shpPointM:
		if len(b) < 20 {
			return nil, 0, corruptShape("the point record is %d bytes long, too short for its coordinates", len(b))
		}
		p := readShpPoint(b[4:])
		if !finitePoint(p) {
			return nil, 0, nonFiniteShape()
		}
		return p, 1, nil
	case shpMultiPoint, shpMultiPointZ, shpMultiPointM:
		return parseShpMultiPoint(b)
	case shpPolyLine, shpPolyLineZ, shpPolyLineM:
		parts, n, prob := parseShpParts(b)
		if prob != nil {
			return nil, 0, prob
		}
		if len(parts) == 1 {
			return orb.LineString(parts[0]), n, nil
		}
		mls := make(orb.MultiLineString, len(parts))
		for i, p := range parts {
			mls[i] = orb.LineString(p)
		}
		return mls, n, nil
	case shpPolygon, shpPolygonZ, shpPolygonM:
		parts, n, prob := parseShpParts(b)
		if prob != nil {
			return nil, 0, prob
		}
		polys := assemblePolygons(parts)
		if polys == nil {
			return nil, 0, &geometryProblem{code: "too_complex",
				message: fmt.Sprintf("the polygon has %d rings, too many to sort into outer rings and holes; split it into smaller polygons", len(parts))}
		}
		if len(polys) == 1 {
			return polys[0], n, nil
		}
		return polys, n, nil
	case shpMultiPatch:
		return nil, 0, &geometryProblem{code: "unsupported_geometry",
			message: "the record is a MultiPatch (a 3D surface), which a 2D map cannot show; export it as a polygon footprint"}
	}
	return nil, 0, corruptShape("the record has shape type %d, which the shapefile format does not define", t)
}

func corruptShape(format string, args ...any) *geometryProblem {
	return &geometryProblem{code: "corrupt_shape",
		message: fmt.Sprintf(format, args...) + "; the .shp is damaged: repair it in your GIS (e.g. ogr2ogr out.shp in.shp) or export it again"}
}

func nonFiniteShape() *geometryProblem {
	return &geometryProblem{code: "non_finite_coordinate",
		message: "a coordinate is not a finite number (NaN or infinity); fix or delete the shape"}
}

func readShpPoint(b []byte) orb.Point {
	return orb.Point{
		math.Float64frombits(binary.LittleEndian.Uint64(b[0:8])),
		math.Float64frombits(binary.LittleEndian.Uint64(b[8:16])),
	}
}

func finitePoint(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}

// readShpPoints reads n XY points from b, which the caller checked holds them.
func readShpPoints(b []byte, n int) ([]orb.Point, bool) {
	ps := make([]orb.Point, n)
	for i := range ps {
		ps[i] = readShpPoint(b[16*i:])
		if !finitePoint(ps[i]) {
			return nil, false
		}
	}
	return ps, true
}

// parseShpMultiPoint reads type, box (32 bytes), count and the points.
func parseShpMultiPoint(b []byte) (orb.Geometry, int, *geometryProblem) {
	const head = 4 + 32 + 4
	if len(b) < head {
		return nil, 0, corruptShape("the multipoint record is %d bytes long, too short for its header", len(b))
	}
	n := int64(int32(binary.LittleEndian.Uint32(b[36:40])))
	switch {
	case n < 0:
		return nil, 0, corruptShape("the multipoint record has a negative point count (%d)", n)
	case n == 0:
		return nil, 0, &geometryProblem{code: "empty_geometry", message: "the multipoint has no points; draw it in your GIS or delete the record"}
	case n > int64(len(b)-head)/16:
		return nil, 0, corruptShape("the multipoint record claims %d points but holds room for %d", n, (len(b)-head)/16)
	}
	ps, ok := readShpPoints(b[head:], int(n))
	if !ok {
		return nil, 0, nonFiniteShape()
	}
	return orb.MultiPoint(ps), int(n), nil
}

// parseShpParts reads the parts of a polyline or polygon record: type,
// box, part count, point count, part starts, points. Empty parts are
// dropped; a shape with no points left is rejected.
func parseShpParts(b []byte) ([][]orb.Point, int, *geometryProblem) {
	const head = 4 + 32 + 4 + 4
	if len(b) < head {
		return nil, 0, corruptShape("the record is %d bytes long, too short for its header", len(b))
	}
	nParts := int64(int32(binary.LittleEndian.Uint32(b[36:40])))
	nPoints := int64(int32(binary.LittleEndian.Uint32(b[40:44])))
	switch {
	case nParts < 0 || nPoints < 0:
		return nil, 0, corruptShape("the record has a negative count (%d parts, %d points)", nParts, nPoints)
	case nParts == 0 || nPoints == 0:
		return nil, 0, &geometryProblem{code: "empty_geometry", message: "the shape has no points; draw it in your GIS or delete the record"}
	case nParts > int64(len(b)-head)/4:
		return nil, 0, corruptShape("the record claims %d parts but holds room for %d", nParts, (len(b)-head)/4)
	}
	pointsAt := head + 4*int(nParts)
	if nPoints > int64(len(b)-pointsAt)/16 {
		return nil, 0, corruptShape("the record claims %d points but holds room for %d", nPoints, (len(b)-pointsAt)/16)
	}
	starts := make([]int, nParts+1)
	for i := range int(nParts) {
		s := int64(int32(binary.LittleEndian.Uint32(b[head+4*i:])))
		if s < 0 || s >= nPoints || (i > 0 && s < int64(starts[i-1])) {
			return nil, 0, corruptShape("part %d starts at point %d, outside the shape's %d points or before the previous part", i+1, s, nPoints)
		}
		starts[i] = int(s)
	}
	starts[nParts] = int(nPoints)
	points, ok := readShpPoints(b[pointsAt:], int(nPoints))
	if !ok {
		return nil, 0, nonFiniteShape()
	}
	parts := make([][]orb.Point, 0, nParts)
	for i := range int(nParts) {
		if p := points[starts[i]:starts[i+1]]; len(p) > 0 {
			parts = append(parts, p[:len(p):len(p)])
		}
	}
	return parts, int(nPoints) - starts[0], nil
}

// maxRingPairs bounds the hole-to-outer matching of one shape, which costs
// holes × outer rings: far above any real layer, low enough that a forged
// record cannot keep the server busy.
const maxRingPairs = 25_000_000

// assemblePolygons groups the rings of a polygon record: a clockwise ring
// starts a new polygon, a counter-clockwise ring is a hole of the smallest
// polygon containing it (or, contained by none, a polygon of its own). The
// rings are then turned to GeoJSON's right-hand rule: outer rings
// counter-clockwise, holes clockwise. It returns nil when the shape has too
// many rings to match.
func assemblePolygons(parts [][]orb.Point) orb.MultiPolygon {
	type outer struct {
		poly  orb.Polygon
		area  float64
		bound orb.Bound
	}
	var outers []*outer
	var holes []orb.Ring
	for _, p := range parts {
		ring := orb.Ring(p)
		a := signedRingArea(ring)
		if a > 0 {
			holes = append(holes, ring)
			continue
		}
		outers = append(outers, &outer{poly: orb.Polygon{ring}, area: -a, bound: ring.Bound()})
	}
	if len(holes) > 0 && len(outers) > maxRingPairs/len(holes) {
		return nil
	}
	for _, h := range holes {
		hb := h.Bound()
		var best *outer
		for _, o := range outers {
			if !o.bound.Contains(hb.Min) || !o.bound.Contains(hb.Max) || !planar.RingContains(o.poly[0], h[0]) {
				continue
			}
			if best == nil || o.area < best.area {
				best = o
			}
		}
		if best == nil {
			outers = append(outers, &outer{poly: orb.Polygon{h}, area: signedRingArea(h), bound: hb})
			continue
		}
		best.poly = append(best.poly, h)
	}
	mp := make(orb.MultiPolygon, len(outers))
	for i, o := range outers {
		for j, ring := range o.poly {
			if a := signedRingArea(ring); (j == 0 && a < 0) || (j > 0 && a > 0) {
				ring.Reverse()
			}
		}
		mp[i] = o.poly
	}
	return mp
}

// signedRingArea is the planar area of a ring: positive when its points
// turn counter-clockwise (x east, y north), negative when clockwise.
func signedRingArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	sum := 0.0
	x0, y0 := r[0][0], r[0][1]
	for i := 1; i < len(r)-1; i++ {
		sum += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return sum / 2
}
