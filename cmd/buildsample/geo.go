package main

import (
	"fmt"
	"math"
	"os"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// earthRadiusKm is the mean Earth radius.
const earthRadiusKm = 6371.0

// distanceToLineKm is the distance from p to the nearest point of ls, in
// km, computed in an equirectangular projection centred on p: within a
// few hundred km, the scale of the corridor checks, it is within a few per
// cent of the geodesic distance.
func distanceToLineKm(p orb.Point, ls orb.LineString) float64 {
	if len(ls) == 0 {
		return math.Inf(1)
	}
	k := math.Cos(p[1] * math.Pi / 180)
	proj := func(q orb.Point) (float64, float64) {
		dlon := q[0] - p[0]
		if dlon > 180 {
			dlon -= 360
		} else if dlon < -180 {
			dlon += 360
		}
		return dlon * k, q[1] - p[1]
	}
	best := math.Inf(1)
	ax, ay := proj(ls[0])
	if len(ls) == 1 {
		best = math.Hypot(ax, ay)
	}
	for _, q := range ls[1:] {
		bx, by := proj(q)
		dx, dy := bx-ax, by-ay
		t := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
		}
		best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
		ax, ay = bx, by
	}
	return best * math.Pi / 180 * earthRadiusKm
}

// landMask answers whether a point is on land, from Natural Earth country
// polygons (1:110m: coarse, enough to tell a sea crossing from a land
// route).
type landMask struct {
	polys  []orb.MultiPolygon
	bounds []orb.Bound
}

func loadLandMask(path string) (*landMask, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := &landMask{}
	for _, f := range fc.Features {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			continue
		}
		m.polys = append(m.polys, mp)
		m.bounds = append(m.bounds, mp.Bound())
	}
	if len(m.polys) == 0 {
		return nil, fmt.Errorf("%s: no polygons", path)
	}
	return m, nil
}

func (m *landMask) onLand(p orb.Point) bool {
	for i, mp := range m.polys {
		if m.bounds[i].Contains(p) && planar.MultiPolygonContains(mp, p) {
			return true
		}
	}
	return false
}

// mode classifies a line as land, sea or mixed by the share of points,
// sampled every 0.05°, that lie on land.
func (m *landMask) mode(ls orb.LineString) string {
	land, all := 0, 0
	for i := 1; i < len(ls); i++ {
		a, b := ls[i-1], ls[i]
		steps := int(math.Ceil(math.Hypot(b[0]-a[0], b[1]-a[1]) / 0.05))
		if steps < 1 {
			steps = 1
		}
		for s := 0; s < steps; s++ {
			t := float64(s) / float64(steps)
			if m.onLand(orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}) {
				land++
			}
			all++
		}
	}
	if all == 0 {
		return "mixed"
	}
	switch share := float64(land) / float64(all); {
	case share >= 0.9:
		return "land"
	case share <= 0.1:
		return "sea"
	}
	return "mixed"
}

// validLine reports whether ls has at least two points, all finite and in
// range.
func validLine(ls orb.LineString) bool {
	if len(ls) < 2 {
		return false
	}
	for _, p := range ls {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return false
		}
	}
	return true
}
