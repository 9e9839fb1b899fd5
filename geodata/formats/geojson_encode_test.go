package formats

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/sample"
)

// TestAppendFeatureMatchesEncodingJSON encodes every bundled feature and
// compares, byte for byte, with what encoding/json writes for it.
func TestAppendFeatureMatchesEncodingJSON(t *testing.T) {
	layers, err := sample.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		zr, err := gzip.NewReader(bytes.NewReader(l.GeoJSONGzip))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(zr)
		fc, err := geojson.UnmarshalFeatureCollection(raw)
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range fc.Features {
			want, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := AppendFeature(nil, f, EncodeOptions{Precision: -1})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s feature %d:\n got %s\nwant %s", l.Meta.ID, i, got, want)
			}
			rounded, _ := AppendFeature(nil, f, EncodeOptions{Precision: 3})
			g := *f
			g.Geometry = orb.Round(orb.Clone(f.Geometry), 1000)
			if want, _ := json.Marshal(g); !bytes.Equal(rounded, want) {
				t.Fatalf("%s feature %d at precision 3:\n got %s\nwant %s", l.Meta.ID, i, rounded, want)
			}
		}
	}
}

func TestAppendFeatureEdgeCases(t *testing.T) {
	geoms := []orb.Geometry{
		nil,
		orb.Point{1e-7, -1e21},
		orb.MultiPoint{},
		orb.LineString{{0, 0}, {1, 1}},
		orb.MultiLineString{{{0, 0}, {1, 1}}, {}},
		orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}},
		orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}},
		orb.Collection{orb.Point{1, 2}, orb.LineString{{3, 4}, {5, 6}}},
	}
	props := geojson.Properties{
		"s": "tab\t nl\n quote\" back\\ <html>&amp; \u2028 \x01 bad\xff é",
		"n": 0.000001, "big": 1e21, "neg": -3.5, "zero": 0.0, "b": false, "null": nil,
		"arr": []any{1.0, "x"}, "obj": map[string]any{"k": "v"}, "int": 7,
	}
	for _, g := range geoms {
		f := geojson.NewFeature(g)
		f.ID = 3.0
		f.Properties = props
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendFeature(nil, f, EncodeOptions{Precision: -1})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("geometry %T:\n got %s\nwant %s", g, got, want)
		}
	}
}

func FuzzAppendFeature(f *testing.F) {
	f.Add("name", "value <b>", 12.345678, -3.2)
	f.Add("\x00", "\xff\xfe", math.SmallestNonzeroFloat64, 1e300)
	f.Fuzz(func(t *testing.T, key, val string, x, y float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			return
		}
		ft := geojson.NewFeature(orb.Point{x, y})
		ft.ID = val
		ft.Properties = geojson.Properties{key: val, "n": x}
		want, err := json.Marshal(ft)
		if err != nil {
			return
		}
		got, err := AppendFeature(nil, ft, EncodeOptions{Precision: -1})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
}
