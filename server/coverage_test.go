package server

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/auth"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/coverage/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// coverageApp is a write app with testdata/coverage's line from Tunis
// into Algeria and its incidents; services come per test.
func coverageApp(t *testing.T) *writeApp {
	t.Helper()
	a := newWriteApp(t, UploadOptions{})
	for _, l := range []struct{ id, kind, file string }{{"routes", "route", "routes.geojson"}, {"incidents", "incident", "incidents.geojson"}} {
		r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, l.file, readTestdata(t, l.file),
			"id", l.id, "kind", l.kind, "title", l.id, "source", "test", "license", "CC0")
		if r.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", l.id, r.Code, r.Body)
		}
	}
	return a
}

func (a *writeApp) get(t *testing.T, target string, role auth.Role) response {
	t.Helper()
	if role == "" {
		return do(t, a.e, http.MethodGet, target)
	}
	return do(t, a.e, http.MethodGet, target, "Authorization", "Bearer "+a.tokens[role])
}

// healthByLon returns each segment's coverage_health, keyed by the
// longitude of its middle rounded down to a tenth of a degree.
func healthByLon(t *testing.T, a *writeApp, query string) map[float64]string {
	t.Helper()
	r := a.get(t, "/api/v1/risk/segments"+query, auth.Staff)
	if r.Code != http.StatusOK {
		t.Fatalf("segments: %d %s", r.Code, r.Body)
	}
	fc, err := geojson.UnmarshalFeatureCollection(r.body(t))
	if err != nil {
		t.Fatal(err)
	}
	out := map[float64]string{}
	for _, f := range fc.Features {
		line := f.Geometry.(orb.LineString)
		mid := (line[0][0] + line[len(line)-1][0]) / 2
		out[float64(int(mid*10))/10] = f.Properties.MustString("coverage_health")
	}
	return out
}

// statusAt returns the status of the segment whose middle is nearest lon.
func statusAt(m map[float64]string, lon float64) string {
	best, st := 1e9, ""
	for l, s := range m {
		if d := (l - lon) * (l - lon); d < best {
			best, st = d, s
		}
	}
	return st
}

func TestDeclaredCoverageInTheAnalysis(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fields []string
		want   map[float64]string // longitude → coverage_health
		source string
	}{
		{name: "declared Tunisia: gaps only in Tunisia, no data in Algeria",
			fields: []string{"coverage_countries", "TN"}, source: geodata.CoverageDeclared,
			want: map[float64]string{10.1: "ok", 9.0: "gap", 8.5: "gap", 7.5: "no_data", 6.7: "no_data"}},
		{name: "declared Tunisia and Algeria: gaps in both",
			fields: []string{"coverage_countries", "tun,DZ"}, source: geodata.CoverageDeclared,
			want: map[float64]string{10.1: "ok", 9.0: "gap", 7.5: "gap", 6.7: "gap"}},
		{name: "declared area west of 8°E only: the clinic's own stretch is no data",
			fields: []string{"coverage_area", `{"type":"Polygon","coordinates":[[[5,35],[8,35],[8,38],[5,38],[5,35]]]}`}, source: geodata.CoverageDeclared,
			want: map[float64]string{10.1: "no_data", 9.0: "no_data", 7.5: "gap", 6.7: "gap"}},
		{name: "computed: about 180 km around the services",
			source: geodata.CoverageComputed,
			want:   map[float64]string{10.1: "ok", 9.0: "gap", 6.7: "no_data"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := coverageApp(t)
			fields := append([]string{"id", "clinics", "kind", "service", "title", "Clinics", "source", "Test directory", "license", "CC0"}, tc.fields...)
			r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "clinic.geojson", readTestdata(t, "clinic.geojson"), fields...)
			if r.Code != http.StatusCreated {
				t.Fatalf("upload: %d %s", r.Code, r.Body)
			}
			if m := layerMeta(t, a, "clinics"); m.CoverageSource != tc.source || m.Coverage == nil || m.Coverage.Outline != "/api/v1/layers/clinics/coverage" {
				t.Errorf("meta coverage %+v, source %q; want %s", m.Coverage, m.CoverageSource, tc.source)
			}
			got := healthByLon(t, a, "")
			for lon, want := range tc.want {
				if st := statusAt(got, lon); st != want {
					t.Errorf("segment at %g°E: coverage_health %s, want %s", lon, st, want)
				}
			}
		})
	}
}

func TestCoverageMetadataAndOutline(t *testing.T) {
	a := coverageApp(t)
	fields := append(slices.Clone(newLayerFields), "coverage_countries", "TN, LY")
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "clinics.geojson", []byte(twoClinics), fields...); r.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Code, r.Body)
	}
	m := layerMeta(t, a, "clinics")
	if m.CoverageSource != "declared" || !slices.Equal(m.Coverage.Countries, []string{"LBY", "TUN"}) {
		t.Fatalf("coverage %+v %q", m.Coverage, m.CoverageSource)
	}
	// The OGC collection says the same.
	var doc struct {
		Coverage       *geodata.Coverage `json:"coverage"`
		CoverageSource string            `json:"coverage_source"`
	}
	if err := json.Unmarshal(a.get(t, "/ogc/collections/clinics?f=json", "").body(t), &doc); err != nil || doc.CoverageSource != "declared" || len(doc.Coverage.Countries) != 2 {
		t.Fatalf("OGC collection: %+v %v", doc, err)
	}
	// The outline: one feature, the two countries.
	r := a.get(t, "/api/v1/layers/clinics/coverage", "")
	fc, err := geojson.UnmarshalFeatureCollection(r.body(t))
	if r.Code != http.StatusOK || err != nil || len(fc.Features) != 1 {
		t.Fatalf("outline: %d %v %s", r.Code, err, r.Body)
	}
	if mp, ok := fc.Features[0].Geometry.(orb.MultiPolygon); !ok || len(mp) < 2 {
		t.Errorf("outline geometry %T", fc.Features[0].Geometry)
	}
	// A new version keeps the declaration; coverage_source=computed drops it.
	if r := a.upload(t, http.MethodPut, "/api/v1/layers/clinics", auth.Editor, "clinics.geojson", []byte(twoClinics)); r.Code != http.StatusOK {
		t.Fatalf("replace: %d %s", r.Code, r.Body)
	}
	if m := layerMeta(t, a, "clinics"); m.Version != 2 || m.CoverageSource != "declared" || len(m.Coverage.Countries) != 2 {
		t.Errorf("version 2 coverage %+v %q", m.Coverage, m.CoverageSource)
	}
	if r := a.upload(t, http.MethodPut, "/api/v1/layers/clinics", auth.Editor, "clinics.geojson", []byte(twoClinics), "coverage_source", "computed"); r.Code != http.StatusOK {
		t.Fatalf("replace: %d %s", r.Code, r.Body)
	}
	m = layerMeta(t, a, "clinics")
	if m.CoverageSource != "computed" || m.Coverage == nil || m.Coverage.Cells == nil || m.Coverage.Cells.Resolution != 4 || len(m.Coverage.Countries) != 0 {
		t.Errorf("version 3 coverage %+v %q", m.Coverage, m.CoverageSource)
	}
	r = a.get(t, "/api/v1/layers/clinics/coverage", "")
	fc, err = geojson.UnmarshalFeatureCollection(r.body(t))
	if r.Code != http.StatusOK || err != nil || len(fc.Features) != 1 || fc.Features[0].Properties.MustString("category") != "health" {
		t.Fatalf("computed outline: %d %v %s", r.Code, err, r.Body)
	}
	// Other kinds have no coverage.
	if r := a.get(t, "/api/v1/layers/routes/coverage", ""); r.Code != http.StatusBadRequest {
		t.Errorf("routes coverage: %d", r.Code)
	}
	if m := layerMeta(t, a, "routes"); m.Coverage != nil || m.CoverageSource != "" {
		t.Errorf("routes meta coverage %+v %q", m.Coverage, m.CoverageSource)
	}
}

// TestCoverageOutlineAtThePublicTier checks that a restricted layer's
// computed coverage is drawn from coarse cells for anonymous callers.
func TestCoverageOutlineAtThePublicTier(t *testing.T) {
	a := coverageApp(t)
	fields := []string{"id", "clinics", "kind", "service", "title", "Clinics", "source", "x", "license", "CC0"} // restricted by default
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "clinic.geojson", readTestdata(t, "clinic.geojson"), fields...); r.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Code, r.Body)
	}
	res := map[auth.Role]float64{}
	for _, role := range []auth.Role{"", auth.Staff} {
		r := a.get(t, "/api/v1/layers/clinics/coverage", role)
		fc, err := geojson.UnmarshalFeatureCollection(r.body(t))
		if r.Code != http.StatusOK || err != nil || len(fc.Features) != 1 {
			t.Fatalf("%q: %d %v", role, r.Code, err)
		}
		res[role], _ = fc.Features[0].Properties["h3_resolution"].(float64)
	}
	if res[""] != 3 || res[auth.Staff] != 4 {
		t.Errorf("resolutions %v, want 3 for the public, 4 for staff", res)
	}
	if m := layerMeta(t, a, "clinics"); m.Coverage.Cells.Resolution != 3 {
		t.Errorf("public metadata says resolution %d", m.Coverage.Cells.Resolution)
	}
}

func TestDeclaredCoverageBadInput(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	ring := make([]string, 0, 10002)
	for i := range 10001 {
		ring = append(ring, "[1."+strconv.Itoa(i)+",2]")
	}
	tooMany := `{"type":"Polygon","coordinates":[[` + strings.Join(ring, ",") + `,[1.0,2]]]}`
	for _, tc := range []struct {
		name   string
		kind   string
		fields []string
		status int
		msg    string
	}{
		{"unknown country", "service", []string{"coverage_countries", "IT,XY"}, http.StatusBadRequest, `"XY", which is not an ISO 3166-1`},
		{"invalid polygon", "service", []string{"coverage_area", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}`}, http.StatusBadRequest, "a ring needs at least 4"},
		{"not a polygon", "service", []string{"coverage_area", `{"type":"LineString","coordinates":[[0,0],[1,1]]}`}, http.StatusBadRequest, "Polygon or MultiPolygon"},
		{"too many vertices", "service", []string{"coverage_area", tooMany}, http.StatusBadRequest, "more than 10000 vertices"},
		{"declared on a route layer", "route", []string{"coverage_countries", "IT"}, http.StatusBadRequest, "only a service layer declares a coverage"},
		{"computed and declared", "service", []string{"coverage_countries", "IT", "coverage_source", "computed"}, http.StatusBadRequest, "give one or the other"},
		{"unknown source", "service", []string{"coverage_source", "guessed"}, http.StatusBadRequest, "give declared"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fields := append([]string{"id", "clinics", "kind", tc.kind, "title", "Clinics", "source", "x", "license", "CC0"}, tc.fields...)
			r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "clinics.geojson", []byte(twoClinics), fields...)
			if r.Code != tc.status || !strings.Contains(errorOf(t, r).Message, tc.msg) {
				t.Fatalf("%d %s; want %d with %q", r.Code, r.Body, tc.status, tc.msg)
			}
		})
	}
}

func TestCoverageSubtypesParameter(t *testing.T) {
	a := coverageApp(t)
	fields := []string{"id", "clinics", "kind", "service", "title", "Clinics", "source", "x", "license", "CC0", "sensitivity", "public", "coverage_countries", "TN"}
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "clinic.geojson", readTestdata(t, "clinic.geojson"), fields...); r.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Code, r.Body)
	}
	for _, tc := range []struct {
		name   string
		query  string
		role   auth.Role
		status int
		msg    string
	}{
		{"unknown category", "?coverage_subtypes=medical:hospital", auth.Staff, http.StatusBadRequest, `"medical"`},
		{"unknown subtype", "?coverage_subtypes=health:spa", auth.Staff, http.StatusBadRequest, `"spa", which is not a subtype of health`},
		{"the public tier keeps the default", "?coverage_subtypes=health:*", "", http.StatusForbidden, "coverage_subtypes"},
		{"the public tier may give the default", "?coverage_subtypes=health:-pharmacy,-dentist,-optometrist,-laboratory,-blood_donation,-alternative", "", http.StatusOK, ""},
		{"priorities too", "?coverage_subtypes=health:hospital&coverage_subtypes=legal", auth.Staff, http.StatusBadRequest, "names no subtypes"},
		{"priorities: a semicolon is no separator", "?coverage_subtypes=health:hospital;legal:legal_aid", auth.Staff, http.StatusBadRequest, "not a separator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := "/api/v1/risk/segments"
			if strings.HasPrefix(tc.name, "priorities") {
				path = "/api/v1/risk/priorities"
			}
			r := a.get(t, path+tc.query, tc.role)
			if r.Code != tc.status || (tc.msg != "" && !strings.Contains(errorOf(t, r).Message, tc.msg)) {
				t.Fatalf("%d %s; want %d with %q", r.Code, r.Body, tc.status, tc.msg)
			}
		})
	}
	// The pharmacy 100 km west of Tunis counts once pharmacies do, and
	// the rule in force is echoed.
	if st := statusAt(healthByLon(t, a, ""), 9.2); st != "gap" {
		t.Errorf("by Béja by default: %s, want gap", st)
	}
	if st := statusAt(healthByLon(t, a, "?coverage_subtypes=health:*"), 9.2); st != "ok" {
		t.Errorf("by Béja with health:*: %s, want ok", st)
	}
	var top struct {
		Parameters map[string]any `json:"parameters"`
	}
	r := a.get(t, "/api/v1/risk/priorities?coverage_subtypes=health:hospital,clinic", auth.Staff)
	if err := json.Unmarshal(r.body(t), &top); err != nil || r.Code != http.StatusOK {
		t.Fatalf("priorities: %d %v", r.Code, err)
	}
	if got, _ := json.Marshal(top.Parameters["coverage_subtypes"]); string(got) != `["health:clinic,hospital"]` {
		t.Errorf("parameters.coverage_subtypes = %s", got)
	}
	r = a.get(t, "/api/v1/risk/priorities", auth.Staff)
	if err := json.Unmarshal(r.body(t), &top); err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(top.Parameters["coverage_subtypes"]); string(got) != `["health:-alternative,-blood_donation,-dentist,-laboratory,-optometrist,-pharmacy"]` {
		t.Errorf("default parameters.coverage_subtypes = %s", got)
	}
}
