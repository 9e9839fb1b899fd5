package server

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/ingest"
	"github.com/routerisk/routerisk/server/auth"
)

// libyaRoute runs from the Libyan coast (Zuwarah, Az Zawiyah, Tripoli,
// where the ACLED sample has events) to Lampedusa and Sicily, so that an
// event read as an incident would be counted by its segments.
const libyaRoute = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"cm","geometry":{"type":"LineString","coordinates":[[12.08,32.93],[12.73,32.76],[13.19,32.89],[12.6,35.5],[13.5,37.5]]},"properties":{"name":"Central Mediterranean","mode":"sea"}}]}`

// analysisAnswers fetches the answers of the analyses that read incident
// layers: segments, priorities and hotspots, as staff.
func analysisAnswers(t *testing.T, a *writeApp) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, target := range []string{
		"/api/v1/risk/segments?segment_km=20&reference_date=2024-01-01",
		"/api/v1/risk/priorities?limit=5&segment_km=20&reference_date=2024-01-01",
		"/api/v1/hotspots?resolution=4",
	} {
		r := a.get(t, target, auth.Staff)
		if r.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, r.Code, r.Body)
		}
		out[target] = r.Body.String()
	}
	return out
}

// TestACLEDUpload: an ACLED export is detected without a kind or a
// mapping, a bad row rejects the file naming its row and column and
// nothing is stored, the good rows are stored as an event layer whose
// features read back with the event fields — and the route risk,
// priorities and hotspots answer exactly as before.
func TestACLEDUpload(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	acled, err := os.ReadFile("../geodata/ingest/testdata/acled_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	incidents, err := os.ReadFile("testdata/incidents.geojson")
	if err != nil {
		t.Fatal(err)
	}
	for _, up := range []struct {
		id, kind, name string
		file           []byte
	}{{"routes", "route", "routes.geojson", []byte(libyaRoute)}, {"incidents", "incident", "incidents.geojson", incidents}} {
		r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, up.name, up.file,
			"id", up.id, "kind", up.kind, "title", up.id, "sensitivity", "public", "source", "Test", "license", "CC BY 4.0")
		if r.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", up.id, r.Code, r.Body)
		}
	}
	before := analysisAnswers(t, a)
	if !strings.Contains(before["/api/v1/risk/segments?segment_km=20&reference_date=2024-01-01"], `"incidents":`) {
		t.Fatalf("segments: %s", before["/api/v1/risk/segments?segment_km=20&reference_date=2024-01-01"])
	}

	// Validate, no kind: an event layer, ACLED layout, the bad row named.
	r := a.upload(t, http.MethodPost, "/api/v1/uploads/validate", auth.Editor, "acled.csv", acled)
	var v struct {
		Kind    string
		Layout  string
		Mapping map[string]string
		Notes   []string
		Report  geodata.Report
	}
	if json.Unmarshal(r.Body.Bytes(), &v); r.Code != http.StatusOK || v.Kind != "event" || v.Layout != ingest.LayoutACLED ||
		v.Report.Accepted != 19 || v.Report.Rejected != 1 || v.Mapping["fatalities"] != "fatalities" || v.Mapping["date"] != "event_date" {
		t.Fatalf("validate: %d %s", r.Code, r.Body)
	}
	if !strings.Contains(strings.Join(v.Notes, " "), "the columns are an ACLED event export") {
		t.Errorf("notes %q do not say why", v.Notes)
	}

	// Publish with no kind and the default on_error: nothing is stored.
	fields := []string{"id", "acled-2023", "title", "ACLED events, May 2023", "sensitivity", "restricted",
		"source", "ACLED", "license", "ACLED terms of use"}
	r = a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "acled.csv", acled, fields...)
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("publish with a bad row: %d %s", r.Code, r.Body)
	}
	if e := errorOf(t, r); !strings.Contains(e.Message, "1 of 20 features cannot be used, so nothing was stored") ||
		!strings.Contains(r.Body.String(), `row 7 (line 8) has \"24.1x\" in \"latitude\"`) {
		t.Errorf("the error does not name the row and column: %s", r.Body)
	}
	if r := a.get(t, "/api/v1/layers/acled-2023", auth.Staff); r.Code != http.StatusNotFound {
		t.Fatalf("after a rejected upload the layer exists: %d %s", r.Code, r.Body)
	}

	// As incidents: refused, whatever the client asks.
	r = a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "acled.csv", acled, append(fields, "kind", "incident", "on_error", "skip")...)
	if r.Code != http.StatusBadRequest || !strings.Contains(errorOf(t, r).Message, "not migrant deaths") {
		t.Fatalf("ACLED as incidents: %d %s", r.Code, r.Body)
	}

	// With on_error=skip: the 19 good events, as an event layer.
	r = a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "acled.csv", acled, append(fields, "on_error", "skip")...)
	var created layerWriteResponse
	if json.Unmarshal(r.Body.Bytes(), &created); r.Code != http.StatusCreated || created.Layer.Kind != geodata.KindEvent ||
		created.Layer.FeatureCount != 19 || created.Layer.TimeProperty != "date" || created.Report.Rejected != 1 {
		t.Fatalf("publish: %d %s", r.Code, r.Body)
	}
	for _, f := range created.Layer.Schema {
		if f.Name == "fatalities" && f.Type != "integer" || f.Name == "date" && f.Type != "date" {
			t.Errorf("schema field %+v", f)
		}
	}

	// The features read back, as staff and as a partner.
	c := a.get(t, "/api/v1/layers/acled-2023/features?limit=100", auth.Staff).collection(t)
	if len(c.Features) != 19 {
		t.Fatalf("%d features read back", len(c.Features))
	}
	var tripoli map[string]any
	for _, f := range c.Features {
		if f.ID == "LBY10102" {
			tripoli = f.Properties
		}
		if f.ID == "LBY10107" {
			t.Error("the row with the bad latitude was stored")
		}
	}
	for k, want := range map[string]any{"date": "2023-05-06", "event_type": "Violence against civilians", "fatalities": 2.0,
		"actor1": "Unidentified Armed Group (Libya)", "geo_precision": "exact", "country": "Libya", "location": "Tripoli", "event_id": "LBY10102"} {
		if tripoli[k] != want {
			t.Errorf("LBY10102 %s = %#v, want %#v", k, tripoli[k], want)
		}
	}
	// Filtered by date, as every dated layer is.
	if c := a.get(t, "/api/v1/layers/acled-2023/features?datetime=2023-05-20/2023-05-31&limit=100", auth.Staff).collection(t); len(c.Features) != 5 {
		t.Errorf("events of 20–31 May: %d, want 5", len(c.Features))
	}
	p := a.get(t, "/api/v1/layers/acled-2023/features?limit=100", auth.Partner).collection(t)
	for _, f := range p.Features {
		for k := range f.Properties {
			switch k {
			case "date", "event_type", "sub_event_type", "fatalities", "country", "geo_precision":
			default:
				t.Errorf("a partner sees %s of %s", k, f.ID)
			}
		}
	}
	// The public tier counts incidents and services in cells; it does
	// not show a restricted event layer at all.
	if r := a.get(t, "/api/v1/layers/acled-2023/features", ""); r.Code != http.StatusForbidden {
		t.Errorf("anonymous read of a restricted event layer: %d %s", r.Code, r.Body)
	}

	// The analyses that read incidents answer as before.
	if versions := a.uc.Library.Snapshot().Versions; strings.Contains(versions, "acled") {
		t.Errorf("the analysis snapshot holds the event layer: %s", versions)
	}
	after := analysisAnswers(t, a)
	for target, body := range before {
		if after[target] != body {
			t.Errorf("%s changed with the event layer:\nbefore %s\nafter  %s", target, geodata.Truncate(body, 400), geodata.Truncate(after[target], 400))
		}
	}
	// The analyses refuse an event layer where they take an incident layer.
	if r := a.get(t, "/api/v1/hotspots?layer=acled-2023", auth.Staff); r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), "incident") {
		t.Errorf("hotspots of the event layer: %d %s", r.Code, r.Body)
	}
}

// TestEventLayerReads: a public event layer (the ACLED sample with dates
// as ACLED's export tool writes them, published with no kind) is read
// through every path that serves layers without a server error.
func TestEventLayerReads(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	acled, err := os.ReadFile("../geodata/ingest/testdata/acled_sample_dmy.csv")
	if err != nil {
		t.Fatal(err)
	}
	r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "acled.csv", acled, "id", "acled", "title", "ACLED events",
		"sensitivity", "public", "source", "ACLED", "license", "ACLED terms of use")
	if r.Code != http.StatusCreated || !strings.Contains(r.Body.String(), `"kind":"event"`) {
		t.Fatalf("publish: %d %s", r.Code, r.Body)
	}
	for _, tt := range []struct {
		target string
		want   int
		in     string // in the body
	}{
		{"/api/v1/layers/acled", 200, `"kind":"event"`},
		{"/api/v1/layers/acled/features?datetime=2023-05-14/2023-05-14", 200, `"date":"2023-05-14"`},
		{"/api/v1/layers/acled/features?bbox=0,10,3,16", 200, `"id":"NIG3201"`},
		{"/api/v1/layers/acled/features?event_type=Protests", 200, `"sub_event_type":"Peaceful protest"`},
		{"/api/v1/layers/acled/values?property=event_type", 200, "Battles"},
		{"/ogc/collections/acled/items?f=html", 200, "Az Zawiyah"},
		{"/ogc/collections/acled/items/LBY10104", 200, `"fatalities":0`},
		{"/ogc/collections/acled/queryables", 200, "event_type"},
		{"/api/v1/layers/acled/download?format=csv", 200, "LBY10101"},
		{"/api/v1/layers/acled/download?format=kml", 200, "<Placemark"},
		{"/api/v1/layers/acled/download?format=geojson", 200, `"event_id":"LBY10101"`},
		{"/api/v1/layers/acled/download?format=gpkg", 200, "not migrant deaths"},               // the caveats in its metadata
		{"/api/v1/render.svg?layers=acled&bbox=-10,10,35,35", 200, "Conflict or unrest event"}, // drawn, with its legend row
		{"/api/v1/render.png?layers=acled", 0, ""},
		{"/api/v1/hotspots?layer=acled", 400, "incident"},
	} {
		r := a.send(t, http.MethodGet, tt.target, nil) // send fails the test on a 5xx
		if tt.want != 0 && (r.Code != tt.want || !strings.Contains(string(r.body(t)), tt.in)) {
			t.Errorf("%s: %d, want %d with %q: %.400s", tt.target, r.Code, tt.want, tt.in, r.body(t))
		}
	}
}
