package formats

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata"
)

func TestDecodeGeoJSON(t *testing.T) {
	tests := []struct {
		name                     string
		in                       string
		read, accepted, rejected int
		wantCode                 string
		wantErr                  bool
	}{
		{"two good points", `{"type":"FeatureCollection","features":[
			{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"name":"x"}},
			{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]},"properties":null}]}`, 2, 2, 0, "", false},
		{"out of range latitude", `{"type":"FeatureCollection","features":[
			{"type":"Feature","geometry":{"type":"Point","coordinates":[10,95]},"properties":{}}]}`, 1, 0, 1, "coordinates_out_of_range", false},
		{"no geometry", `{"type":"FeatureCollection","features":[
			{"type":"Feature","geometry":null,"properties":{}}]}`, 1, 0, 1, "missing_geometry", false},
		{"not JSON", `{"type":`, 0, 0, 0, "", true},
		{"JSON but not GeoJSON", `[1,2,3]`, 0, 0, 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feats, rep, err := DecodeGeoJSON(strings.NewReader(tt.in))
			if tt.wantErr {
				if geodata.ErrorCode(err) != geodata.Invalid {
					t.Fatalf("err = %v, want Invalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Read != tt.read || rep.Accepted != tt.accepted || rep.Rejected != tt.rejected || len(feats) != tt.accepted {
				t.Errorf("report %+v, %d features", rep, len(feats))
			}
			if tt.wantCode != "" && rep.Counts[tt.wantCode] != 1 {
				t.Errorf("counts %v lack %s", rep.Counts, tt.wantCode)
			}
			for _, f := range feats {
				if f.ID == nil {
					t.Error("a feature without id was not given one")
				}
			}
		})
	}
}

func TestAppendFeatureShapes(t *testing.T) {
	feats, _, err := DecodeGeoJSON(strings.NewReader(`{"type":"FeatureCollection","features":[
		{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1.123456,2.987654]},"properties":{"a":1,"b":"<b>","c":true}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := AppendFeature(nil, feats[0], EncodeOptions{Properties: []string{"b", "missing"}, Precision: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"a","type":"Feature","geometry":{"type":"Point","coordinates":[1.12,2.99]},"properties":{"b":"\u003cb\u003e"}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if p := feats[0].Geometry.(orb.Point); p[0] != 1.123456 {
		t.Error("encoding changed the stored feature")
	}
	full, _ := AppendFeature(nil, feats[0], EncodeOptions{Precision: -1})
	if !bytes.Contains(full, []byte(`"c":true`)) || !bytes.Contains(full, []byte("1.123456")) {
		t.Errorf("full encoding lost data: %s", full)
	}
}

func FuzzDecodeGeoJSON(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":{"x":[1,{"y":null}]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1e308,-1e308]}]}}]}`))
	f.Add([]byte(`{"type":"Feature"}`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		feats, rep, err := DecodeGeoJSON(bytes.NewReader(data))
		if err != nil {
			if geodata.ErrorCode(err) != geodata.Invalid {
				t.Fatalf("decode error without code Invalid: %v", err)
			}
			return
		}
		if rep.Accepted != len(feats) || rep.Read != rep.Accepted+rep.Rejected {
			t.Fatalf("report does not add up: %+v, %d features", rep, len(feats))
		}
		for _, ft := range feats {
			if ft.Geometry == nil || !validCoordinates(ft.Geometry) {
				t.Fatalf("accepted a feature with bad geometry: %v", ft.Geometry)
			}
			b := ft.Geometry.Bound()
			if math.IsNaN(b.Min[0]) {
				t.Fatal("NaN bound")
			}
			if _, err := AppendFeature(nil, ft, EncodeOptions{Precision: 3}); err != nil {
				t.Fatalf("an accepted feature does not encode: %v", err)
			}
		}
	})
}
