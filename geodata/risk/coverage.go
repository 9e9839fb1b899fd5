package risk

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata/coverage"
)

// NearestSearchFactor bounds the search for the nearest service: beyond
// NearestSearchFactor × reach_km from a segment a service is not looked
// for, and the segment reports no nearest distance for that category.
const NearestSearchFactor = 4

// Status is the coverage of one segment by one service category.
type Status uint8

// Coverage statuses.
const (
	NoData  Status = iota // outside the category's coverage, or no current service of it anywhere
	Gap                   // inside the category's coverage, but no current service within reach_km
	Covered               // a current service lies within reach_km
)

// String returns "no_data", "gap" or "ok".
func (s Status) String() string {
	switch s {
	case Gap:
		return "gap"
	case Covered:
		return "ok"
	}
	return "no_data"
}

// MarshalText writes the status as String does.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// nearest returns the position of the service verified on or after
// cutoff, of a subtype that counts (ok, by subtype), that is nearest to the segment (arcs, inside the disc d), and its
// angular distance, if one lies within limit (radians); else -1. seed, if
// not -1, is a current service to start from: its distance bounds the
// search. Rows of the grid are visited outwards from the segment and,
// within a row, only the longitudes that the best distance so far cannot
// rule out; a point farther from the disc's centre than best + d.r is
// rejected with one dot product. So a search touches few points where
// services are dense and no row where there are none.
func (s *services) nearest(arcs []arc, d disc, limit float64, cutoff int32, ok []bool, seed int32) (int32, float64) {
	g := &s.g
	if len(s.pos) == 0 || !g.meets(d.box(limit)) {
		return -1, 0
	}
	latC := d.lat * math.Pi / 180
	best, found := limit, int32(-1)
	if seed >= 0 {
		if a2, ok := nearer(arcs, s.pos[seed], limit*limit, math.Sin(limit), math.Cos(limit)); ok {
			best, found = math.Sqrt(a2), seed
		}
	}
	var best2, sinBest, cosBest, cosFar float64
	var window box
	// bound recomputes what depends on best: its square, sine and
	// cosine, the cosine of best + d.r, and the longitudes that can hold a
	// point within that of the centre.
	bound := func() {
		best2 = best * best
		sinBest, cosBest = math.Sincos(best)
		cosFar = cosOrMinus1(best + d.r)
		window = d.box(best)
	}
	bound()
	r0 := g.row(d.lat)
	// visit scans row r; it reports false once rows further out on that
	// side cannot hold anything nearer than best.
	visit := func(r int) bool {
		lo := (g.lat0 + float64(r)*g.cell) * math.Pi / 180
		hi := lo + g.cell*math.Pi/180
		gap := 0.0
		switch {
		case latC < lo:
			gap = lo - latC
		case latC > hi:
			gap = latC - hi
		}
		if gap-d.r > best {
			return false
		}
		var buf [2]span
		for _, sp := range s.rowRuns(r, window, buf[:0]) {
			for k := sp.lo; k < sp.hi; k++ {
				p := s.pos[k]
				if p.dot(d.c) < cosFar || s.verified[k] < cutoff || k == found || !ok[s.sub[k]] {
					continue
				}
				if a2, ok := nearer(arcs, p, best2, sinBest, cosBest); ok && (a2 < best2 || found < 0) {
					best, found = math.Sqrt(a2), k
					bound()
				}
			}
		}
		return true
	}
	up, down := true, true
	for step := 0; up || down; step++ {
		if up {
			if r := r0 + step; r < g.ny {
				up = visit(r)
			} else {
				up = false
			}
		}
		if down && step > 0 {
			if r := r0 - step; r >= 0 {
				down = visit(r)
			} else {
				down = false
			}
		}
	}
	return found, best
}

func cosOrMinus1(x float64) float64 {
	if x >= math.Pi {
		return -1
	}
	return math.Cos(x)
}

// rowRuns appends to out the runs of row r that meet the longitudes of b.
func (s *services) rowRuns(r int, b box, out []span) []span {
	g := &s.g
	if b.fullLon {
		return g.rowSpans(r, r, -180, 180, out)
	}
	switch {
	case b.lonLo < -180:
		out = g.rowSpans(r, r, b.lonLo+360, 180, out)
		return g.rowSpans(r, r, -180, b.lonHi, out)
	case b.lonHi > 180:
		out = g.rowSpans(r, r, b.lonLo, 180, out)
		return g.rowSpans(r, r, -180, b.lonHi-360, out)
	}
	return g.rowSpans(r, r, b.lonLo, b.lonHi, out)
}

// coverage finds, for each category, the nearest current service and
// whether at is inside the category's coverage: the union of the coverage
// areas of the service layers that hold a current service of it that
// counts. Outside it the segment is no_data. The nearest service of the
// previous segment along the route, if the same goroutine computed it,
// bounds the search.
func (q *query) coverage(i int, s *Segment, sc *scratch, d disc, at orb.Point) {
	nc := len(q.a.svc)
	s.Coverage = q.coverages[i*nc : (i+1)*nc : (i+1)*nc]
	seeded := sc.last == i-1 && i > 0 && q.cuts.cuts[i-1].route == q.cuts.cuts[i].route
	withData, gaps := 0, 0
	declaredIn := sc.declaredIn[:0]
	for _, a := range q.a.declared {
		declaredIn = append(declaredIn, a != nil && a.Contains(at))
	}
	sc.declaredIn = declaredIn
	probe := coverage.NewProbe(at)
	for c := range q.a.svc {
		cv := Coverage{Status: NoData}
		if q.hasCurrent[c] {
			seed := int32(-1)
			if seeded {
				seed = sc.nearest[c]
			}
			svc := &q.a.svc[c]
			k, a := svc.nearest(sc.arcs, d, q.limit, q.cutoff, q.counting[c], seed)
			sc.nearest[c] = k
			if q.inCoverage(c, &probe, declaredIn) {
				withData++
				cv.Status = Gap
				if k >= 0 {
					cv.NearestKm, cv.HasNearest = a*EarthRadiusKm, true
					if a <= q.reach {
						cv.Status = Covered
					}
				}
				if cv.Status == Gap {
					gaps++
				}
			}
		}
		s.Coverage[c] = cv
	}
	if withData > 0 {
		s.GapShare, s.HasCoverage = float64(gaps)/float64(withData), true
	}
}

// inCoverage reports whether the probe's point lies in the coverage of
// category c: in the declared (declaredIn, by layer) or computed area of
// a layer that supplies it.
func (q *query) inCoverage(c int, at *coverage.Probe, declaredIn []bool) bool {
	svc := &q.a.svc[c]
	for l, ok := range q.supplies[c] {
		if !ok {
			continue
		}
		if q.a.declared[l] != nil {
			if declaredIn[l] {
				return true
			}
		} else if l < len(svc.areas) && svc.areas[l].ContainsProbe(at) {
			return true
		}
	}
	return false
}
