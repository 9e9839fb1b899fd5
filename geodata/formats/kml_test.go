package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// kmlSharedCases are the KML files in the shared test data with what the
// decoder must count in each. Features whose togeojson geometry is empty
// (a Point with a null coordinate, a LineString without coordinates) are
// rejected here, as the decoder contract asks, so they count as rejected.
var kmlSharedCases = map[string]struct{ read, accepted, rejected int }{
	"addresses.kml":       {15, 7, 8}, // 8 placemarks hold only an empty Point and an empty gx:Track
	"cdata.kml":           {1, 1, 0},
	"extended_data.kml":   {1, 1, 0},
	"gxtrack.kml":         {1, 1, 0},
	"multigeometry.kml":   {1, 1, 0},
	"nogeomplacemark.kml": {1, 0, 1}, // togeojson drops it silently; we report it
	"polygon.kml":         {1, 1, 0},
	"selfclosing.kml":     {1, 0, 1}, // <coordinates /> — togeojson emits [[null]]
	"simpledata.kml":      {2, 2, 0},
	"style_url.kml":       {1, 1, 0},
	"timespan.kml":        {1, 1, 0},
}

// togeojsonKMLOnly are properties togeojson derives that are not data of
// the Placemark: style hashes and colours computed from <Style> elements
// (we keep styleUrl, the reference, and leave styling to the map), and
// coordTimes, a per-vertex array built from gx:Track <when> values.
var togeojsonKMLOnly = map[string]bool{
	"styleHash": true, "styleMapHash": true, "stroke": true, "stroke-opacity": true, "stroke-width": true,
	"fill": true, "fill-opacity": true, "icon": true, "coordTimes": true,
}

// TestDecodeKMLSharedCases decodes every shared KML case and, where
// X.expected.geojson exists (made by mapbox/togeojson), compares: the same
// features in the same order, geometry (2D, within 1e-9) and every property
// but the togeojsonKMLOnly ones, both ways. Geometries are compared in a
// canonical form (see canonicalGeometry): togeojson writes a
// GeometryCollection for every MultiGeometry, we write MultiLineString etc.
// when the parts share a type, as GDAL does.
func TestDecodeKMLSharedCases(t *testing.T) {
	dir := sharedData(t, "formats", "kml")
	files, err := filepath.Glob(filepath.Join(dir, "*.kml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no KML cases in %s (%v)", dir, err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			d, err := DecodeKML(bytes.NewReader(readXMLFixture(t, file)), Options{})
			if err != nil {
				t.Fatalf("DecodeKML: %v", err)
			}
			checkXMLCounts(t, d)
			want, ok := kmlSharedCases[name]
			if !ok {
				t.Fatalf("%s is not in kmlSharedCases; add it with its counts", name)
			}
			if got := (struct{ read, accepted, rejected int }{d.Report.Read, d.Report.Accepted, d.Report.Rejected}); got != want {
				t.Fatalf("counts read/accepted/rejected = %v, want %v; issues: %+v", got, want, d.Report.Issues)
			}
			expected, ok := readExpectedFeatures(t, file+".expected.geojson")
			if !ok {
				return
			}
			var nonEmpty []jsonFeature
			for _, e := range expected {
				if e.geometry != nil {
					nonEmpty = append(nonEmpty, e)
				}
			}
			if len(nonEmpty) != len(d.Features) {
				t.Fatalf("got %d features, togeojson has %d with a geometry", len(d.Features), len(nonEmpty))
			}
			if empty := len(expected) - len(nonEmpty); d.Report.Rejected < empty {
				t.Errorf("rejected %d, but togeojson has %d features without coordinates", d.Report.Rejected, empty)
			}
			for i, e := range nonEmpty {
				got := d.Features[i]
				if diff := geometryDiff(canonicalGeometry(got.Geometry), e.geometry); diff != "" {
					t.Errorf("feature %d geometry: %s", i+1, diff)
				}
				if e.id != nil && got.ID != e.id {
					t.Errorf("feature %d id = %v, want %v", i+1, got.ID, e.id)
				}
				ours := jsonProperties(t, got.Properties)
				for k, v := range e.props {
					if togeojsonKMLOnly[k] {
						continue
					}
					if !reflect.DeepEqual(ours[k], v) {
						t.Errorf("feature %d property %q = %#v, want %#v", i+1, k, ours[k], v)
					}
				}
				for k := range ours {
					if _, ok := e.props[k]; !ok {
						t.Errorf("feature %d has property %q = %#v that togeojson does not have", i+1, k, ours[k])
					}
				}
			}
		})
	}
}

// TestDecodeKMLShapes covers geometry kinds and properties the shared cases
// do not: nesting, holes, LinearRing, mixed and nested MultiGeometry,
// gx:MultiTrack, ids, TimeStamp, SchemaData with its Schema columns, empty
// Data values and odd whitespace in coordinates.
func TestDecodeKMLShapes(t *testing.T) {
	d := decodeKMLFixture(t, "shapes.kml", Options{})
	checkXMLCounts(t, d)
	wantCols := []string{"operator", "staff"}
	if !reflect.DeepEqual(d.Columns, wantCols) {
		t.Errorf("Columns = %v, want %v", d.Columns, wantCols)
	}
	type want struct {
		name  string
		geom  orb.Geometry
		props geojson.Properties // checked when not nil, in full
	}
	wants := []want{
		{"Checkpoint Alpha", orb.Point{36.8219, -1.2921}, geojson.Properties{
			"name": "Checkpoint Alpha", "description": "<b>Open</b> 06:00-18:00", "timestamp": "2024-03-01T08:00:00Z",
			"styleUrl": "#checkpoint", "operator": "UN", "staff": "12", "status": "open", "note": "",
		}},
		{"Odd whitespace", orb.LineString{{30.1, -1.9}, {30.2, -1.8}, {30.3, -1.7}}, nil},
		{"Camp with two holes", orb.Polygon{
			{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
			{{1, 1}, {2, 1}, {2, 2}, {1, 1}},
			{{5, 5}, {6, 5}, {6, 6}, {5, 5}},
		}, nil},
		{"Fence", orb.LineString{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, nil},
		{"Mixed", orb.Collection{orb.Point{1, 2}, orb.LineString{{0, 0}, {1, 1}}}, nil},
		{"Two fields", orb.MultiPolygon{
			{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}},
			{{{2, 2}, {3, 2}, {3, 3}, {2, 2}}},
		}, nil},
		{"Lone well", orb.MultiPoint{{4, 5}}, nil},
		{"Convoy", orb.MultiLineString{{{30, -2}, {30.1, -2.1}}, {{31, -3}, {31.1, -3.1}}}, geojson.Properties{
			"name": "Convoy", "timespan": map[string]any{"begin": "2024-03-01"},
		}},
		{"Location history", orb.LineString{{100.5, 13.7}, {100.6, 13.8}}, nil},
	}
	if len(d.Features) != len(wants) {
		t.Fatalf("got %d features, want %d; issues %+v", len(d.Features), len(wants), d.Report.Issues)
	}
	for i, w := range wants {
		f := d.Features[i]
		if f.Properties["name"] != w.name {
			t.Errorf("feature %d name = %v, want %q", i+1, f.Properties["name"], w.name)
		}
		if !orb.Equal(f.Geometry, w.geom) {
			t.Errorf("%s: geometry %#v, want %#v", w.name, f.Geometry, w.geom)
		}
		if w.props != nil && !reflect.DeepEqual(f.Properties, w.props) {
			t.Errorf("%s: properties %#v, want %#v", w.name, f.Properties, w.props)
		}
	}
	if d.Features[0].ID != "cp-1" {
		t.Errorf("Placemark id: ID = %v, want cp-1", d.Features[0].ID)
	}
	if d.Features[1].ID != nil {
		t.Errorf("a Placemark without id got ID %v", d.Features[1].ID)
	}
}

// TestDecodeKMLEncodings reads names with accents and other non-ASCII
// letters from files in ISO-8859-1, windows-1252, UTF-16 (with and without
// a byte-order mark) and UTF-8 with a byte-order mark.
func TestDecodeKMLEncodings(t *testing.T) {
	tests := []struct {
		file, name, note string
	}{
		{"latin1.kml", "Café Zürich - Åre", "ISO-8859-1"},
		{"windows1252.kml", "“Ação” € Straße", "windows-1252"},
		{"utf16le_bom.kml", "Ğazze – 北京 – Café", "UTF-16"},
		{"utf16be.kml", "Ğazze – 北京 – Café", "UTF-16"},
		{"utf8_bom.kml", "Ğazze – 北京 – Café", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := decodeKMLFixture(t, tt.file, Options{})
			if len(d.Features) != 1 {
				t.Fatalf("got %d features, want 1; issues %+v", len(d.Features), d.Report.Issues)
			}
			if got := d.Features[0].Properties["name"]; got != tt.name {
				t.Errorf("name = %q, want %q", got, tt.name)
			}
			notes := strings.Join(d.Notes, "\n")
			if tt.note != "" && !strings.Contains(notes, tt.note) {
				t.Errorf("notes %q do not mention the conversion from %s", notes, tt.note)
			}
			if tt.note == "" && strings.Contains(notes, "converted") {
				t.Errorf("notes %q mention a conversion for a UTF-8 file", notes)
			}
		})
	}
}

// TestDecodeKMLBadCoordinates checks that each Placemark with unreadable or
// non-finite coordinates is rejected with an issue naming the problem, and
// that the good one next to them is kept.
func TestDecodeKMLBadCoordinates(t *testing.T) {
	d := decodeKMLFixture(t, "garbage_coordinates.kml", Options{})
	checkXMLCounts(t, d)
	wantProblems := []string{
		`"abc" is not a number`,
		`"NaN" is not a number`,
		`"Infinity" is not a number`,
		`"1e999" is out of range`,
		`has only one value`,
		`more than 3 values`,
		`a value is missing`,
		`"0x1p-2" is not a number`,
		`2 coordinate tuples`,
		`gx:coord 2`,
		`"x" is not a number`,
	}
	if d.Report.Read != len(wantProblems)+1 || d.Report.Accepted != 1 || d.Report.Rejected != len(wantProblems) {
		t.Fatalf("read/accepted/rejected = %d/%d/%d, want %d/1/%d; issues %+v",
			d.Report.Read, d.Report.Accepted, d.Report.Rejected, len(wantProblems)+1, len(wantProblems), d.Report.Issues)
	}
	for i, want := range wantProblems {
		is := d.Report.Issues[i]
		if is.Feature != i+1 || is.Code != "bad_coordinates" || is.Field != "geometry" || is.Action != geodata.Rejected {
			t.Errorf("issue %d = %+v, want feature %d bad_coordinates on geometry, rejected", i, is, i+1)
		}
		if !strings.Contains(is.Message, want) {
			t.Errorf("issue %d message %q does not say %q", i, is.Message, want)
		}
	}
	if got := d.Features[0].Properties["name"]; got != "good" {
		t.Errorf("kept %v, want the good Placemark", got)
	}
	if d.Report.Counts["bad_coordinates"] != len(wantProblems) {
		t.Errorf("Counts = %v", d.Report.Counts)
	}
}

// TestDecodeKMLRefusesBadFiles covers whole-file problems: declarations
// that could expand entities or read files, broken XML, files that are not
// KML, and every limit.
func TestDecodeKMLRefusesBadFiles(t *testing.T) {
	tests := []struct {
		file     string
		content  []byte // used instead of file when set
		limits   Limits
		code     geodata.Code
		contains string
	}{
		{file: "doctype_xxe.kml", code: geodata.Invalid, contains: "<!DOCTYPE>"},
		{file: "billion_laughs.kml", code: geodata.Invalid, contains: "<!DOCTYPE>"},
		{file: "entity_after_root.kml", code: geodata.Invalid, contains: "<!ENTITY>"},
		{file: "undefined_entity.kml", code: geodata.Invalid, contains: "not well-formed XML"},
		{file: "unclosed.kml", code: geodata.Invalid, contains: "not well-formed XML"},
		{file: "mismatched.kml", code: geodata.Invalid, contains: "not well-formed XML"},
		{file: "empty.kml", code: geodata.Invalid, contains: "empty"},
		{file: "blank.kml", code: geodata.Invalid, contains: "empty"},
		{file: "not_xml.kml", code: geodata.Invalid, contains: "not KML"},
		{file: "binary.kml", code: geodata.Invalid, contains: "not KML"},
		{file: "wrong_root.kml", code: geodata.Invalid, contains: "<html>"},
		{file: "unsupported_encoding.kml", code: geodata.Invalid, contains: `"KOI8-R"`},
		{file: "many_placemarks.kml", limits: Limits{MaxFeatures: 100}, code: geodata.TooLarge, contains: "more than 100 features (limit max_features)"},
		{file: "long_line.kml", limits: Limits{MaxVertices: 100}, code: geodata.TooLarge, contains: "more than 100 coordinates (limit max_vertices)"},
		{file: "many_properties.kml", limits: Limits{MaxProperties: 20}, code: geodata.TooLarge, contains: "limit max_properties"},
		{file: "long_description.kml", limits: Limits{MaxValueLength: 1000}, code: geodata.TooLarge, contains: "limit max_value_length"},
		{file: "deep nesting (generated)", code: geodata.Invalid, contains: "levels deep",
			content: []byte(`<kml>` + strings.Repeat("<Folder>", 2000) + strings.Repeat("</Folder>", 2000) + `</kml>`)},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := tt.content
			if data == nil {
				data = readXMLFixture(t, filepath.Join("testdata", "kml", tt.file))
			}
			d, err := DecodeKML(bytes.NewReader(data), Options{Limits: tt.limits})
			checkXMLError(t, d, err, tt.code, tt.contains)
		})
	}
}

// TestDecodeKMLWithinLimits reads the limit fixtures with the default
// limits, so the errors above come from the limits and not from the files.
func TestDecodeKMLWithinLimits(t *testing.T) {
	for file, accepted := range map[string]int{
		"many_placemarks.kml": 200, "long_line.kml": 1, "many_properties.kml": 1, "long_description.kml": 1,
	} {
		d := decodeKMLFixture(t, file, Options{})
		checkXMLCounts(t, d)
		if d.Report.Accepted != accepted {
			t.Errorf("%s: accepted %d, want %d", file, d.Report.Accepted, accepted)
		}
	}
	d := decodeKMLFixture(t, "many_placemarks.kml", Options{Limits: Limits{MaxFeatures: 200}})
	if d.Report.Read != 200 {
		t.Errorf("a file with exactly MaxFeatures features read %d", d.Report.Read)
	}
}

// TestDecodeKMLNetworkLinkNotFollowed serves a KML over HTTP to check that a
// NetworkLink pointing at it is never fetched, and that the report says so.
func TestDecodeKMLNetworkLinkNotFollowed(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `<kml><Placemark><Point><coordinates>9,9</coordinates></Point></Placemark></kml>`)
	}))
	defer srv.Close()
	doc := `<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<NetworkLink><Link><href>` + srv.URL + `/more.kml</href></Link></NetworkLink>
<Placemark><name>here</name><Point><coordinates>1,2</coordinates></Point></Placemark>
</Document></kml>`
	d, err := DecodeKML(strings.NewReader(doc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Features) != 1 || hits.Load() != 0 {
		t.Errorf("features %d, requests to the link %d; want 1 and 0", len(d.Features), hits.Load())
	}

	d = decodeKMLFixture(t, "networklink.kml", Options{})
	if len(d.Features) != 1 {
		t.Errorf("networklink.kml: %d features, want 1", len(d.Features))
	}
	if notes := strings.Join(d.Notes, "\n"); !strings.Contains(notes, "2 NetworkLink(s)") || !strings.Contains(notes, "not followed") {
		t.Errorf("notes %q do not say the 2 NetworkLinks were not followed", notes)
	}
}

func decodeKMLFixture(t *testing.T, name string, opts Options) *Decoded {
	t.Helper()
	d, err := DecodeKML(bytes.NewReader(readXMLFixture(t, filepath.Join("testdata", "kml", name))), opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if d.Format != KML {
		t.Errorf("%s: Format = %q", name, d.Format)
	}
	return d
}

// The functions below are shared by the KML, GPX and GDAL tests.

func readXMLFixture(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkXMLCounts checks the report adds up.
func checkXMLCounts(t *testing.T, d *Decoded) {
	t.Helper()
	r := d.Report
	if r.Read != r.Accepted+r.Rejected || len(d.Features) != r.Accepted {
		t.Errorf("report read %d, accepted %d, rejected %d with %d features", r.Read, r.Accepted, r.Rejected, len(d.Features))
	}
	rejections := 0
	for _, is := range r.Issues {
		if is.Action == geodata.Rejected {
			rejections++
		}
	}
	if rejections != r.Rejected {
		t.Errorf("%d rejection issues for %d rejected features", rejections, r.Rejected)
	}
}

// checkXMLError checks that a decoder failed with a *geodata.Error of the
// given code whose message contains a phrase.
func checkXMLError(t *testing.T, d *Decoded, err error, code geodata.Code, contains string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; decoded %d features", len(d.Features))
	}
	var ge *geodata.Error
	if !errors.As(err, &ge) {
		t.Fatalf("error %v (%T) is not a *geodata.Error", err, err)
	}
	if ge.Code != code || !strings.Contains(ge.Message, contains) {
		t.Errorf("error %s: %q, want %s containing %q", ge.Code, ge.Message, code, contains)
	}
	if d != nil {
		t.Errorf("a Decoded came back with the error")
	}
}

// jsonFeature is a feature read from a GeoJSON file made by another tool,
// with its geometry in canonical form (nil when it has no coordinates).
type jsonFeature struct {
	id       any
	geometry orb.Geometry
	props    map[string]any
}

// readExpectedFeatures reads path if it exists.
func readExpectedFeatures(t *testing.T, path string) ([]jsonFeature, bool) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []jsonFeature
	for _, f := range fc.Features {
		out = append(out, parseJSONFeature(t, f))
	}
	return out, true
}

func parseJSONFeature(t *testing.T, raw []byte) jsonFeature {
	t.Helper()
	var f struct {
		ID         any            `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("feature %s: %v", raw, err)
	}
	if f.Properties == nil {
		f.Properties = map[string]any{}
	}
	return jsonFeature{id: f.ID, geometry: canonicalGeometry(jsonGeometry(f.Geometry)), props: f.Properties}
}

// jsonGeometry converts a decoded GeoJSON geometry object to orb, reading
// null or missing coordinates as empty and dropping Z.
func jsonGeometry(m map[string]any) orb.Geometry {
	if m == nil {
		return nil
	}
	coords, _ := m["coordinates"].([]any)
	switch m["type"] {
	case "Point":
		if p, ok := jsonPosition(coords); ok {
			return p
		}
		return orb.Collection{}
	case "LineString":
		return orb.LineString(jsonPositions(coords))
	case "MultiPoint":
		return orb.MultiPoint(jsonPositions(coords))
	case "Polygon":
		return jsonPolygon(coords)
	case "MultiLineString":
		var ml orb.MultiLineString
		for _, l := range coords {
			ls, _ := l.([]any)
			ml = append(ml, jsonPositions(ls))
		}
		return ml
	case "MultiPolygon":
		var mp orb.MultiPolygon
		for _, p := range coords {
			ps, _ := p.([]any)
			mp = append(mp, jsonPolygon(ps))
		}
		return mp
	case "GeometryCollection":
		var c orb.Collection
		gs, _ := m["geometries"].([]any)
		for _, g := range gs {
			gm, _ := g.(map[string]any)
			c = append(c, jsonGeometry(gm))
		}
		return c
	}
	return nil
}

func jsonPosition(v []any) (orb.Point, bool) {
	if len(v) < 2 {
		return orb.Point{}, false
	}
	x, ok1 := v[0].(float64)
	y, ok2 := v[1].(float64)
	return orb.Point{x, y}, ok1 && ok2
}

func jsonPositions(v []any) []orb.Point {
	var out []orb.Point
	for _, p := range v {
		pos, _ := p.([]any)
		if pt, ok := jsonPosition(pos); ok {
			out = append(out, pt)
		}
	}
	return out
}

func jsonPolygon(v []any) orb.Polygon {
	var poly orb.Polygon
	for _, r := range v {
		rs, _ := r.([]any)
		poly = append(poly, orb.Ring(jsonPositions(rs)))
	}
	return poly
}

// canonicalGeometry puts a geometry in a form that hides how a tool chose
// to group parts: empty parts are dropped, the rest flattened; none gives
// nil, one gives that part, several of one type give the Multi* type and
// mixed ones a collection. togeojson (GeometryCollection for any
// MultiGeometry and for a Placemark with several geometries), GDAL
// (MultiLineString for every GPX track) and our output become comparable.
func canonicalGeometry(g orb.Geometry) orb.Geometry {
	var parts []orb.Geometry
	var flatten func(orb.Geometry)
	flatten = func(g orb.Geometry) {
		switch x := g.(type) {
		case orb.Point:
			parts = append(parts, x)
		case orb.LineString:
			if len(x) > 0 {
				parts = append(parts, x)
			}
		case orb.Polygon:
			var rings orb.Polygon
			for _, r := range x {
				if len(r) > 0 {
					rings = append(rings, r)
				}
			}
			if len(x) > 0 && len(x[0]) > 0 {
				parts = append(parts, rings)
			}
		case orb.MultiPoint:
			for _, p := range x {
				flatten(p)
			}
		case orb.MultiLineString:
			for _, l := range x {
				flatten(l)
			}
		case orb.MultiPolygon:
			for _, p := range x {
				flatten(p)
			}
		case orb.Collection:
			for _, c := range x {
				flatten(c)
			}
		}
	}
	flatten(g)
	if len(parts) == 0 {
		return nil
	}
	if len(parts) == 1 {
		return parts[0]
	}
	types := map[string]bool{}
	for _, p := range parts {
		types[p.GeoJSONType()] = true
	}
	if len(types) > 1 {
		return orb.Collection(parts)
	}
	switch parts[0].(type) {
	case orb.Point:
		var mp orb.MultiPoint
		for _, p := range parts {
			mp = append(mp, p.(orb.Point))
		}
		return mp
	case orb.LineString:
		var ml orb.MultiLineString
		for _, p := range parts {
			ml = append(ml, p.(orb.LineString))
		}
		return ml
	default:
		var mp orb.MultiPolygon
		for _, p := range parts {
			mp = append(mp, p.(orb.Polygon))
		}
		return mp
	}
}

// geometryDiff describes how got differs from want (both canonical), with
// coordinates compared in 2D within 1e-9; "" when they match.
func geometryDiff(got, want orb.Geometry) string {
	if got == nil || want == nil {
		if got == nil && want == nil {
			return ""
		}
		return fmt.Sprintf("got %v, want %v", got, want)
	}
	if got.GeoJSONType() != want.GeoJSONType() {
		return fmt.Sprintf("type %s, want %s", got.GeoJSONType(), want.GeoJSONType())
	}
	if gc, ok := got.(orb.Collection); ok {
		wc := want.(orb.Collection)
		if len(gc) != len(wc) {
			return fmt.Sprintf("%d geometries, want %d", len(gc), len(wc))
		}
		for i := range gc {
			if diff := geometryDiff(gc[i], wc[i]); diff != "" {
				return fmt.Sprintf("geometry %d: %s", i, diff)
			}
		}
		return ""
	}
	a, b := geometryPointLists(got), geometryPointLists(want)
	if len(a) != len(b) {
		return fmt.Sprintf("%d parts, want %d", len(a), len(b))
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return fmt.Sprintf("part %d has %d points, want %d", i, len(a[i]), len(b[i]))
		}
		for j := range a[i] {
			if math.Abs(a[i][j][0]-b[i][j][0]) > 1e-9 || math.Abs(a[i][j][1]-b[i][j][1]) > 1e-9 {
				return fmt.Sprintf("part %d point %d is %v, want %v", i, j, a[i][j], b[i][j])
			}
		}
	}
	return ""
}

// geometryPointLists lists the point sequences of g in order, one per ring,
// line or point, with an empty list closing each polygon of a MultiPolygon.
func geometryPointLists(g orb.Geometry) [][]orb.Point {
	switch x := g.(type) {
	case orb.Point:
		return [][]orb.Point{{x}}
	case orb.MultiPoint:
		return [][]orb.Point{x}
	case orb.LineString:
		return [][]orb.Point{x}
	case orb.Polygon:
		var out [][]orb.Point
		for _, r := range x {
			out = append(out, r)
		}
		return out
	case orb.MultiLineString:
		var out [][]orb.Point
		for _, l := range x {
			out = append(out, l)
		}
		return out
	case orb.MultiPolygon:
		var out [][]orb.Point
		for _, p := range x {
			out = append(out, geometryPointLists(p)...)
			out = append(out, nil) // polygon boundary
		}
		return out
	}
	return nil
}

// jsonProperties returns props as they read back from JSON, so they compare
// with properties decoded from a GeoJSON file.
func jsonProperties(t *testing.T, props geojson.Properties) map[string]any {
	t.Helper()
	b, err := json.Marshal(props)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// jsonUnmarshalFile decodes the JSON file at path into v.
func jsonUnmarshalFile(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}
