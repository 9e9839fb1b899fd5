package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/ingest"
	"github.com/routerisk/routerisk/geodata/sample"
	"github.com/routerisk/routerisk/server/auth"
)

// withBundledLayers publishes the bundled layers into a, so that the
// analyses have routes and incidents.
func withBundledLayers(t *testing.T, a *writeApp) {
	t.Helper()
	bundled, err := sample.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, bl := range bundled {
		zr, err := gzip.NewReader(bytes.NewReader(bl.GeoJSONGzip))
		if err != nil {
			t.Fatal(err)
		}
		feats, rep, err := formats.DecodeGeoJSON(zr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.uc.Publishing.Publish(context.Background(), &geodata.Layer{Meta: bl.Meta, Features: feats}, rep, geodata.AuditEntry{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
}

// routeAnswer is one route of GET /api/v1/risk/routes.
type routeAnswer struct {
	Route           string   `json:"route"`
	Dead            *float64 `json:"dead"`
	Missing         *float64 `json:"missing"`
	Crossings       *float64 `json:"crossings"`
	CrossingsSource *struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Source string `json:"source"`
	} `json:"crossings_source"`
	CrossingsLayer *struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	} `json:"crossings_layer"`
	Per1000 *float64 `json:"per_1000"`
	Reason  string   `json:"reason"`
	Months  []struct {
		Month     string   `json:"month"`
		Crossings *float64 `json:"crossings"`
	} `json:"months"`
}

// routes2023 answers /api/v1/risk/routes?year=2023 by route, as the role
// sees it ("" anonymous).
func routes2023(t *testing.T, a *writeApp, role auth.Role) map[string]routeAnswer {
	t.Helper()
	var h []string
	if role != "" {
		h = []string{"Authorization", "Bearer " + a.tokens[role]}
	}
	r := a.send(t, http.MethodGet, "/api/v1/risk/routes?year=2023", nil, h...)
	if r.Code != http.StatusOK {
		t.Fatalf("routes: %d %s", r.Code, r.Body)
	}
	var ans struct {
		Year    int           `json:"year"`
		Routes  []routeAnswer `json:"routes"`
		Caveats []string      `json:"caveats"`
	}
	if err := json.Unmarshal(r.body(t), &ans); err != nil {
		t.Fatal(err)
	}
	out := map[string]routeAnswer{}
	for _, ra := range ans.Routes {
		out[ra.Route] = ra
	}
	return out
}

// TestExposureLayerUpload: an exposure series uploaded as a CSV is
// validated, published and used as the denominator of its route by
// /api/v1/risk/routes; replacing and rolling it back change the answer;
// other routes keep the bundled series.
func TestExposureLayerUpload(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	withBundledLayers(t, a)
	csv, err := os.ReadFile("testdata/exposure/central_med_2023.csv")
	if err != nil {
		t.Fatal(err)
	}
	fields := []string{"id", "crossings-cm", "kind", "exposure", "title", "Central Med detections (test)",
		"source", "Test agency", "license", "CC BY 4.0"}

	// Anonymous uploads are refused.
	if r := a.upload(t, http.MethodPost, "/api/v1/uploads/validate", "", "series.csv", csv); r.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous validate: %d", r.Code)
	}
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", "", "series.csv", csv, fields...); r.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous upload: %d", r.Code)
	}

	// Validate with no kind: detected as exposure, with the report.
	r := a.upload(t, http.MethodPost, "/api/v1/uploads/validate", auth.Editor, "series.csv", csv)
	var v struct {
		Kind   string
		Notes  []string
		Report geodata.Report
	}
	if json.Unmarshal(r.Body.Bytes(), &v); r.Code != 200 || v.Kind != "exposure" || v.Report.Accepted != 13 || v.Report.Rejected != 0 {
		t.Fatalf("validate: %d %s", r.Code, r.Body)
	}
	if !strings.Contains(strings.Join(v.Notes, " "), "read as an exposure layer") {
		t.Errorf("validate notes %q do not say why the kind", v.Notes)
	}
	bad := []byte("route,month,count\nCentral Mediterranean,2023-01,10\nCentral Mediterranean,2023-01,20\n,2023-02,5\n")
	r = a.upload(t, http.MethodPost, "/api/v1/uploads/validate", auth.Editor, "bad.csv", bad, "kind", "exposure")
	if json.Unmarshal(r.Body.Bytes(), &v); r.Code != 200 || v.Report.Rejected != 3 {
		t.Fatalf("validate of bad rows: %d %s", r.Code, r.Body)
	}
	if !strings.Contains(r.Body.String(), "row 2: \\\"Central Mediterranean\\\" 2023-01 is also given in row 1") || !strings.Contains(r.Body.String(), "row 3: the route is empty") {
		t.Errorf("the report does not name the rows: %s", r.Body)
	}

	// Source and licence are required.
	r = a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "series.csv", csv, fields[:6]...)
	if r.Code != http.StatusBadRequest || !strings.Contains(errorOf(t, r).Message, "source") {
		t.Fatalf("no source: %d %s", r.Code, r.Body)
	}

	before := routes2023(t, a, auth.Staff) // cached from here on
	anonBefore := routes2023(t, a, "")
	if before["Central Mediterranean"].CrossingsLayer != nil || *before["Central Mediterranean"].Crossings != 158026 {
		t.Fatalf("before the upload: %+v", before["Central Mediterranean"])
	}

	r = a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "series.csv", csv, fields...)
	var created layerWriteResponse
	if json.Unmarshal(r.Body.Bytes(), &created); r.Code != http.StatusCreated || created.Layer.Kind != geodata.KindExposure ||
		created.Layer.Sensitivity != geodata.Public || created.Layer.FeatureCount != 13 || created.Layer.TimeProperty != "month" || created.Layer.BBox != nil {
		t.Fatalf("publish: %d %s", r.Code, r.Body)
	}

	check := func(version int, perMonth float64) {
		t.Helper()
		after := routes2023(t, a, auth.Staff)
		cm := after["Central Mediterranean"]
		want := 12 * perMonth
		if cm.Crossings == nil || *cm.Crossings != want || cm.CrossingsLayer == nil || cm.CrossingsLayer.ID != "crossings-cm" || cm.CrossingsLayer.Version != version {
			t.Fatalf("v%d: Central Mediterranean %+v, want %v crossings from crossings-cm v%d", version, cm, want, version)
		}
		if cm.CrossingsSource == nil || cm.CrossingsSource.Name != "Central Med detections (test)" || cm.CrossingsSource.Source != "Test agency" {
			t.Errorf("crossings_source %+v, want the layer's title and source", cm.CrossingsSource)
		}
		toll := *cm.Dead + *cm.Missing
		if cm.Per1000 == nil || math.Abs(*cm.Per1000-toll/want*1000) > 1e-9 || math.Abs(toll-2527) > 0.5 {
			t.Errorf("per_1000 %v, want %v / %v × 1000", cm.Per1000, toll, want)
		}
		if len(cm.Months) != 12 || cm.Months[0].Crossings == nil || *cm.Months[0].Crossings != perMonth {
			t.Errorf("months %+v", cm.Months)
		}
		for _, route := range []string{"Darien", "Western Mediterranean", "US-Mexico border crossing"} {
			b, a := before[route], after[route]
			if a.CrossingsLayer != nil || !sameRate(b.Per1000, a.Per1000) || b.Reason != a.Reason {
				t.Errorf("%s changed: before %+v, after %+v", route, b, a)
			}
		}
		anon := routes2023(t, a, "")["Central Mediterranean"]
		if anon.Crossings == nil || *anon.Crossings != want || anon.CrossingsLayer == nil || anon.CrossingsLayer.Version != version {
			t.Errorf("anonymous: %+v", anon)
		}
		if anonBefore["Darien"].CrossingsLayer != nil {
			t.Errorf("anonymous Darien used a layer")
		}
	}
	check(1, 10000)

	// Replace: the new counts are used at once.
	r = a.upload(t, http.MethodPut, "/api/v1/layers/crossings-cm", auth.Editor, "series.csv", bytes.ReplaceAll(csv, []byte(",10000,"), []byte(",20000,")))
	if r.Code != http.StatusOK {
		t.Fatalf("replace: %d %s", r.Code, r.Body)
	}
	check(2, 20000)
	// Roll back to version 1: published as version 3.
	if r := a.send(t, http.MethodPost, "/api/v1/layers/crossings-cm/versions/1/restore", nil, "Authorization", "Bearer "+a.tokens[auth.Editor]); r.Code != 200 {
		t.Fatalf("restore: %d %s", r.Code, r.Body)
	}
	check(3, 10000)

	// A second layer with the same route, published later, wins it (the
	// store keeps publication times to the second).
	time.Sleep(1100 * time.Millisecond)
	second := []byte("route,month,count\nCentral Mediterranean,2023-01,1000\n")
	fields2 := append([]string{"id", "crossings-cm-2"}, fields[2:]...)
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "second.csv", second, fields2...); r.Code != http.StatusCreated {
		t.Fatalf("second layer: %d %s", r.Code, r.Body)
	}
	cm := routes2023(t, a, auth.Staff)["Central Mediterranean"]
	if cm.CrossingsLayer == nil || cm.CrossingsLayer.ID != "crossings-cm-2" || *cm.Crossings != 1000 {
		t.Errorf("with two layers: crossings %v from %+v, want the most recently published", *cm.Crossings, *cm.CrossingsLayer)
	}
}

func sameRate(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) < 1e-9
}

// TestExposureLayerReads: a layer without geometry is read through every
// path that serves layers — features, OGC collection and items (JSON and
// HTML), downloads, images — without a server error.
func TestExposureLayerReads(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	csv, err := os.ReadFile("testdata/exposure/central_med_2023.csv")
	if err != nil {
		t.Fatal(err)
	}
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "series.csv", csv, "id", "crossings-cm", "kind", "exposure",
		"title", "Central Med", "source", "Test agency", "license", "CC BY 4.0"); r.Code != http.StatusCreated {
		t.Fatalf("publish: %d %s", r.Code, r.Body)
	}
	for _, tt := range []struct {
		target string
		want   int
		in     string // in the body
	}{
		{"/api/v1/layers/crossings-cm", 200, `"kind":"exposure"`},
		{"/api/v1/layers/crossings-cm/features", 200, `"geometry":null`},
		{"/api/v1/layers/crossings-cm/features?bbox=0,0,10,10", 200, `"features":[]`},
		{"/api/v1/layers/crossings-cm/features?datetime=2023-02-01/2023-02-28", 200, `"month":"2023-02"`},
		{"/ogc/collections/crossings-cm", 200, `"id":"crossings-cm"`},
		{"/ogc/collections/crossings-cm/items", 200, `"geometry":null`},
		{"/ogc/collections/crossings-cm/items?f=html", 200, "Central Mediterranean"},
		{"/ogc/collections/crossings-cm/items/1", 200, `"geometry":null`},
		{"/ogc/collections/crossings-cm/items/1?f=html", 200, "2023-01"},
		{"/api/v1/layers/crossings-cm/download?format=csv", 200, "1,10000,2023-01,,Central Mediterranean"},
		{"/api/v1/layers/crossings-cm/download?format=kml", 200, "<Placemark"},
		{"/api/v1/layers/crossings-cm/download?format=geojson", 200, `"geometry":null`},
		{"/api/v1/render.svg?layers=crossings-cm&bbox=-10,30,20,45", 0, ""},
		{"/api/v1/render.png?layers=crossings-cm", 0, ""},
		{"/api/v1/layers", 200, `"id":"crossings-cm"`},
		{"/api/v1/layers/crossings-cm/values?property=route", 0, ""},
		{"/ogc/collections", 200, `"crossings-cm"`},
		{"/ogc/collections?f=html", 200, "Central Med"},
		{"/ogc/collections/crossings-cm?f=html", 200, "Central Med"},
		{"/ogc/collections/crossings-cm/queryables", 200, "month"},
		{"/ogc/api", 200, "crossings-cm"},
		{"/api/v1/hotspots?layer=crossings-cm", 400, "incident"},
	} {
		r := a.send(t, http.MethodGet, tt.target, nil) // send fails the test on a 5xx
		if tt.want != 0 && (r.Code != tt.want || !strings.Contains(string(r.body(t)), tt.in)) {
			t.Errorf("%s: %d, want %d with %q: %.400s", tt.target, r.Code, tt.want, tt.in, r.body(t))
		}
	}

	// A restricted series: partners get its rows (a bbox matches none),
	// the public tier a refusal, never a server error.
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "series.csv", csv, "id", "crossings-restricted", "kind", "exposure",
		"title", "Restricted series", "sensitivity", "restricted", "source", "Test agency", "license", "internal"); r.Code != http.StatusCreated {
		t.Fatalf("publish restricted: %d %s", r.Code, r.Body)
	}
	partner := []string{"Authorization", "Bearer " + a.tokens[auth.Partner]}
	for _, q := range []string{"", "?bbox=0,0,10,10"} {
		if r := a.send(t, http.MethodGet, "/api/v1/layers/crossings-restricted/features"+q, nil, partner...); r.Code != 200 {
			t.Errorf("partner %s: %d %s", q, r.Code, r.Body)
		}
		if r := a.send(t, http.MethodGet, "/api/v1/layers/crossings-restricted/features"+q, nil); r.Code < 400 {
			t.Errorf("anonymous %s: %d, want a refusal", q, r.Code)
		}
	}
	if r := a.send(t, http.MethodGet, "/api/v1/layers/crossings-restricted/features", nil, partner...); strings.Contains(r.Body.String(), "note") {
		t.Errorf("a partner sees the notes of a restricted series: %.300s", r.Body)
	}
}

// routesOf answers /api/v1/risk/routes?year=… by route, as staff.
func routesOf(t *testing.T, a *writeApp, year string) map[string]routeAnswer {
	t.Helper()
	r := a.get(t, "/api/v1/risk/routes?year="+year, auth.Staff)
	if r.Code != http.StatusOK {
		t.Fatalf("routes %s: %d %s", year, r.Code, r.Body)
	}
	var ans struct {
		Routes []routeAnswer `json:"routes"`
	}
	if err := json.Unmarshal(r.body(t), &ans); err != nil {
		t.Fatal(err)
	}
	out := map[string]routeAnswer{}
	for _, ra := range ans.Routes {
		out[ra.Route] = ra
	}
	return out
}

// TestDTMFlowUpload: IOM DTM flow-monitoring tables, uploaded with no
// kind and no mapping, are summed per route, month and point and become
// the denominators of the Missing Migrants routes their corridors are:
// the Eastern Corridor for the Eastern Route to/from EHOA (in place of
// the bundled series), Libya/Niger and Algeria/Niger for the Sahara
// crossing. A bad row stores nothing.
func TestDTMFlowUpload(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	for _, up := range []struct{ id, kind, file string }{{"routes", "route", "testdata/routes.geojson"}, {"incidents", "incident", "testdata/incidents.geojson"}} {
		b, err := os.ReadFile(up.file)
		if err != nil {
			t.Fatal(err)
		}
		if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, up.id+".geojson", b,
			"id", up.id, "kind", up.kind, "title", up.id, "sensitivity", "public", "source", "Test", "license", "CC BY 4.0"); r.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", up.id, r.Code, r.Body)
		}
	}
	read := func(name string) []byte {
		b, err := os.ReadFile("../geodata/ingest/testdata/exposure/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	ehoa, wca, bad := read("dtm_ehoa_sample.csv"), read("dtm_wca_sample.csv"), read("dtm_bad.csv")
	fields := func(id string) []string {
		return []string{"id", id, "title", "DTM flow monitoring (" + id + ")", "source", "IOM DTM, via IOM gdidata", "license", "IOM terms"}
	}

	// Validate, no kind: exposure, the DTM layout and its mapping.
	r := a.upload(t, http.MethodPost, "/api/v1/uploads/validate", auth.Editor, "flows.csv", ehoa)
	var v struct {
		Kind    string
		Layout  string
		Mapping map[string]string
		Notes   []string
		Report  geodata.Report
	}
	if json.Unmarshal(r.Body.Bytes(), &v); r.Code != 200 || v.Kind != "exposure" || v.Layout != ingest.LayoutDTMFlows ||
		v.Mapping["month"] != "t" || v.Mapping["count"] != "n" || v.Mapping["key"] != "fmp" || v.Report.Read != 44 || v.Report.Rejected != 0 {
		t.Fatalf("validate: %d %s", r.Code, r.Body)
	}
	if !strings.Contains(strings.Join(v.Notes, "\n"), "44 rows summed into 11 rows") {
		t.Errorf("notes %q", v.Notes)
	}

	// Source and licence are required, as for any exposure upload.
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "flows.csv", ehoa, fields("dtm-ehoa")[:4]...); r.Code != http.StatusBadRequest {
		t.Fatalf("no source: %d %s", r.Code, r.Body)
	}
	// A bad row: nothing stored, the row and column named.
	r = a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "bad.csv", bad, fields("dtm-bad")...)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), `row 4: the month \"2023-13\" (column \"t\")`) ||
		!strings.Contains(r.Body.String(), `row 5: the count \"475 people\" (column \"n\")`) {
		t.Fatalf("bad rows: %d %s", r.Code, r.Body)
	}
	if r := a.get(t, "/api/v1/layers/dtm-bad", auth.Staff); r.Code != http.StatusNotFound {
		t.Fatalf("after a rejected upload the layer exists: %d", r.Code)
	}

	before := routesOf(t, a, "2023")
	eastern := "Eastern Route to/from EHOA"
	if b := before[eastern]; b.CrossingsLayer != nil || b.CrossingsSource == nil || b.CrossingsSource.ID != "dtm-eastern-corridor" {
		t.Fatalf("before: %+v", b)
	}

	r = a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "flows.csv", ehoa, fields("dtm-ehoa")...)
	var created layerWriteResponse
	if json.Unmarshal(r.Body.Bytes(), &created); r.Code != http.StatusCreated || created.Layer.Kind != geodata.KindExposure ||
		created.Layer.FeatureCount != 11 || created.Layer.TimeProperty != "month" || created.Report.Read != 44 || created.Report.Accepted != 44 {
		t.Fatalf("publish: %d %s", r.Code, r.Body)
	}
	after := routesOf(t, a, "2023")
	e := after[eastern]
	if e.CrossingsLayer == nil || e.CrossingsLayer.ID != "dtm-ehoa" || e.Crossings == nil || *e.Crossings != 6156+65+4523+4417+3814 {
		t.Fatalf("%s after the upload: %+v", eastern, e)
	}
	months := map[string]*float64{}
	for _, m := range e.Months {
		months[m.Month] = m.Crossings
	}
	if months["2023-01"] == nil || *months["2023-01"] != 6156+65+4523 || months["2023-02"] == nil || *months["2023-02"] != 4417+3814 || months["2023-03"] != nil {
		t.Errorf("months %+v", e.Months)
	}
	for route, want := range map[string]float64{"Horn of Africa Route": 1610 + 50 + 8, "Route to Southern Africa": 3591} {
		if got := after[route]; got.CrossingsLayer == nil || got.Crossings == nil || *got.Crossings != want {
			t.Errorf("%s: %+v, want %v crossings from the layer", route, got, want)
		}
	}
	if _, listed := after[ingest.DTMUndefinedRoute]; listed {
		t.Errorf("the flows on no corridor are a route of the answer")
	}
	if b, a := before["Central Mediterranean"], after["Central Mediterranean"]; a.CrossingsLayer != nil || !sameRate(b.Per1000, a.Per1000) {
		t.Errorf("Central Mediterranean changed: %+v, %+v", b, a)
	}

	// West and Central Africa: the Sahara crossing gets a denominator.
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "flows.csv", wca, fields("dtm-wca")...); r.Code != http.StatusCreated {
		t.Fatalf("publish WCA: %d %s", r.Code, r.Body)
	}
	sahara := routesOf(t, a, "2022")["Sahara Desert crossing"]
	if sahara.CrossingsLayer == nil || sahara.CrossingsLayer.ID != "dtm-wca" || sahara.Crossings == nil || *sahara.Crossings != 8005+9288 {
		t.Errorf("Sahara Desert crossing 2022: %+v", sahara)
	}
	// The stored rows read back with their point as key.
	c := a.get(t, "/api/v1/layers/dtm-wca/features?route=Sahara%20Desert%20crossing&limit=50", auth.Staff).collection(t)
	keys := map[string]float64{}
	for _, f := range c.Features {
		k, _ := f.Properties["key"].(string)
		keys[k], _ = f.Properties["count"].(float64)
	}
	if len(keys) != 2 || keys["Arlit"] != 8005 || keys["Seguedine"] != 9288 {
		t.Errorf("Sahara rows %v", keys)
	}
}
