package formats

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// surfacePoint is the point a way is shown at: on the surface of a closed
// way (pointOnSurface), at the midpoint along an open one. parts holds one
// line; it is a slice for symmetry with relationSurfacePoint.
func surfacePoint(parts [][]orb.Point) orb.Point {
	pts := parts[0]
	if len(pts) >= 4 && pts[0] == pts[len(pts)-1] {
		return pointOnSurface(orb.Polygon{orb.Ring(pts)})
	}
	return lineMidpoint(pts)
}

// relationSurfacePoint joins a relation's outer ways into rings and
// answers a point on the surface of the largest, its inner rings taken as
// holes; without a closed ring, the midpoint of the longest line.
func relationSurfacePoint(outer, inner [][]orb.Point) orb.Point {
	rings, lines := assembleRings(outer)
	if len(rings) == 0 {
		sort.SliceStable(lines, func(i, j int) bool { return lineLength(lines[i]) > lineLength(lines[j]) })
		return lineMidpoint(lines[0])
	}
	best := rings[0]
	for _, r := range rings[1:] {
		if math.Abs(planar.Area(r)) > math.Abs(planar.Area(best)) {
			best = r
		}
	}
	poly := orb.Polygon{best}
	holes, _ := assembleRings(inner)
	for _, h := range holes {
		if planar.RingContains(best, h[0]) {
			poly = append(poly, h)
		}
	}
	return pointOnSurface(poly)
}

// assembleRings joins lines that share end points into closed rings, as
// multipolygon relations split their rings over several ways. What does
// not close is returned as lines.
func assembleRings(parts [][]orb.Point) (rings []orb.Ring, open [][]orb.Point) {
	var pending [][]orb.Point
	for _, p := range parts {
		if len(p) == 0 {
			continue
		}
		if len(p) >= 4 && p[0] == p[len(p)-1] {
			rings = append(rings, orb.Ring(p))
			continue
		}
		pending = append(pending, append([]orb.Point(nil), p...))
	}
	for len(pending) > 0 {
		cur := pending[0]
		pending = pending[1:]
		for grown := true; grown && cur[0] != cur[len(cur)-1]; {
			grown = false
			for i, q := range pending {
				var joined []orb.Point
				switch end := cur[len(cur)-1]; {
				case q[0] == end:
					joined = append(cur, q[1:]...)
				case q[len(q)-1] == end:
					joined = append(cur, reversed(q)[1:]...)
				case q[len(q)-1] == cur[0]:
					joined = append(append([]orb.Point(nil), q...), cur[1:]...)
				case q[0] == cur[0]:
					joined = append(reversed(q), cur[1:]...)
				default:
					continue
				}
				cur, grown = joined, true
				pending = append(pending[:i], pending[i+1:]...)
				break
			}
		}
		if len(cur) >= 4 && cur[0] == cur[len(cur)-1] {
			rings = append(rings, orb.Ring(cur))
		} else {
			open = append(open, cur)
		}
	}
	return rings, open
}

func reversed(p []orb.Point) []orb.Point {
	out := make([]orb.Point, len(p))
	for i, v := range p {
		out[len(p)-1-i] = v
	}
	return out
}

// pointOnSurface answers the polygon's area centroid when it lies inside
// the polygon, else the middle of the widest span of the polygon along
// the centroid's latitude (or, failing that, along the latitude halfway
// up its bounds). A degenerate polygon gets its first vertex.
func pointOnSurface(poly orb.Polygon) orb.Point {
	c, area := planar.CentroidArea(poly)
	if area != 0 && !math.IsNaN(c[0]) && planar.PolygonContains(poly, c) {
		return c
	}
	b := poly.Bound()
	for _, y := range []float64{c[1], (b.Min[1] + b.Max[1]) / 2} {
		if math.IsNaN(y) {
			continue
		}
		if p, ok := widestSpan(poly, y); ok {
			return p
		}
	}
	return poly[0][0]
}

// widestSpan crosses the polygon along latitude y and answers the middle
// of the longest stretch inside it.
func widestSpan(poly orb.Polygon, y float64) (orb.Point, bool) {
	var xs []float64
	for _, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if (a[1] > y) == (b[1] > y) {
				continue
			}
			xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
		}
	}
	sort.Float64s(xs)
	best, at := -1.0, 0.0
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > best {
			best, at = w, (xs[i]+xs[i+1])/2
		}
	}
	if best <= 0 {
		return orb.Point{}, false
	}
	return orb.Point{at, y}, true
}

// lineMidpoint answers the point halfway along a line.
func lineMidpoint(pts []orb.Point) orb.Point {
	if len(pts) == 1 {
		return pts[0]
	}
	half := lineLength(pts) / 2
	for i := 0; i+1 < len(pts); i++ {
		d := planar.Distance(pts[i], pts[i+1])
		if d >= half && d > 0 {
			t := half / d
			return orb.Point{pts[i][0] + t*(pts[i+1][0]-pts[i][0]), pts[i][1] + t*(pts[i+1][1]-pts[i][1])}
		}
		half -= d
	}
	return pts[len(pts)-1]
}

func lineLength(pts []orb.Point) float64 {
	l := 0.0
	for i := 0; i+1 < len(pts); i++ {
		l += planar.Distance(pts[i], pts[i+1])
	}
	return l
}
