package risk

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Stretches: the ranked list names stretches of route, not pieces. A
// stretch grows from its peak (the highest-priority segment not yet
// taken) by the adjacent segments of the same line, taken in order of
// priority, while their priority is at least StretchShare of the peak's
// and the stretch holds fewer than MaxStretchSegments. A segment that
// touches a stretch already listed but cannot join it is not listed
// itself, and neither is one that touches (within TouchKm) a listed
// stretch of another line: so no two rows of the list touch.
const (
	StretchShare       = 0.5
	MaxStretchSegments = 5
	TouchKm            = 1.0
)

// stretch is one listed run of segments.
type stretch struct {
	peak     int   // the segment it grew from
	members  []int // its segments
	routeID  string
	lo, hi   int // the lowest and highest segment index along the route
	bound    orb.Bound
	vertices []orb.Point
}

// buildStretches groups the ranked segments (order: by priority, highest
// first) into stretches, in the order of their peaks.
func buildStretches(res *Result, order []int) []stretch {
	var out []stretch
	var grid stretchGrid
	taken := make(map[int]bool, len(order))
	byRoute := map[string][]int{} // route id → positions in out
	for _, i := range order {
		s := &res.Segments[i]
		var adjacent []int
		for _, k := range byRoute[s.RouteID] {
			if st := &out[k]; s.Index == st.lo-1 || s.Index == st.hi+1 {
				adjacent = append(adjacent, k)
			}
		}
		if len(adjacent) > 0 {
			taken[i] = true
			// Between two stretches, joining one would touch the other;
			// a stretch grows only by what touches nothing else.
			if len(adjacent) > 1 {
				continue
			}
			st := &out[adjacent[0]]
			if len(st.members) < MaxStretchSegments && s.Priority >= StretchShare*res.Segments[st.peak].Priority &&
				!touchesOther(out, &grid, s, adjacent[0]) {
				st.members = append(st.members, i)
				st.lo, st.hi = min(st.lo, s.Index), max(st.hi, s.Index)
				grown := st.bound.Union(s.Geometry.Bound())
				grid.file(adjacent[0], &st.bound, grown)
				st.bound = grown
				st.vertices = append(st.vertices, s.Geometry...)
			}
			continue
		}
		if touchesOther(out, &grid, s, -1) {
			continue
		}
		grid.file(len(out), nil, s.Geometry.Bound())
		byRoute[s.RouteID] = append(byRoute[s.RouteID], len(out))
		out = append(out, stretch{peak: i, members: []int{i}, routeID: s.RouteID, lo: s.Index, hi: s.Index,
			bound: s.Geometry.Bound(), vertices: slices.Clone([]orb.Point(s.Geometry))})
		taken[i] = true
	}
	for k := range out {
		m := out[k].members
		slices.SortFunc(m, func(a, b int) int { return res.Segments[a].Index - res.Segments[b].Index })
	}
	return out
}

// touchesOther reports whether segment s comes within TouchKm of a listed
// stretch other than out[except]; grid files out's bounds.
func touchesOther(out []stretch, grid *stretchGrid, s *Segment, except int) bool {
	pad := TouchKm / kmPerDegree
	b := s.Geometry.Bound().Pad(pad * 2)
	for _, k := range grid.near(b) {
		st := &out[k]
		if k == except || !b.Intersects(st.bound) {
			continue
		}
		for _, p := range s.Geometry {
			if nearPolyline(p, st.vertices, TouchKm) {
				return true
			}
		}
		for _, p := range st.vertices {
			if nearPolyline(p, s.Geometry, TouchKm) {
				return true
			}
		}
	}
	return false
}

// kmPerDegree is the length of a degree of latitude, for the short
// distances of touching.
const kmPerDegree = 111.195

// nearPolyline reports whether p lies within km of a vertex or an edge of
// line, in a local equirectangular frame (enough at a kilometre).
func nearPolyline(p orb.Point, line []orb.Point, km float64) bool {
	c := math.Cos(p[1] * math.Pi / 180)
	xy := func(q orb.Point) (float64, float64) {
		dx := q[0] - p[0]
		if dx > 180 {
			dx -= 360
		} else if dx < -180 {
			dx += 360
		}
		return dx * c * kmPerDegree, (q[1] - p[1]) * kmPerDegree
	}
	for i := range line {
		ax, ay := xy(line[i])
		if ax*ax+ay*ay <= km*km {
			return true
		}
		if i == 0 {
			continue
		}
		bx, by := xy(line[i-1])
		dx, dy := ax-bx, ay-by
		l2 := dx*dx + dy*dy
		if l2 == 0 {
			continue
		}
		t := max(0, min(1, -(bx*dx+by*dy)/l2))
		x, y := bx+t*dx, by+t*dy
		if x*x+y*y <= km*km {
			return true
		}
	}
	return false
}

// stretchGrid files each listed stretch under every cell of a grid of
// gridDeg degrees that its bound covers, so that the stretches a segment
// may touch are found without testing every stretch listed before it: a
// list of thousands of stretches had each segment test them all.
type stretchGrid struct {
	cells map[[2]int32][]int32
	// seen[k] is the query that last found stretch k; found gathers one
	// query's stretches.
	seen  []int
	query int
	found []int
}

// gridDeg is the side of a cell of stretchGrid, in degrees: about the
// size of a stretch of a few 10 km segments.
const gridDeg = 1.0

// cellRange returns the cells b covers, from (x0, y0) to (x1, y1).
func cellRange(b orb.Bound) (x0, y0, x1, y1 int32) {
	cell := func(v float64) int32 { return int32(math.Floor(v / gridDeg)) }
	return cell(b.Min[0]), cell(b.Min[1]), cell(b.Max[0]), cell(b.Max[1])
}

// file records that stretch k now has bound grown, which holds old (nil
// for a stretch just listed): k is filed under the cells grown adds.
func (g *stretchGrid) file(k int, old *orb.Bound, grown orb.Bound) {
	if g.cells == nil {
		g.cells = map[[2]int32][]int32{}
	}
	for len(g.seen) <= k {
		g.seen = append(g.seen, 0)
	}
	ox0, oy0, ox1, oy1 := int32(1), int32(1), int32(0), int32(0) // no cell
	if old != nil {
		ox0, oy0, ox1, oy1 = cellRange(*old)
	}
	x0, y0, x1, y1 := cellRange(grown)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			if x >= ox0 && x <= ox1 && y >= oy0 && y <= oy1 {
				continue // filed already
			}
			c := [2]int32{x, y}
			g.cells[c] = append(g.cells[c], int32(k))
		}
	}
}

// near returns every stretch filed under a cell b covers, each once: all
// the stretches whose bound meets b, and maybe others.
func (g *stretchGrid) near(b orb.Bound) []int {
	g.query++
	g.found = g.found[:0]
	x0, y0, x1, y1 := cellRange(b)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			for _, k := range g.cells[[2]int32{x, y}] {
				if g.seen[k] != g.query {
					g.seen[k] = g.query
					g.found = append(g.found, int(k))
				}
			}
		}
	}
	return g.found
}
