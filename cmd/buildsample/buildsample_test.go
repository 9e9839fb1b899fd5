package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/internal/testenv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
)

// fixture is a small copy of the shared data layout in testdata/shared.
func fixtureConfig(t *testing.T) config {
	t.Helper()
	return config{Shared: "testdata/shared", Out: t.TempDir(), Waypoints: "testdata/waypoints.csv", Labels: "testdata/labels.csv"}
}

func readLayer(t *testing.T, dir, id string) (*geojson.FeatureCollection, geodata.Meta, geodata.Report) {
	t.Helper()
	gz, err := os.ReadFile(filepath.Join(dir, id+".geojson.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" {
		t.Errorf("%s: gzip header carries %v %q", id, zr.ModTime, zr.Name)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	var meta geodata.Meta
	var rep geodata.Report
	for name, v := range map[string]any{".meta.json": &meta, ".report.json": &rep} {
		b, err := os.ReadFile(filepath.Join(dir, id+name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	return fc, meta, rep
}

func byID(fc *geojson.FeatureCollection) map[string]*geojson.Feature {
	out := map[string]*geojson.Feature{}
	for _, f := range fc.Features {
		out[f.ID.(string)] = f
	}
	return out
}

func TestRunFixture(t *testing.T) {
	cfg := fixtureConfig(t)
	var log bytes.Buffer
	if err := run(cfg, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "corridor  Darien") {
		t.Errorf("no corridor check in the log:\n%s", log.String())
	}

	t.Run("routes", func(t *testing.T) {
		fc, meta, rep := readLayer(t, cfg.Out, "routes")
		if meta.FeatureCount != 7 || rep.Read != 9 || rep.Rejected != 2 || rep.Repaired != 1 {
			t.Fatalf("%d features; report %+v", meta.FeatureCount, rep)
		}
		want := map[string]int{codeNotARoute: 1, codeBadGeometry: 1, codeNoMMPRoute: 2, codeRouteAlias: 1, codeLegacyCRS: 1, codeSchematic: 2}
		for code, n := range want {
			if rep.Counts[code] != n {
				t.Errorf("Counts[%s] = %d, want %d", code, rep.Counts[code], n)
			}
		}
		f := byID(fc)
		tests := []struct {
			id    string
			props map[string]any
		}{
			{"giocopp-16", map[string]any{"name": "Central Mediterranean", "label": "Central Mediterranean", "mode": "mixed", "taxonomy": "mmp",
				"major": true, "approximate": true, "region": "Mediterranean", "sea_radius_km": seaRadiusKm, "valid_to": nil}},
			{"giocopp-52", map[string]any{"name": "Mainland Europe to the UK", "former_name": "English Channel to the UK"}},
			{"giocopp-44", map[string]any{"name": "Other", "label": "Kenya–Ethiopia (Nairobi–Moyale–Addis Ababa)", "taxonomy": "other", "mode": "land",
				"flags": codeNoMMPRoute, "approximate": true, "sea_radius_km": nil}},
			{"frontex-13", map[string]any{"name": "Central Mediterranean", "frontex_name": "Central Mediterranean Route", "mode": "sea", "flags": codeRouteAlias,
				"label": "Central Mediterranean Route (Frontex, 2015)", "valid_from": "2015-01-01", "valid_to": "2015-12-31", "sea_radius_km": seaRadiusKm, "approximate": true}},
			{"frontex-12", map[string]any{"name": "Black Sea Route", "taxonomy": "other"}},
			{"schematic-darien-main", map[string]any{"name": "Darien", "mode": "jungle", "waypoints": "Necocli – Capurgana – Meteti", "source": sourceSchematic,
				"label": "Main (Necocli–Meteti)", "valid_to": nil}},
			{"schematic-sahara-desert-crossing-niger-libya", map[string]any{"branch": "Niger - Libya", "mode": "desert", "label": "Niger–Libya (Agadez–Sabha)"}},
		}
		for _, tc := range tests {
			g := f[tc.id]
			if g == nil {
				t.Errorf("no feature %s", tc.id)
				continue
			}
			for k, v := range tc.props {
				if g.Properties[k] != v {
					t.Errorf("%s: %s = %#v, want %#v", tc.id, k, g.Properties[k], v)
				}
			}
		}
	})

	t.Run("incidents", func(t *testing.T) {
		_, meta, rep := readLayer(t, cfg.Out, "incidents")
		if meta.FeatureCount != 14 || meta.Sensitivity != geodata.Restricted || meta.TimeProperty != "date" || !meta.HasField("date") {
			t.Errorf("meta %+v", meta)
		}
		for _, fld := range meta.Schema {
			if fld.Name == "date" && fld.Type != "date" {
				t.Errorf("date typed %s", fld.Type)
			}
		}
		if rep.Rejected != 5 {
			t.Errorf("report %+v", rep)
		}
	})

	t.Run("services", func(t *testing.T) {
		fc, meta, rep := readLayer(t, cfg.Out, "services")
		if meta.FeatureCount != 9 || rep.Read != 14 || rep.Rejected != 5 {
			t.Fatalf("%d features; report %+v", meta.FeatureCount, rep)
		}
		want := map[string]int{codeDuplicateOSM: 1, codeExactDuplicate: 1, codeNotHumanHealth: 1, codeMissingCoords: 1,
			codeInvalidCoords: 1, codeMissingName: 1, codeNegativeOSMID: 1, codeMissingVerified: 1, codeSwapped: 1, codeGISCONoDate: 1}
		for code, n := range want {
			if rep.Counts[code] != n {
				t.Errorf("Counts[%s] = %d, want %d", code, rep.Counts[code], n)
			}
		}
		for _, is := range rep.Issues {
			if is.Code == codeMissingCoords && !strings.Contains(is.Message, "row 2") || is.Code == codeMissingCoords && !strings.Contains(is.Message, "Ariyana Baya") {
				t.Errorf("issue does not name row and facility: %s", is.Message)
			}
		}
		f := byID(fc)
		tests := []struct {
			id    string
			point orb.Point
			props map[string]any
		}{
			{"osm-node-1001", orb.Point{13.19, 32.85}, map[string]any{"name": "Clinic A", "organization": "MoH", "hours": "24/7", "last_verified": "2019-04-13", "type": "clinic", "subtype": "clinic", "osm_id": 1001.0, "category": "health"}},
			{"osm-way-1002", orb.Point{10.18, 36.8}, map[string]any{"flags": codeMissingName, "type": "pharmacy"}},
			{"healthsites-d4", orb.Point{9.5, 30.13}, map[string]any{"flags": "negative_osm_id,missing_last_verified", "name": "Ghadames hospital"}},
			{"osm-node-1005", orb.Point{-7.6, 33.6}, map[string]any{"type": "laboratory"}},
			{"who-ner-3", orb.Point{7.99, 16.97}, map[string]any{"name": "Agadez Hospital", "type": "Hospital", "subtype": "hospital", "last_verified": whoListDate, "coord_source": "GPS", "tier": "Tier3 provincial hospital"}},
			{"gisco-mt-1", orb.Point{14.474611, 35.901683}, map[string]any{"name": "Mater Dei Hospital", "category": "health", "subtype": "hospital",
				"last_verified": "2020-01-01", "phone": "(356) 25454184", "beds": 1046.0, "emergency": "yes", "ownership": "public", "source": "Eurostat/GISCO"}},
			{"gisco-mt-2", orb.Point{14.246056, 36.039843}, map[string]any{"name": "Gozo General Hospital", "flags": codeGISCONoDate, "last_verified": nil}},
			{"gisco-it-321-30363-", orb.Point{9.21044, 45.39391}, map[string]any{"last_verified": "2020-01-01", "subtype": "hospital"}},
			{"who-mli-4", orb.Point{-7.99, 12.64}, map[string]any{"flags": codeSwapped}},
		}
		for _, tc := range tests {
			g := f[tc.id]
			if g == nil {
				t.Errorf("no feature %s", tc.id)
				continue
			}
			if p := g.Geometry.(orb.Point); p != tc.point {
				t.Errorf("%s at %v, want %v", tc.id, p, tc.point)
			}
			for k, v := range tc.props {
				if g.Properties[k] != v {
					t.Errorf("%s: %s = %#v, want %#v", tc.id, k, g.Properties[k], v)
				}
			}
		}
	})
}

func TestRunIsDeterministic(t *testing.T) {
	a, b := fixtureConfig(t), fixtureConfig(t)
	if err := run(a, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(b, io.Discard); err != nil {
		t.Fatal(err)
	}
	sameDirs(t, a.Out, b.Out)
}

// sameDirs fails unless the two folders hold the same files, byte for byte.
func sameDirs(t *testing.T, want, got string) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(want, "*"))
	if err != nil || len(names) == 0 {
		t.Fatalf("nothing in %s (%v)", want, err)
	}
	for _, n := range names {
		wb, err1 := os.ReadFile(n)
		gb, err2 := os.ReadFile(filepath.Join(got, filepath.Base(n)))
		if err1 != nil || err2 != nil {
			t.Fatalf("%v %v", err1, err2)
		}
		if !bytes.Equal(wb, gb) {
			t.Errorf("%s differs between %s and %s", filepath.Base(n), want, got)
		}
	}
	gotNames, _ := filepath.Glob(filepath.Join(got, "*"))
	if len(gotNames) != len(names) {
		t.Errorf("%d files in %s, %d in %s", len(names), want, len(gotNames), got)
	}
}

func TestCountryTable(t *testing.T) {
	rows, err := buildCountryTable("testdata/shared/basemap/world-atlas_countries-50m.topojson.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2: %+v", len(rows), rows)
	}
	if r := rows[0]; r.adm0 != "AAA" || r.nameLong != "Republic of Alpha" || r.box != [4]float64{-10, -10, 0, 0} {
		t.Errorf("row 0 %+v", r)
	}
	if r := rows[1]; r.adm0 != "BBB" || r.iso3 != "" || r.box != [4]float64{10, 10, 11, 11} {
		t.Errorf("row 1 %+v", r)
	}
	out := filepath.Join(t.TempDir(), "countries.csv")
	if code := Main([]string{"-shared", "testdata/shared", "-countries", out}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), "AAA,Alpha,Republic of Alpha,AAA,-10.00,-10.00,0.00,0.00\n") {
		t.Errorf("countries.csv:\n%s", b)
	}
}

func TestMainFlags(t *testing.T) {
	var stderr bytes.Buffer
	if code := Main([]string{"-h"}, io.Discard, &stderr); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
	if code := Main([]string{"extra"}, io.Discard, &stderr); code != 2 {
		t.Errorf("stray argument: exit %d", code)
	}
	if code := Main([]string{"-shared", "testdata/nothing-here"}, io.Discard, &stderr); code != 1 {
		t.Errorf("missing shared folder: exit %d", code)
	}
}

func TestWaypointErrors(t *testing.T) {
	tests := map[string]string{
		"not an MMP route":          "Moon route,A,1,X,,1,1,land,,\nMoon route,A,2,Y,,2,2,land,,\n",
		"bad mode":                  "Darien,A,1,X,,1,1,swim,,\nDarien,A,2,Y,,2,2,swim,,\n",
		"out of order":              "Darien,A,2,X,,1,1,land,,\nDarien,A,1,Y,,2,2,land,,\n",
		"one waypoint":              "Darien,A,1,X,,1,1,land,,\n",
		"bad latitude":              "Darien,A,1,X,,1,91,land,,\nDarien,A,2,Y,,2,2,land,,\n",
		"mixed modes":               "Darien,A,1,X,,1,1,land,,\nDarien,A,2,Y,,2,2,sea,,\n",
		"sea radius on land":        "Darien,A,1,X,,1,1,land,75,\nDarien,A,2,Y,,2,2,land,75,\n",
		"sea radius not a number":   "Darien,A,1,X,,1,1,sea,wide,\nDarien,A,2,Y,,2,2,sea,wide,\n",
		"sea radius too large":      "Darien,A,1,X,,1,1,sea,500,\nDarien,A,2,Y,,2,2,sea,500,\n",
		"sea radius not one value":  "Darien,A,1,X,,1,1,sea,75,\nDarien,A,2,Y,,2,2,sea,50,\n",
		"old nine-column layout":    "Darien,A,1,X,,1,1,land,\nDarien,A,2,Y,,2,2,land,\n",
		"route name spelt off-list": "other,A,1,X,,1,1,land,,\nother,A,2,Y,,2,2,land,,\n",
	}
	for name, rows := range tests {
		path := filepath.Join(t.TempDir(), "w.csv")
		if err := os.WriteFile(path, []byte("route,branch,order,place,country,lon,lat,mode,sea_radius_km,note\n"+rows), 0o644); err != nil {
			t.Fatal(err)
		}
		b := &routeBuilder{}
		b.log = newIssueLog(&b.report, 10)
		if _, err := b.readWaypoints(path); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestWaypointsOtherAndSea(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.csv")
	rows := "route,branch,order,place,country,lon,lat,mode,sea_radius_km,note\n" +
		"Other,Panama - Honduras,1,Panama City,PAN,-79.52,8.98,land,,\nOther,Panama - Honduras,2,Tegucigalpa,HND,-87.21,14.08,land,,\n" +
		"Caribbean to US,Cuba - Florida Straits,1,Havana,CUB,-82.38,23.13,sea,75,\nCaribbean to US,Cuba - Florida Straits,2,Key West,USA,-81.78,24.56,sea,75,\n"
	if err := os.WriteFile(path, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &routeBuilder{}
	b.log = newIssueLog(&b.report, 10)
	if _, err := b.readWaypoints(path); err != nil {
		t.Fatal(err)
	}
	if len(b.features) != 2 {
		t.Fatalf("%d lines", len(b.features))
	}
	other, sea := b.features[0].Properties, b.features[1].Properties
	if other["name"] != "Other" || other["taxonomy"] != "other" || other["label"] != "Panama–Honduras (Panama City–Tegucigalpa)" ||
		other["flags"] != codeSchematic+","+codeNoMMPRoute || other["sea_radius_km"] != nil {
		t.Errorf("Other line: %v", other)
	}
	if sea["sea_radius_km"] != 75.0 || sea["taxonomy"] != "mmp" || sea["label"] != "Cuba–Florida Straits (Havana–Key West)" || sea["approximate"] != true {
		t.Errorf("sea line: %v", sea)
	}
	if b.report.Counts[codeNoMMPRoute] != 1 {
		t.Errorf("report counts %v", b.report.Counts)
	}
}

func TestBranchLabel(t *testing.T) {
	tests := []struct{ branch, first, last, want string }{
		{"Niger - Libya", "Agadez", "Tripoli", "Niger–Libya (Agadez–Tripoli)"},
		{"Nimroz - Tehran", "Zaranj", "Tehran", "Nimroz–Tehran (Zaranj–Tehran)"},
		{"Herat - Tehran", "Herat", "Tehran", "Herat–Tehran"},
		{"Sonoran Desert", "Tijuana / San Ysidro", "Ciudad Juarez / El Paso", "Sonoran Desert (Tijuana–Ciudad Juarez)"},
		{"Samana - Aguadilla", "Sanchez (Samana Bay)", "Aguadilla", "Samana–Aguadilla (Sanchez–Aguadilla)"},
		{"Tapachula - Mexico City (La Bestia)", "Tapachula", "Huehuetoca", "Tapachula–Mexico City (La Bestia: Tapachula–Huehuetoca)"},
	}
	for _, tc := range tests {
		if got := branchLabel(tc.branch, tc.first, tc.last); got != tc.want {
			t.Errorf("branchLabel(%q, %q, %q) = %q, want %q", tc.branch, tc.first, tc.last, got, tc.want)
		}
	}
}

func TestLineLabelErrors(t *testing.T) {
	tests := map[string]string{
		"no label":       "giocopp-1,,,\n",
		"label Other":    "giocopp-1,Other,,\n",
		"listed twice":   "giocopp-1,A–B,,\ngiocopp-1,A–C,,\n",
		"bad sea radius": "giocopp-1,A–B,far,\n",
		"three columns":  "giocopp-1,A–B,\n",
	}
	for name, rows := range tests {
		path := filepath.Join(t.TempDir(), "l.csv")
		if err := os.WriteFile(path, []byte("id,label,sea_radius_km,note\n"+rows), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readLineLabels(path); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// An "Other" line without a label stops the build.
	cfg := fixtureConfig(t)
	cfg.Labels = filepath.Join(t.TempDir(), "empty.csv")
	if err := os.WriteFile(cfg.Labels, []byte("id,label,sea_radius_km,note\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(cfg, io.Discard); err == nil || !strings.Contains(err.Error(), "giocopp-44") {
		t.Errorf("unlabelled Other line: %v", err)
	}
}

func TestDistanceToLineKm(t *testing.T) {
	line := orb.LineString{{0, 0}, {0, 10}}
	tests := []struct {
		p    orb.Point
		want float64
	}{
		{orb.Point{0, 5}, 0},
		{orb.Point{1, 5}, 111.1},  // one degree of longitude near the equator
		{orb.Point{0, 11}, 111.2}, // beyond the end: distance to the end point
		{orb.Point{-1, 0}, 111.2},
	}
	for _, tc := range tests {
		if got := distanceToLineKm(tc.p, line); math.Abs(got-tc.want) > 1 {
			t.Errorf("distance from %v = %.1f km, want %.1f", tc.p, got, tc.want)
		}
	}
	// Across the antimeridian.
	if got := distanceToLineKm(orb.Point{179.5, 0}, orb.LineString{{-179.5, -1}, {-179.5, 1}}); math.Abs(got-111.2) > 1 {
		t.Errorf("across the antimeridian: %.1f km", got)
	}
	if got := distanceToLineKm(orb.Point{0, 0}, nil); !math.IsInf(got, 1) {
		t.Errorf("empty line: %v", got)
	}
}

func TestLandMaskMode(t *testing.T) {
	m, err := loadLandMask("testdata/shared/basemap/ne_110m_admin_0_countries.geojson")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line orb.LineString
		want string
	}{
		{orb.LineString{{1, 1}, {10, 10}}, "land"},
		{orb.LineString{{-10, -10}, {-5, -5}}, "sea"},
		{orb.LineString{{10, 10}, {30, 10}}, "mixed"},
	}
	for _, tc := range tests {
		if got := m.mode(tc.line); got != tc.want {
			t.Errorf("mode(%v) = %s, want %s", tc.line, got, tc.want)
		}
	}
}

func TestEncodeCollectionRounds(t *testing.T) {
	f := geojson.NewFeature(orb.Point{1.23456789, -2.000000049})
	f.ID = "a"
	f.Properties["b"] = 1
	f.Properties["a"] = "x"
	got, err := encodeCollection([]*geojson.Feature{f})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"FeatureCollection","features":[{"id":"a","type":"Feature","geometry":{"type":"Point","coordinates":[1.234568,-2]},"properties":{"a":"x","b":1}}]}` + "\n"
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if f.Geometry.(orb.Point)[0] != 1.23456789 {
		t.Error("encodeCollection changed its input")
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Eastern Route to/from EHOA": "eastern-route-to-from-ehoa",
		"Niger - Libya":              "niger-libya",
		"  US-Mexico border  ":       "us-mexico-border",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// sharedData is the shared data beside the project, relative to this
// package. Without it the real-data tests skip, unless CI=true.
func sharedData(t *testing.T) string {
	t.Helper()
	dir := testenv.SharedData(t)
	if _, err := os.Stat(filepath.Join(dir, "incidents", "mmp_hdx_api_json")); err != nil {
		testenv.Unavailable(t, "the shared data has no incidents/mmp_hdx_api_json: "+err.Error())
	}
	return dir
}

// TestCommittedLayersAreCurrent rebuilds the sample layers from the shared
// data and compares them with the committed ones: `make sample` must
// produce no diff unless the data or the import changed.
func TestCommittedLayersAreCurrent(t *testing.T) {
	cfg := config{Shared: sharedData(t), Out: t.TempDir(), Waypoints: "../../geodata/sample/source/schematic_waypoints.csv", Labels: "../../geodata/sample/source/route_labels.csv"}
	if err := run(cfg, io.Discard); err != nil {
		t.Fatal(err)
	}
	sameDirs(t, "../../geodata/sample/layers", cfg.Out)
}

// TestSchematicCorridorsFollowIncidents checks that most incidents MMP
// files under each schematic route lie near its corridor.
func TestSchematicCorridorsFollowIncidents(t *testing.T) {
	shared := sharedData(t)
	inc, err := buildIncidents(filepath.Join(shared, "incidents", "mmp_hdx_api_json"))
	if err != nil {
		t.Fatal(err)
	}
	routes, checks, err := buildRoutes(routeInput{
		giocopp:   filepath.Join(shared, "routes", "giocopp_route_corridors.geojson"),
		frontex:   filepath.Join(shared, "routes", "frontex_routes_2015_ifrc_dashboard.geojson"),
		waypoints: "../../geodata/sample/source/schematic_waypoints.csv",
		labels:    "../../geodata/sample/source/route_labels.csv",
		land:      filepath.Join(shared, "basemap", "ne_110m_admin_0_countries.geojson"),
	}, inc.layer.Features)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) < 5 {
		t.Fatalf("%d schematic routes, want at least 5", len(checks))
	}
	traced := map[string]bool{} // routes that also have traced or Frontex lines
	for _, f := range routes.layer.Features {
		if f.Properties["source"] != sourceSchematic {
			traced[f.Properties["name"].(string)] = true
		}
	}
	for _, c := range checks {
		t.Logf("%-28s %5d incidents: %5.1f%% within 100 km, %5.1f%% within 300 km", c.route, c.incidents, 100*c.within100, 100*c.within300)
		// A route MMP rarely names (most Bay of Bengal incidents have no
		// route) says little about its corridor, and where schematic
		// branches only add to traced lines (Central Mediterranean from
		// Egypt) they cover a part of the route's incidents.
		if c.incidents >= 50 && !traced[c.route] && c.within300 < 0.85 {
			t.Errorf("%s: %.0f%% of %d incidents within 300 km of the corridor, want at least 85%%", c.route, 100*c.within300, c.incidents)
		}
	}
}
