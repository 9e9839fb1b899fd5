package risk

import (
	"runtime"
	"sync"

	"github.com/routerisk/routerisk/geodata/sea"
	"github.com/routerisk/routerisk/geodata/workers"
)

// place is where one segment lies: on land or at sea, and the
// search-and-rescue regions holding its midpoint.
type place struct {
	setting sea.Setting
	srr     string
}

// segmentPlaces holds the place of every segment of every route for one
// segment length, by route and by the segment's index along it. A
// segment's vertices do not depend on which other routes an analysis
// keeps, so neither does its place; the land test of its midpoint was
// close to half of an analysis's time before it was kept.
type segmentPlaces struct {
	once sync.Once
	at   [][]place
}

// placeMemo keeps the places of the segment lengths asked for last.
type placeMemo struct {
	mu   sync.Mutex
	byKm map[float64]*segmentPlaces
}

// maxPlaceMemo bounds the segment lengths remembered: a caller trying
// every segment_km from 1 to 100 cannot grow the memo without end. The
// default length stays unless a dozen others were asked since it.
const maxPlaceMemo = 12

// placesFor returns the places of every segment cut at segmentKm,
// worked out on first use (nil without an atlas: each segment's is then
// worked out alone).
func (a *Analyser) placesFor(segmentKm float64) *segmentPlaces {
	if a.atlas == nil {
		return nil
	}
	m := &a.located
	m.mu.Lock()
	pl, ok := m.byKm[segmentKm]
	if !ok {
		if m.byKm == nil || len(m.byKm) >= maxPlaceMemo {
			m.byKm = map[float64]*segmentPlaces{}
		}
		pl = &segmentPlaces{}
		m.byKm[segmentKm] = pl
	}
	m.mu.Unlock()
	pl.once.Do(func() { pl.at = a.locate(segmentKm) })
	if pl.at == nil { // locate failed (its panic went to the first caller)
		return nil
	}
	return pl
}

// locate works out the place of every segment of every route cut at
// segmentKm, on every processor.
func (a *Analyser) locate(segmentKm float64) [][]place {
	c := cutRoutes(a.routes, nil, segmentKm)
	at := make([][]place, len(a.routes))
	for _, ct := range c.cuts {
		if ct.index >= len(at[ct.route]) {
			at[ct.route] = append(at[ct.route], make([]place, ct.index+1-len(at[ct.route]))...)
		}
	}
	n := max(1, min(runtime.GOMAXPROCS(0), len(c.cuts)/256))
	var g workers.Group
	for k := range n {
		cuts := c.cuts[k*len(c.cuts)/n : (k+1)*len(c.cuts)/n]
		g.Go(func() {
			for _, ct := range cuts {
				at[ct.route][ct.index] = a.placeOf(c.v[ct.p0:ct.p1])
			}
		})
	}
	g.Wait()
	return at
}

// placeOf is the place of the segment through verts: its midpoint's.
func (a *Analyser) placeOf(verts []vec3) place {
	mid := midpoint(verts)
	if a.atlas.SettingOf(mid) == sea.Land {
		return place{setting: sea.Land}
	}
	return place{setting: sea.Sea, srr: a.atlas.SRR(mid)}
}
