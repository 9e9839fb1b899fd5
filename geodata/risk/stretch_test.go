package risk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// TestStretches cuts one line of 10 segments along the equator (on land)
// with incidents under chosen segments and checks how the list groups
// them: a run of adjacent ranked segments is one row, no two rows touch.
func TestStretches(t *testing.T) {
	line := orb.LineString{{20, 0}, {21, 0}} // ~111 km: 10 segments of ~11 km
	tests := []struct {
		name  string
		under map[int]float64 // segment → dead placed under its middle
		want  []string        // rows as "start-end" segment indexes
	}{
		{"one peak with its neighbours", map[int]float64{4: 10, 3: 8, 5: 8}, []string{"3-5"}},
		{"a weak neighbour stays out but is not listed", map[int]float64{4: 10, 5: 1}, []string{"4-4"}},
		{"two apart", map[int]float64{1: 10, 7: 9}, []string{"1-1", "7-7"}},
		{"at most five segments; the next one is blocked", map[int]float64{0: 20, 1: 19, 2: 18, 3: 17, 4: 16, 5: 15, 6: 14}, []string{"0-4", "6-6"}},
		{"between two stretches, blocked", map[int]float64{2: 20, 4: 19, 3: 18}, []string{"2-2", "4-4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var incidents []*geojson.Feature
			for seg, dead := range tc.under {
				lon := 20 + (float64(seg)+0.5)*0.1
				incidents = append(incidents, incidentFeature(lon, 0, geojson.Properties{"date": "2025-01-01", "dead": dead}))
			}
			p := DefaultParams(refDate)
			p.SegmentKm, p.RadiusKm = 11.1, 2
			res, err := NewAnalyser([]*geojson.Feature{routeFeature("s", line)}, incidents, nil).Analyse(p)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, pr := range res.Priorities {
				got = append(got, fmt.Sprintf("%d-%d", res.Segments[pr.Members[0]].Index, res.Segments[pr.Members[len(pr.Members)-1]].Index))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("rows %v, want %v", got, tc.want)
			}
			for i := range res.Priorities {
				for j := i + 1; j < len(res.Priorities); j++ {
					a, b := res.Priorities[i], res.Priorities[j]
					if a.EndKm >= b.StartKm-1e-9 && b.EndKm >= a.StartKm-1e-9 {
						t.Errorf("rows %d and %d touch: %.1f–%.1f and %.1f–%.1f", i, j, a.StartKm, a.EndKm, b.StartKm, b.EndKm)
					}
				}
			}
		})
	}
}

// TestStretchGridFindsEveryMeetingBound: the grid finds, each once, every
// stretch whose bound meets the box asked, as bounds grow, with corners on
// cell edges and on either side of the antimeridian.
func TestStretchGridFindsEveryMeetingBound(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 5))
	coord := func(lim float64) float64 {
		if rnd.IntN(4) == 0 { // on a cell edge
			return math.Floor(rnd.Float64()*2*lim - lim)
		}
		return rnd.Float64()*2*lim - lim
	}
	side := func(size float64) float64 {
		if rnd.IntN(3) == 0 { // from one edge to another
			return math.Floor(rnd.Float64() * size)
		}
		return rnd.Float64() * size
	}
	box := func(size float64) orb.Bound {
		x, y := coord(179), coord(89)
		return orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{min(180, x+side(size)), min(90, y+side(size))}}
	}
	var g stretchGrid
	var bounds []orb.Bound
	for step := range 4000 {
		if len(bounds) > 0 && rnd.IntN(3) == 0 {
			k := rnd.IntN(len(bounds))
			grown := bounds[k].Union(box(3))
			g.file(k, &bounds[k], grown)
			bounds[k] = grown
		} else {
			bounds = append(bounds, box(3))
			g.file(len(bounds)-1, nil, bounds[len(bounds)-1])
		}
		q := box(5)
		found := map[int]bool{}
		for _, k := range g.near(q) {
			if found[k] {
				t.Fatalf("step %d: stretch %d found twice", step, k)
			}
			found[k] = true
		}
		for k, b := range bounds {
			if q.Intersects(b) && !found[k] {
				t.Fatalf("step %d: stretch %d with bound %v meets %v but was not found", step, k, b, q)
			}
		}
	}
}
