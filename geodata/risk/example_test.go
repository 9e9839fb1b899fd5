package risk_test

import (
	"fmt"
	"net/url"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/risk"
)

func feature(g orb.Geometry, props geojson.Properties) *geojson.Feature {
	f := geojson.NewFeature(g)
	f.Properties = props
	return f
}

// A route of about 44 km along the equator, three incidents near it and
// one far away, a current health service and a stale one: the Analyser is
// built once per layer version and queried with parameters read from a
// URL query. Both segments count all three incidents (each lies within
// 25 km of both); the first is riskier, as the incidents lie nearer to it,
// and a health service is out of reach there.
func Example() {
	routes := []*geojson.Feature{
		feature(orb.LineString{{10, 0}, {10.4, 0}}, geojson.Properties{"name": "Coastal road"}),
	}
	incidents := []*geojson.Feature{
		feature(orb.Point{10.05, 0.02}, geojson.Properties{"date": "2024-11-20", "dead": 3.0, "cause_category": "Drowning"}),
		feature(orb.Point{10.08, -0.05}, geojson.Properties{"date": "2023-06-01", "dead": 1.0, "missing": 2.0, "cause_category": "Drowning"}),
		feature(orb.Point{10.35, 0.1}, geojson.Properties{"date": "2024-02-14", "dead": 1.0, "cause_category": "Violence"}),
		feature(orb.Point{12, 1}, geojson.Properties{"date": "2024-05-05", "dead": 7.0}),
	}
	services := []*geojson.Feature{
		feature(orb.Point{10.38, 0.2}, geojson.Properties{"category": "health", "last_verified": "2022-03-01"}),
		feature(orb.Point{10, 0.05}, geojson.Properties{"category": "health", "last_verified": "2009-01-01"}), // stale
	}
	a := risk.NewAnalyser(routes, incidents, services)

	q, _ := url.ParseQuery("segment_km=20&reach_km=25&reference_date=2025-01-01")
	p, err := risk.ParseParams(q)
	if err != nil {
		panic(err)
	}
	res, err := a.Analyse(p)
	if err != nil {
		panic(err)
	}
	for _, s := range res.Segments {
		health := s.Coverage[0] // res.Categories[0] is health
		fmt.Printf("%s %.1f–%.1f km: risk %.2f (%s), %d incidents, %g dead, %g missing, last %s; health %s at %.1f km; priority %.2f, rank %d\n",
			s.ID(), s.StartKm, s.EndKm, s.Risk, s.Class, s.Incidents, s.Dead, s.Missing,
			s.LastIncident.Format(time.DateOnly), health.Status, health.NearestKm, s.Priority, s.Rank)
	}
	for _, pr := range res.Priorities {
		fmt.Println(pr.Rank, pr.SegmentID, pr.Reasons[:4])
	}
	// Output:
	// route-1:0 0.0–22.2 km: risk 16.62 (high), 3 incidents, 5 dead, 2 missing, last 2024-11-20; health gap at 29.9 km; priority 1.00, rank 1
	// route-1:1 22.2–44.5 km: risk 7.28 (medium), 3 incidents, 5 dead, 2 missing, last 2024-11-20; health ok at 22.2 km; priority 0.00, rank 0
	// 1 route-1:0 [3 incidents within 25 km (risk 16.62, high) 5 dead, 2 missing last incident 2024-11-20 health: none recorded within 25 km in Health; nearest 30 km]
}
