package geodata

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func TestSummarise(t *testing.T) {
	p := func(lon, lat float64, props geojson.Properties) *geojson.Feature {
		f := geojson.NewFeature(orb.Point{lon, lat})
		f.Properties = props
		return f
	}
	l := Layer{Meta: Meta{ID: "x", TimeProperty: "date"}, Features: []*geojson.Feature{
		p(10, 20, geojson.Properties{"dead": 1.0, "name": "a", "date": "2020-01-01"}),
		p(-5, 40, geojson.Properties{"dead": 2.5, "name": "b", "flag": true}),
		p(0, 0, geojson.Properties{"dead": 3.0, "name": 7.0}),
	}}
	l.Summarise()
	if l.Meta.FeatureCount != 3 {
		t.Errorf("count = %d", l.Meta.FeatureCount)
	}
	if want := []float64{-5, 0, 10, 40}; len(l.Meta.BBox) != 4 || l.Meta.BBox[0] != want[0] || l.Meta.BBox[1] != want[1] || l.Meta.BBox[2] != want[2] || l.Meta.BBox[3] != want[3] {
		t.Errorf("bbox = %v, want %v", l.Meta.BBox, want)
	}
	want := map[string]string{"date": "date", "dead": "number", "flag": "boolean", "name": "string"}
	if len(l.Meta.Schema) != len(want) {
		t.Fatalf("schema = %v", l.Meta.Schema)
	}
	for i, f := range l.Meta.Schema {
		if want[f.Name] != f.Type {
			t.Errorf("schema[%d] = %+v, want type %q", i, f, want[f.Name])
		}
		if i > 0 && l.Meta.Schema[i-1].Name > f.Name {
			t.Error("schema is not sorted by name")
		}
	}
}

func TestSummariseEmpty(t *testing.T) {
	l := Layer{Meta: Meta{ID: "x"}}
	l.Summarise()
	if l.Meta.FeatureCount != 0 || l.Meta.BBox != nil || len(l.Meta.Schema) != 0 {
		t.Errorf("empty layer summarised as %+v", l.Meta)
	}
}

func TestMetaValidate(t *testing.T) {
	ok := Meta{ID: "incidents-2024", Kind: KindIncident, Title: "Incidents", Sensitivity: Restricted}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid meta rejected: %v", err)
	}
	for name, m := range map[string]Meta{
		"bad id":          {ID: "../etc", Kind: KindIncident, Title: "t", Sensitivity: Public},
		"upper-case id":   {ID: "Incidents", Kind: KindIncident, Title: "t", Sensitivity: Public},
		"bad kind":        {ID: "a", Kind: "weather", Title: "t", Sensitivity: Public},
		"bad sensitivity": {ID: "a", Kind: KindRoute, Title: "t", Sensitivity: "secret"},
		"no title":        {ID: "a", Kind: KindRoute, Sensitivity: Public},
	} {
		if err := m.Validate(); ErrorCode(err) != Invalid {
			t.Errorf("%s: err = %v, want Invalid", name, err)
		}
	}
}

// TestKinds: every kind KindNames lists is valid and every valid kind is
// listed; the derived segment kind is neither; only exposure is not drawn.
func TestKinds(t *testing.T) {
	listed := strings.Split(KindNames, ", ")
	want := []Kind{KindRoute, KindIncident, KindService, KindArea, KindExposure, KindEvent}
	if len(listed) != len(want) {
		t.Fatalf("KindNames %q, want %v", KindNames, want)
	}
	for i, k := range want {
		if string(k) != listed[i] || !k.Valid() {
			t.Errorf("kind %q: listed as %q, valid %v", k, listed[i], k.Valid())
		}
		if k.Drawn() != (k != KindExposure) {
			t.Errorf("kind %q: drawn %v", k, k.Drawn())
		}
	}
	if KindSegment.Valid() || Kind("events").Valid() {
		t.Error("segment or events accepted as an upload kind")
	}
}
