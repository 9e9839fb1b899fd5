package risk

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// propertyWorld is a small random world around one route: a few hundred
// incidents and services within about 100 km of a 300 km line.
type propertyWorld struct {
	routes, incidents, services []*geojson.Feature
}

func newPropertyWorld(seed uint64) propertyWorld {
	r := rand.New(rand.NewPCG(seed, 11))
	route := geojson.NewFeature(orb.LineString{{10, 34}, {11.5, 35.2}, {12.8, 36.1}})
	route.ID = "r"
	route.Properties = geojson.Properties{"name": "Central Mediterranean"}
	w := propertyWorld{routes: []*geojson.Feature{route}}
	near := func() orb.Point { return orb.Point{9.5 + r.Float64()*4, 33.5 + r.Float64()*3} }
	// Incidents lie along the line, most within the default radius of it.
	along := func() orb.Point {
		t := r.Float64()
		return orb.Point{10 + 2.8*t + (r.Float64()-0.5)*0.5, 34 + 2.1*t + (r.Float64()-0.5)*0.5}
	}
	for i := range 300 {
		f := geojson.NewFeature(along())
		f.ID = fmt.Sprintf("i%d", i)
		f.Properties = geojson.Properties{
			"date":           time.Date(2015+r.IntN(10), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
			"dead":           float64(r.IntN(5)),
			"missing":        float64(r.IntN(3)),
			"cause_category": "Drowning",
		}
		w.incidents = append(w.incidents, f)
	}
	for i := range 25 {
		f := geojson.NewFeature(near())
		f.ID = fmt.Sprintf("s%d", i)
		f.Properties = geojson.Properties{"category": "health", "last_verified": "2024-01-01"}
		w.services = append(w.services, f)
	}
	return w
}

func propertyParams() Params {
	p := DefaultParams(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	p.SegmentKm = 20
	return p
}

func analyse(t *testing.T, w propertyWorld) Result {
	t.Helper()
	res, err := NewAnalyser(w.routes, w.incidents, w.services).Analyse(propertyParams())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func clone(fs []*geojson.Feature) []*geojson.Feature {
	out := make([]*geojson.Feature, len(fs))
	for i, f := range fs {
		c := *f
		c.Properties = f.Properties.Clone()
		out[i] = &c
	}
	return out
}

// Adding an incident never lowers any segment's risk.
func TestPropertyAddingAnIncidentNeverLowersRisk(t *testing.T) {
	rose := 0
	for seed := range uint64(20) {
		w := newPropertyWorld(seed)
		before := analyse(t, w)
		r := rand.New(rand.NewPCG(seed, 99))
		extra := geojson.NewFeature(orb.Point{10 + r.Float64()*3, 34 + r.Float64()*2})
		extra.ID = "extra"
		extra.Properties = geojson.Properties{"date": "2024-06-01", "dead": float64(r.IntN(4)), "missing": 0.0, "cause_category": "Drowning"}
		w.incidents = append(clone(w.incidents), extra)
		after := analyse(t, w)
		for i := range before.Segments {
			if after.Segments[i].Risk > before.Segments[i].Risk {
				rose++
			}
			if after.Segments[i].Risk < before.Segments[i].Risk-1e-12 {
				t.Fatalf("seed %d: segment %s risk fell from %v to %v after adding an incident",
					seed, before.Segments[i].ID(), before.Segments[i].Risk, after.Segments[i].Risk)
			}
		}
	}
	mustHaveRisen(t, rose)
}

// mustHaveRisen is checked by the adding test: an added incident must
// raise some segment's risk, or the property was not exercised.
func mustHaveRisen(t *testing.T, rose int) {
	t.Helper()
	if rose == 0 {
		t.Error("no added incident raised any segment's risk; the property was not tested")
	}
}

// Moving an incident farther from a segment never raises that segment's
// risk: one incident moves at random, and every segment it moved away
// from (or kept its distance to) must not get riskier.
func TestPropertyMovingAnIncidentFartherNeverRaisesRisk(t *testing.T) {
	checked := 0
	for trial := range uint64(60) {
		seed := trial / 3
		w := newPropertyWorld(seed)
		before := analyse(t, w)
		r := rand.New(rand.NewPCG(seed, trial))
		k := r.IntN(len(w.incidents))
		from := w.incidents[k].Geometry.(orb.Point)
		to := orb.Point{from[0] + (r.Float64()-0.5)*0.6, from[1] + (r.Float64()-0.5)*0.6}
		moved := clone(w.incidents)
		moved[k].Geometry = to
		w.incidents = moved
		after := analyse(t, w)
		for i, s := range before.Segments {
			line := s.Geometry
			dist := func(p orb.Point) float64 {
				d := arcKm(p, line[0], line[1])
				for j := 1; j+1 < len(line); j++ {
					d = min(d, arcKm(p, line[j], line[j+1]))
				}
				return d
			}
			dBefore, dAfter := dist(from), dist(to)
			if dAfter < dBefore || dBefore > propertyParams().RadiusKm {
				continue
			}
			checked++
			if after.Segments[i].Risk > s.Risk+1e-9 {
				t.Fatalf("seed %d: segment %s: the incident moved from %.2f to %.2f km away, yet risk rose from %v to %v",
					seed, s.ID(), dBefore, dAfter, s.Risk, after.Segments[i].Risk)
			}
		}
	}
	t.Logf("%d segment checks", checked)
	if checked < 10 {
		t.Fatalf("only %d segment checks had an incident moving away within the radius; the property was barely tested", checked)
	}
}

// Removing a service never closes a gap.
func TestPropertyRemovingAServiceNeverClosesAGap(t *testing.T) {
	gaps := 0
	defer func() {
		if gaps == 0 && !t.Failed() {
			t.Error("no segment had a gap; the property was not tested")
		}
	}()
	for seed := range uint64(20) {
		w := newPropertyWorld(seed)
		before := analyse(t, w)
		r := rand.New(rand.NewPCG(seed, 7))
		drop := r.IntN(len(w.services))
		w.services = append(clone(w.services[:drop]), clone(w.services[drop+1:])...)
		after := analyse(t, w)
		for i, s := range before.Segments {
			for j, c := range s.Coverage {
				if c.Status == Gap {
					gaps++
				}
				if c.Status == Gap && after.Segments[i].Coverage[j].Status != Gap {
					t.Fatalf("seed %d: segment %s: removing a service closed a gap (%v)", seed, s.ID(), after.Segments[i].Coverage[j].Status)
				}
			}
		}
	}
}
