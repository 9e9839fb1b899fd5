package risk

import (
	"encoding/json"
	"math"
	"net/url"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

func TestExplainByHand(t *testing.T) {
	routes := []*geojson.Feature{routeFeature("t", orb.LineString{{0, 0}, {0.5, 0}})}
	inc := func(id string, lon, lat float64, props geojson.Properties) *geojson.Feature {
		f := incidentFeature(lon, lat, props)
		f.ID = id
		return f
	}
	incidents := []*geojson.Feature{
		// a: 0.1° beside the line, on the reference date.
		inc("a", 0.25, 0.1, geojson.Properties{"date": "2025-01-01", "dead": 2.0, "missing": 1.0, "cause_category": "Drowning"}),
		// b: 0.05° beside the line, three years earlier.
		inc("b", 0.1, -0.05, geojson.Properties{"date": "2022-03-01", "dead": 1.0, "cause_category": "Violence"}),
		// c: 0.5° off, beyond 25 km.
		inc("c", 0.25, 0.5, geojson.Properties{"date": "2024-06-01", "dead": 5.0, "cause_category": "Drowning"}),
		// d: near, but before the window.
		inc("d", 0.3, 0.05, geojson.Properties{"date": "2018-01-01", "dead": 9.0, "cause_category": "Drowning"}),
	}
	clinic := serviceFeature(0.25, 0.2, "health", "2020-05-01")
	clinic.ID, clinic.Properties["name"] = "h1", "Clinic"
	office := serviceFeature(0.25, 1.0, "legal", "2024-01-01")
	office.ID, office.Properties["name"] = "l1", "Legal office"
	services := []*geojson.Feature{clinic, office}
	for _, fs := range [][]*geojson.Feature{routes, incidents, services} {
		for _, f := range fs {
			f.Geometry = shiftLon(f.Geometry, handLon) // onto land, as the hand layers
		}
	}

	p, err := ParseParamsAt(url.Values{"segment_km": {"60"}, "reference_date": {"2025-01-01"}, "datetime": {"2020-01-01/.."}}, refDate)
	if err != nil {
		t.Fatal(err)
	}
	an := NewAnalyser(routes, incidents, services)
	res, err := an.Analyse(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Segments) != 1 {
		t.Fatalf("%d segments, want 1", len(res.Segments))
	}
	seg := res.Segments[0]
	ex, err := an.Explain(p, "t:0")
	if err != nil {
		t.Fatal(err)
	}

	if ex.IncidentsTotal != 2 || len(ex.Incidents) != 2 || seg.Incidents != 2 {
		t.Fatalf("incidents: total %d, listed %d, segment %d; want 2", ex.IncidentsTotal, len(ex.Incidents), seg.Incidents)
	}
	degKm := math.Pi / 180 * EarthRadiusKm
	quartic := func(d float64) float64 { u := d / p.RadiusKm; return (1 - u*u) * (1 - u*u) }
	wantA := Severity(2, 1, p.NonFatalWeight) * Recency(0, p.HalfLifeDays) * quartic(0.1*degKm)
	wantB := Severity(1, 0, p.NonFatalWeight) * Recency(1037, p.HalfLifeDays) * quartic(0.05*degKm)
	a, b := ex.Incidents[0], ex.Incidents[1]
	if a.ID != "a" || b.ID != "b" {
		t.Fatalf("order %q, %q; want a (heavier), b", a.ID, b.ID)
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-9*math.Abs(want) }
	if !near(a.Weight, wantA) || !near(b.Weight, wantB) {
		t.Errorf("weights %v, %v; want %v, %v", a.Weight, b.Weight, wantA, wantB)
	}
	if !near(a.DistanceKm, 0.1*degKm) || !near(b.DistanceKm, 0.05*degKm) {
		t.Errorf("distances %v, %v km", a.DistanceKm, b.DistanceKm)
	}
	if a.Date == nil || *a.Date != "2025-01-01" || a.Dead != 2 || a.Missing != 1 || a.CauseCategory != "Drowning" {
		t.Errorf("incident a: %+v", a)
	}
	if sum := a.Weight + b.Weight; !near(sum, seg.Risk*seg.LengthKm()/100) {
		t.Errorf("weights add up to %v; risk × length / 100 = %v", sum, seg.Risk*seg.LengthKm()/100)
	}

	wantYears := []YearTally{{2022, 1, 1, 0}, {2023, 0, 0, 0}, {2024, 0, 0, 0}, {2025, 1, 2, 1}}
	if len(ex.PerYear) != len(wantYears) {
		t.Fatalf("per_year %+v, want %+v", ex.PerYear, wantYears)
	}
	for i := range wantYears {
		if ex.PerYear[i] != wantYears[i] {
			t.Errorf("per_year[%d] = %+v, want %+v", i, ex.PerYear[i], wantYears[i])
		}
	}

	if len(ex.Services) != len(res.Categories) {
		t.Fatalf("%d services, %d categories", len(ex.Services), len(res.Categories))
	}
	for i, s := range ex.Services {
		if s.Category != res.Categories[i].Category {
			t.Errorf("services[%d] is %s, want %s", i, s.Category, res.Categories[i].Category)
		}
		switch s.Category {
		case "health":
			if s.Status != Covered || s.NearestKm == nil || !near(*s.NearestKm, 0.2*degKm) || s.Nearest == nil || *s.Nearest != (ServiceRecord{"h1", "Clinic"}) {
				t.Errorf("health: %+v %v %v", s, s.NearestKm, s.Nearest)
			}
		case "legal":
			if s.Status != Gap || s.NearestKm == nil || s.Nearest == nil || s.Nearest.ID != "l1" {
				t.Errorf("legal: %+v", s)
			}
		default:
			if s.Status != NoData || s.NearestKm != nil || s.Nearest != nil {
				t.Errorf("%s: %+v", s.Category, s)
			}
		}
	}

	// The segment is the feature SegmentFeatures gives, plus reasons.
	props := ex.Segment.Properties
	if props["id"] != "t:0" || props["incidents"] != 2 || props["risk"] != seg.Risk || props["coverage_legal"] != "gap" {
		t.Errorf("segment properties %v", props)
	}
	if r, _ := props["reasons"].([]string); len(r) == 0 {
		t.Errorf("reasons %v for a ranked segment", props["reasons"])
	}
	// Explain leaves the analysis as it was.
	again, _ := an.Analyse(p)
	if again.Segments[0].Risk != seg.Risk || again.Segments[0].Coverage[0] != seg.Coverage[0] {
		t.Error("a second analysis differs from the first")
	}
	b0, _ := json.Marshal(ex)
	var back map[string]any
	if err := json.Unmarshal(b0, &back); err != nil || back["incidents_total"] != 2.0 || back["segment"] != nil {
		t.Errorf("JSON: %s", b0)
	}

	if _, err := an.Explain(p, "t:1"); geodata.ErrorCode(err) != geodata.NotFound {
		t.Errorf("unknown segment: %v", err)
	}
	bad := p
	bad.RadiusKm = 0
	if _, err := an.Explain(bad, "t:0"); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("bad parameters: %v", err)
	}
}

func TestExplainAgreesWithAnalyseOnSample(t *testing.T) {
	l := sampleLayers(t)
	an := NewAnalyser(l.routes, l.incidents, l.services)
	p := DefaultParams(sampleDate)
	res, err := an.Analyse(p)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, pr := range res.Priorities[:min(len(res.Priorities), 5)] {
		seg := res.Segments[pr.Segment]
		ex, err := an.Explain(p, seg.ID())
		if err != nil {
			t.Fatal(err)
		}
		if ex.IncidentsTotal != seg.Incidents {
			t.Errorf("%s: %d incidents explained, %d counted", seg.ID(), ex.IncidentsTotal, seg.Incidents)
		}
		sum, n := 0.0, 0
		for _, c := range ex.Incidents {
			sum += c.Weight
		}
		for _, y := range ex.PerYear {
			n += y.Incidents
		}
		if ex.IncidentsTotal <= MaxExplainIncidents {
			want := seg.Risk * seg.LengthKm() / 100
			if math.Abs(sum-want) > 1e-9*want {
				t.Errorf("%s: weights add up to %v, want %v", seg.ID(), sum, want)
			}
		}
		if n > seg.Incidents {
			t.Errorf("%s: %d incidents by year, %d counted", seg.ID(), n, seg.Incidents)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no ranked segment in the sample analysis")
	}
}
