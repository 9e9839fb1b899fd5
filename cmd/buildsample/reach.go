package main

import (
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata/sea"
)

// Reach rule: an incident is within reach of a route when it lies within a
// segment's radius of that segment. A segment is a piece of at most
// reachSegmentKm of one edge of a line; it is at sea when its midpoint is
// off the land polygon, and then its radius is the line's sea_radius_km if
// the line has one. Every other segment has the default radius.
const (
	reachDefaultKm = 25.0 // the analysis's default radius_km
	reachSegmentKm = 10.0 // the analysis's default segment_km
)

// vec3 is a point on the unit sphere.
type vec3 [3]float64

func toVec(p orb.Point) vec3 {
	lon, lat := p[0]*math.Pi/180, p[1]*math.Pi/180
	return vec3{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
}

func dot(a, b vec3) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

func cross(a, b vec3) vec3 {
	return vec3{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func norm(a vec3) float64 { return math.Sqrt(dot(a, a)) }

// angle is the great-circle angle between two unit vectors.
func angle(a, b vec3) float64 { return math.Atan2(norm(cross(a, b)), dot(a, b)) }

// arcDistanceKm is the great-circle distance from p to the nearest point
// of the minor arc from a to b (all unit vectors).
func arcDistanceKm(p, a, b vec3) float64 {
	n := cross(a, b)
	if nn := norm(n); nn > 1e-15 {
		n = vec3{n[0] / nn, n[1] / nn, n[2] / nn}
		// The foot of p on the great circle lies within the arc when it is
		// on the inner side of both end meridians (planes through a and b).
		s := dot(p, n)
		c := vec3{p[0] - s*n[0], p[1] - s*n[1], p[2] - s*n[2]}
		if norm(c) > 1e-15 && dot(cross(a, c), n) >= 0 && dot(cross(c, b), n) >= 0 {
			return math.Abs(math.Asin(math.Max(-1, math.Min(1, s)))) * earthRadiusKm
		}
	}
	return math.Min(angle(p, a), angle(p, b)) * earthRadiusKm
}

// greatCircleToLineKm is the great-circle distance from p to the nearest
// point of ls.
func greatCircleToLineKm(p orb.Point, ls orb.LineString) float64 {
	v := toVec(p)
	best := math.Inf(1)
	for i := 1; i < len(ls); i++ {
		best = math.Min(best, arcDistanceKm(v, toVec(ls[i-1]), toVec(ls[i])))
	}
	if len(ls) == 1 {
		best = angle(v, toVec(ls[0])) * earthRadiusKm
	}
	return best
}

// loadLandIndex reads the "land" object of a world-atlas TopoJSON file
// (Natural Earth land, e.g. world-atlas_land-10m.topojson).
func loadLandIndex(path string) (*sea.LandIndex, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	l, err := sea.LoadLand(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// reachPiece is one segment of a route line with the radius that applies
// to it.
type reachPiece struct {
	a, b   vec3
	radius float64 // km
	sea    bool
}

// reachStats is how much of the record lies within reach of the routes.
type reachStats struct {
	total      float64        // dead + missing over all incidents
	reached    float64        // of which within reach (sea radius at sea, else the default)
	within25   float64        // of which within 25 km of a line
	within50   float64        // of which within 50 km of a line
	seaPieces  int            // segments at sea on lines with a sea_radius_km
	allPieces  int            // segments
	far        []reachCluster // clusters of dead and missing out of reach, most first
	unreachedN int            // incidents with dead or missing out of reach
}

// reachCluster is a 2° cell of dead and missing out of reach.
type reachCluster struct {
	lon, lat  int     // south-west corner
	deadMiss  float64 // dead + missing out of reach in the cell
	incidents int
	routes    map[string]float64 // MMP route of the incidents → dead + missing
	largest   string             // location of the largest incident
	largestW  float64            // its dead + missing
}

func (s reachStats) share() float64 { return ratio(s.reached, s.total) }

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// measureReach cuts every route line into segments of at most
// reachSegmentKm, gives each its radius (sea_radius_km for a segment at
// sea on a line that has one, reachDefaultKm otherwise), and sums the dead
// and missing of the incidents within reach of some segment. It also
// measures the plain 25 and 50 km shares and clusters what is out of
// reach.
func measureReach(routes, incidents []*geojson.Feature, land *sea.LandIndex) reachStats {
	var pieces []reachPiece
	var st reachStats
	for _, f := range routes {
		ls, ok := f.Geometry.(orb.LineString)
		if !ok {
			continue
		}
		seaKm, _ := f.Properties["sea_radius_km"].(float64)
		for i := 1; i < len(ls); i++ {
			a, b := ls[i-1], ls[i]
			va, vb := toVec(a), toVec(b)
			n := max(1, int(math.Ceil(angle(va, vb)*earthRadiusKm/reachSegmentKm)))
			prev := va
			for k := 1; k <= n; k++ {
				t := float64(k) / float64(n)
				next := slerp(va, vb, t)
				mid := slerp(va, vb, (float64(k)-0.5)/float64(n))
				p := reachPiece{a: prev, b: next, radius: reachDefaultKm}
				if seaKm > 0 && land != nil && !land.OnLand(toPoint(mid)) {
					p.sea = true
					p.radius = math.Max(seaKm, reachDefaultKm)
					st.seaPieces++
				}
				pieces = append(pieces, p)
				prev = next
			}
		}
	}
	st.allPieces = len(pieces)
	grid := newPieceGrid(pieces)
	clusters := map[[2]int]*reachCluster{}
	for _, f := range incidents {
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		w := math.Max(0, number(f.Properties["dead"])) + math.Max(0, number(f.Properties["missing"]))
		if w == 0 {
			continue
		}
		st.total += w
		v := toVec(p)
		best, reached := math.Inf(1), false
		for _, i := range grid.near(p) {
			d := arcDistanceKm(v, pieces[i].a, pieces[i].b)
			best = math.Min(best, d)
			if d <= pieces[i].radius {
				reached = true
			}
		}
		if best <= 25 {
			st.within25 += w
		}
		if best <= 50 {
			st.within50 += w
		}
		if reached {
			st.reached += w
			continue
		}
		st.unreachedN++
		k := [2]int{int(math.Floor(p[0]/2)) * 2, int(math.Floor(p[1]/2)) * 2}
		c := clusters[k]
		if c == nil {
			c = &reachCluster{lon: k[0], lat: k[1], routes: map[string]float64{}}
			clusters[k] = c
		}
		route, _ := f.Properties["route"].(string)
		loc, _ := f.Properties["location"].(string)
		if w > c.largestW {
			c.largest, c.largestW = loc, w
		}
		c.deadMiss += w
		c.incidents++
		c.routes[route] += w
	}
	for _, c := range clusters {
		st.far = append(st.far, *c)
	}
	sort.Slice(st.far, func(i, j int) bool {
		a, b := st.far[i], st.far[j]
		if a.deadMiss != b.deadMiss {
			return a.deadMiss > b.deadMiss
		}
		return a.lon < b.lon || a.lon == b.lon && a.lat < b.lat
	})
	return st
}

// slerp is the point a fraction t of the way along the minor arc from a
// to b.
func slerp(a, b vec3, t float64) vec3 {
	th := angle(a, b)
	if th < 1e-12 {
		return a
	}
	s := math.Sin(th)
	wa, wb := math.Sin((1-t)*th)/s, math.Sin(t*th)/s
	return vec3{wa*a[0] + wb*b[0], wa*a[1] + wb*b[1], wa*a[2] + wb*b[2]}
}

func toPoint(v vec3) orb.Point {
	return orb.Point{math.Atan2(v[1], v[0]) * 180 / math.Pi, math.Asin(math.Max(-1, math.Min(1, v[2]))) * 180 / math.Pi}
}

// pieceGrid finds the segments that may be within reach of a point: each
// segment is listed in every 1° cell its bounding box, grown by its
// radius, meets.
type pieceGrid struct {
	cells map[[2]int][]int
}

func newPieceGrid(pieces []reachPiece) *pieceGrid {
	g := &pieceGrid{cells: map[[2]int][]int{}}
	for i, p := range pieces {
		a, b := toPoint(p.a), toPoint(p.b)
		dLat := p.radius/earthRadiusKm*180/math.Pi + 0.01
		maxLat := math.Min(89, math.Max(math.Abs(a[1]), math.Abs(b[1]))+dLat)
		dLon := dLat / math.Cos(maxLat*math.Pi/180)
		lon0, lon1 := math.Floor(math.Min(a[0], b[0])-dLon), math.Floor(math.Max(a[0], b[0])+dLon)
		lat0, lat1 := math.Floor(math.Min(a[1], b[1])-dLat), math.Floor(math.Max(a[1], b[1])+dLat)
		for x := lon0; x <= lon1; x++ {
			for y := lat0; y <= lat1; y++ {
				k := [2]int{int(x), int(y)}
				g.cells[k] = append(g.cells[k], i)
			}
		}
	}
	return g
}

func (g *pieceGrid) near(p orb.Point) []int {
	return g.cells[[2]int{int(math.Floor(p[0])), int(math.Floor(p[1]))}]
}

// number is a numeric property as a float64 (0 when absent or not a
// number): decoded GeoJSON holds float64, a freshly built layer ints.
func number(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	case int64:
		return float64(n)
	}
	return 0
}
