package coverage

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"
)

// Outline returns the area as polygons for a map: the declared polygons
// as given, or the boundary of the union of the computed cells, holes
// included. Cells across the antimeridian are drawn as they are.
func (a *Area) Outline() orb.MultiPolygon {
	if a == nil {
		return nil
	}
	if a.cells == nil {
		out := make(orb.MultiPolygon, 0, len(a.shapes))
		for _, s := range a.shapes {
			out = append(out, s.poly)
		}
		return out
	}
	return cellsOutline(a.cells)
}

type vkey [2]int64

func keyOf(p orb.Point) vkey {
	return vkey{int64(math.Round(p[0] * 1e7)), int64(math.Round(p[1] * 1e7))}
}

// cellsOutline traces the edges between a cell of the set and a cell
// outside it into rings. Each edge runs the way its cell's boundary runs
// (counter-clockwise), so outer rings come out counter-clockwise and
// holes clockwise; each hole goes to the outer ring that holds it.
func cellsOutline(cells map[h3.Cell]struct{}) orb.MultiPolygon {
	type edge struct {
		pts  []orb.Point
		used bool
	}
	var edges []*edge
	from := map[vkey][]*edge{}
	ordered := make([]h3.Cell, 0, len(cells))
	for c := range cells {
		ordered = append(ordered, c)
	}
	slices.Sort(ordered) // the same rings, in the same order, every time
	for _, c := range ordered {
		for _, e := range c.DirectedEdges() {
			if _, in := cells[e.Destination()]; in {
				continue
			}
			b := e.Boundary()
			if len(b) < 2 {
				continue
			}
			ed := &edge{}
			for _, ll := range b {
				ed.pts = append(ed.pts, orb.Point{ll.Lng, ll.Lat})
			}
			edges = append(edges, ed)
			k := keyOf(ed.pts[0])
			from[k] = append(from[k], ed)
		}
	}
	var rings []orb.Ring
	for _, start := range edges {
		if start.used {
			continue
		}
		var ring orb.Ring
		e := start
		for e != nil && !e.used {
			e.used = true
			ring = append(ring, e.pts[:len(e.pts)-1]...)
			end := keyOf(e.pts[len(e.pts)-1])
			e = nil
			for _, next := range from[end] {
				if !next.used {
					e = next
					break
				}
			}
		}
		if len(ring) >= 3 {
			ring = append(ring, ring[0])
			rings = append(rings, ring)
		}
	}
	var outer []orb.Polygon
	var holes []orb.Ring
	for _, r := range rings {
		if r.Orientation() == orb.CW {
			holes = append(holes, r)
		} else {
			outer = append(outer, orb.Polygon{r})
		}
	}
	for _, h := range holes {
		for i := range outer {
			if planar.RingContains(outer[i][0], h[0]) {
				outer[i] = append(outer[i], h)
				break
			}
		}
	}
	return orb.MultiPolygon(outer)
}
