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

// NotCoverage lists, by category, the subtypes that do not count as
// coverage: a pharmacy or a dentist is not where a survivor gets care.
// Their services stay on the map; the analysis leaves them out.
var NotCoverage = map[string][]string{
	vocab.CategoryHealth: {"pharmacy", "dentist", "optometrist", "laboratory", "blood_donation", "alternative"},
}

// notCoverage reports whether a service's "subtype" (or, in layers
// without one, its "type") is one that does not count for its category.
func notCoverage(cat string, props map[string]any) bool {
	sub, _ := props["subtype"].(string)
	if sub == "" {
		sub, _ = props["type"].(string)
	}
	return sub != "" && slices.Contains(NotCoverage[cat], strings.ToLower(strings.TrimSpace(sub)))
}

// maxSources bounds the sources a gap's wording names.
const maxSources = 3

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
	sources  []string // the "source" values of its services, most services first (at most maxSources)

	notCounted int // services of a subtype that does not count as coverage (NotCoverage)
	loaded     int // services of the category given, with a point, that count
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

		srcCount map[string]int
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
		if notCoverage(cat, f.Properties) {
			g.s.notCounted++
			continue
		}
		g.s.loaded++
		if src, _ := f.Properties["source"].(string); src != "" {
			if g.srcCount == nil {
				g.srcCount = map[string]int{}
			}
			g.srcCount[strings.TrimSpace(src)]++
		}
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
		for src := range g.srcCount {
			g.s.sources = append(g.s.sources, src)
		}
		slices.SortFunc(g.s.sources, func(a, b string) int {
			if d := g.srcCount[b] - g.srcCount[a]; d != 0 {
				return d
			}
			return strings.Compare(a, b)
		})
		g.s.sources = g.s.sources[:min(len(g.s.sources), maxSources)]
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
