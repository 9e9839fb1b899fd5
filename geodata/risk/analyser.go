package risk

import (
	"context"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/workers"
)

// Analyser holds one version of the routes, incidents and services layers,
// indexed for analysis. Build it once per triple of layer versions with
// NewAnalyser and run Analyse for each set of parameters. It is immutable
// and safe for concurrent use. It keeps no reference to the features.
type Analyser struct {
	routes []route
	names  []string // distinct route names, sorted
	inc    incidents
	svc    []services
}

// Stats counts what an Analyser holds.
type Stats struct {
	Routes            int // route features with a usable line
	IncidentsRead     int // incident features given
	IncidentsIndexed  int // incidents that can lie within MaxRadiusKm of a route
	IncidentsNotPoint int // incident features without a Point geometry
	IncidentsFar      int // incidents farther than MaxRadiusKm from every route
	IncidentsUndated  int // indexed incidents without a usable date
}

// NewAnalyser prepares the three layers for analysis: routes
// (LineString or MultiLineString features with a "name"), incidents (Point
// features with "date", "dead", "missing", "cause_category") and services
// (Point features with "category" and "last_verified"). Features that do
// not fit are left out (Stats counts them); none is modified.
func NewAnalyser(routes, incidents, services []*geojson.Feature) *Analyser {
	a := &Analyser{routes: newRoutes(routes)}
	for _, r := range a.routes {
		a.names = append(a.names, r.name)
	}
	slices.Sort(a.names)
	a.names = slices.Compact(a.names)
	incRegion, ok := a.region(MaxRadiusKm)
	a.inc = newIncidents(incidents, incRegion, ok)
	svcRegion, ok := a.region(NearestSearchFactor * MaxReachKm)
	a.svc = newServices(services, svcRegion, ok)
	return a
}

// region returns a longitude/latitude box holding every point within km
// of any route, and false if there are no routes.
func (a *Analyser) region(km float64) (box, bool) {
	var b box
	has := false
	extra := km/EarthRadiusKm + 1e-9
	for _, r := range a.routes {
		for _, l := range r.parts {
			for i, t := range l.theta {
				c := l.v[i].add(l.v[i+1])
				var eb box
				if c.norm() < 1e-9 {
					eb = box{latLo: -90, latHi: 90, lonLo: -180, lonHi: 180, fullLon: true}
				} else {
					eb = capBox(c.normalize(), t/2+extra)
				}
				if !has {
					b, has = eb.union(eb), true
				} else {
					b = b.union(eb)
				}
			}
		}
	}
	return b, has
}

// RouteNames returns the distinct names of the routes, sorted: the values
// routes= accepts.
func (a *Analyser) RouteNames() []string { return slices.Clone(a.names) }

// Stats counts the features the Analyser holds and left out.
func (a *Analyser) Stats() Stats {
	s := Stats{
		Routes:            len(a.routes),
		IncidentsRead:     a.inc.read,
		IncidentsIndexed:  len(a.inc.rec),
		IncidentsNotPoint: a.inc.notPoint,
		IncidentsFar:      a.inc.far,
	}
	for _, r := range a.inc.rec {
		if r.day == noDay {
			s.IncidentsUndated++
		}
	}
	return s
}

// Analyse runs the analysis described in the package documentation. The
// error is a *geodata.Error with code Invalid when p is out of bounds or
// names a route the routes layer does not have.
func (a *Analyser) Analyse(p Params) (Result, error) {
	return a.AnalyseContext(context.Background(), p)
}

// AnalyseContext is Analyse that stops early, with ctx's error, when ctx
// ends: an analysis nobody waits for any more does not run to the end.
func (a *Analyser) AnalyseContext(ctx context.Context, p Params) (Result, error) {
	res, _, err := a.analyse(ctx, p)
	return res, err
}

// analyse runs the analysis and also returns its query, with which
// Explain recomputes one segment.
func (a *Analyser) analyse(ctx context.Context, p Params) (Result, *query, error) {
	if err := p.Validate(); err != nil {
		return Result{}, nil, err
	}
	var keep []bool
	if len(p.Routes) > 0 {
		for _, name := range p.Routes {
			if _, found := slices.BinarySearch(a.names, name); !found {
				return Result{}, nil, geodata.InvalidParam("route", "names "+quote(name)+", which is not a route of this layer",
					"use one of: "+strings.Join(a.names, "; "))
			}
		}
		keep = make([]bool, len(a.routes))
		for i, r := range a.routes {
			_, keep[i] = slices.BinarySearch(p.Routes, r.name)
		}
	}
	q := a.newQuery(p)
	q.ctx = ctx
	q.cuts = cutRoutes(a.routes, keep, p.SegmentKm)
	res := Result{Params: p, Segments: make([]Segment, len(q.cuts.cuts))}
	res.PeriodStart, res.PeriodEnd, res.Years = q.period()
	q.years = res.Years
	res.Categories = q.categories()
	q.coverages = make([]Coverage, len(res.Segments)*len(a.svc))
	q.run(res.Segments)
	if err := ctx.Err(); err != nil {
		return Result{}, nil, err
	}
	prioritise(&res)
	return res, q, nil
}

// query is one analysis in progress: the parameters turned into the
// numbers the inner loops compare against.
type query struct {
	ctx  context.Context // the analysis stops when it ends
	a    *Analyser
	p    Params
	cuts cutting

	radius       float64 // radius_km as an angle
	radius2      float64 // its square
	sinR, cosR   float64
	dayLo, dayHi int32     // incidents dated in [dayLo, dayHi] count (noDay is below every dayLo but noDay)
	recency      []float64 // recency[age in days]
	recUndated   float64   // recency of an undated incident
	causeOK      []bool    // by position in incidents.causes
	refDay       int32
	years        float64

	cutoff     int32      // services verified on or after this day are current
	reach      float64    // reach_km as an angle
	limit      float64    // NearestSearchFactor × reach_km as an angle
	hasCurrent []bool     // by category: some current service exists
	coverages  []Coverage // backing array of every segment's Coverage
}

// maxRecencyTable bounds the recency table; older ages are computed.
const maxRecencyTable = 1 << 16

func (a *Analyser) newQuery(p Params) *query {
	q := &query{ctx: context.Background(), a: a, p: p}
	q.radius = p.RadiusKm / EarthRadiusKm
	q.radius2 = q.radius * q.radius
	q.sinR, q.cosR = math.Sin(q.radius), math.Cos(q.radius)
	q.refDay = dayOf(p.ReferenceDate)
	q.dayLo, q.dayHi = noDay, q.refDay
	if p.Time != nil {
		q.dayLo = noDay + 1
		if !p.Time.Start.IsZero() {
			// The first day whose midnight is not before the start.
			q.dayLo = max(q.dayLo, int32(math.Ceil(float64(p.Time.Start.Unix())/86400)))
		}
		if !p.Time.End.IsZero() {
			q.dayHi = min(q.dayHi, dayOf(p.Time.End))
		}
	}
	span := 0
	if a.inc.minDay != noDay && a.inc.minDay <= q.refDay {
		span = int(q.refDay - a.inc.minDay)
	}
	q.recency = make([]float64, min(span, maxRecencyTable)+1)
	for age := range q.recency {
		q.recency[age] = Recency(float64(age), p.HalfLifeDays)
	}
	q.recUndated = Recency(float64(span), p.HalfLifeDays)
	q.causeOK = make([]bool, len(a.inc.causes))
	for i, c := range a.inc.causes {
		if len(p.Causes) == 0 {
			q.causeOK[i] = true
		} else {
			_, q.causeOK[i] = slices.BinarySearch(p.Causes, c)
		}
	}
	q.cutoff = dayOf(p.ReferenceDate.AddDate(-p.StaleYears, 0, 0))
	q.reach = p.ReachKm / EarthRadiusKm
	q.limit = NearestSearchFactor * q.reach
	q.hasCurrent = make([]bool, len(a.svc))
	for i := range a.svc {
		q.hasCurrent[i] = a.svc[i].current(q.cutoff) > 0
	}
	return q
}

// period returns the observation period of the incident counts: from the
// window's start (or, if later or if there is none, the earliest dated
// incident loaded) to the window's end (or, if earlier or if there is
// none, the reference date).
func (q *query) period() (time.Time, time.Time, float64) {
	lo, hi := q.dayLo, q.dayHi
	if q.a.inc.minDay == noDay {
		return time.Time{}, time.Time{}, 0
	}
	lo = max(lo, q.a.inc.minDay)
	start, end := dayTime(lo), dayTime(hi)
	if hi < lo {
		return start, end, 0
	}
	return start, end, float64(hi-lo+1) / 365.25
}

func dayTime(d int32) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

func (q *query) categories() []CategorySummary {
	out := make([]CategorySummary, len(q.a.svc))
	for i := range q.a.svc {
		s := &q.a.svc[i]
		cur := s.current(q.cutoff)
		out[i] = CategorySummary{Category: s.name, Loaded: s.loaded, Current: cur, Stale: s.loaded - cur, HasData: cur > 0}
	}
	return out
}

// run fills segs, one per cut, spreading the segments over the
// processors; each segment is computed by one goroutine alone, so the
// result does not depend on the schedule.
func (q *query) run(segs []Segment) {
	const chunk = 64
	n := min(runtime.GOMAXPROCS(0), (len(segs)+chunk-1)/chunk)
	var next atomic.Int64
	work := func() {
		sc := scratch{last: -1, nearest: make([]int32, len(q.a.svc))}
		for {
			lo := int(next.Add(chunk)) - chunk
			if lo >= len(segs) || q.ctx.Err() != nil {
				return
			}
			for i := lo; i < min(lo+chunk, len(segs)); i++ {
				q.segment(i, &segs[i], &sc)
			}
		}
	}
	if n <= 1 {
		work()
		return
	}
	// A panic in a worker reaches the caller's goroutine, where the server
	// answers 500 and goes on, instead of ending the process.
	var g workers.Group
	for range n {
		g.Go(work)
	}
	g.Wait()
}

// scratch is one goroutine's reusable buffers, and what it found for the
// segment it computed last.
type scratch struct {
	arcs    []arc
	spans   []span
	last    int     // the segment computed last, -1 for none
	nearest []int32 // by category: the nearest service of segment last, -1 for none
	// visit, if not nil, is called for each incident counted, with its
	// position in incidents.rec, its squared angular distance from the
	// segment and its weight (Explain uses it; Analyse leaves it nil).
	visit func(k int, theta2, weight float64)
}

// segment computes one segment.
func (q *query) segment(i int, s *Segment, sc *scratch) {
	c := q.cuts.cuts[i]
	r := &q.a.routes[c.route]
	*s = Segment{
		RouteID: r.id, Route: r.name, Index: c.index,
		StartKm: c.startKm, EndKm: c.endKm,
		Geometry: q.cuts.ll[c.p0:c.p1:c.p1],
	}
	verts := q.cuts.v[c.p0:c.p1]
	sc.arcs = sc.arcs[:0]
	var sum vec3
	for j, v := range verts {
		sum = sum.add(v)
		if j > 0 {
			sc.arcs = append(sc.arcs, newArc(verts[j-1], v))
		}
	}
	centre := sum.normalize()
	if centre.norm() == 0 {
		centre = verts[0]
	}
	h := 0.0 // 1 − cos of the angle from the centre to the farthest vertex
	for _, v := range verts {
		h = max(h, 1-centre.dot(v))
	}
	capR := math.Sqrt(chordAsin2(h)) * (1 + 1e-12)
	d := newDisc(centre, capR)
	q.incidents(s, sc, d)
	q.coverage(i, s, sc, d)
	sc.last = i
}

// incidents counts and weighs the incidents near the segment.
func (q *query) incidents(s *Segment, sc *scratch, d disc) {
	in := &q.a.inc
	sc.spans = in.g.spans(d.box(q.radius), sc.spans[:0])
	arcs := sc.arcs
	var sum, dead, missing float64
	n, last := 0, int32(noDay)
	for _, sp := range sc.spans {
		for j, r := range in.rec[sp.lo:sp.hi] {
			theta2, ok := nearer(arcs, r.pos, q.radius2, q.sinR, q.cosR)
			if !ok {
				continue
			}
			d := r.day
			if d < q.dayLo || d > q.dayHi || !q.causeOK[r.cause] {
				continue
			}
			rec := q.recUndated
			if d != noDay {
				if age := int(q.refDay - d); age < len(q.recency) {
					rec = q.recency[age]
				} else {
					rec = Recency(float64(age), q.p.HalfLifeDays)
				}
				last = max(last, d)
			}
			dd, mm := float64(r.dead), float64(r.missing)
			w := Severity(dd, mm, q.p.NonFatalWeight) * rec * kernel(theta2, q.radius2)
			sum += w
			if sc.visit != nil {
				sc.visit(int(sp.lo)+j, theta2, w)
			}
			dead += dd
			missing += mm
			n++
		}
	}
	if l := s.LengthKm(); l > 0 {
		s.Risk = sum * 100 / l
	}
	s.Class = ClassOf(s.Risk)
	s.Incidents, s.Dead, s.Missing = n, dead, missing
	if last != noDay {
		s.LastIncident = dayTime(last)
	}
	if q.years > 0 {
		s.IncidentsPerYear = float64(n) / q.years
	}
}

// coverage finds, for each category, the nearest current service. The
// nearest service of the previous segment along the route, if the same
// goroutine computed it, bounds the search.
func (q *query) coverage(i int, s *Segment, sc *scratch, d disc) {
	nc := len(q.a.svc)
	s.Coverage = q.coverages[i*nc : (i+1)*nc : (i+1)*nc]
	seeded := sc.last == i-1 && i > 0 && q.cuts.cuts[i-1].route == q.cuts.cuts[i].route
	withData, gaps := 0, 0
	for c := range q.a.svc {
		cv := Coverage{Status: NoData}
		if q.hasCurrent[c] {
			withData++
			seed := int32(-1)
			if seeded {
				seed = sc.nearest[c]
			}
			k, a := q.a.svc[c].nearest(sc.arcs, d, q.limit, q.cutoff, seed)
			sc.nearest[c] = k
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
		s.Coverage[c] = cv
	}
	if withData > 0 {
		s.GapShare, s.HasCoverage = float64(gaps)/float64(withData), true
	}
}
