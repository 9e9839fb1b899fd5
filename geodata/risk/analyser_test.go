package risk

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/vocab"
)

func incidentFeature(lon, lat float64, props geojson.Properties) *geojson.Feature {
	f := geojson.NewFeature(orb.Point{lon, lat})
	f.Properties = props
	return f
}

func serviceFeature(lon, lat float64, category, verified string) *geojson.Feature {
	f := geojson.NewFeature(orb.Point{lon, lat})
	f.Properties = geojson.Properties{"category": category}
	if verified != "" {
		f.Properties["last_verified"] = verified
	}
	return f
}

var refDate = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// handLon moves the hand-made layers onto land (the Congo basin), so
// that their segment is a land segment judged on the services near it.
const handLon = 20.0

// handLayers is one route of 0.5° along the equator (one segment with
// segment_km = 60), incidents at known distances and services of several
// kinds, all handLon east of 0°; TestAnalyseByHand works its numbers out
// by hand.
func handLayers() (routes, incidents, services []*geojson.Feature) {
	routes, incidents, services = handLayersAtZero()
	for _, fs := range [][]*geojson.Feature{routes, incidents, services} {
		for _, f := range fs {
			f.Geometry = shiftLon(f.Geometry, handLon)
		}
	}
	return routes, incidents, services
}

func shiftLon(g orb.Geometry, d float64) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return orb.Point{g[0] + d, g[1]}
	case orb.LineString:
		out := make(orb.LineString, len(g))
		for i, p := range g {
			out[i] = orb.Point{p[0] + d, p[1]}
		}
		return out
	}
	return g
}

func handLayersAtZero() (routes, incidents, services []*geojson.Feature) {
	routes = []*geojson.Feature{routeFeature("t", orb.LineString{{0, 0}, {0.5, 0}})}
	incidents = []*geojson.Feature{
		// A: beside the line, 0.1° off; 2 dead 1 missing, on the reference date.
		incidentFeature(0.25, 0.1, geojson.Properties{"date": "2025-01-01", "dead": 2.0, "missing": 1.0, "cause_category": "Drowning"}),
		// B: beyond the east end by 0.1°; no one dead or missing; 365 days old.
		incidentFeature(0.6, 0, geojson.Properties{"date": "2024-01-02", "dead": 0.0, "cause_category": "Mixed or unknown"}),
		// C: 0.3° off, beyond 25 km.
		incidentFeature(0.25, 0.3, geojson.Properties{"date": "2024-06-01", "dead": 5.0, "cause_category": "Drowning"}),
		// D: 0.05° south; 1 dead, 1827 days old; counts as a string.
		incidentFeature(0.1, -0.05, geojson.Properties{"date": "2020-01-01", "dead": "1", "cause_category": "Violence"}),
		// E: on the line, undated.
		incidentFeature(0.4, 0, geojson.Properties{"dead": 1.0, "cause_category": "Drowning"}),
		// F: far from the route, but the oldest dated incident of the layer.
		incidentFeature(10, 10, geojson.Properties{"date": "2015-01-01", "dead": 1.0}),
		// G: after the reference date.
		incidentFeature(0.3, 0.05, geojson.Properties{"date": "2025-06-01", "dead": 9.0, "cause_category": "Drowning"}),
		// Not a point: left out.
		{Geometry: orb.LineString{{0, 0}, {1, 1}}, Properties: geojson.Properties{"dead": 3.0}},
	}
	services = []*geojson.Feature{
		serviceFeature(0.25, 0.2, "health", "2020-05-01"),     // 0.2° away: covered
		serviceFeature(0.25, 1.0, "Legal ", "2024-01-01"),     // 1° away: a gap, nearest 111 km
		serviceFeature(0.25, 0.01, "shelter", "2010-01-01"),   // stale: shelter has no data
		serviceFeature(0.25, 0.01, "rescue", ""),              // never verified: no data
		serviceFeature(0.25, 0.05, "transport", "2024-01-01"), // a category beyond the ten
		serviceFeature(30, 30, "health", "2024-01-01"),        // far from every route
		serviceFeature(0.25, 0.05, "", "2024-01-01"),          // no category: left out
	}
	return routes, incidents, services
}

func handParams() Params {
	p := DefaultParams(refDate)
	p.SegmentKm = 60
	return p
}

func TestAnalyseByHand(t *testing.T) {
	routes, incidents, services := handLayers()
	res, err := NewAnalyser(routes, incidents, services).Analyse(handParams())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Segments) != 1 {
		t.Fatalf("%d segments, want 1", len(res.Segments))
	}
	s := res.Segments[0]
	length := 0.5 * kmPerDeg
	k := func(d float64) float64 { u := d / 25; return (1 - u*u) * (1 - u*u) }
	wA := 3 * 1 * k(0.1*kmPerDeg)
	wB := 0.5 * 0.5 * k(0.1*kmPerDeg)
	wD := 1 * math.Pow(2, -1827.0/365) * k(0.05*kmPerDeg)
	wE := 1 * math.Pow(2, -3653.0/365) * 1 // the oldest dated incident, F, is 3653 days old
	wantRisk := (wA + wB + wD + wE) * 100 / length
	if s.ID() != "t:0" || s.Route != "Route t" || s.Index != 0 || s.StartKm != 0 || math.Abs(s.EndKm-length) > 1e-9 {
		t.Errorf("segment %s %q #%d %.6f–%.6f km", s.ID(), s.Route, s.Index, s.StartKm, s.EndKm)
	}
	if math.Abs(s.Risk-wantRisk) > 1e-9*wantRisk {
		t.Errorf("risk %.12f, want %.12f", s.Risk, wantRisk)
	}
	if s.Class != ClassOf(wantRisk) || s.Class != Medium {
		t.Errorf("class %s, want medium (risk %.3f)", s.Class, wantRisk)
	}
	if s.Incidents != 4 || s.Dead != 4 || s.Missing != 1 || !s.LastIncident.Equal(refDate) {
		t.Errorf("counts %d incidents, %g dead, %g missing, last %v; want 4, 4, 1, 2025-01-01", s.Incidents, s.Dead, s.Missing, s.LastIncident)
	}
	years := 3654 / 365.25
	if math.Abs(res.Years-years) > 1e-12 || math.Abs(s.IncidentsPerYear-4/years) > 1e-12 {
		t.Errorf("period %.6f years, %.6f incidents a year; want %.6f and %.6f", res.Years, s.IncidentsPerYear, years, 4/years)
	}
	if !res.PeriodStart.Equal(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)) || !res.PeriodEnd.Equal(refDate) {
		t.Errorf("period %v – %v", res.PeriodStart, res.PeriodEnd)
	}

	wantCats := append(vocab.ServiceCategoryNames(), "transport")
	var names []string
	for _, c := range res.Categories {
		names = append(names, c.Category)
	}
	if !slices.Equal(names, wantCats) || len(s.Coverage) != len(wantCats) {
		t.Fatalf("categories %q, want %q", names, wantCats)
	}
	cov := map[string]Coverage{}
	sum := map[string]CategorySummary{}
	for i, c := range res.Categories {
		cov[c.Category] = s.Coverage[i]
		sum[c.Category] = c
	}
	if c := cov["health"]; c.Status != Covered || !c.HasNearest || math.Abs(c.NearestKm-0.2*kmPerDeg) > 1e-6 {
		t.Errorf("health %+v, want ok at %.6f km", c, 0.2*kmPerDeg)
	}
	if c := cov["legal"]; c.Status != Gap || !c.HasNearest || math.Abs(c.NearestKm-kmPerDeg) > 1e-6 {
		t.Errorf("legal %+v, want a gap with the nearest at %.6f km", c, kmPerDeg)
	}
	for _, name := range []string{"shelter", "rescue", "psychosocial", "cash"} {
		if c := cov[name]; c.Status != NoData || c.HasNearest {
			t.Errorf("%s %+v, want no data", name, c)
		}
	}
	if c := cov["transport"]; c.Status != Covered {
		t.Errorf("transport %+v, want ok", c)
	}
	if c := sum["health"]; c.Loaded != 2 || c.Current != 2 || c.Stale != 0 || !c.HasData {
		t.Errorf("health summary %+v", c)
	}
	if c := sum["shelter"]; c.Loaded != 1 || c.Current != 0 || c.Stale != 1 || c.HasData {
		t.Errorf("shelter summary %+v", c)
	}
	if c := sum["rescue"]; c.Loaded != 1 || c.Current != 0 || c.HasData {
		t.Errorf("rescue summary %+v", c)
	}
	if !s.HasCoverage || math.Abs(s.GapShare-1.0/3) > 1e-15 || math.Abs(s.Priority-1.0/3) > 1e-15 || s.Rank != 1 {
		t.Errorf("gap share %v (%v), priority %v, rank %d; want 1/3, 1/3, 1", s.GapShare, s.HasCoverage, s.Priority, s.Rank)
	}
	if len(res.Priorities) != 1 {
		t.Fatalf("%d priorities, want 1", len(res.Priorities))
	}
	p := res.Priorities[0]
	if !slices.Equal(p.Gaps, []string{"legal"}) || len(p.NoData) != 8 || p.LastIncident != "2025-01-01" {
		t.Errorf("priority gaps %q, no data %q, last %q", p.Gaps, p.NoData, p.LastIncident)
	}
	wantReasons := []string{
		"4 incidents within 25 km (risk " + formatRisk(wantRisk) + ", medium)",
		"4 dead, 1 missing",
		"last incident 2025-01-01",
		"legal: none recorded within 50 km in Legal aid and documentation; nearest 111 km",
		"no service data for psychosocial, protection, shelter, food, wash, information, cash, rescue",
	}
	if !slices.Equal(p.Reasons, wantReasons) {
		t.Errorf("reasons\n%q\nwant\n%q", p.Reasons, wantReasons)
	}

	st := NewAnalyser(routes, incidents, services).Stats()
	if st != (Stats{Routes: 1, IncidentsRead: 8, IncidentsIndexed: 6, IncidentsNotPoint: 1, IncidentsFar: 1, IncidentsUndated: 1}) {
		t.Errorf("stats %+v", st)
	}
}

func formatRisk(r float64) string { return fmt.Sprintf("%.2f", r) }

func TestAnalyseFilters(t *testing.T) {
	routes, incidents, services := handLayers()
	a := NewAnalyser(routes, incidents, services)
	tests := []struct {
		name      string
		change    func(p *Params)
		incidents int
		years     float64
	}{
		{"all", func(p *Params) {}, 4, 3654 / 365.25},
		{"a window leaves the undated out", func(p *Params) {
			p.Time = &geodata.Interval{Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC)}
		}, 2, 1827 / 365.25},
		{"a window past the reference date stops there", func(p *Params) {
			p.Time = &geodata.Interval{Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
		}, 2, 367 / 365.25},
		{"a start after midnight leaves that day out", func(p *Params) {
			p.Time = &geodata.Interval{Start: time.Date(2024, 1, 2, 0, 0, 1, 0, time.UTC)}
		}, 1, 365 / 365.25},
		{"one cause", func(p *Params) { p.Causes = []string{"Violence"} }, 1, 3654 / 365.25},
		{"two causes", func(p *Params) { p.Causes = []string{"Drowning", "Violence"} }, 3, 3654 / 365.25},
		{"a smaller radius", func(p *Params) { p.RadiusKm = 6 }, 2, 3654 / 365.25},
		{"a later reference date", func(p *Params) { p.ReferenceDate = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC) }, 5, 3805 / 365.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := handParams()
			tt.change(&p)
			res, err := a.Analyse(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Segments[0].Incidents; got != tt.incidents {
				t.Errorf("%d incidents, want %d", got, tt.incidents)
			}
			if math.Abs(res.Years-tt.years) > 1e-12 {
				t.Errorf("period of %.6f years, want %.6f", res.Years, tt.years)
			}
		})
	}
}

func TestAnalyseStaleness(t *testing.T) {
	routes, incidents, services := handLayers()
	a := NewAnalyser(routes, incidents, services)
	p := handParams()
	p.StaleYears = 4 // health verified 2020-05-01 is now stale; the far one is not
	res, err := a.Analyse(p)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Segments[0].Coverage[0]
	// The stale one still says the layer has data here: the segment is
	// inside health's computed coverage, and a gap, as the current one is
	// too far away to be found.
	if res.Categories[0].Current != 1 || res.Categories[0].Stale != 1 || c.Status != Gap || c.HasNearest {
		t.Errorf("health %+v, coverage %+v: want one current, one stale, a gap with nothing within 200 km", res.Categories[0], c)
	}
	p.ReferenceDate = time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	res, _ = a.Analyse(p)
	if c := res.Segments[0].Coverage[0]; c.Status != NoData || res.Categories[0].HasData {
		t.Errorf("every health service stale: %+v, want no data", c)
	}
}

func TestAnalyseRoutesParameter(t *testing.T) {
	routes := []*geojson.Feature{
		routeFeature("a", orb.LineString{{0, 0}, {0.5, 0}}),
		routeFeature("b", orb.LineString{{5, 0}, {5.5, 0}}),
		routeFeature("a2", orb.MultiLineString{{{10, 0}, {10.2, 0}}}),
	}
	routes[2].Properties["name"] = "Route a"
	a := NewAnalyser(routes, nil, nil)
	if got := a.RouteNames(); !slices.Equal(got, []string{"Route a", "Route b"}) {
		t.Fatalf("route names %q", got)
	}
	p := DefaultParams(refDate)
	p.Routes = []string{"Route a"}
	res, err := a.Analyse(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Segments {
		if s.Route != "Route a" {
			t.Errorf("segment %s of %q", s.ID(), s.Route)
		}
	}
	if len(res.Segments) != 6+2 {
		t.Errorf("%d segments, want 8", len(res.Segments))
	}
	p.Routes = []string{"Route z"}
	_, err = a.Analyse(p)
	var e *geodata.Error
	if !errors.As(err, &e) || e.Code != geodata.Invalid || e.Details["parameter"] != "route" {
		t.Errorf("unknown route: %v, want Invalid naming routes", err)
	}
	p.Routes = nil
	p.RadiusKm = 500
	if _, err := a.Analyse(p); !errors.As(err, &e) || e.Details["parameter"] != "radius_km" {
		t.Errorf("radius out of range: %v", err)
	}
}

// Ranking: ties list by risk then route, a line touching a listed
// stretch is not listed again,
// a priority of 0 is not ranked; without any service data the priority is
// the normalised risk.
func TestPriorityRanking(t *testing.T) {
	routes := []*geojson.Feature{
		routeFeature("b", orb.LineString{{0, 0}, {0.2, 0}}),
		routeFeature("a", orb.LineString{{0, 0}, {0.2, 0}}), // the same line: an exact tie
		routeFeature("c", orb.LineString{{40, 0}, {40.2, 0}}),
		routeFeature("d", orb.LineString{{60, 0}, {60.2, 0}}),
	}
	day := geojson.Properties{"date": "2025-01-01", "dead": 2.0}
	incidents := []*geojson.Feature{
		incidentFeature(0.1, 0.05, day),
		incidentFeature(40.1, 0.05, geojson.Properties{"date": "2025-01-01", "dead": 1.0}),
	}
	p := DefaultParams(refDate)
	p.SegmentKm = 30
	res, err := NewAnalyser(routes, incidents, nil).Analyse(p)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id       string
		rank     int
		priority float64
	}
	var got []row
	for _, pr := range res.Priorities {
		got = append(got, row{pr.SegmentID, pr.Rank, math.Round(pr.Priority*1e9) / 1e9})
	}
	// b is the same line as a: it touches a's stretch, so it is not
	// listed again (stretch.go).
	want := []row{{"a:0", 1, 1}, {"c:0", 2, 0.5}}
	if !slices.Equal(got, want) {
		t.Errorf("priorities %v, want %v", got, want)
	}
	if d := res.Segments[3]; d.Rank != 0 || d.Priority != 0 || d.HasCoverage {
		t.Errorf("segment without incidents: rank %d, priority %g", d.Rank, d.Priority)
	}
	if r := res.Priorities[0].Reasons; r[len(r)-1] != "no service data: the priority reflects risk alone" {
		t.Errorf("reasons %q do not say there is no service data", r)
	}

	// A health service near route a covers it, but b (the same line) too;
	// one far from c leaves c a gap.
	services := []*geojson.Feature{serviceFeature(0.1, 0.1, "health", "2024-01-01"), serviceFeature(45, 0, "health", "2024-01-01")}
	res, _ = NewAnalyser(routes, incidents, services).Analyse(p)
	got = got[:0]
	for _, pr := range res.Priorities {
		got = append(got, row{pr.SegmentID, pr.Rank, math.Round(pr.Priority*1e9) / 1e9})
	}
	want = []row{{"c:0", 1, 0.5}}
	if !slices.Equal(got, want) {
		t.Errorf("with health services: priorities %v, want %v", got, want)
	}
}

func TestAnalyseEmptyAndOddInput(t *testing.T) {
	p := DefaultParams(refDate)
	for name, layers := range map[string][3][]*geojson.Feature{
		"nothing":                     {},
		"no incidents":                {{routeFeature("r", orb.LineString{{0, 0}, {1, 0}})}, nil, nil},
		"only incidents and services": {nil, {incidentFeature(0, 0, nil)}, {serviceFeature(0, 0, "health", "2024-01-01")}},
		"odd features": {
			{nil, {}, geojson.NewFeature(orb.Collection{orb.LineString{{0, 0}, {1, 0}}}), routeFeature("r", orb.LineString{{0, 0}, {1, 0}})},
			{nil, {}, incidentFeature(0.5, 0, geojson.Properties{"dead": math.NaN(), "missing": -3.0, "date": "yesterday"}), incidentFeature(math.NaN(), 0, nil)},
			{nil, {}, serviceFeature(0.5, 0, "health", "not a date"), geojson.NewFeature(orb.MultiPoint{{0, 0}})},
		},
		"a route round the pole and across the antimeridian": {
			{routeFeature("p", orb.LineString{{170, 85}, {-170, 88}, {10, 89}, {-175, -10}})},
			{incidentFeature(180, 87, nil), incidentFeature(-90, 90, nil)},
			{serviceFeature(0, 90, "health", "2024-01-01")},
		},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := NewAnalyser(layers[0], layers[1], layers[2]).Analyse(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range res.Segments {
				if math.IsNaN(s.Risk) || math.IsInf(s.Risk, 0) || math.IsNaN(s.Priority) {
					t.Errorf("segment %s: risk %g, priority %g", s.ID(), s.Risk, s.Priority)
				}
			}
			_ = res.SegmentFeatures()
			_ = res.PriorityFeatures(0)
		})
	}
}

func TestAnalyseNearThePole(t *testing.T) {
	routes := []*geojson.Feature{routeFeature("p", orb.LineString{{0, 89.9}, {180, 89.9}})}
	incidents := []*geojson.Feature{
		incidentFeature(90, 89.9, geojson.Properties{"dead": 1.0, "date": "2024-12-31"}),  // 0.1° from the pole, where the route passes
		incidentFeature(-90, 89.8, geojson.Properties{"dead": 1.0, "date": "2024-12-31"}), // 0.2°
		incidentFeature(0, 89.5, geojson.Properties{"dead": 1.0, "date": "2024-12-31"}),   // 0.4° beyond an end
	}
	p := DefaultParams(refDate)
	p.SegmentKm = 100
	res, err := NewAnalyser(routes, incidents, nil).Analyse(p)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, s := range res.Segments {
		total += s.Incidents
	}
	if total != 2 { // the third lies 44 km beyond the end
		t.Errorf("%d incidents counted near the pole, want 2", total)
	}
}

// The result does not depend on how many goroutines compute it, and an
// Analyser serves concurrent analyses.
func TestAnalyseConcurrency(t *testing.T) {
	l := sampleLayers(t)
	a := NewAnalyser(l.routes, l.incidents, l.services)
	p := DefaultParams(sampleDate)
	prev := runtime.GOMAXPROCS(1)
	one, err := a.Analyse(p)
	runtime.GOMAXPROCS(max(prev, 4))
	many, err2 := a.Analyse(p)
	runtime.GOMAXPROCS(prev)
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	if len(one.Segments) != len(many.Segments) || len(one.Priorities) != len(many.Priorities) {
		t.Fatal("different shapes")
	}
	for i := range one.Segments {
		x, y := one.Segments[i], many.Segments[i]
		if x.Risk != y.Risk || x.Incidents != y.Incidents || x.Priority != y.Priority || !slices.Equal(x.Coverage, y.Coverage) {
			t.Fatalf("segment %s differs: %+v vs %+v", x.ID(), x, y)
		}
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			q := p
			q.RadiusKm = float64(10 + 10*i)
			if _, err := a.Analyse(q); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestAnalyseContextStopsWhenCancelled(t *testing.T) {
	routes, incidents, services := handLayers()
	a := NewAnalyser(routes, incidents, services)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.AnalyseContext(ctx, handParams()); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled analysis: %v, want context.Canceled", err)
	}
	if _, err := a.AnalyseContext(context.Background(), handParams()); err != nil {
		t.Fatalf("the same analysis, not cancelled: %v", err)
	}
}
