package risk

import (
	"math"

	"github.com/paulmach/orb"
)

// Grid sizing. The cost of a box query hardly depends on the width of the
// cells (the cells of one grid row within the box are contiguous in memory
// and scanned as one run), only on their height (one run per row), so
// incident grids are as fine as memory allows. The nearest-service search
// visits many rows per segment and rejects a far point with one dot
// product, so service grids are coarser.
const (
	minCellDeg   = 0.02    // finest cell, about 2 km
	maxGridCells = 1 << 22 // cells no grid exceeds (16 MiB of offsets)

	incidentCells         = 1 << 18 // cells an incident grid may always use (1 MiB of offsets)
	incidentCellsPerPoint = 8       // beyond that, cells per incident
	serviceCells          = 1 << 12 // cells a service grid may always use
	serviceCellsPerPoint  = 1       // beyond that, cells per service
)

// box is a longitude/latitude box in degrees. lonLo may be below −180 and
// lonHi above 180 when the box crosses the antimeridian; fullLon marks a box
// that spans every longitude (it reaches a pole).
type box struct {
	latLo, latHi, lonLo, lonHi float64
	fullLon                    bool
}

// disc is a spherical cap: the points within the angle r (radians) of
// the unit vector c, whose longitude and latitude in degrees and the
// cosine of that latitude are kept for box queries.
type disc struct {
	c        vec3
	lon, lat float64
	cosLat   float64
	r        float64
}

func newDisc(c vec3, r float64) disc {
	ll := c.lonLat()
	return disc{c: c, lon: ll[0], lat: ll[1], cosLat: math.Cos(ll[1] * math.Pi / 180), r: r}
}

// box returns the smallest longitude/latitude box holding every point
// within the angle d.r + extra of the centre.
func (d disc) box(extra float64) box {
	rho := d.r + extra
	rhoDeg := rho * 180 / math.Pi
	b := box{latLo: d.lat - rhoDeg, latHi: d.lat + rhoDeg}
	if b.latHi >= 90 || b.latLo <= -90 || rho >= math.Pi/2 {
		b.latLo, b.latHi = math.Max(b.latLo, -90), math.Min(b.latHi, 90)
		b.lonLo, b.lonHi, b.fullLon = -180, 180, true
		return b
	}
	// The widest point of a cap not holding a pole lies at sin Δλ =
	// sin ρ / cos φc. With x = ρ / cos φc ≥ sin ρ / cos φc, the half-width
	// used, x / √(1 − x²) = tan(asin x), is never narrower, and wider by
	// well under 0.1 % for the distances searched here.
	x := rho / d.cosLat
	if x >= 0.7 {
		b.lonLo, b.lonHi, b.fullLon = -180, 180, true
		return b
	}
	w := x / math.Sqrt(1-x*x) * 180 / math.Pi
	b.lonLo, b.lonHi = d.lon-w, d.lon+w
	if b.lonHi-b.lonLo >= 360 {
		b.lonLo, b.lonHi, b.fullLon = -180, 180, true
	}
	return b
}

// capBox returns the smallest longitude/latitude box holding every point
// within the angle rho (radians) of the unit vector c.
func capBox(c vec3, rho float64) box { return newDisc(c, rho).box(0) }

// union returns the smallest box holding both (without trying to wrap
// round the antimeridian: a union across it spans every longitude).
func (b box) union(o box) box {
	u := box{
		latLo: math.Min(b.latLo, o.latLo), latHi: math.Max(b.latHi, o.latHi),
		lonLo: math.Min(b.lonLo, o.lonLo), lonHi: math.Max(b.lonHi, o.lonHi),
		fullLon: b.fullLon || o.fullLon,
	}
	if u.fullLon || u.lonLo < -180 || u.lonHi > 180 {
		u.lonLo, u.lonHi, u.fullLon = -180, 180, true
	}
	return u
}

// contains reports whether the point lies in the box (which must not wrap).
func (b box) contains(p orb.Point) bool {
	return p[1] >= b.latLo && p[1] <= b.latHi && p[0] >= b.lonLo && p[0] <= b.lonHi
}

// grid is a uniform longitude/latitude grid over points stored in cell
// order (row by row, west to east): the points of cell c are the positions
// start[c] to start[c+1]-1 of the caller's arrays, so the cells of one row
// between two columns form one contiguous run.
type grid struct {
	lon0, lat0, cell float64
	nx, ny           int
	start            []int32
}

// newGrid builds a grid over pts of about max(minCells, perPoint ×
// len(pts)) cells (at most maxGridCells) and returns it with the
// permutation that puts the points in cell order (order[i] is the input
// position of the point stored at i). Every point must be a finite
// longitude/latitude.
func newGrid(pts []orb.Point, minCells, perPoint int) (grid, []int32) {
	if len(pts) == 0 {
		return grid{start: []int32{0}, nx: 0, ny: 0, cell: 1}, nil
	}
	b := orb.Bound{Min: pts[0], Max: pts[0]}
	for _, p := range pts[1:] {
		b = b.Extend(p)
	}
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	budget := float64(min(max(perPoint*len(pts), minCells), maxGridCells))
	cell := math.Max(minCellDeg, math.Sqrt((w+minCellDeg)*(h+minCellDeg)/budget))
	g := grid{lon0: b.Min[0], lat0: b.Min[1], cell: cell}
	g.nx = int(w/cell) + 1
	g.ny = int(h/cell) + 1
	for g.nx*g.ny > maxGridCells { // rounding up may overshoot the budget
		g.cell *= 1.01
		g.nx, g.ny = int(w/g.cell)+1, int(h/g.cell)+1
	}
	cells := make([]int32, len(pts))
	g.start = make([]int32, g.nx*g.ny+1)
	for i, p := range pts {
		c := g.row(p[1])*g.nx + g.col(p[0])
		cells[i] = int32(c)
		g.start[c+1]++
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	next := append([]int32(nil), g.start[:len(g.start)-1]...)
	order := make([]int32, len(pts))
	for i, c := range cells {
		order[next[c]] = int32(i)
		next[c]++
	}
	return g, order
}

func (g *grid) row(lat float64) int {
	return min(max(int((lat-g.lat0)/g.cell), 0), g.ny-1)
}

func (g *grid) col(lon float64) int {
	return min(max(int((lon-g.lon0)/g.cell), 0), g.nx-1)
}

// span is a run [lo, hi) of positions in cell order.
type span struct{ lo, hi int32 }

// meets reports whether the box meets the grid's bounds.
func (g *grid) meets(b box) bool {
	if g.nx == 0 {
		return false
	}
	latMax, lonMax := g.lat0+float64(g.ny)*g.cell, g.lon0+float64(g.nx)*g.cell
	if b.latHi < g.lat0 || b.latLo > latMax {
		return false
	}
	if b.fullLon {
		return true
	}
	in := func(lo, hi float64) bool { return hi >= g.lon0 && lo <= lonMax }
	switch {
	case b.lonLo < -180:
		return in(b.lonLo+360, 180) || in(-180, b.lonHi)
	case b.lonHi > 180:
		return in(b.lonLo, 180) || in(-180, b.lonHi-360)
	}
	return in(b.lonLo, b.lonHi)
}

// spans appends to dst the runs of positions whose cells meet the box.
func (g *grid) spans(b box, dst []span) []span {
	if g.nx == 0 {
		return dst
	}
	latMax := g.lat0 + float64(g.ny)*g.cell
	if b.latHi < g.lat0 || b.latLo > latMax {
		return dst
	}
	r0, r1 := g.row(b.latLo), g.row(b.latHi)
	if b.fullLon {
		return g.rowSpans(r0, r1, -180, 180, dst)
	}
	lo, hi := b.lonLo, b.lonHi
	switch {
	case lo < -180:
		dst = g.rowSpans(r0, r1, lo+360, 180, dst)
		return g.rowSpans(r0, r1, -180, hi, dst)
	case hi > 180:
		dst = g.rowSpans(r0, r1, lo, 180, dst)
		return g.rowSpans(r0, r1, -180, hi-360, dst)
	}
	return g.rowSpans(r0, r1, lo, hi, dst)
}

func (g *grid) rowSpans(r0, r1 int, lonLo, lonHi float64, dst []span) []span {
	lonMax := g.lon0 + float64(g.nx)*g.cell
	if lonHi < g.lon0 || lonLo > lonMax {
		return dst
	}
	c0, c1 := g.col(lonLo), g.col(lonHi)
	for r := r0; r <= r1; r++ {
		s := span{g.start[r*g.nx+c0], g.start[r*g.nx+c1+1]}
		if s.lo < s.hi {
			dst = append(dst, s)
		}
	}
	return dst
}
