package formats

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// osmFixtures are the three encodings of one extract (testdata/osm/README.md).
var osmFixtures = []string{"palermo_services.osm", "palermo_services_overpass.json", "palermo_services.osm.pbf"}

func osmSource(t testing.TB, name string, b []byte) Source {
	t.Helper()
	return Source{Name: name, Size: int64(len(b)), R: bytes.NewReader(b)}
}

func readOSMFixture(t testing.TB, name string) Source {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "osm", name))
	if err != nil {
		t.Fatal(err)
	}
	return osmSource(t, name, b)
}

func TestDecodeOSMFixtures(t *testing.T) {
	want := map[string][2]string{ // id → category, subtype
		"node/1": {"health", "hospital"}, "node/2": {"health", "clinic"}, "node/3": {"health", "pharmacy"},
		"node/4": {"health", "dentist"}, "node/5": {"psychosocial", "counselling"}, "node/6": {"legal", "legal_aid"},
		"node/8": {"food", "food_bank"}, "node/9": {"wash", "drinking_water"}, "node/13": {"health", "doctors"},
		"node/14": {"psychosocial", "psychotherapist"}, "way/100": {"health", "hospital"}, "way/200": {"shelter", "shelter"},
		"relation/300": {"shelter", "refugee_site"},
	}
	for _, name := range osmFixtures {
		t.Run(name, func(t *testing.T) {
			src := readOSMFixture(t, name)
			b := make([]byte, 512)
			n, _ := src.R.ReadAt(b, 0)
			if f, err := DetectSource(src, b[:n]); err != nil || f != OSM {
				t.Fatalf("DetectSource = %q, %v; want osm", f, err)
			}
			d, err := DecodeOSM(src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkReportCounts(t, d)
			if len(d.Features) != len(want) {
				t.Fatalf("%d features, want %d", len(d.Features), len(want))
			}
			for _, f := range d.Features {
				id, _ := f.ID.(string)
				w, ok := want[id]
				if !ok {
					t.Errorf("unexpected feature %s", id)
					continue
				}
				if f.Properties["category"] != w[0] || f.Properties["subtype"] != w[1] {
					t.Errorf("%s: %v/%v, want %s/%s", id, f.Properties["category"], f.Properties["subtype"], w[0], w[1])
				}
				if _, isPoint := f.Geometry.(orb.Point); !isPoint {
					t.Errorf("%s: geometry %T, want a point", id, f.Geometry)
				}
				if f.Properties["osm_type"] != strings.Split(id, "/")[0] {
					t.Errorf("%s: osm_type %v", id, f.Properties["osm_type"])
				}
			}
			byID := map[string]map[string]any{}
			for _, f := range d.Features {
				byID[f.ID.(string)] = f.Properties
			}
			for id, props := range map[string]map[string]any{
				"node/1":  {"name": "Ospedale Civico", "phone": "+39 091 6661111", "hours": "24/7", "last_verified": "2024-03-01", "organization": "ARNAS Civico", "osm_id": int64(1)},
				"node/2":  {"languages": "ar, fr, it", "organization": "Emergency ONG"},
				"node/5":  {"last_verified": "2023-11-20"},
				"node/13": {"last_verified": "2022-06"},
			} {
				for k, v := range props {
					if byID[id][k] != v {
						t.Errorf("%s %s = %#v, want %#v", id, k, byID[id][k], v)
					}
				}
			}
			// The U-shaped shelter's centroid lies in its notch: the point
			// must be on the building itself.
			u := orb.Polygon{{{13.370, 38.120}, {13.373, 38.120}, {13.373, 38.123}, {13.372, 38.123}, {13.372, 38.121}, {13.371, 38.121}, {13.371, 38.123}, {13.370, 38.123}, {13.370, 38.120}}}
			for _, f := range d.Features {
				if f.ID == "way/200" && !planar.PolygonContains(u, f.Geometry.(orb.Point)) {
					t.Errorf("way/200 at %v, outside the building", f.Geometry)
				}
			}
			// Unmapped objects: counted by tag, one issue each.
			if got := d.Report.Counts[CodeOSMUnmappedTag]; got != 4 {
				t.Errorf("unmapped count %d, want 4 (2 schools, a bus stop, a lawyer)", got)
			}
			var msgs []string
			for _, is := range d.Report.Issues {
				if is.Code == CodeOSMUnmappedTag {
					msgs = append(msgs, is.Message)
				}
			}
			if len(msgs) != 3 || !strings.HasPrefix(msgs[0], "2 OpenStreetMap objects tagged amenity=school") ||
				!strings.Contains(strings.Join(msgs, "|"), "office=lawyer (not marked as legal aid)") {
				t.Errorf("unmapped issues: %q", msgs)
			}
		})
	}
}

func TestDecodeOSMCases(t *testing.T) {
	cases := []struct {
		name, file, data string
		code             geodata.Code // "" when it decodes
		features         int
		issue            string // a code the report must hold
		msg              string // text the error or issue must hold
	}{
		{name: "way without its nodes", file: "a.osm", data: `<osm version="0.6"><way id="5"><nd ref="1"/><nd ref="2"/><tag k="amenity" v="clinic"/></way></osm>`,
			issue: CodeOSMMissingGeometry, msg: `out center`},
		{name: "overpass center", file: "a.json", data: `{"version":0.6,"elements":[{"type":"way","id":7,"center":{"lat":35.5,"lon":12.6},"nodes":[1,2],"tags":{"amenity":"refugee_site"}}]}`,
			features: 1},
		{name: "open way at its midpoint", file: "a.json", data: `{"elements":[{"type":"way","id":8,"geometry":[{"lat":0,"lon":0},{"lat":0,"lon":2}],"tags":{"amenity":"water_point"}}]}`,
			features: 1},
		{name: "relation of nodes", file: "a.osm", data: `<osm><node id="1" lat="1" lon="2"/><relation id="9"><member type="node" ref="1" role=""/><tag k="social_facility" v="soup_kitchen"/></relation></osm>`,
			features: 1},
		{name: "lawyer by name", file: "a.osm", data: `<osm><node id="1" lat="1" lon="2"><tag k="office" v="lawyer"/><tag k="name" v="Asilo e diritti"/></node></osm>`,
			features: 1},
		{name: "semicolon values", file: "a.osm", data: `<osm><node id="1" lat="1" lon="2"><tag k="amenity" v="school;drinking_water"/></node></osm>`,
			features: 1},
		{name: "location out of range", file: "a.osm", data: `<osm><node id="1" lat="100" lon="2"><tag k="amenity" v="clinic"/></node></osm>`,
			issue: CodeOSMInvalidLocation},
		{name: "doctype refused", file: "a.osm", data: `<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY x "y">]><osm><node id="1" lat="1" lon="2"><tag k="amenity" v="clinic"/></node></osm>`,
			code: geodata.Invalid, msg: "DOCTYPE"},
		{name: "broken xml", file: "a.osm", data: `<osm><node id="1" lat="1" lon="2"><tag k="amenity" v="clinic"/></osm>`,
			code: geodata.Invalid, msg: "OSM XML cannot be read"},
		{name: "json without elements", file: "a.json", data: `{"version":0.6}`, code: geodata.Invalid, msg: `no "elements"`},
		{name: "json elements not a list", file: "a.json", data: `{"elements":{}}`, code: geodata.Invalid, msg: "not a list"},
		{name: "neither", file: "a.osm", data: `hello`, code: geodata.Invalid, msg: "not OpenStreetMap data"},
		{name: "pbf cut short", file: "a.osm.pbf", data: "\x00\x00\x00\x0d\x0a\x09OSMHeader\x18", code: geodata.Invalid, msg: ".osm.pbf is damaged"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := DecodeOSM(osmSource(t, c.file, []byte(c.data)), Options{})
			if c.code != "" {
				if geodata.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.msg) {
					t.Fatalf("err = %v, want %s holding %q", err, c.code, c.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkReportCounts(t, d)
			if len(d.Features) != c.features {
				t.Errorf("%d features, want %d", len(d.Features), c.features)
			}
			if c.issue != "" {
				found := false
				for _, is := range d.Report.Issues {
					found = found || is.Code == c.issue && strings.Contains(is.Message, c.msg)
				}
				if !found {
					t.Errorf("no %s issue holding %q in %+v", c.issue, c.msg, d.Report.Issues)
				}
			}
		})
	}
}

func TestDecodeOSMLimits(t *testing.T) {
	src := readOSMFixture(t, "palermo_services.osm.pbf")
	if _, err := DecodeOSM(src, Options{Limits: Limits{MaxFeatures: 5}}); geodata.ErrorCode(err) != geodata.TooLarge || !strings.Contains(err.Error(), "max_features") {
		t.Errorf("max_features: %v", err)
	}
	if _, err := DecodeOSM(src, Options{Limits: Limits{MaxVertices: 3}}); geodata.ErrorCode(err) != geodata.TooLarge || !strings.Contains(err.Error(), "max_vertices") {
		t.Errorf("max_vertices: %v", err)
	}
	if _, err := DecodeOSM(src, Options{Limits: Limits{MaxInflatedBytes: 100}}); geodata.ErrorCode(err) != geodata.TooLarge || !strings.Contains(err.Error(), "max_inflated_bytes") {
		t.Errorf("max_inflated_bytes: %v", err)
	}
}

// TestOSMPBFStringIndex checks a tag pointing past the string table is a
// clear error, not a crash: the file's own numbers are never trusted.
func TestOSMPBFStringIndex(t *testing.T) {
	pb := &pbfBlock{strings: [][]byte{[]byte(""), []byte("amenity")}}
	if _, err := pb.tags([]uint64{1}, []uint64{7}); err == nil || !strings.Contains(err.Error(), "string 7") {
		t.Errorf("err = %v", err)
	}
}

func TestOSMTagTableSubtypesInVocabulary(t *testing.T) {
	subtypes := map[string][]string{}
	for _, c := range vocab.ServiceCategories() {
		subtypes[c.Category] = c.Subtypes
	}
	for _, r := range OSMTagTable {
		for _, v := range r.Values {
			sub := r.Subtype
			if sub == "" {
				sub = v
			}
			if !containsString(subtypes[r.Category], sub) {
				t.Errorf("%s=%s → %s/%s: the subtype is not in the vocabulary", r.Key, v, r.Category, sub)
			}
		}
	}
}

func TestPointOnSurface(t *testing.T) {
	cases := []struct {
		name string
		poly orb.Polygon
	}{
		{"square", orb.Polygon{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}}},
		{"U", orb.Polygon{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}}}},
		{"C opening east", orb.Polygon{{{0, 0}, {3, 0}, {3, 1}, {1, 1}, {1, 2}, {3, 2}, {3, 3}, {0, 3}, {0, 0}}}},
		{"ring with a hole at its centroid", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {3, 1}, {3, 3}, {1, 3}, {1, 1}}}},
	}
	for _, c := range cases {
		p := pointOnSurface(c.poly)
		if !planar.PolygonContains(c.poly, p) || math.IsNaN(p[0]) {
			t.Errorf("%s: %v is not inside", c.name, p)
		}
	}
}

func TestAssembleRings(t *testing.T) {
	// Four pieces of one ring, two of them drawn backwards.
	parts := [][]orb.Point{
		{{0, 0}, {1, 0}},
		{{1, 1}, {1, 0}},
		{{1, 1}, {0, 1}},
		{{0, 0}, {0, 1}},
	}
	rings, open := assembleRings(parts)
	if len(rings) != 1 || len(open) != 0 || len(rings[0]) != 5 {
		t.Fatalf("rings %v, open %v", rings, open)
	}
	if p := relationSurfacePoint(parts, nil); !planar.RingContains(rings[0], p) {
		t.Errorf("point %v outside", p)
	}
}
