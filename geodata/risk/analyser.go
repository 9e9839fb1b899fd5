package risk

import (
	"context"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/coverage"
	"github.com/routerisk/routerisk/geodata/places"
	"github.com/routerisk/routerisk/geodata/sea"
	"github.com/routerisk/routerisk/geodata/workers"
)

// Analyser holds one version of the routes, incidents and services layers,
// indexed for analysis. Build it once per triple of layer versions with
// NewAnalyser and run Analyse for each set of parameters. It is safe for
// concurrent use, and changes only to remember where the segments of the
// segment lengths asked lie. It keeps no reference to the features.
type Analyser struct {
	routes  []route
	names   []string // distinct route names, sorted
	inc     incidents
	svc     []services
	atlas   *sea.Atlas // tells sea from land; nil when the bundled atlas cannot be read
	located placeMemo  // where the segments lie, by segment length
	// declared holds, by service layer, its declared coverage; nil for a
	// layer whose coverage is computed (services.areas).
	declared []*coverage.Area
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
// (Point features with "category" and "last_verified"), as one service
// layer whose coverage is computed from its points. Features that do not
// fit are left out (Stats counts them); none is modified.
func NewAnalyser(routes, incidents, services []*geojson.Feature) *Analyser {
	return NewAnalyserLayers(routes, incidents, []ServiceLayer{{Features: services}})
}

// NewAnalyserLayers is NewAnalyser with several service layers, each with
// its own coverage (declared, or computed from its points).
func NewAnalyserLayers(routes, incidents []*geojson.Feature, services []ServiceLayer) *Analyser {
	a := &Analyser{routes: newRoutes(routes)}
	for _, l := range services {
		a.declared = append(a.declared, l.Declared)
	}
	a.atlas, _ = sea.Default()
	if a.atlas != nil {
		gaz := places.Default()
		for i := range a.routes {
			for j := range a.routes[i].parts {
				l := &a.routes[i].parts[j]
				l.landfalls = findLandfalls(l, a.atlas, gaz)
			}
		}
	}
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

// DataThrough returns the date of the latest dated incident given (near
// a route or not), and false when none is dated: the day the record runs
// to, the natural reference date of an analysis.
func (a *Analyser) DataThrough() (time.Time, bool) {
	if a.inc.maxDay == noDay {
		return time.Time{}, false
	}
	return dayTime(a.inc.maxDay), true
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
	// Lines whose valid_to is before the reference date (a 2015 drawing of
	// a route) are history, not current routes: they are left out.
	validOn := dayOf(p.ReferenceDate)
	if !p.validOn.IsZero() {
		validOn = dayOf(p.validOn)
	}
	keep := make([]bool, len(a.routes))
	for i, r := range a.routes {
		keep[i] = r.validTo == noDay || r.validTo >= validOn
	}
	if len(p.Routes) > 0 {
		for _, name := range p.Routes {
			if _, found := slices.BinarySearch(a.names, name); !found {
				return Result{}, nil, geodata.InvalidParam("route", "names "+quote(name)+", which is not a route of this layer",
					"use one of: "+strings.Join(a.names, "; "))
			}
		}
		for i, r := range a.routes {
			_, named := slices.BinarySearch(p.Routes, r.name)
			keep[i] = keep[i] && named
		}
	}
	q := a.newQuery(p)
	q.ctx = ctx
	q.cuts = cutRoutes(a.routes, keep, p.SegmentKm)
	q.located = a.placesFor(p.SegmentKm)
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
	// located holds the places of the segments cut (nil: work each out).
	located *segmentPlaces

	exact        reach      // how far exact incidents count
	approx       reach      // how far approximate incidents are spread
	approxScale  float64    // radius_km / the approximate reach: keeps an approximate incident's total weight
	quality      [6]float64 // weight by source_quality (0: not given)
	dayLo, dayHi int32      // incidents dated in [dayLo, dayHi] count (noDay is below every dayLo but noDay)
	recency      []float64  // recency[age in days]
	recUndated   float64    // recency of an undated incident
	causeOK      []bool     // by position in incidents.causes
	refDay       int32
	years        float64

	cutoff     int32      // services verified on or after this day are current
	reach      float64    // reach_km as an angle
	limit      float64    // NearestSearchFactor × reach_km as an angle
	hasCurrent []bool     // by category: some current service exists
	counting   [][]bool   // by category and subtype: services of it count (coverage_subtypes)
	supplies   [][]bool   // by category and service layer: the layer holds a current service of it that counts
	current    []int      // by category: current services that count
	coverages  []Coverage // backing array of every segment's Coverage
}

// midpoint returns the point halfway along a polyline of unit vectors
// (by angle), as longitude and latitude.
func midpoint(verts []vec3) orb.Point {
	total := 0.0
	for j := 1; j < len(verts); j++ {
		total += angle(verts[j-1], verts[j])
	}
	half := total / 2
	for j := 1; j < len(verts); j++ {
		t := angle(verts[j-1], verts[j])
		if half <= t && t > 0 {
			return slerp(verts[j-1], verts[j], t, half/t).lonLat()
		}
		half -= t
	}
	return verts[0].lonLat()
}

// reach is a distance within which incidents count, as the inner loops
// compare against it.
type reach struct {
	angle, angle2 float64 // as an angle, and its square
	sin, cos      float64 // of the angle
}

func newReach(km float64) reach {
	a := km / EarthRadiusKm
	return reach{angle: a, angle2: a * a, sin: math.Sin(a), cos: math.Cos(a)}
}

// maxRecencyTable bounds the recency table; older ages are computed.
const maxRecencyTable = 1 << 16

func (a *Analyser) newQuery(p Params) *query {
	q := &query{ctx: context.Background(), a: a, p: p}
	q.exact = newReach(p.RadiusKm)
	approxKm := max(p.RadiusKm, p.ApproxRadiusKm)
	q.approx = newReach(approxKm)
	q.approxScale = p.RadiusKm / approxKm
	for k := range q.quality {
		q.quality[k] = QualityWeight(k, p.QualityFloor)
	}
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
	q.counting = make([][]bool, len(a.svc))
	q.supplies = make([][]bool, len(a.svc))
	q.current = make([]int, len(a.svc))
	for i := range a.svc {
		s := &a.svc[i]
		q.counting[i] = s.counting(p.rule(s.name))
		var byLayer []int
		q.current[i], byLayer = s.current(q.cutoff, q.counting[i], len(a.declared))
		q.hasCurrent[i] = q.current[i] > 0
		q.supplies[i] = make([]bool, len(a.declared))
		for l, n := range byLayer {
			q.supplies[i][l] = n > 0
		}
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
		loaded, notCounted := 0, 0
		for _, g := range s.groups {
			if q.counting[i][g.sub] {
				loaded += g.total
			} else {
				notCounted += g.total
			}
		}
		cur := q.current[i]
		out[i] = CategorySummary{Category: s.name, Loaded: loaded, Current: cur, Stale: loaded - cur, HasData: cur > 0, Sources: s.sources, NotCounted: notCounted}
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
	// declaredIn holds, by service layer, whether the segment computed
	// last lies in the layer's declared coverage.
	declaredIn []bool
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
		RouteID: r.id, Route: r.name, Label: r.label, Index: c.index,
		StartKm: c.startKm, EndKm: c.endKm,
		Geometry: q.cuts.ll[c.p0:c.p1:c.p1],
		Setting:  sea.Land, RadiusKm: q.p.RadiusKm,
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
	exact, approx, scale := q.exact, q.approx, q.approxScale
	mid := midpoint(verts)
	if q.a.atlas != nil {
		var pl place
		if q.located != nil {
			pl = q.located.at[c.route][c.index]
		} else {
			pl = q.a.placeOf(verts)
		}
		s.Setting = pl.setting
		if s.Setting == sea.Sea {
			s.SRR = pl.srr
			if lf, ok := landingFor(r.parts[c.part].landfalls, c.partEndKm); ok {
				s.Landing, s.landing, s.LandingAt, s.HasLanding = lf.name, lf.v, lf.ll, true
			}
			// sea_radius_km is the radius at sea at the default
			// radius_km; another radius_km scales it in proportion, so
			// that the setting narrows or widens every segment.
			if seaKm := min(MaxRadiusKm, r.seaRadiusKm*q.p.RadiusKm/DefaultRadiusKm); seaKm > q.p.RadiusKm {
				s.RadiusKm = seaKm
				exact = newReach(seaKm)
				wide := max(seaKm, q.p.ApproxRadiusKm)
				approx, scale = newReach(wide), seaKm/wide
			}
		}
	}
	q.incidents(s, sc, d, exact, approx, scale)
	if s.HasLanding {
		// A sea stretch is judged on what a survivor reaches: the
		// services at its leg's landing place, not the nearest shore.
		arcs := sc.arcs
		sc.arcs = append(sc.arcs[:0:0], newArc(s.landing, s.landing))
		q.coverage(i, s, sc, newDisc(s.landing, 0), s.LandingAt)
		sc.arcs = arcs
		sc.last = -1 // the next segment cannot start from this one's nearest services
		return
	}
	q.coverage(i, s, sc, d, mid)
	sc.last = i
}

// incidents counts and weighs the incidents near the segment: exact ones
// within radius_km, approximate ones spread over the wider approximate
// reach with their weight scaled to keep its total (doc.go).
func (q *query) incidents(s *Segment, sc *scratch, d disc, exact, approx reach, scale float64) {
	in := &q.a.inc
	t := tally{last: noDay}
	q.tallyGrid(&t, sc, d, &in.g, 0, exact, 1)
	q.tallyGrid(&t, sc, d, &in.ga, in.nExact, approx, scale)
	if l := s.LengthKm(); l > 0 {
		s.Risk = t.sum * 100 / l
	}
	s.Class = ClassOf(s.Risk)
	s.Incidents, s.Dead, s.Missing = t.n, t.dead, t.missing
	if t.last != noDay {
		s.LastIncident = dayTime(t.last)
	}
	if q.years > 0 {
		s.IncidentsPerYear = float64(t.n) / q.years
	}
}

// tally is what the incidents counted for one segment add up to.
type tally struct {
	sum, dead, missing float64
	n                  int
	last               int32
}

// tallyGrid adds the incidents of one grid (whose positions start at base
// in incidents.rec) within r of the segment, each weight times scale.
func (q *query) tallyGrid(t *tally, sc *scratch, d disc, g *grid, base int32, r reach, scale float64) {
	in := &q.a.inc
	sc.spans = g.spans(d.box(r.angle), sc.spans[:0])
	arcs := sc.arcs
	for _, sp := range sc.spans {
		lo := base + sp.lo
		for j, rec := range in.rec[lo : base+sp.hi] {
			theta2, ok := nearer(arcs, rec.pos, r.angle2, r.sin, r.cos)
			if !ok {
				continue
			}
			d := rec.day
			if d < q.dayLo || d > q.dayHi || !q.causeOK[rec.cause] {
				continue
			}
			w := q.recUndated
			if d != noDay {
				if age := int(q.refDay - d); age < len(q.recency) {
					w = q.recency[age]
				} else {
					w = Recency(float64(age), q.p.HalfLifeDays)
				}
				t.last = max(t.last, d)
			}
			dd, mm := float64(rec.dead), float64(rec.missing)
			w *= Capped(dd, mm, q.p.NonFatalWeight, q.p.SeverityCap) * q.quality[rec.quality] * kernel(theta2, r.angle2) * scale
			t.sum += w
			if sc.visit != nil {
				sc.visit(int(lo)+j, theta2, w)
			}
			t.dead += dd
			t.missing += mm
			t.n++
		}
	}
}
