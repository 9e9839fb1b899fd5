package analysis

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/formats"
)

// TestEncodeCollectionSortsKeysOnce checks that encoding with the keys of
// every feature sorted once gives the bytes of encoding each feature
// alone (its own keys sorted), for features whose keys differ: one key
// only some have, one feature without properties, one with none at all.
func TestEncodeCollectionSortsKeysOnce(t *testing.T) {
	line := orb.LineString{{12.123456789, 35.5}, {12.6, 35.9}}
	feats := []*geojson.Feature{
		{Type: "Feature", ID: "a-1", Geometry: line, Properties: geojson.Properties{"risk": 1.5, "class": "high", "gaps": []string{"health"}, "srr": nil}},
		{Type: "Feature", ID: "a-2", Geometry: line, Properties: geojson.Properties{"risk": 0.0, "class": "low", "radius_km": 75.0, "reasons": []string{"x"}}},
		{Type: "Feature", ID: "a-3", Geometry: line, Properties: geojson.Properties{}},
		{Type: "Feature", Geometry: line},
		{Type: "Feature", ID: "a-5", Geometry: line, Properties: geojson.Properties{"zeta": "last", "alpha": "first", "class": "medium"}},
	}
	got, err := encodeCollection(feats, 5)
	if err != nil {
		t.Fatal(err)
	}
	var each [][]byte
	for _, f := range feats {
		b, err := formats.AppendFeature(nil, f, formats.EncodeOptions{Precision: 5})
		if err != nil {
			t.Fatal(err)
		}
		each = append(each, b)
	}
	want := formats.AppendCollection(nil, each, len(each), nil, time.Time{})
	if !bytes.Equal(got, want) {
		t.Fatalf("encodeCollection gave\n%s\nwant\n%s", got, want)
	}
	if !json.Valid(got) {
		t.Fatalf("not JSON: %s", got)
	}
}
