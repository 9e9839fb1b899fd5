package coverage

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"

	"github.com/routerisk/routerisk/geodata"
)

// How a coverage is computed from points, and how it is drawn below the
// staff tier (doc.go).
const (
	CellResolution   = 4  // cells of about 1,770 km², centres about 45 km apart
	CellRings        = 4  // cells within four steps of a service's cell
	PublicResolution = 3  // parent cells of about 12,400 km²
	ToleranceKm      = 10 // a point this near a declared area is inside it
)

// MarginKm is about how far a computed coverage reaches beyond a service:
// CellRings steps between cell centres at CellResolution.
var MarginKm = math.Round(CellRings * math.Sqrt(3) * h3.HexagonEdgeLengthAvgKm(CellResolution))

// Area is a coverage as the analysis tests it: declared polygons, or
// computed cells. Build it with FromDeclared or Compute. It is immutable
// and safe for concurrent use.
type Area struct {
	shapes []shape
	cells  map[h3.Cell]struct{}
	res    int
}

type shape struct {
	bound orb.Bound
	poly  orb.Polygon
}

// FromDeclared returns the area of a declaration: the union of its
// countries' outlines (from t) and its area. The error has code Invalid
// for a country code t does not know or a table that cannot be read.
func FromDeclared(c *geodata.Coverage, t *Countries) (*Area, error) {
	a := &Area{}
	for _, code := range c.Countries {
		ct, ok, err := t.Lookup(code)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, geodata.Errorf(geodata.Invalid, "coverage names country %q, which the country boundaries do not hold", code)
		}
		for _, p := range ct.Shape {
			a.add(p)
		}
	}
	if c.Area != nil {
		switch g := c.Area.Geometry().(type) {
		case orb.Polygon:
			a.add(g)
		case orb.MultiPolygon:
			for _, p := range g {
				a.add(p)
			}
		}
	}
	return a, nil
}

func (a *Area) add(p orb.Polygon) {
	if len(p) == 0 || len(p[0]) == 0 {
		return
	}
	a.shapes = append(a.shapes, shape{bound: ringsBound(p), poly: p})
}

// ringsBound is the bound of every ring (orb's Polygon.Bound reads the
// outer ring only).
func ringsBound(p orb.Polygon) orb.Bound {
	b := p[0].Bound()
	for _, r := range p[1:] {
		if len(r) > 0 {
			b = b.Union(r.Bound())
		}
	}
	return b
}

// Compute returns the coverage computed from points: the cells at
// CellResolution holding a point, and every cell within CellRings steps
// of them. Points out of range are left out.
func Compute(points []orb.Point) *Area {
	return computeAt(points, CellResolution, CellRings)
}

func computeAt(points []orb.Point, res, rings int) *Area {
	own := map[h3.Cell]struct{}{}
	for _, p := range points {
		if c, ok := cellOf(p, res); ok {
			own[c] = struct{}{}
		}
	}
	a := &Area{cells: make(map[h3.Cell]struct{}, len(own)*8), res: res}
	for c := range own {
		for _, d := range h3.GridDisk(c, rings) {
			a.cells[d] = struct{}{}
		}
	}
	return a
}

func cellOf(p orb.Point, res int) (h3.Cell, bool) {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return 0, false
	}
	c := h3.LatLngToCell(h3.NewLatLng(lat, lon), res)
	return c, c != 0
}

// Computed reports whether the area was computed from points (cells)
// rather than declared.
func (a *Area) Computed() bool { return a.cells != nil }

// Cells returns how many cells a computed area holds (0 for a declared one).
func (a *Area) Cells() int { return len(a.cells) }

// Contains reports whether the point (longitude, latitude) lies in the
// area: in one of its cells, or inside or within ToleranceKm of its
// polygons.
func (a *Area) Contains(p orb.Point) bool {
	if a == nil {
		return false
	}
	if a.cells != nil {
		c, ok := cellOf(p, a.res)
		if !ok {
			return false
		}
		_, in := a.cells[c]
		return in
	}
	dLat := ToleranceKm / 111.2
	dLon := dLat / math.Max(math.Cos(p[1]*math.Pi/180), 0.01)
	probe := orb.Bound{Min: orb.Point{p[0] - dLon, p[1] - dLat}, Max: orb.Point{p[0] + dLon, p[1] + dLat}}
	var near []int
	for i, s := range a.shapes {
		if s.bound.Intersects(probe) {
			if s.bound.Contains(p) && planar.PolygonContains(s.poly, p) {
				return true
			}
			near = append(near, i)
		}
	}
	for k := range 8 { // the point's neighbourhood, ToleranceKm around
		ang := float64(k) * math.Pi / 4
		q := orb.Point{p[0] + dLon*math.Cos(ang), p[1] + dLat*math.Sin(ang)}
		for _, i := range near {
			if s := a.shapes[i]; s.bound.Contains(q) && planar.PolygonContains(s.poly, q) {
				return true
			}
		}
	}
	return false
}

// Probe is a point to be tested against several areas: the cell it lies
// in is found once per resolution, not once per area, as finding it is
// most of the cost of a test. The zero Probe is not usable; use NewProbe.
type Probe struct {
	p    orb.Point
	res  int // the resolution of cell; -1 before the first
	cell h3.Cell
	ok   bool // cell is a valid cell
}

// NewProbe returns a probe of p.
func NewProbe(p orb.Point) Probe { return Probe{p: p, res: -1} }

// ContainsProbe is Contains of the probe's point.
func (a *Area) ContainsProbe(pr *Probe) bool {
	if a == nil || a.cells == nil {
		return a.Contains(pr.p)
	}
	if pr.res != a.res {
		pr.cell, pr.ok = cellOf(pr.p, a.res)
		pr.res = a.res
	}
	if !pr.ok {
		return false
	}
	_, in := a.cells[pr.cell]
	return in
}

// Coarse returns a computed area's parent cells at PublicResolution (the
// area rounded outward), as the tiers below staff are shown it; a
// declared area is returned as it is.
func (a *Area) Coarse() *Area {
	if a.cells == nil || a.res <= PublicResolution {
		return a
	}
	out := &Area{cells: map[h3.Cell]struct{}{}, res: PublicResolution}
	for c := range a.cells {
		out.cells[c.Parent(PublicResolution)] = struct{}{}
	}
	return out
}
