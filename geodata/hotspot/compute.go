package hotspot

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"github.com/routerisk/routerisk/geodata"
)

// Property names read from incident features.
const (
	propDate  = "date"           // YYYY-MM-DD, YYYY-MM or RFC 3339 (geodata.ParseDate)
	propCause = "cause_category" // one of the seven MMP categories
	propDead  = "dead"
	propMiss  = "missing"
)

// Cell is one H3 cell of the study area with its counts and its test.
type Cell struct {
	ID         string  // H3 index: 15 lower-case hexadecimal digits
	Resolution int     // H3 resolution
	Incidents  int     // incidents in the cell that match the query
	Dead       int     // sum of their dead
	Missing    int     // sum of their missing
	Value      float64 // the variable tested: Incidents, or Dead + Missing
	Neighbours int     // W_i: cells of the k-ring in the study area, this one included
	Z          float64 // Gi* z-score
	P          float64 // two-sided p-value of Z
	PFDR       float64 // Benjamini–Hochberg adjusted P over the study area
	Class      Class   // from Z and PFDR
}

// Significant reports whether the cell is a hot or cold spot.
func (c Cell) Significant() bool { return c.Class.Bin() != 0 }

// Compute aggregates the incidents that match p to H3 cells at
// p.Resolution and tests every cell of the study area (the occupied cells
// and their k-rings) with Gi*, as the package documentation describes.
// The cells come sorted by H3 index; no incident matching gives none.
//
// An incident matches when it is a Point feature with coordinates in
// range, dated within p.Time (when set; undated incidents then do not
// match) and of one of p.Causes (when set). A Resolution or K out of
// bounds is clamped to the nearest bound and any Weight but
// WeightVictims counts incidents, so Compute never fails; ParseParams
// reports such values as errors instead. The incidents are only read.
func Compute(incidents []*geojson.Feature, p Params) []Cell {
	res := min(max(p.Resolution, MinResolution), MaxResolution)
	k := min(max(p.K, MinK), MaxK)

	type tally struct{ incidents, dead, missing int }
	counts := map[h3.Cell]*tally{}
	for _, f := range incidents {
		pt, ok := matchPoint(f, p)
		if !ok {
			continue
		}
		c, ok := cellOf(pt.Lon(), pt.Lat(), res)
		if !ok {
			continue
		}
		t := counts[c]
		if t == nil {
			t = &tally{}
			counts[c] = t
		}
		t.incidents++
		t.dead += count(f.Properties[propDead])
		t.missing += count(f.Properties[propMiss])
	}
	if len(counts) == 0 {
		return nil
	}

	occupied := make([]h3.Cell, 0, len(counts))
	for c := range counts {
		occupied = append(occupied, c)
	}
	slices.Sort(occupied)
	area, offsets, neighbours := studyArea(occupied, k)

	out := make([]Cell, len(area))
	x := make([]float64, len(area))
	for i, c := range area {
		out[i] = Cell{ID: c.String(), Resolution: res}
		if t := counts[c]; t != nil {
			out[i].Incidents, out[i].Dead, out[i].Missing = t.incidents, t.dead, t.missing
			if p.Weight == WeightVictims {
				x[i] = float64(t.dead + t.missing)
			} else {
				x[i] = float64(t.incidents)
			}
		}
		out[i].Value = x[i]
	}
	local := make([]float64, len(area))
	w := make([]int, len(area))
	for i := range area {
		for _, j := range neighbours[offsets[i]:offsets[i+1]] {
			local[i] += x[j]
		}
		w[i] = int(offsets[i+1] - offsets[i])
	}
	z := giStar(x, local, w)
	pv := make([]float64, len(z))
	for i := range z {
		pv[i] = pValue(z[i])
	}
	pf := adjustBH(pv)
	for i := range out {
		out[i].Neighbours = w[i]
		out[i].Z, out[i].P, out[i].PFDR = z[i], pv[i], pf[i]
		out[i].Class = Classify(z[i], pf[i])
	}
	return out
}

// Notable returns the cells worth drawing on a map, in their order: those
// with at least one incident and those that are significant (a cell
// without incidents can be part of a hot spot). It leaves out the empty,
// not significant cells of the study area, which Compute returns only
// because the test needs their zeros.
func Notable(cells []Cell) []Cell {
	out := make([]Cell, 0, len(cells))
	for _, c := range cells {
		if c.Incidents > 0 || c.Significant() {
			out = append(out, c)
		}
	}
	return out
}

// matchPoint returns the point of f when f matches the time window and
// causes of p.
func matchPoint(f *geojson.Feature, p Params) (orb.Point, bool) {
	if f == nil {
		return orb.Point{}, false
	}
	pt, ok := f.Geometry.(orb.Point)
	if !ok {
		return orb.Point{}, false
	}
	if p.Time != nil {
		t, ok := geodata.ParseDate(f.Properties[propDate])
		if !ok || !p.Time.Contains(t) {
			return orb.Point{}, false
		}
	}
	if len(p.Causes) > 0 {
		s, _ := f.Properties[propCause].(string)
		if !slices.Contains(p.Causes, s) {
			return orb.Point{}, false
		}
	}
	return pt, true
}

// maxCount caps one record's dead or missing, as the importer does.
const maxCount = 1_000_000

// count reads a dead or missing property as geodata.Count does, as a
// whole number capped at maxCount.
func count(v any) int {
	return int(min(math.Floor(geodata.Count(v)), maxCount))
}
