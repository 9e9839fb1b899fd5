package risk

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// minPartKm is the shortest line a route part must have to be cut into
// segments; shorter parts (repeated points) are left out.
const minPartKm = 0.001

// route is one route feature, prepared for cutting: its lines as unit
// vectors with the length of every edge.
type route struct {
	id, name    string
	label       string  // the "label" property: a descriptive name, "" if none
	seaRadiusKm float64 // the "sea_radius_km" property: radius of its segments at sea, 0 if none
	validTo     int32   // the day of the "valid_to" property, noDay if none
	parts       []line
}

// line is one LineString of a route.
type line struct {
	ll    []orb.Point // vertices as given (consecutive repeats removed)
	v     []vec3      // the same as unit vectors
	theta []float64   // theta[i]: angle of the edge from vertex i to i+1
	cum   []float64   // cum[i]: length in km from the first vertex to vertex i

	landfalls []landfall // where the line reaches land after the sea, in order
}

func (l *line) lengthKm() float64 { return l.cum[len(l.cum)-1] }

// newRoutes prepares the route features; features without a LineString or
// MultiLineString geometry are left out. A route's id is its feature id,
// or "route-N" (N its 1-based position) if it has none; its name is the
// "name" property.
func newRoutes(features []*geojson.Feature) []route {
	var out []route
	for i, f := range features {
		if f == nil {
			continue
		}
		var lines []orb.LineString
		switch g := f.Geometry.(type) {
		case orb.LineString:
			lines = []orb.LineString{g}
		case orb.MultiLineString:
			lines = g
		default:
			continue
		}
		r := route{id: fmt.Sprintf("route-%d", i+1)}
		if f.ID != nil {
			r.id = fmt.Sprint(f.ID)
		}
		r.name, _ = f.Properties["name"].(string)
		r.label, _ = f.Properties["label"].(string)
		if km := geodata.Count(f.Properties["sea_radius_km"]); km > 0 {
			r.seaRadiusKm = min(km, MaxRadiusKm)
		}
		r.validTo = noDay
		if t, ok := geodata.ParseDate(f.Properties["valid_to"]); ok {
			r.validTo = dayOf(t)
		}
		for _, ls := range lines {
			if l, ok := newLine(ls); ok {
				r.parts = append(r.parts, l)
			}
		}
		if len(r.parts) > 0 {
			out = append(out, r)
		}
	}
	return out
}

func newLine(ls orb.LineString) (line, bool) {
	var l line
	for _, p := range ls {
		if !validLonLat(p) {
			return l, false
		}
		v := unit(p)
		if n := len(l.v); n > 0 {
			t := angle(l.v[n-1], v)
			if t == 0 {
				continue
			}
			l.theta = append(l.theta, t)
			l.cum = append(l.cum, l.cum[n-1]+t*EarthRadiusKm)
		} else {
			l.cum = append(l.cum, 0)
		}
		l.ll = append(l.ll, p)
		l.v = append(l.v, v)
	}
	return l, len(l.v) >= 2 && l.lengthKm() >= minPartKm
}

func validLonLat(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && math.Abs(p[0]) <= 180 && math.Abs(p[1]) <= 90
}

// cut is one segment of a route: a piece of one of its lines.
type cut struct {
	route          int     // position in the analyser's routes
	part           int     // position of its line in the route's parts
	partEndKm      float64 // where it ends along that line
	index          int     // 0-based position along the route feature
	startKm, endKm float64 // distance along the route feature
	p0, p1         int     // its vertices: positions p0 to p1-1 of the cutting's arrays
}

// cutting is the segmentation of a set of routes: the segments and their
// vertices in two shared arrays.
type cutting struct {
	cuts []cut
	ll   []orb.Point
	v    []vec3
}

// cutRoutes cuts every part of the chosen routes (keep[i] false leaves
// route i out; nil keeps all) into n = max(1, round(L / segmentKm))
// segments of equal length L/n along its great-circle length L, so that no
// segment is a short remainder. Start and end distances run on across the
// parts of a MultiLineString in their order.
func cutRoutes(routes []route, keep []bool, segmentKm float64) cutting {
	var c cutting
	nCuts, nPoints := 0, 0
	for ri, r := range routes {
		if keep == nil || keep[ri] {
			for pi := range r.parts {
				n := max(1, int(math.Round(r.parts[pi].lengthKm()/segmentKm)))
				nCuts += n
				nPoints += 2*n + len(r.parts[pi].v)
			}
		}
	}
	c.cuts = make([]cut, 0, nCuts)
	c.ll = make([]orb.Point, 0, nPoints)
	c.v = make([]vec3, 0, nPoints)
	for ri, r := range routes {
		if keep != nil && !keep[ri] {
			continue
		}
		index, offset := 0, 0.0
		for pi := range r.parts {
			l := &r.parts[pi]
			total := l.lengthKm()
			n := max(1, int(math.Round(total/segmentKm)))
			step := total / float64(n)
			vi := 0 // the edge the walk is on: from vertex vi to vi+1
			for k := 0; k < n; k++ {
				from, to := float64(k)*step, float64(k+1)*step
				if k == n-1 {
					to = total
				}
				sc := cut{route: ri, part: pi, partEndKm: to, index: index, startKm: offset + from, endKm: offset + to, p0: len(c.v)}
				if k == 0 {
					vi = c.appendPoint(l, vi, from)
				} else { // the end of the previous segment
					c.ll = append(c.ll, c.ll[len(c.ll)-1])
					c.v = append(c.v, c.v[len(c.v)-1])
				}
				for vi+1 < len(l.v)-1 && l.cum[vi+1] < to {
					vi++
					c.ll = append(c.ll, l.ll[vi])
					c.v = append(c.v, l.v[vi])
				}
				vi = c.appendPoint(l, vi, to)
				sc.p1 = len(c.v)
				c.cuts = append(c.cuts, sc)
				index++
			}
			offset += total
		}
	}
	return c
}

// appendPoint appends the point at distance d along l, searching forward
// from edge vi, and returns the edge it lies on. Vertices are copied
// exactly; points between them are interpolated on the great circle.
func (c *cutting) appendPoint(l *line, vi int, d float64) int {
	for vi < len(l.theta)-1 && l.cum[vi+1] <= d {
		vi++
	}
	switch {
	case d <= l.cum[vi]:
		c.ll = append(c.ll, l.ll[vi])
		c.v = append(c.v, l.v[vi])
	case d >= l.cum[vi+1]:
		c.ll = append(c.ll, l.ll[vi+1])
		c.v = append(c.v, l.v[vi+1])
	default:
		f := (d - l.cum[vi]) / (l.cum[vi+1] - l.cum[vi])
		v := slerp(l.v[vi], l.v[vi+1], l.theta[vi], f)
		c.ll = append(c.ll, v.lonLat())
		c.v = append(c.v, v)
	}
	return vi
}
