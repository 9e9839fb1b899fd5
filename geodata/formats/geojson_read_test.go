package formats

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata"
)

const pointFeature = `{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[13.4,52.5]},"properties":{"name":"x"}}`

// collection is the start of a FeatureCollection holding members, without
// its closing "]}" (a test adds that, or a broken end).
func collection(members ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(members, ",\n")
}

// sameRead fails t unless a read in batches (got, err) gave what one
// goroutine gave (want, wantErr): the same error, or the same features,
// report and notes.
func sameRead(t *testing.T, what string, got *Decoded, err error, want *Decoded, wantErr error) {
	t.Helper()
	if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
		t.Fatalf("%s: error %v; one goroutine gives %v", what, err, wantErr)
	}
	if err != nil {
		return
	}
	if !reflect.DeepEqual(got.Report, want.Report) || len(got.Features) != len(want.Features) || !reflect.DeepEqual(got.Notes, want.Notes) {
		t.Fatalf("%s: %d features, report %+v; one goroutine gives %d, %+v", what, len(got.Features), got.Report, len(want.Features), want.Report)
	}
	for i := range want.Features {
		if !reflect.DeepEqual(got.Features[i], want.Features[i]) {
			t.Fatalf("%s: feature %d is %+v, one goroutine gives %+v", what, i+1, got.Features[i], want.Features[i])
		}
	}
}

func TestReadGeoJSON(t *testing.T) {
	tests := []struct {
		name               string
		in                 string
		accepted, rejected int
		code               string // issue code expected once in the report
		errCode            geodata.Code
		errHas             string
	}{
		{name: "collection", in: `{"type":"FeatureCollection","features":[` + pointFeature + `,` + pointFeature + `]}`, accepted: 2},
		{name: "features before type", in: `{"features":[` + pointFeature + `],"type":"FeatureCollection"}`, accepted: 1},
		{name: "single feature", in: pointFeature, accepted: 1},
		{name: "bare geometry", in: `{"type":"LineString","coordinates":[[0,0],[1,1]]}`, accepted: 1},
		{name: "byte order mark", in: "\xef\xbb\xbf" + pointFeature, accepted: 1},
		{name: "empty collection", in: `{"type":"FeatureCollection","features":[]}`},
		{name: "null geometry", in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{}}]}`, rejected: 1, code: CodeGeoJSONNoGeometry},
		{name: "not a feature", in: `{"type":"FeatureCollection","features":[{"type":"Point","coordinates":[1,2]}, 7]}`, rejected: 2, code: ""},
		{name: "bad nesting", in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[[1,2]]},"properties":{}}]}`, rejected: 1, code: CodeGeoJSONBadFeature},
		{name: "duplicate property key", in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"a":1,"b":2,"a":3}}]}`, rejected: 1, code: CodeGeoJSONDuplicateKey},
		{name: "empty coordinates", in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[]},"properties":{}}]}`, rejected: 1, code: CodeGeoJSONEmptyGeometry},
		{name: "crs84", in: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[` + pointFeature + `]}`, accepted: 1},
		{name: "epsg 4326 url", in: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"http://www.opengis.net/def/crs/EPSG/0/4326"}},"features":[` + pointFeature + `]}`, accepted: 1},

		{name: "empty file", in: "", errCode: geodata.Invalid, errHas: "empty"},
		{name: "array", in: `[1,2]`, errCode: geodata.Invalid, errHas: "not a GeoJSON object"},
		{name: "truncated", in: `{"type":"FeatureCollection","features":[` + pointFeature, errCode: geodata.Invalid, errHas: "ends in the middle"},
		{name: "NaN", in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,1]},"properties":{}}]}`, errCode: geodata.Invalid, errHas: "NaN and Infinity"},
		{name: "Infinity", in: `{"type":"Feature","geometry":{"type":"Point","coordinates":[Infinity,1]},"properties":{}}`, errCode: geodata.Invalid, errHas: "NaN and Infinity"},
		{name: "trailing data", in: pointFeature + ` {"x":1}`, errCode: geodata.Invalid, errHas: "after the GeoJSON document"},
		{name: "trailing garbage", in: pointFeature + `,`, errCode: geodata.Invalid},
		{name: "duplicate top-level key", in: `{"type":"FeatureCollection","type":"Feature","features":[]}`, errCode: geodata.Invalid, errHas: `key "type" twice`},
		{name: "invalid utf-8", in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"name":"caf` + "\xe9" + `"}}]}`, errCode: geodata.Invalid, errHas: "not valid UTF-8"},
		{name: "unknown type", in: `{"type":"Topology","objects":{}}`, errCode: geodata.Invalid, errHas: "Topology"},
		{name: "no type", in: `{"foo":1}`, errCode: geodata.Invalid, errHas: `no "type"`},
		{name: "features not array", in: `{"type":"FeatureCollection","features":{}}`, errCode: geodata.Invalid, errHas: "must be an array"},
		{name: "other crs", in: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[` + pointFeature + `]}`, errCode: geodata.Invalid, errHas: "EPSG::2154"},
		{name: "linked crs", in: `{"type":"FeatureCollection","crs":{"type":"link","properties":{"href":"http://example.com/crs"}},"features":[]}`, errCode: geodata.Invalid, errHas: "not a named CRS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadGeoJSON(strings.NewReader(tt.in), Options{})
			if tt.errCode != "" {
				if geodata.ErrorCode(err) != tt.errCode || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err = %v; want %s containing %q", err, tt.errCode, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := d.Report
			if r.Accepted != tt.accepted || r.Rejected != tt.rejected || len(d.Features) != tt.accepted || r.Read != tt.accepted+tt.rejected {
				t.Fatalf("report %+v with %d features; want %d accepted, %d rejected", r, len(d.Features), tt.accepted, tt.rejected)
			}
			if tt.code != "" && r.Counts[tt.code] != 1 {
				t.Errorf("counts %v; want one %s", r.Counts, tt.code)
			}
			for _, is := range r.Issues {
				if is.Feature < 1 || is.Message == "" || is.Action != geodata.Rejected {
					t.Errorf("issue %+v lacks a position, message or action", is)
				}
			}
		})
	}
}

func TestReadGeoJSONWebMercator(t *testing.T) {
	in := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[
		{"type":"Feature","geometry":{"type":"Point","coordinates":[1491681.3,6894699.8]},"properties":{}}]}`
	d, err := ReadGeoJSON(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := d.Features[0].Geometry.(orb.Point)
	if math.Abs(p[0]-13.4) > 1e-3 || math.Abs(p[1]-52.52) > 1e-3 {
		t.Fatalf("converted point %v; want about (13.4, 52.52)", p)
	}
	if len(d.Notes) == 0 || !strings.Contains(d.Notes[0], "Web Mercator") {
		t.Errorf("notes %v do not say the CRS was converted", d.Notes)
	}
}

func TestReadGeoJSONLimits(t *testing.T) {
	text := collection(slices.Repeat([]string{pointFeature}, 11)...) + "]}"
	_, err := ReadGeoJSON(strings.NewReader(text), Options{Limits: Limits{MaxFeatures: 10}})
	if geodata.ErrorCode(err) != geodata.TooLarge || !strings.Contains(err.Error(), "max_features") {
		t.Fatalf("err = %v; want TooLarge naming max_features", err)
	}
	_, err = ReadGeoJSON(strings.NewReader(text), Options{Limits: Limits{MaxVertices: 5}})
	if geodata.ErrorCode(err) != geodata.TooLarge || !strings.Contains(err.Error(), "max_vertices") {
		t.Fatalf("err = %v; want TooLarge naming max_vertices", err)
	}
}

// TestReadGeoJSONUTF8AcrossReads puts multi-byte characters on every
// possible read boundary, and a bad byte far into a large file.
func TestReadGeoJSONUTF8AcrossReads(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"name":"Ouagadougou – 東京 – café – 𝔘"}}`)
	}
	b.WriteString("]}")
	good := b.Bytes()
	d, err := ReadGeoJSON(&oneByteAtATimeReader{data: good[:]}, Options{})
	if err != nil || d.Report.Accepted != 5000 {
		t.Fatalf("valid UTF-8 read in small pieces: %v", err)
	}
	if d.Features[4999].Properties["name"] != "Ouagadougou – 東京 – café – 𝔘" {
		t.Fatalf("name = %q", d.Features[4999].Properties["name"])
	}
	bad := append(bytes.Clone(good[:len(good)-2]), []byte(`,{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"n":"`+"\xff"+`"}}]}`)...)
	if _, err := ReadGeoJSON(bytes.NewReader(bad), Options{}); geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("bad byte at the end: %v", err)
	}
}

type oneByteAtATimeReader struct {
	data []byte
	i    int
	n    int
}

func (r *oneByteAtATimeReader) Read(p []byte) (int, error) {
	if r.i >= len(r.data) {
		return 0, io.EOF
	}
	r.n++
	k := 1 + r.n%7 // 1..7 bytes: every boundary inside a 4-byte rune
	if k > len(p) {
		k = len(p)
	}
	if r.i+k > len(r.data) {
		k = len(r.data) - r.i
	}
	copy(p, r.data[r.i:r.i+k])
	r.i += k
	return k, nil
}

func TestDuplicateKey(t *testing.T) {
	tests := []struct {
		in, key, path string
		dup           bool
	}{
		{`{"a":1,"b":{"a":2}}`, "", "", false},
		{`{"a":1,"a":2}`, "a", "feature", true},
		{`{"properties":{"x":[{"k":1,"k":2}]}}`, "k", "properties", true},
		{`{"geometry":{"type":"Point","type":"Point"}}`, "type", "geometry", true},
		{`{"s":"a\"b","t":"a\\","u":"x"}`, "", "", false},
		{`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k3":0}`, "k3", "feature", true},
	}
	for _, tt := range tests {
		key, path, dup := duplicateKey([]byte(tt.in))
		if dup != tt.dup || key != tt.key || path != tt.path {
			t.Errorf("duplicateKey(%s) = %q, %q, %v; want %q, %q, %v", tt.in, key, path, dup, tt.key, tt.path, tt.dup)
		}
	}
}

func TestReadGeoJSONFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "geojson", "*.geojson"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ReadGeoJSON(bytes.NewReader(data), Options{})
		bad := strings.HasPrefix(filepath.Base(f), "bad-")
		if bad != (err != nil) {
			t.Errorf("%s: err = %v", f, err)
		}
		if err == nil && d.Report.Read == 0 {
			t.Errorf("%s: read nothing", f)
		}
	}
}

func FuzzReadGeoJSON(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[` + pointFeature + `]}`))
	f.Add([]byte(pointFeature))
	f.Add([]byte(`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}`))
	f.Add([]byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`))
	f.Add([]byte("\xef\xbb\xbf{\"type\":\"GeometryCollection\",\"geometries\":[]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadGeoJSON(bytes.NewReader(data), Options{Limits: Limits{MaxFeatures: 100, MaxVertices: 10000}})
		if err != nil {
			if geodata.ErrorCode(err) == geodata.Internal {
				t.Fatalf("internal error for input: %v", err)
			}
			return
		}
		r := d.Report
		if r.Read != r.Accepted+r.Rejected || len(d.Features) != r.Accepted {
			t.Fatalf("inconsistent report %+v with %d features", r, len(d.Features))
		}
		for _, ft := range d.Features {
			if ft.Geometry == nil {
				t.Fatal("a feature without geometry was accepted")
			}
		}
	})
}

// FuzzReadGeoJSONInBatches: whatever the file, its features parsed by
// three goroutines two at a time read as on one goroutine — the same
// error, or the same features and report.
func FuzzReadGeoJSONInBatches(f *testing.F) {
	mixed := collection(slices.Repeat([]string{pointFeature, `[1]`, `{"type":"Feature","geometry":null,"properties":{"a":1,"a":2}}`}, 3)...)
	f.Add([]byte(mixed + "]}"))
	f.Add([]byte(mixed + `,{"type":`))
	f.Add([]byte(collection(pointFeature, pointFeature, pointFeature) + "]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{Limits: Limits{MaxFeatures: 100, MaxVertices: 50}}
		want, wantErr := readGeoJSON(bytes.NewReader(data), opts, 1, 2)
		got, err := readGeoJSON(bytes.NewReader(data), opts, 3, 2)
		sameRead(t, "three goroutines, two features at a time", got, err, want, wantErr)
	})
}

// TestReadGeoJSONInBatches: a file whose features are parsed by several
// goroutines reads as it does on one — the same features, the same report
// (every kind of rejected member, in file order) — and a limit or a broken
// file ends it with the same error, a limit met before the break first.
func TestReadGeoJSONInBatches(t *testing.T) {
	members := []string{
		pointFeature,
		`{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1],[2,1]]},"properties":{"n":1,"n":2}}`, // duplicate key
		`[1,2]`,                                // not an object
		`{"type":"Point","coordinates":[1,2]}`, // not a Feature
		`{"type":"Feature","geometry":{"type":"Point","coordinates":"x"},"properties":null}`, // unreadable
		`{"type":"Feature","id":7,"geometry":null,"properties":{"k":"v"}}`,                   // no geometry
		`{"type":"Feature","id":8,"geometry":{"type":"MultiPoint","coordinates":[]},"properties":{}}`,
		`{"type":"Feature","id":"p","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":{"name":"ok"}}`,
	}
	file := func(n int, tail string) string {
		picked := make([]string, n)
		for i := range picked {
			picked[i] = members[(i*7+i/13)%len(members)]
		}
		return collection(picked...) + tail
	}
	for _, c := range []struct {
		name string
		text string
		opts Options
	}{
		{"a small file", file(100, "]}"), Options{}},
		{"many batches", file(5000, "]}"), Options{}},
		{"null geometries kept", file(3000, "]}"), Options{NullGeometry: true}},
		{"max_features", file(3000, "]}"), Options{Limits: Limits{MaxFeatures: 2000}}},
		{"max_vertices", file(5000, "]}"), Options{Limits: Limits{MaxVertices: 4000}}},
		{"max_vertices before the file breaks", file(5000, `,{"type":`), Options{Limits: Limits{MaxVertices: 4000}}},
		{"a broken file", file(5000, `,{"type":`), Options{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, wantErr := readGeoJSON(strings.NewReader(c.text), c.opts, 1, featureBatch)
			for _, n := range []int{2, 5} {
				got, err := readGeoJSON(strings.NewReader(c.text), c.opts, n, featureBatch)
				sameRead(t, fmt.Sprintf("%d goroutines", n), got, err, want, wantErr)
			}
			if c.name == "many batches" && (want.Report.Rejected < 1000 || len(want.Features) < 1000) {
				t.Errorf("the file meets too few cases: %d rejected, %d read", want.Report.Rejected, len(want.Features))
			}
		})
	}
}
