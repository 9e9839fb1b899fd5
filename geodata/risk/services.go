package risk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/coverage"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// NotCoverage lists, by category, the subtypes that do not count as
// coverage: a pharmacy or a dentist is not where a survivor gets care.
// Their services stay on the map; the analysis leaves them out.
var NotCoverage = map[string][]string{
	vocab.CategoryHealth: {"pharmacy", "dentist", "optometrist", "laboratory", "blood_donation", "alternative"},
}

// subtypeOf returns a service's "subtype" (or, in layers without one, its
// "type"), trimmed and in lower case; "" for none.
func subtypeOf(props map[string]any) string {
	sub, _ := props["subtype"].(string)
	if sub == "" {
		sub, _ = props["type"].(string)
	}
	return strings.ToLower(strings.TrimSpace(sub))
}

// maxSources bounds the sources a gap's wording names.
const maxSources = 3

// ServiceLayer is one service layer given to the analysis.
type ServiceLayer struct {
	Features []*geojson.Feature
	// Declared is the layer's declared coverage; nil: the coverage of each
	// category is computed from the layer's points of it (coverage.Compute).
	Declared *coverage.Area
}

// services holds the service points of one category that can lie within
// reach of a route, in grid cell order.
type services struct {
	name     string
	g        grid
	pos      []vec3
	verified []int32  // day of last_verified
	sub      []uint16 // subtype, by position in pos: an index into subs
	ids      []string // feature id, by position in pos
	names    []string // "name" property, by position in pos
	subs     []string // the subtypes met, "" (none) first
	groups   []svcGroup
	sources  []string // the "source" values of its services, most services first (at most maxSources)
	// areas holds, by layer, the coverage computed from the layer's
	// points of the category; nil for a layer that declares its coverage
	// or holds none of the category.
	areas []*coverage.Area
}

// svcGroup counts the services of one layer and one subtype.
type svcGroup struct {
	layer      int
	sub        uint16
	total      int     // services with a point
	unverified int     // of those, without a readable last_verified (never current)
	days       []int32 // last_verified of the others, sorted
}

// newServices groups service features by "category" (trimmed, lower
// case) and indexes each group. A service needs a Point geometry and a
// "last_verified" date (YYYY-MM-DD, YYYY-MM or RFC 3339) to count:
// without one it is never current. Services without a category are left
// out; so are points outside region, which no route can reach, from the
// search (not from the counts or the computed coverage).
func newServices(layers []ServiceLayer, region box, hasRegion bool) []services {
	type group struct {
		s    services
		pts  []orb.Point
		days []int32
		subs []uint16
		ids  []string
		name []string

		subIndex map[string]uint16
		groupAt  map[[2]int]int
		layerPts map[int][]orb.Point
		srcCount map[string]int
	}
	groups := map[string]*group{}
	for li, layer := range layers {
		for _, f := range layer.Features {
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
				g = &group{s: services{name: cat, subs: []string{""}}, subIndex: map[string]uint16{"": 0}, groupAt: map[[2]int]int{}, layerPts: map[int][]orb.Point{}}
				groups[cat] = g
			}
			sub := subtypeOf(f.Properties)
			si, ok := g.subIndex[sub]
			if !ok {
				si = uint16(len(g.s.subs))
				g.subIndex[sub] = si
				g.s.subs = append(g.s.subs, sub)
			}
			gi, ok := g.groupAt[[2]int{li, int(si)}]
			if !ok {
				gi = len(g.s.groups)
				g.groupAt[[2]int{li, int(si)}] = gi
				g.s.groups = append(g.s.groups, svcGroup{layer: li, sub: si})
			}
			grp := &g.s.groups[gi]
			grp.total++
			if layer.Declared == nil {
				g.layerPts[li] = append(g.layerPts[li], p)
			}
			if src, _ := f.Properties["source"].(string); src != "" {
				if g.srcCount == nil {
					g.srcCount = map[string]int{}
				}
				g.srcCount[strings.TrimSpace(src)]++
			}
			t, ok := geodata.ParseDate(f.Properties["last_verified"])
			switch {
			case !ok:
				grp.unverified++
			case !hasRegion || !region.contains(p):
				grp.days = append(grp.days, dayOf(t))
			default:
				grp.days = append(grp.days, dayOf(t))
				g.pts = append(g.pts, p)
				g.days = append(g.days, dayOf(t))
				g.subs = append(g.subs, si)
				id := ""
				if f.ID != nil {
					id = fmt.Sprint(f.ID)
				}
				name, _ := f.Properties["name"].(string)
				g.ids = append(g.ids, id)
				g.name = append(g.name, name)
			}
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
			out = append(out, services{name: name, g: grid{start: []int32{0}, cell: 1}, subs: []string{""}})
			continue
		}
		for i := range g.s.groups {
			slices.Sort(g.s.groups[i].days)
		}
		g.s.areas = make([]*coverage.Area, len(layers))
		for li, pts := range g.layerPts {
			g.s.areas[li] = coverage.Compute(pts)
		}
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
		g.s.sub = make([]uint16, len(order))
		g.s.ids = make([]string, len(order))
		g.s.names = make([]string, len(order))
		for i, src := range order {
			g.s.pos[i] = unit(g.pts[src])
			g.s.verified[i] = g.days[src]
			g.s.sub[i] = g.subs[src]
			g.s.ids[i] = g.ids[src]
			g.s.names[i] = g.name[src]
		}
		out = append(out, g.s)
	}
	return out
}

// counting returns, by position in subs, whether services of that
// subtype count as coverage under rule.
func (s *services) counting(rule subtypeRule) []bool {
	ok := make([]bool, len(s.subs))
	for i, sub := range s.subs {
		ok[i] = rule.counts(sub)
	}
	return ok
}

// current returns how many services of the category, of a subtype that
// counts (by ok), were verified on or after the cutoff day; and by layer
// (of n), how many of them each holds.
func (s *services) current(cutoff int32, ok []bool, n int) (int, []int) {
	byLayer := make([]int, n)
	total := 0
	for _, g := range s.groups {
		if !ok[g.sub] {
			continue
		}
		i, _ := slices.BinarySearch(g.days, cutoff)
		c := len(g.days) - i
		byLayer[g.layer] += c
		total += c
	}
	return total, byLayer
}
