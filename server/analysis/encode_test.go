package analysis

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/formats"
)

// TestEncodeCollectionSortsKeysOnce checks that encoding with the key
// order reused while features share their keys gives the bytes of
// encoding each feature alone (its own keys sorted), for features whose
// keys differ: the same keys twice, then one key fewer, a feature without
// properties, one with none at all, and as many keys as the last but
// others.
func TestEncodeCollectionSortsKeysOnce(t *testing.T) {
	line := orb.LineString{{12.123456789, 35.5}, {12.6, 35.9}}
	feats := []*geojson.Feature{
		{Type: "Feature", ID: "a-0", Geometry: line, Properties: geojson.Properties{"risk": 2.5, "class": "high", "gaps": []string{}, "srr": "Malta"}},
		{Type: "Feature", ID: "a-1", Geometry: line, Properties: geojson.Properties{"risk": 1.5, "class": "high", "gaps": []string{"health"}, "srr": nil}},
		{Type: "Feature", ID: "a-1b", Geometry: line, Properties: geojson.Properties{"risk": 1.5, "class": "high", "gaps": []string{"health"}}},
		{Type: "Feature", ID: "a-2", Geometry: line, Properties: geojson.Properties{"risk": 0.0, "class": "low", "radius_km": 75.0, "reasons": []string{"x"}}},
		{Type: "Feature", ID: "a-3", Geometry: line, Properties: geojson.Properties{}},
		{Type: "Feature", Geometry: line},
		{Type: "Feature", ID: "a-5", Geometry: line, Properties: geojson.Properties{"zeta": "last", "alpha": "first", "class": "medium"}},
		{Type: "Feature", ID: "a-6", Geometry: line, Properties: geojson.Properties{"zeta": "last", "beta": "second", "class": "medium"}},
	}
	got, err := encodeFeatures(feats, 5)
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

// TestEncodeCollectionCountsFeatures checks that a collection announced
// with more features than come is an error, not a wrong count.
func TestEncodeCollectionCountsFeatures(t *testing.T) {
	f := &geojson.Feature{Type: "Feature", Geometry: orb.Point{1, 2}, Properties: geojson.Properties{}}
	if _, err := encodeCollection(2, slices.Values([]*geojson.Feature{f}), 5); err == nil {
		t.Error("a collection of 2 features encoded from 1")
	}
}
