package analysis

import (
	"fmt"
	"sort"
	"strings"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/exposure"
	"github.com/routerisk/routerisk/geodata/mmp"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/reads"
)

// LayerRef names the layer version an answer used.
type LayerRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// uploadedSeries is the monthly counts of one route from an exposure layer.
type uploadedSeries struct {
	series exposure.Series
	layer  LayerRef
	counts map[string]float64 // YYYY-MM → count, summed over the rows' keys
}

// uploadedDenominators reads the exposure layers view may use: every
// public one, and a restricted one only where view sees more than the
// public tier. It returns, by route (as mmp.CurrentRoute names it), the
// counts of the most recently published layer that has the route, and the
// versions of the layers used, for the cache key.
func uploadedDenominators(all []reads.Series, view privacy.View) (map[string]uploadedSeries, string) {
	var used []reads.Series
	for _, s := range all {
		if view.For(s.Meta) != privacy.Public {
			used = append(used, s)
		}
	}
	// The most recently published first; it wins a route another layer
	// has too. Publication times are kept to the second; within one
	// second the layer id first in alphabetical order wins.
	sort.SliceStable(used, func(i, j int) bool {
		a, b := used[i].Meta, used[j].Meta
		if !a.UpdatedAt.Equal(b.UpdatedAt) {
			return a.UpdatedAt.After(b.UpdatedAt)
		}
		return a.ID < b.ID
	})
	out := map[string]uploadedSeries{}
	names := make([]string, 0, len(used))
	for _, s := range used {
		names = append(names, fmt.Sprintf("%s@%d", s.Meta.ID, s.Meta.Version))
		mine := map[string]uploadedSeries{}
		for _, f := range s.Features {
			route, _ := f.Properties["route"].(string)
			month, _ := f.Properties["month"].(string)
			n, ok := f.Properties["count"].(float64)
			if route == "" || len(month) != 7 || !ok || n < 0 {
				continue
			}
			r := mmp.CurrentRoute(route)
			if _, taken := out[r]; taken {
				continue // a more recent layer has this route
			}
			u, ok := mine[r]
			if !ok {
				u = uploadedSeries{series: layerSeries(s.Meta), layer: LayerRef{ID: s.Meta.ID, Version: s.Meta.Version}, counts: map[string]float64{}}
				mine[r] = u
			}
			u.counts[month] += n
		}
		for r, u := range mine {
			out[r] = u
		}
	}
	sort.Strings(names)
	return out, strings.Join(names, ",")
}

// layerSeries describes an exposure layer as a series: its title, what it
// counts (its description) and its first source.
func layerSeries(m geodata.Meta) exposure.Series {
	s := exposure.Series{ID: m.ID, Name: m.Title, Counts: m.Description}
	if s.Counts == "" {
		s.Counts = "as counted in the exposure layer " + m.ID
	}
	if len(m.Sources) > 0 {
		s.Source, s.License, s.Attribution = m.Sources[0].Name, m.Sources[0].License, m.Sources[0].Attribution
	}
	return s
}

// routeListed reports whether an uploaded route belongs in the answer
// without incidents: a route of the Missing Migrants taxonomy.
func routeListed(route string) bool {
	_, ok := mmp.CanonicalRoute(route)
	return ok
}
