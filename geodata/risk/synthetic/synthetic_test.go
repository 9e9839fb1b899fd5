package synthetic

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
)

func base() []*geojson.Feature {
	a := geojson.NewFeature(orb.Point{13, 33})
	a.Properties = geojson.Properties{"date": "2020-06-15", "dead": 3.0, "missing": 1.0, "cause_category": "Drowning", "route": "Central Mediterranean", "location": "dropped"}
	b := geojson.NewFeature(orb.Point{179.99, -20})
	b.Properties = geojson.Properties{"date": "2021-01-01", "dead": 1.0}
	c := geojson.NewFeature(orb.Point{-100, 30})
	c.Properties = geojson.Properties{"dead": 2.0} // undated
	return []*geojson.Feature{a, b, c, geojson.NewFeature(orb.LineString{{0, 0}, {1, 1}}), nil}
}

func TestIncidentsAreSeeded(t *testing.T) {
	x, y := Incidents(base(), 500, 42), Incidents(base(), 500, 42)
	if !reflect.DeepEqual(x, y) {
		t.Fatal("the same seed gave different incidents")
	}
	if z := Incidents(base(), 500, 43); reflect.DeepEqual(x, z) {
		t.Fatal("another seed gave the same incidents")
	}
	if Incidents(nil, 10, 1) != nil || Incidents(base()[3:], 10, 1) != nil {
		t.Fatal("incidents made without a Point to copy")
	}
}

func TestIncidentsLookLikeTheBase(t *testing.T) {
	out := Incidents(base(), 20000, 1)
	if len(out) != 20000 || out[0].ID != "synthetic-1" || out[19999].ID != "synthetic-20000" {
		t.Fatalf("%d incidents, ids %v … %v", len(out), out[0].ID, out[len(out)-1].ID)
	}
	lo, hi := time.Date(2020, 6, 15, 0, 0, 0, 0, time.UTC), time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	var sumSq float64
	n := 0
	for _, f := range out {
		p := f.Geometry.(orb.Point)
		if math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
			t.Fatalf("%v is not a longitude/latitude", p)
		}
		if f.Properties["synthetic"] != true {
			t.Fatal("not marked synthetic")
		}
		if _, kept := f.Properties["location"]; kept {
			t.Fatal("a property the analysis does not read was copied")
		}
		if d, ok := f.Properties["date"].(string); ok {
			day, err := time.Parse(time.DateOnly, d)
			if err != nil || day.Before(lo) || day.After(hi) {
				t.Fatalf("date %q outside the base layer's dates", d)
			}
		}
		if f.Properties["dead"] == 3.0 {
			if f.Properties["cause_category"] != "Drowning" || f.Properties["missing"] != 1.0 {
				t.Fatalf("properties not copied together: %v", f.Properties)
			}
			km := geo.DistanceHaversine(p, orb.Point{13, 33}) / 1000
			sumSq += km * km
			n++
		}
	}
	// The offset is normal with σ = JitterKm on each axis: the mean square
	// distance is 2σ².
	if rms := math.Sqrt(sumSq / float64(n)); math.Abs(rms-math.Sqrt2*JitterKm) > 0.5 {
		t.Errorf("rms offset %.2f km, want about %.2f", rms, math.Sqrt2*JitterKm)
	}
}
