package privacy

import (
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

func point(lon, lat float64, props geojson.Properties) *geojson.Feature {
	f := geojson.NewFeature(orb.Point{lon, lat})
	f.Properties = props
	return f
}

func TestAggregateAndSuppress(t *testing.T) {
	var feats []*geojson.Feature
	for i := range 5 {
		feats = append(feats, point(12.61+float64(i)*0.001, 35.51, geojson.Properties{"dead": 2.0, "missing": "1", "date": "2023-0" + string(rune('1'+i)) + "-15"}))
	}
	feats = append(feats, point(-5.31, 35.89, geojson.Properties{"dead": 1.0}))
	feats = append(feats, geojson.NewFeature(orb.LineString{{0, 0}, {1, 1}})) // not a point: not counted
	cells := Aggregate(feats, 9, "date")
	if len(cells) != 2 {
		t.Fatalf("%d cells", len(cells))
	}
	for _, c := range cells {
		if c.Resolution != MaxPublicResolution {
			t.Errorf("resolution %d; a request for 9 is coarsened to %d", c.Resolution, MaxPublicResolution)
		}
	}
	kept := Suppress(cells)
	if len(kept) != 1 || kept[0].Count != 5 || kept[0].Dead != 10 || kept[0].Missing != 5 || kept[0].FirstMonth != "2023-01" || kept[0].LastMonth != "2023-05" {
		t.Fatalf("kept %+v", kept)
	}
	fs := Features(kept, geodata.KindIncident)
	if len(fs) != 1 || fs[0].Properties["incidents"] != 5.0 || fs[0].Properties["dead"] != 10.0 || fs[0].Properties["aggregated"] != true {
		t.Fatalf("features %+v", fs[0].Properties)
	}
	if _, ok := fs[0].Geometry.(orb.Polygon); !ok {
		t.Fatalf("cell geometry %T", fs[0].Geometry)
	}
	// The same cells for any subset of the same points: cells never move.
	again := Aggregate(feats[:5], 5, "")
	if len(again) != 1 || again[0].ID != kept[0].ID {
		t.Fatalf("cells moved: %v vs %v", again, kept)
	}
}

func TestForPartner(t *testing.T) {
	f := point(12.345678, -35.456789, geojson.Properties{"date": "2023-04-05", "dead": 3.0, "location": "Boat off X", "source": "W", "cause": "text", "cause_category": "Drowning"})
	f.ID = "i1"
	p := ForPartner(f, geodata.KindIncident)
	if g := p.Geometry.(orb.Point); g != (orb.Point{12.3, -35.5}) {
		t.Errorf("rounded %v", g)
	}
	for _, free := range []string{"location", "source", "cause"} {
		if _, ok := p.Properties[free]; ok {
			t.Errorf("partner sees %s", free)
		}
	}
	if p.Properties["date"] != "2023-04-05" || p.Properties["cause_category"] != "Drowning" || p.ID != "i1" {
		t.Errorf("partner lost allowed fields: %+v", p)
	}
	if f.Geometry.(orb.Point)[0] != 12.345678 || f.Properties["location"] != "Boat off X" {
		t.Error("ForPartner changed the stored feature")
	}
}

// TestForPartnerEvent: a partner sees what an event is and when, never
// its actors, place as written, source or notes.
func TestForPartnerEvent(t *testing.T) {
	f := point(13.19134, 32.88721, geojson.Properties{"date": "2023-05-06", "event_type": "Violence against civilians",
		"sub_event_type": "Attack", "fatalities": 2, "country": "Libya", "geo_precision": "exact", "event_id": "LBY10102",
		"actor1": "Unidentified Armed Group (Libya)", "actor2": "Civilians (Libya)", "location": "Tripoli", "source": "Libya Herald",
		"notes": "On 6 May 2023, gunmen shot two migrants near a market.", "assoc_actor_2": "Migrants (Libya)"})
	p := ForPartner(f, geodata.KindEvent)
	if g := p.Geometry.(orb.Point); g != (orb.Point{13.2, 32.9}) {
		t.Errorf("rounded %v", g)
	}
	want := map[string]any{"date": "2023-05-06", "event_type": "Violence against civilians", "sub_event_type": "Attack",
		"fatalities": 2, "country": "Libya", "geo_precision": "exact"}
	if len(p.Properties) != len(want) {
		t.Errorf("partner sees %v, want only %v", p.Properties, want)
	}
	for k, v := range want {
		if p.Properties[k] != v {
			t.Errorf("%s = %#v, want %#v", k, p.Properties[k], v)
		}
	}
}

func TestRound(t *testing.T) {
	g := Round(orb.MultiPolygon{{{{0.04, 0.06}, {1.15, 0}, {1, 1.949}, {0.04, 0.06}}}}, 1)
	want := orb.MultiPolygon{{{{0, 0.1}, {1.2, 0}, {1, 1.9}, {0, 0.1}}}}
	if !orb.Equal(g, want) {
		t.Errorf("Round = %v", g)
	}
}

func TestMonthInterval(t *testing.T) {
	iv := MonthInterval(geodata.Interval{Start: time.Date(2023, 4, 4, 10, 0, 0, 0, time.UTC), End: time.Date(2023, 4, 5, 0, 0, 0, 0, time.UTC)})
	if !iv.Start.Equal(time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)) || !iv.End.Equal(time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)) {
		t.Errorf("MonthInterval = %v", iv)
	}
	open := MonthInterval(geodata.Interval{End: time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)})
	if !open.Start.IsZero() || open.End.Year() != 2023 || open.End.Month() != 12 {
		t.Errorf("open start: %v", open)
	}
}

func TestViewTiers(t *testing.T) {
	partner := View{Tier: Partner}
	scoped := View{Tier: Partner, Scope: []string{"incidents"}}
	restricted := geodata.Meta{ID: "incidents", Sensitivity: geodata.Restricted}
	open := geodata.Meta{ID: "routes", Sensitivity: geodata.Public}
	cases := []struct {
		name  string
		view  View
		layer string
		want  Tier
	}{
		{"no scope keeps the tier", partner, "other", Partner},
		{"layer in scope", scoped, "incidents", Partner},
		{"layer out of scope is public", scoped, "other", Public},
		{"empty scope opens nothing", View{Tier: Partner, Scope: []string{}}, "incidents", Public},
		{"no tier at all", View{}, "incidents", Public},
		{"an unknown tier is public", View{Tier: Tier("root")}, "incidents", Public},
		{"staff", View{Tier: Staff}, "incidents", Staff},
	}
	for _, c := range cases {
		if got := c.view.ForLayer(c.layer); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	if got := PublicView().For(open); got != Staff {
		t.Errorf("a public layer is served as stored, got %s", got)
	}
	if got := PublicView().For(restricted); got != Public {
		t.Errorf("a restricted layer to an anonymous caller: %s", got)
	}
	if got := scoped.Lowest([]geodata.Meta{restricted, open, {ID: "other", Sensitivity: geodata.Restricted}}); got != Public {
		t.Errorf("lowest tier over the layers: %s", got)
	}
}

func TestLower(t *testing.T) {
	for _, c := range []struct{ a, b, want Tier }{
		{Staff, Partner, Partner}, {Partner, Staff, Partner}, {Public, Staff, Public}, {Staff, Staff, Staff},
	} {
		if got := Lower(c.a, c.b); got != c.want {
			t.Errorf("Lower(%s, %s) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
}
