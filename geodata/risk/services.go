package risk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// services holds the service points of one category that can lie within
// reach of a route, in grid cell order.
type services struct {
	name     string
	g        grid
	pos      []vec3
	verified []int32  // day of last_verified
	ids      []string // feature id, by position in pos
	names    []string // "name" property, by position in pos
	allDays  []int32  // last_verified of every verified service of the category, near or far, sorted

	loaded     int // services of the category given, with a point
	unverified int // of those, without a readable last_verified (always stale)
	far        int // of those, too far from every route to matter
}

// newServices groups service features by "category" (trimmed, lower
// case) and indexes each group. A service needs a Point geometry and a
// "last_verified" date (YYYY-MM-DD, YYYY-MM or RFC 3339) to count:
// without one it is never current. Services without a category are left
// out; so are points outside region, which no route can reach.
func newServices(features []*geojson.Feature, region box, hasRegion bool) []services {
	type group struct {
		s    services
		pts  []orb.Point
		days []int32
		ids  []string
		name []string
	}
	groups := map[string]*group{}
	for _, f := range features {
		if f == nil {
			continue
		}
		p, isPoint := f.Geometry.(orb.Point)
		cat, _ := f.Properties["category"].(string)
		cat = strings.ToLower(strings.TrimSpace(cat))
		if !isPoint || !validLonLat(p) || cat == "" {
			continue
		}
		g := groups[cat]
		if g == nil {
			g = &group{s: services{name: cat}}
			groups[cat] = g
		}
		g.s.loaded++
		t, ok := geodata.ParseDate(f.Properties["last_verified"])
		switch {
		case !ok:
			g.s.unverified++
		case !hasRegion || !region.contains(p):
			g.s.allDays = append(g.s.allDays, dayOf(t))
			g.s.far++
		default:
			g.s.allDays = append(g.s.allDays, dayOf(t))
			g.pts = append(g.pts, p)
			g.days = append(g.days, dayOf(t))
			id := ""
			if f.ID != nil {
				id = fmt.Sprint(f.ID)
			}
			name, _ := f.Properties["name"].(string)
			g.ids = append(g.ids, id)
			g.name = append(g.name, name)
		}
	}
	names := vocab.ServiceCategoryNames()
	var extra []string
	for name := range groups {
		if !slices.Contains(names, name) {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	names = append(names, extra...)
	out := make([]services, 0, len(names))
	for _, name := range names {
		g := groups[name]
		if g == nil {
			out = append(out, services{name: name, g: grid{start: []int32{0}, cell: 1}})
			continue
		}
		slices.Sort(g.s.allDays)
		var order []int32
		g.s.g, order = newGrid(g.pts, serviceCells, serviceCellsPerPoint)
		g.s.pos = make([]vec3, len(order))
		g.s.verified = make([]int32, len(order))
		g.s.ids = make([]string, len(order))
		g.s.names = make([]string, len(order))
		for i, src := range order {
			g.s.pos[i] = unit(g.pts[src])
			g.s.verified[i] = g.days[src]
			g.s.ids[i] = g.ids[src]
			g.s.names[i] = g.name[src]
		}
		out = append(out, g.s)
	}
	return out
}

// current returns how many services of the category were verified on or
// after the cutoff day.
func (s *services) current(cutoff int32) int {
	i, _ := slices.BinarySearch(s.allDays, cutoff)
	return len(s.allDays) - i
}
