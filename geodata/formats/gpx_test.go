package formats

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// gpxSharedCases are the GPX files in the shared test data with what the
// decoder must count in each. Routes and tracks without points are
// rejected with an issue (togeojson and GDAL keep quiet or write an empty
// geometry).
var gpxSharedCases = map[string]struct{ read, accepted, rejected int }{
	"Mojstrovka.gpx":                  {1, 1, 0},
	"empty_trk.gpx":                   {1, 0, 1},
	"gdal.gpx":                        {7, 4, 3}, // "empty route", "empty track", "empty track 2"
	"gpx-without-xml-declaration.gpx": {1, 1, 0},
	"gpx1.0_with_all_fields.gpx":      {6, 5, 1}, // the last <trk/> is empty
	"gpx1.1_with_extensions.gpx":      {3, 3, 0},
	"iso8859-1encoded.gpx":            {8, 8, 0},
	"trek.gpx":                        {1, 1, 0},
	"wpt.gpx":                         {40, 40, 0},
	"zero_elevation.gpx":              {1, 1, 0},
}

// togeojsonGPXOnly are togeojson properties that are not simple values of
// the element: coordTimes is an array of per-point times, _gpxType names
// the element (our features come from wpt, rte and trk in file order), and
// heartRates and ptExts are per-point extension arrays. "links" is an array
// too; it is compared with our flat link1_href, link1_text, link1_type, ...
var togeojsonGPXOnly = map[string]bool{
	"coordTimes": true, "_gpxType": true, "heartRates": true, "ptExts": true, "xmlnsArr": true,
}

// togeojsonGPXQuirks are values togeojson takes from the first element of
// that name anywhere inside a wpt, rte or trk, not from the element itself.
// We read a feature's own children only (GDAL does the same), so these must
// be absent from our feature. ("time" on a route or track comes from the
// same lookup, but as the start time it is worth having, so we keep it.)
var togeojsonGPXQuirks = map[string]map[string]string{
	"gdal.gpx":           {"type": "the waypoint's <link><type> (a MIME type), not a waypoint type"},
	"zero_elevation.gpx": {"cmt": "the first track point's comment, not the track's"},
}

// TestDecodeGPXSharedCases decodes every shared GPX case and, where
// X.expected.geojson exists (made by mapbox/togeojson), checks that every
// togeojson feature has one of ours with the same geometry (2D, within
// 1e-9; see canonicalGeometry) and the same simple property values.
// togeojson writes tracks, then routes, then waypoints; we keep file order,
// so features are matched regardless of order. Waypoint elevations, which
// togeojson writes as a third coordinate, must be our "ele" property.
func TestDecodeGPXSharedCases(t *testing.T) {
	dir := sharedData(t, "formats", "gpx")
	files, err := filepath.Glob(filepath.Join(dir, "*.gpx"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no GPX cases in %s (%v)", dir, err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			d, err := DecodeGPX(bytes.NewReader(readXMLFixture(t, file)), Options{})
			if err != nil {
				t.Fatalf("DecodeGPX: %v", err)
			}
			checkXMLCounts(t, d)
			want, ok := gpxSharedCases[name]
			if !ok {
				t.Fatalf("%s is not in gpxSharedCases; add it with its counts", name)
			}
			if got := (struct{ read, accepted, rejected int }{d.Report.Read, d.Report.Accepted, d.Report.Rejected}); got != want {
				t.Fatalf("counts read/accepted/rejected = %v, want %v; issues: %+v", got, want, d.Report.Issues)
			}
			expected, ok := readExpectedFeatures(t, file+".expected.geojson")
			if !ok {
				return
			}
			if len(expected) != len(d.Features) {
				t.Fatalf("got %d features, togeojson has %d", len(d.Features), len(expected))
			}
			rawExpected := readExpectedZ(t, file+".expected.geojson")
			used := make([]bool, len(d.Features))
			for i, e := range expected {
				match := -1
				var lastDiff string
				for j, f := range d.Features {
					if used[j] {
						continue
					}
					if diff := geometryDiff(canonicalGeometry(f.Geometry), e.geometry); diff != "" {
						continue
					}
					lastDiff = togeojsonGPXPropertyDiff(jsonProperties(t, f.Properties), e.props, rawExpected[i], togeojsonGPXQuirks[name])
					if lastDiff == "" {
						match = j
						break
					}
				}
				if match < 0 {
					t.Errorf("togeojson feature %d (%s, %v) has no match; closest: %s", i+1, e.geometry.GeoJSONType(), e.props, lastDiff)
					continue
				}
				used[match] = true
			}
		})
	}
}

// togeojsonGPXPropertyDiff compares our properties with a togeojson
// feature's; z is the waypoint elevation togeojson put in the coordinates.
func togeojsonGPXPropertyDiff(ours, theirs map[string]any, z *float64, quirks map[string]string) string {
	for k, v := range theirs {
		switch {
		case togeojsonGPXOnly[k]:
		case quirks[k] != "":
			if _, ok := ours[k]; ok {
				return fmt.Sprintf("we have %q = %v; togeojson's value is %s", k, ours[k], quirks[k])
			}
		case k == "links":
			links, _ := v.([]any)
			for i, l := range links {
				link, _ := l.(map[string]any)
				for _, part := range []string{"href", "text", "type"} {
					key := fmt.Sprintf("link%d_%s", i+1, part)
					if ours[key] != link[part] {
						return fmt.Sprintf("%s = %v, want %v", key, ours[key], link[part])
					}
				}
			}
		case !reflect.DeepEqual(ours[k], v):
			return fmt.Sprintf("%q = %#v, want %#v", k, ours[k], v)
		}
	}
	if z != nil && ours["ele"] != *z {
		return fmt.Sprintf("ele = %v, want %v", ours["ele"], *z)
	}
	return ""
}

// readExpectedZ returns, per feature of an expected file, the third
// coordinate of a Point (the waypoint elevation), or nil.
func readExpectedZ(t *testing.T, path string) []*float64 {
	t.Helper()
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string `json:"type"`
				Coordinates any    `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := jsonUnmarshalFile(path, &fc); err != nil {
		t.Fatal(err)
	}
	out := make([]*float64, len(fc.Features))
	for i, f := range fc.Features {
		if c, ok := f.Geometry.Coordinates.([]any); ok && f.Geometry.Type == "Point" && len(c) == 3 {
			if z, ok := c[2].(float64); ok {
				out[i] = &z
			}
		}
	}
	return out
}

// TestDecodeGPXFeatures covers what the shared cases do not: metadata that
// is not a feature, waypoint fields and links, tracks with empty segments
// (left out) and with several segments (a MultiLineString), and the start
// time of a track.
func TestDecodeGPXFeatures(t *testing.T) {
	d := decodeGPXFixture(t, "segments.gpx", Options{})
	checkXMLCounts(t, d)
	wants := []struct {
		geom  orb.Geometry
		props geojson.Properties
	}{
		{orb.Point{36.8219, -1.2921}, geojson.Properties{
			"ele": 1650.5, "time": "2024-03-01T08:00:00Z", "name": "Depot", "sym": "Flag, Blue", "type": "Warehouse",
			"link1_href": "https://example.org/depot", "link1_text": "Depot page",
		}},
		{orb.MultiLineString{{{30, 0}, {30.1, 0.1}}, {{31, 1}, {31.1, 1.1}}}, geojson.Properties{
			"name": "Two legs", "type": "Convoy", "time": "2024-03-01T08:00:00Z",
		}},
		{orb.LineString{{32, 2}, {32.1, 2.1}}, geojson.Properties{"name": "One leg after an empty one"}},
		{orb.LineString{{33, 3}, {33.1, 3.1}}, geojson.Properties{"name": "Short cut"}},
	}
	if len(d.Features) != len(wants) {
		t.Fatalf("got %d features, want %d; issues %+v", len(d.Features), len(wants), d.Report.Issues)
	}
	for i, w := range wants {
		f := d.Features[i]
		if !orb.Equal(f.Geometry, w.geom) {
			t.Errorf("feature %d geometry %#v, want %#v", i+1, f.Geometry, w.geom)
		}
		if !reflect.DeepEqual(f.Properties, w.props) {
			t.Errorf("feature %d properties %#v, want %#v", i+1, f.Properties, w.props)
		}
		if f.ID != nil {
			t.Errorf("feature %d has ID %v; GPX has no feature ids", i+1, f.ID)
		}
	}
	if notes := strings.Join(d.Notes, "\n"); !strings.Contains(notes, "GPX version 1.1") {
		t.Errorf("notes %q do not name the GPX version", notes)
	}
}

// TestDecodeGPXEncodings reads accented and other non-ASCII names from GPX
// files in ISO-8859-1, windows-1252 and UTF-16.
func TestDecodeGPXEncodings(t *testing.T) {
	tests := []struct {
		file, name, desc, note string
	}{
		{"latin1.gpx", "Åre fjällstation", "Café près de la rivière, Zürich", "ISO-8859-1"},
		{"windows1252.gpx", "“Ação” €5", "Straße – geöffnet", "windows-1252"},
		{"utf16le_bom.gpx", "Ğazze 北京", "Café", "UTF-16"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := decodeGPXFixture(t, tt.file, Options{})
			if len(d.Features) != 1 {
				t.Fatalf("got %d features, want 1; issues %+v", len(d.Features), d.Report.Issues)
			}
			p := d.Features[0].Properties
			if p["name"] != tt.name || p["desc"] != tt.desc {
				t.Errorf("name, desc = %q, %q; want %q, %q", p["name"], p["desc"], tt.name, tt.desc)
			}
			if notes := strings.Join(d.Notes, "\n"); !strings.Contains(notes, tt.note) {
				t.Errorf("notes %q do not mention the conversion from %s", notes, tt.note)
			}
		})
	}
}

// TestDecodeGPXBadPoints checks that waypoints without lat/lon, and
// waypoints, routes and tracks with unreadable or non-finite coordinates,
// are rejected with an issue each while the good ones are kept; and that an
// elevation that is not a number is kept as text and flagged.
func TestDecodeGPXBadPoints(t *testing.T) {
	t.Run("wpt without lat/lon", func(t *testing.T) {
		d := decodeGPXFixture(t, "wpt_without_latlon.gpx", Options{})
		checkXMLCounts(t, d)
		if d.Report.Accepted != 1 || d.Report.Rejected != 2 {
			t.Fatalf("accepted %d, rejected %d; want 1, 2; issues %+v", d.Report.Accepted, d.Report.Rejected, d.Report.Issues)
		}
		for i, is := range d.Report.Issues {
			if is.Feature != i+1 || is.Code != "missing_coordinates" || is.Action != geodata.Rejected || is.Field != "geometry" {
				t.Errorf("issue %+v, want feature %d missing_coordinates rejected", is, i+1)
			}
		}
		if !strings.Contains(d.Report.Issues[0].Message, `the waypoint "No position" is missing its lat or lon attribute`) {
			t.Errorf("message %q does not name the waypoint", d.Report.Issues[0].Message)
		}
		if p := d.Features[0].Properties; p["name"] != "Fine" || p["ele"] != 372.0 {
			t.Errorf("kept %v, want the waypoint Fine with ele 372", p)
		}
	})
	t.Run("garbage coordinates", func(t *testing.T) {
		d := decodeGPXFixture(t, "garbage_coordinates.gpx", Options{})
		checkXMLCounts(t, d)
		wantRejected := map[int]string{
			1: `lon "def" is not a number`,
			2: `lat "NaN" is not a number`,
			3: `lon "1e999" is out of range`,
			4: `lat is empty`,
			6: `route point 2: lat "x" is not a number`,
			7: `track point 2 is missing its lat or lon attribute`,
		}
		rejected := map[int]string{}
		for _, is := range d.Report.Issues {
			if is.Action == geodata.Rejected {
				if is.Code != "bad_coordinates" {
					t.Errorf("issue %+v: code %s, want bad_coordinates", is, is.Code)
				}
				rejected[is.Feature] = is.Message
			}
		}
		for pos, want := range wantRejected {
			if !strings.Contains(rejected[pos], want) {
				t.Errorf("feature %d: message %q does not say %q", pos, rejected[pos], want)
			}
		}
		if len(rejected) != len(wantRejected) || d.Report.Accepted != 2 {
			t.Errorf("rejected %v and accepted %d; want features %v rejected and 2 accepted", rejected, d.Report.Accepted, wantRejected)
		}
		padded := d.Features[0]
		if !orb.Equal(padded.Geometry, orb.Point{2.5, 1.5}) || padded.Properties["ele"] != "abc" || padded.Properties["sat"] != 7.0 {
			t.Errorf("padded waypoint %v %v", padded.Geometry, padded.Properties)
		}
		if d.Report.Counts["not_a_number"] != 1 {
			t.Errorf("the text elevation is not flagged: %v", d.Report.Counts)
		}
	})
}

// TestDecodeGPXRefusesBadFiles covers whole-file problems and the limits.
func TestDecodeGPXRefusesBadFiles(t *testing.T) {
	tests := []struct {
		file     string
		limits   Limits
		code     geodata.Code
		contains string
	}{
		{file: "doctype_xxe.gpx", code: geodata.Invalid, contains: "<!DOCTYPE>"},
		{file: "billion_laughs.gpx", code: geodata.Invalid, contains: "<!DOCTYPE>"},
		{file: "unclosed.gpx", code: geodata.Invalid, contains: "not well-formed XML"},
		{file: "empty.gpx", code: geodata.Invalid, contains: "empty"},
		{file: "not_xml.gpx", code: geodata.Invalid, contains: "not GPX"},
		{file: "kml_as_gpx.gpx", code: geodata.Invalid, contains: "<kml>, not <gpx>"},
		{file: "many_waypoints.gpx", limits: Limits{MaxFeatures: 100}, code: geodata.TooLarge, contains: "more than 100 features (limit max_features)"},
		{file: "long_track.gpx", limits: Limits{MaxVertices: 100}, code: geodata.TooLarge, contains: "more than 100 coordinates (limit max_vertices)"},
		{file: "segments.gpx", limits: Limits{MaxProperties: 3}, code: geodata.TooLarge, contains: "limit max_properties"},
		{file: "latin1.gpx", limits: Limits{MaxValueLength: 10}, code: geodata.TooLarge, contains: "limit max_value_length"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readXMLFixture(t, filepath.Join("testdata", "gpx", tt.file))
			d, err := DecodeGPX(bytes.NewReader(data), Options{Limits: tt.limits})
			checkXMLError(t, d, err, tt.code, tt.contains)
		})
	}
	for file, accepted := range map[string]int{"many_waypoints.gpx": 200, "long_track.gpx": 1} {
		d := decodeGPXFixture(t, file, Options{})
		if d.Report.Accepted != accepted {
			t.Errorf("%s with the default limits: accepted %d, want %d", file, d.Report.Accepted, accepted)
		}
	}
}

func decodeGPXFixture(t *testing.T, name string, opts Options) *Decoded {
	t.Helper()
	d, err := DecodeGPX(bytes.NewReader(readXMLFixture(t, filepath.Join("testdata", "gpx", name))), opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if d.Format != GPX {
		t.Errorf("%s: Format = %q", name, d.Format)
	}
	return d
}
