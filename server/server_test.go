package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/internal/teststore"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/reads"
	"github.com/routerisk/routerisk/server/usecases"
)

// newTestApp serves the fixture incidents through the whole Echo stack,
// with a file store in a temporary folder and the given cache.
func newTestApp(t *testing.T, c answers.Cache) *echo.Echo {
	t.Helper()
	return newTestAppWith(t, c, nil)
}

// newTestAppWith also publishes the given extra fixture layers.
func newTestAppWith(t *testing.T, c answers.Cache, extra map[string]geodata.Meta) *echo.Echo {
	t.Helper()
	f, err := os.Open("testdata/incidents.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feats, rep, err := formats.DecodeGeoJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	st := teststore.Open(t, t.TempDir())
	ctx := context.Background()
	l := &geodata.Layer{Meta: geodata.Meta{ID: "incidents", Kind: geodata.KindIncident, Title: "Incidents",
		Sensitivity: geodata.Restricted, TimeProperty: "date"}, Features: feats}
	if _, err := st.Publish(ctx, l, rep, geodata.AuditEntry{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	for file, meta := range extra {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		feats, rep, err := formats.DecodeGeoJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Publish(ctx, &geodata.Layer{Meta: meta, Features: feats}, rep, geodata.AuditEntry{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	uc := usecases.New(st, c, usecases.Options{})
	if err := uc.Library.Load(ctx); err != nil {
		t.Fatal(err)
	}
	return asStaff(t, Options{UseCases: uc, TileURL: "https://tile.openstreetmap.org/{z}/{x}/{y}.png"})
}

// asStaff builds the app with a real token file holding one staff token,
// and sends that token with every request that brings no Authorization
// header of its own: these tests are about queries, and staff see the
// restricted fixture exactly. privacy_test.go covers the other tiers; a
// test sends "Authorization" "" to come anonymously.
func asStaff(t testing.TB, o Options) *echo.Echo {
	t.Helper()
	tokens := teststore.Tokens(t, t.TempDir())
	staff, _, err := tokens.Create("query tests", auth.Staff)
	if err != nil {
		t.Fatal(err)
	}
	o.Tokens = tokens
	e := New(o)
	e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header
			if _, given := h["Authorization"]; !given {
				h.Set("Authorization", "Bearer "+staff)
			} else if h.Get("Authorization") == "" {
				h.Del("Authorization")
			}
			return next(c)
		}
	})
	return e
}

type response struct {
	*httptest.ResponseRecorder
}

func do(t *testing.T, e *echo.Echo, method, target string, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return response{rec}
}

// body returns the response body, inflated if it was sent gzip-encoded.
func (r response) body(t *testing.T) []byte {
	t.Helper()
	if r.Header().Get("Content-Encoding") != "gzip" {
		return r.Body.Bytes()
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type collection struct {
	NumberMatched  int `json:"numberMatched"`
	NumberReturned int `json:"numberReturned"`
	Links          []struct{ Rel, Href string }
	Features       []struct {
		ID         string         `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
}

func (r response) collection(t *testing.T) collection {
	t.Helper()
	var c collection
	if err := json.Unmarshal(r.body(t), &c); err != nil {
		t.Fatalf("body is not a feature collection: %v\n%s", err, r.body(t))
	}
	return c
}

func TestFeatureQueries(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	tests := []struct {
		query   string
		matched int
		ids     string
	}{
		{"", 6, "i1,i2,i3,i4,i5,i6"},
		{"bbox=10,30,15,40", 2, "i1,i2"},
		{"bbox=-180,-90,180,90", 6, "i6,i3,i4,i5,i1,i2"}, // a box's features come in spatial order
		{"datetime=2017-01-01/2020-12-31", 2, "i2,i3"},
		{"datetime=../2016-05-26", 1, "i1"},
		{"datetime=2021-03-15", 1, "i4"},
		{"cause=Drowning", 2, "i1,i3"},
		{"cause=Drowning&cause=Violence", 3, "i1,i3,i4"},
		{"cause=Harsh%20environmental%20conditions%20%2F%20lack%20of%20adequate%20shelter%2C%20food%2C%20water", 3, "i2,i5,i6"},
		{"route=Central%20Mediterranean&datetime=2017-01-01/..", 1, "i2"},
		{"route=Darien&bbox=0,0,1,1", 0, ""},
		{"limit=2", 6, "i1,i2"},
		{"limit=2&offset=4", 6, "i5,i6"},
		{"limit=2&offset=10", 6, ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := do(t, e, http.MethodGet, "/api/v1/layers/incidents/features?"+tt.query, "Accept-Encoding", "gzip")
			if r.Code != http.StatusOK {
				t.Fatalf("status %d: %s", r.Code, r.body(t))
			}
			if ct := r.Header().Get("Content-Type"); ct != "application/geo+json" {
				t.Errorf("Content-Type = %q", ct)
			}
			c := r.collection(t)
			var ids []string
			for _, f := range c.Features {
				ids = append(ids, f.ID)
			}
			if c.NumberMatched != tt.matched || strings.Join(ids, ",") != tt.ids || c.NumberReturned != len(ids) {
				t.Errorf("matched %d returned %d ids %v; want matched %d ids %s", c.NumberMatched, c.NumberReturned, ids, tt.matched, tt.ids)
			}
		})
	}
}

func TestNextLinkPagesThroughEverything(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	seen := map[string]int{}
	target := "/api/v1/layers/incidents/features?limit=4"
	for pages := 0; target != ""; pages++ {
		if pages > 5 {
			t.Fatal("next links do not end")
		}
		c := do(t, e, http.MethodGet, target).collection(t)
		target = ""
		for _, l := range c.Links {
			if l.Rel == "next" {
				target = l.Href
			}
		}
		for _, f := range c.Features {
			seen[f.ID]++
		}
	}
	if len(seen) != 6 {
		t.Errorf("paging saw %d distinct features, want 6", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("feature %s seen %d times", id, n)
		}
	}
}

func TestPropertiesAndPrecision(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	c := do(t, e, http.MethodGet, "/api/v1/layers/incidents/features?bbox=13,36,14,37&properties=dead,route&precision=2").collection(t)
	if len(c.Features) != 1 {
		t.Fatalf("got %d features", len(c.Features))
	}
	f := c.Features[0]
	if len(f.Properties) != 2 || f.Properties["dead"] != 3.0 || f.Properties["route"] != "Central Mediterranean" {
		t.Errorf("properties = %v", f.Properties)
	}
	coords := f.Geometry["coordinates"].([]any)
	if coords[0] != 13.12 || coords[1] != 36.99 {
		t.Errorf("coordinates = %v, want [13.12 36.99]", coords)
	}
}

func TestCacheHeadersAndConditionalRequests(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	const target = "/api/v1/layers/incidents/features?cause=Drowning"
	first := do(t, e, http.MethodGet, target, "Accept-Encoding", "gzip")
	if first.Header().Get("X-Cache") != "MISS" || first.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("first request: X-Cache %q, encoding %q", first.Header().Get("X-Cache"), first.Header().Get("Content-Encoding"))
	}
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	second := do(t, e, http.MethodGet, "/api/v1/layers/incidents/features?cause=Drowning&limit=1000", "Accept-Encoding", "gzip")
	if second.Header().Get("X-Cache") != "HIT" || second.Header().Get("ETag") != etag || !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) {
		t.Errorf("the same normalised query: X-Cache %q, ETag %q (first %q)", second.Header().Get("X-Cache"), second.Header().Get("ETag"), etag)
	}
	plain := do(t, e, http.MethodGet, target)
	if plain.Header().Get("Content-Encoding") != "" || !json.Valid(plain.Body.Bytes()) {
		t.Errorf("a client without gzip got encoding %q", plain.Header().Get("Content-Encoding"))
	}
	refused := do(t, e, http.MethodGet, target, "Accept-Encoding", "gzip;q=0, identity")
	if refused.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 was ignored")
	}
	notModified := do(t, e, http.MethodGet, target, "If-None-Match", etag)
	if notModified.Code != http.StatusNotModified || notModified.Body.Len() != 0 {
		t.Errorf("If-None-Match: status %d, %d bytes", notModified.Code, notModified.Body.Len())
	}
	other := do(t, e, http.MethodGet, "/api/v1/layers/incidents/features?cause=Violence")
	if other.Header().Get("ETag") == etag {
		t.Error("two different queries share an ETag")
	}
}

func TestErrorsHaveOneShape(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	tests := []struct {
		method, target string
		status         int
		code           string
		says           string
	}{
		{"GET", "/api/v1/layers/nope", 404, "not_found", `layer "nope" does not exist`},
		{"GET", "/api/v1/layers/nope/features", 404, "not_found", "does not exist"},
		{"GET", "/api/v1/layers/incidents/features/zzz", 404, "not_found", "no feature"},
		{"GET", "/api/v1/layers/incidents/features?bbox=1,2,3", 400, "invalid", "bbox"},
		{"GET", "/api/v1/layers/incidents/features?bbox=NaN,0,1,1", 400, "invalid", "finite"},
		{"GET", "/api/v1/layers/incidents/features?datetime=soon", 400, "invalid", "RFC 3339"},
		{"GET", "/api/v1/layers/incidents/features?limit=1000000", 400, "invalid", "50000"},
		{"GET", "/api/v1/layers/incidents/features?colour=red", 400, "invalid", "unknown parameter"},
		{"GET", "/api/v1/layers/incidents/features?category=health&colour=red", 400, "invalid", "unknown parameter"},
		{"GET", "/api/v1/layers/incidents/features?category=", 400, "invalid", "empty"},
		{"GET", "/api/v1/layers/incidents/values", 400, "invalid", "property"},
		{"GET", "/api/v1/layers/incidents/values?property=secret", 400, "invalid", "does not have"},
		{"GET", "/api/v1/nothing-here", 404, "not_found", "nothing at"},
		{"GET", "/no/such/page", 404, "not_found", "nothing at"},
		{"POST", "/api/v1/layers", 403, "forbidden", "editor"},
		{"PATCH", "/api/v1/layers", 405, "method_not_allowed", "not allowed"},
		{"DELETE", "/api/v1/layers/incidents/features", 405, "method_not_allowed", "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			r := do(t, e, tt.method, tt.target)
			if r.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Code, tt.status, r.Body)
			}
			var body struct{ Code, Message, RequestID string }
			var raw map[string]any
			if err := json.Unmarshal(r.Body.Bytes(), &raw); err != nil {
				t.Fatalf("error body is not JSON: %s", r.Body)
			}
			if _, ok := raw["details"]; !ok {
				t.Error("error body has no details member")
			}
			body.Code, _ = raw["code"].(string)
			body.Message, _ = raw["message"].(string)
			body.RequestID, _ = raw["request_id"].(string)
			if body.Code != tt.code || !strings.Contains(body.Message, tt.says) || body.RequestID == "" {
				t.Errorf("body = %s; want code %q, a message saying %q and a request id", r.Body, tt.code, tt.says)
			}
			if body.RequestID != r.Header().Get(echo.HeaderXRequestID) {
				t.Error("request_id differs from the X-Request-Id header")
			}
		})
	}
}

func TestHostileTextStaysEscapedJSON(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	r := do(t, e, http.MethodGet, "/api/v1/layers/incidents/features/i4")
	if r.Code != 200 {
		t.Fatalf("status %d", r.Code)
	}
	if bytes.Contains(r.Body.Bytes(), []byte("<img")) {
		t.Errorf("raw markup in a JSON body: %s", r.Body)
	}
	var f struct{ Properties map[string]string }
	_ = json.Unmarshal(r.Body.Bytes(), &f)
	if f.Properties["location"] != "<img src=x onerror=alert(1)>" {
		t.Errorf("location = %q; the text must survive unchanged", f.Properties["location"])
	}
	if r.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(r.Header().Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("security headers missing: %v", r.Header())
	}
}

func TestLayersValuesAndMeta(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	var list struct{ Layers []geodata.Meta }
	if err := json.Unmarshal(do(t, e, "GET", "/api/v1/layers").Body.Bytes(), &list); err != nil || len(list.Layers) != 1 {
		t.Fatalf("layers: %+v %v", list, err)
	}
	m := list.Layers[0]
	if m.ID != "incidents" || m.Version != 1 || m.FeatureCount != 6 || len(m.BBox) != 4 || !m.HasField("cause_category") {
		t.Errorf("meta = %+v", m)
	}
	r := do(t, e, "GET", "/api/v1/layers/incidents/values?property=cause_category", "Accept-Encoding", "gzip")
	var vals struct {
		Property string
		Values   []reads.ValueCount
	}
	if err := json.Unmarshal(r.body(t), &vals); err != nil {
		t.Fatal(err)
	}
	if len(vals.Values) != 3 || vals.Values[0].Count != 3 || !strings.HasPrefix(vals.Values[0].Value, "Harsh") {
		t.Errorf("values = %+v", vals)
	}
	if h := do(t, e, http.MethodHead, "/api/v1/layers/incidents/features", "Accept-Encoding", "gzip"); h.Code != 200 || h.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, %d bytes", h.Code, h.Body.Len())
	}
}

func TestMetricsAndHealth(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	do(t, e, "GET", "/api/v1/layers/incidents/features")
	do(t, e, "GET", "/api/v1/layers/incidents/features")
	do(t, e, "GET", "/api/v1/layers/nope")
	m := do(t, e, "GET", "/metrics").Body.String()
	for _, want := range []string{
		`routerisk_http_requests_total{method="GET",route="/api/v1/layers/:id/features",status="200"} 2`,
		`routerisk_http_requests_total{method="GET",route="/api/v1/layers/:id",status="404"} 1`,
		`routerisk_cache_results_total{result="HIT"} 1`,
		`routerisk_cache_results_total{result="MISS"} 1`,
		`routerisk_http_request_duration_seconds_bucket`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if r := do(t, e, "GET", "/healthz"); r.Code != 200 {
		t.Errorf("/healthz: %d", r.Code)
	}
	if r := do(t, e, "GET", "/readyz"); r.Code != 200 || !strings.Contains(r.Body.String(), `"status":"ok"`) {
		t.Errorf("/readyz: %d %s", r.Code, r.Body)
	}
}

func TestFrontendNoticeWithoutBuild(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	r := do(t, e, "GET", "/")
	if r.Code != 200 || !strings.Contains(r.Body.String(), "make build") {
		t.Errorf("/ without a built frontend: %d %s", r.Code, r.Body)
	}
}

func TestHotspots(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	r := do(t, e, http.MethodGet, "/api/v1/hotspots?resolution=3", "Accept-Encoding", "gzip")
	if r.Code != http.StatusOK || r.Header().Get("Content-Type") != "application/geo+json" {
		t.Fatalf("status %d, type %q: %s", r.Code, r.Header().Get("Content-Type"), r.body(t))
	}
	c := r.collection(t)
	total, dead := 0.0, 0.0
	for _, f := range c.Features {
		if f.Geometry["type"] != "Polygon" && f.Geometry["type"] != "MultiPolygon" {
			t.Errorf("cell %v is a %v", f.Properties["cell"], f.Geometry["type"])
		}
		for _, k := range []string{"cell", "resolution", "incidents", "dead", "missing", "z", "p", "p_fdr", "class"} {
			if _, ok := f.Properties[k]; !ok {
				t.Errorf("cell lacks %s: %v", k, f.Properties)
			}
		}
		total += f.Properties["incidents"].(float64)
		dead += f.Properties["dead"].(float64)
	}
	if total != 6 || dead != 53 {
		t.Errorf("cells hold %v incidents and %v dead; the fixture has 6 and 53", total, dead)
	}
	if again := do(t, e, http.MethodGet, "/api/v1/hotspots?resolution=3"); again.Header().Get("X-Cache") != "HIT" {
		t.Errorf("second request: X-Cache %q", again.Header().Get("X-Cache"))
	}
	dated := do(t, e, http.MethodGet, "/api/v1/hotspots?resolution=3&datetime=2017-01-01/2020-12-31").collection(t)
	n := 0.0
	for _, f := range dated.Features {
		n += f.Properties["incidents"].(float64)
	}
	if n != 2 {
		t.Errorf("2017–2020 cells hold %v incidents, want 2", n)
	}
	for target, status := range map[string]int{
		"/api/v1/hotspots?resolution=99":       400,
		"/api/v1/hotspots?layer=nope":          404,
		"/api/v1/hotspots?layer=a&layer=b":     400,
		"/api/v1/hotspots?zoom=5&resolution=3": 400,
		"/api/v1/hotspots?colour=red":          400,
	} {
		if r := do(t, e, http.MethodGet, target); r.Code != status {
			t.Errorf("%s: status %d, want %d (%s)", target, r.Code, status, r.Body)
		}
	}
}

func TestRiskSegmentsAndPriorities(t *testing.T) {
	e := newTestAppWith(t, cache.NewLRU(1<<20), map[string]geodata.Meta{
		"testdata/routes.geojson": {ID: "routes", Kind: geodata.KindRoute, Title: "Routes", Sensitivity: geodata.Public},
	})
	c := do(t, e, http.MethodGet, "/api/v1/risk/segments?segment_km=20&reference_date=2024-01-01").collection(t)
	if len(c.Features) < 10 {
		t.Fatalf("%d segments for two routes of ~290 km at 20 km", len(c.Features))
	}
	byRoute := map[string]float64{}
	for _, f := range c.Features {
		if f.Geometry["type"] != "LineString" {
			t.Errorf("segment %s is a %v", f.ID, f.Geometry["type"])
		}
		for _, k := range []string{"id", "route", "segment_index", "start_km", "end_km", "risk", "class", "incidents", "dead", "missing", "priority"} {
			if _, ok := f.Properties[k]; !ok {
				t.Errorf("segment %s lacks %s", f.ID, k)
			}
		}
		byRoute[f.Properties["route"].(string)] += f.Properties["incidents"].(float64)
	}
	if byRoute["Central Mediterranean"] == 0 || byRoute["Western Mediterranean"] == 0 {
		t.Errorf("incidents near each route: %v; both routes pass fixture incidents", byRoute)
	}
	p := do(t, e, http.MethodGet, "/api/v1/risk/priorities?limit=2&segment_km=20&reference_date=2024-01-01").collection(t)
	if len(p.Features) != 2 || p.Features[0].Properties["rank"] != 1.0 || p.Features[1].Properties["rank"] != 2.0 {
		t.Fatalf("priorities: %d features, ranks %v, %v", len(p.Features), p.Features[0].Properties["rank"], p.Features[len(p.Features)-1].Properties["rank"])
	}
	if reasons, _ := p.Features[0].Properties["reasons"].([]any); len(reasons) == 0 {
		t.Error("the first priority gives no reasons")
	}
	for _, f := range p.Features {
		switch loc := f.Properties["location"]; loc {
		case "Libya", "Italy", "Spain": // the countries of the fixture incidents beside the two routes
		default:
			t.Errorf("priority %s is located in %v", f.ID, loc)
		}
	}
	if r := do(t, e, http.MethodGet, "/api/v1/risk/priorities?limit=2&segment_km=20&reference_date=2024-01-01"); r.Header().Get("X-Cache") != "HIT" {
		t.Errorf("repeated priorities: X-Cache %q", r.Header().Get("X-Cache"))
	}
	csvResp := do(t, e, http.MethodGet, "/api/v1/risk/priorities?limit=2&segment_km=20&reference_date=2024-01-01&format=csv")
	if ct := csvResp.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("CSV content type %q", ct)
	}
	lines := strings.Split(strings.TrimSpace(csvResp.Body.String()), "\n")
	// The HXL hashtag row is on by default under the header (docs/hxl.md).
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "rank,id,route,label,place,location,") ||
		!strings.HasPrefix(lines[1], "#indicator+rank,#meta+id,") || !strings.HasPrefix(lines[2], "1,") {
		t.Errorf("CSV:\n%s", csvResp.Body)
	}
	for target, status := range map[string]int{
		"/api/v1/risk/priorities?format=xlsx":        400,
		"/api/v1/risk/segments?radius_km=0":          400,
		"/api/v1/risk/segments?radius_km=NaN":        400,
		"/api/v1/risk/segments?reference_date=today": 400,
		"/api/v1/risk/segments?causes=Shipwreck":     400,
		"/api/v1/risk/segments?limit=3":              400,
		"/api/v1/risk/priorities?limit=0":            400,
		"/api/v1/risk/priorities?limit=9999":         400,
	} {
		if r := do(t, e, http.MethodGet, target); r.Code != status {
			t.Errorf("%s: status %d, want %d (%s)", target, r.Code, status, r.Body)
		}
	}
}

func TestRiskNeedsRoutes(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	if r := do(t, e, http.MethodGet, "/api/v1/risk/segments"); r.Code != http.StatusNotFound {
		t.Errorf("risk without a route layer: %d %s", r.Code, r.Body)
	}
}

func TestRiskSegmentExplained(t *testing.T) {
	e := newTestAppWith(t, cache.NewLRU(1<<20), map[string]geodata.Meta{
		"testdata/routes.geojson": {ID: "routes", Kind: geodata.KindRoute, Title: "Routes", Sensitivity: geodata.Public},
	})
	const q = "?segment_km=20&reference_date=2024-01-01"
	p := do(t, e, http.MethodGet, "/api/v1/risk/priorities"+q+"&limit=1").collection(t)
	if len(p.Features) != 1 {
		t.Fatalf("%d priorities", len(p.Features))
	}
	id := p.Features[0].ID
	r := do(t, e, http.MethodGet, "/api/v1/risk/segments/"+id+q)
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q: %s", r.Code, r.Header().Get("Content-Type"), r.Body)
	}
	var ex struct {
		Segment struct {
			Type       string         `json:"type"`
			ID         string         `json:"id"`
			Geometry   map[string]any `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"segment"`
		Incidents []struct {
			ID            string   `json:"id"`
			Date          *string  `json:"date"`
			Dead          float64  `json:"dead"`
			Missing       float64  `json:"missing"`
			CauseCategory string   `json:"cause_category"`
			DistanceKm    *float64 `json:"distance_km"`
			Weight        float64  `json:"weight"`
		} `json:"incidents"`
		IncidentsTotal *int `json:"incidents_total"`
		PerYear        []struct {
			Year, Incidents int
			Dead, Missing   float64
		} `json:"per_year"`
		Services []struct {
			Category  string   `json:"category"`
			Status    string   `json:"status"`
			NearestKm *float64 `json:"nearest_km"`
			Nearest   any      `json:"nearest"`
		} `json:"services"`
	}
	if err := json.Unmarshal(r.body(t), &ex); err != nil {
		t.Fatalf("%v: %s", err, r.body(t))
	}
	props := ex.Segment.Properties
	if ex.Segment.Type != "Feature" || ex.Segment.ID != id || ex.Segment.Geometry["type"] != "LineString" {
		t.Errorf("segment %s %s %v", ex.Segment.Type, ex.Segment.ID, ex.Segment.Geometry["type"])
	}
	// The segment is the one /risk/segments gives, plus its reasons.
	all := do(t, e, http.MethodGet, "/api/v1/risk/segments"+q).collection(t)
	for _, f := range all.Features {
		if f.ID != id {
			continue
		}
		for k, v := range f.Properties {
			if got, _ := json.Marshal(props[k]); string(got) != mustJSON(t, v) {
				t.Errorf("property %s: %s, /risk/segments gives %s", k, got, mustJSON(t, v))
			}
		}
	}
	if reasons, _ := props["reasons"].([]any); len(reasons) == 0 {
		t.Errorf("reasons %v", props["reasons"])
	}
	n := int(props["incidents"].(float64))
	if n == 0 || ex.IncidentsTotal == nil || *ex.IncidentsTotal != n || len(ex.Incidents) != n {
		t.Fatalf("segment counts %d incidents; explanation lists %d of %v", n, len(ex.Incidents), ex.IncidentsTotal)
	}
	sum, dead, byYear := 0.0, 0.0, 0
	for i, inc := range ex.Incidents {
		sum += inc.Weight
		dead += inc.Dead
		if inc.ID == "" || inc.DistanceKm == nil || *inc.DistanceKm > 25 || inc.Weight <= 0 {
			t.Errorf("incident %+v", inc)
		}
		if i > 0 && inc.Weight > ex.Incidents[i-1].Weight {
			t.Errorf("incidents not by weight: %v after %v", inc.Weight, ex.Incidents[i-1].Weight)
		}
	}
	want := props["risk"].(float64) * props["length_km"].(float64) / 100
	if math.Abs(sum-want) > 1e-9*want {
		t.Errorf("weights add up to %v; risk × length_km / 100 = %v", sum, want)
	}
	if dead != props["dead"].(float64) {
		t.Errorf("dead %v, segment %v", dead, props["dead"])
	}
	for i, y := range ex.PerYear {
		byYear += y.Incidents
		if i > 0 && y.Year != ex.PerYear[i-1].Year+1 {
			t.Errorf("per_year skips from %d to %d", ex.PerYear[i-1].Year, y.Year)
		}
	}
	if byYear == 0 || byYear > n {
		t.Errorf("%d incidents by year of %d", byYear, n)
	}
	if len(ex.Services) == 0 || ex.Services[0].Category != "health" {
		t.Errorf("services %+v", ex.Services)
	}
	for _, s := range ex.Services {
		if s.Status != "no_data" || s.NearestKm != nil || s.Nearest != nil || props["coverage_"+s.Category] != s.Status {
			t.Errorf("service %+v without a services layer", s)
		}
	}

	again := do(t, e, http.MethodGet, "/api/v1/risk/segments/"+id+q)
	if again.Header().Get("X-Cache") != "HIT" || again.Header().Get("ETag") != r.Header().Get("ETag") {
		t.Errorf("repeated: X-Cache %q, ETag %q then %q", again.Header().Get("X-Cache"), r.Header().Get("ETag"), again.Header().Get("ETag"))
	}
	if nm := do(t, e, http.MethodGet, "/api/v1/risk/segments/"+id+q, "If-None-Match", r.Header().Get("ETag")); nm.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", nm.Code)
	}
	if esc := do(t, e, http.MethodGet, "/api/v1/risk/segments/"+strings.ReplaceAll(id, ":", "%3A")+q); esc.Code != http.StatusOK {
		t.Errorf("escaped id: %d %s", esc.Code, esc.Body)
	}

	missing := do(t, e, http.MethodGet, "/api/v1/risk/segments/nope:0"+q)
	if missing.Code != http.StatusNotFound || !strings.Contains(missing.Body.String(), "/api/v1/risk/segments") {
		t.Errorf("unknown segment: %d %s", missing.Code, missing.Body)
	}
	for _, target := range []string{
		"/api/v1/risk/segments/" + id + "?radius_km=0",
		"/api/v1/risk/segments/" + id + "?reference_date=today",
		"/api/v1/risk/segments/" + id + "?limit=3",
		"/api/v1/risk/segments/" + id + "?segment_km=20&segment_km=30",
	} {
		if r := do(t, e, http.MethodGet, target); r.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400 (%s)", target, r.Code, r.Body)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFilterValuesTheLayerDoesNotHoldAreNotCached: filter spam (values
// no feature holds) is answered, but not remembered: every such request
// bypasses the cache, while a value the layer holds is cached as usual.
func TestFilterValuesTheLayerDoesNotHoldAreNotCached(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	for i := range 3 {
		r := do(t, e, http.MethodGet, fmt.Sprintf("/api/v1/layers/incidents/features?route=spam-%d", i))
		if r.Code != http.StatusOK || r.Header().Get("X-Cache") != "BYPASS" {
			t.Fatalf("spam %d: %d %q", i, r.Code, r.Header().Get("X-Cache"))
		}
		if c := r.collection(t); c.NumberMatched != 0 {
			t.Errorf("spam matched %d", c.NumberMatched)
		}
	}
	again := do(t, e, http.MethodGet, "/api/v1/layers/incidents/features?route=spam-0")
	if again.Header().Get("X-Cache") != "BYPASS" {
		t.Errorf("a value no feature holds was cached: %q", again.Header().Get("X-Cache"))
	}
	long := do(t, e, http.MethodGet, "/api/v1/layers/incidents/features?route="+strings.Repeat("x", 401))
	if long.Code != http.StatusBadRequest {
		t.Errorf("a 401-byte filter value: %d", long.Code)
	}
	held := do(t, e, http.MethodGet, "/api/v1/layers/incidents/features?route=Central+Mediterranean")
	heldAgain := do(t, e, http.MethodGet, "/api/v1/layers/incidents/features?route=Central+Mediterranean")
	if held.Header().Get("X-Cache") != "MISS" || heldAgain.Header().Get("X-Cache") != "HIT" {
		t.Errorf("a held value: %q then %q", held.Header().Get("X-Cache"), heldAgain.Header().Get("X-Cache"))
	}
}

func TestUploadPage(t *testing.T) {
	const page = `<!doctype html><title>Upload a layer</title><script type="module" src="./assets/upload.js"></script>`
	built := fstest.MapFS{"upload.html": {Data: []byte(page)}, "index.html": {Data: []byte("<!doctype html>")}}
	for _, tc := range []struct {
		name string
		dist fs.FS
		code int
		want string
	}{
		{"built", built, http.StatusOK, page},
		{"not built", nil, http.StatusNotFound, "make build"},
		{"built without the page", fstest.MapFS{"index.html": {Data: []byte("x")}}, http.StatusNotFound, "not built"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := echo.New()
			e.GET("/upload", uploadPage(tc.dist))
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/upload", nil))
			if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
				t.Fatalf("GET /upload: %d %s", rec.Code, rec.Body)
			}
			if tc.code == http.StatusOK && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
			}
		})
	}
}

func TestAdminPage(t *testing.T) {
	const page = `<!doctype html><title>Audit log and embeds</title><script type="module" src="./assets/admin.js"></script>`
	built := fstest.MapFS{"admin.html": {Data: []byte(page)}, "upload.html": {Data: []byte("upload")}, "index.html": {Data: []byte("<!doctype html>")}}
	for _, tc := range []struct {
		name string
		dist fs.FS
		code int
		want string
	}{
		{"built", built, http.StatusOK, page},
		{"not built", nil, http.StatusNotFound, "make build"},
		{"built without the page", fstest.MapFS{"upload.html": {Data: []byte("upload")}}, http.StatusNotFound, "the admin page is not built"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := echo.New()
			e.GET("/admin", adminPage(tc.dist))
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/admin", nil))
			if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
				t.Fatalf("GET /admin: %d %s", rec.Code, rec.Body)
			}
			if tc.code == http.StatusOK {
				if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
					t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
				}
				if rec.Header().Get("Cache-Control") != "no-cache" {
					t.Errorf("Cache-Control %q", rec.Header().Get("Cache-Control"))
				}
			}
		})
	}
}

// TestOfflinePage: /offline answers the built offline.html under the
// default policy (scripts of this origin only: the viewer needs no worker
// and no blob: script), and says how to build it when it is missing.
func TestOfflinePage(t *testing.T) {
	const page = `<!doctype html><title>Offline pack</title><script type="module" src="./assets/offline.js"></script>`
	built := fstest.MapFS{"offline.html": {Data: []byte(page)}, "index.html": {Data: []byte("<!doctype html>")}}
	for _, tc := range []struct {
		name string
		dist fs.FS
		code int
		want string
	}{
		{"built", built, http.StatusOK, page},
		{"not built", nil, http.StatusNotFound, "make build"},
		{"built without the page", fstest.MapFS{"index.html": {Data: []byte("x")}}, http.StatusNotFound, "the offline pack viewer is not built"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			csp, _ := contentPolicies("", "'none'")
			e := echo.New()
			e.Use(securityHeaders(csp, csp))
			e.GET("/offline", offlinePage(tc.dist))
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/offline", nil))
			if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
				t.Fatalf("GET /offline: %d %s", rec.Code, rec.Body)
			}
			if tc.code != http.StatusOK {
				return
			}
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || rec.Header().Get("Cache-Control") != "no-cache" {
				t.Errorf("Content-Type %q, Cache-Control %q", rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
			}
			got := rec.Header().Get("Content-Security-Policy")
			for _, want := range []string{"script-src 'self';", "connect-src 'self';", "default-src 'self';"} {
				if !strings.Contains(got, want) {
					t.Errorf("policy %q lacks %q", got, want)
				}
			}
		})
	}
}

// TestRiskSegmentsForAZoom: zoom= below risk.OverviewMaxZoom answers the
// segments merged into stretches of one class, with the id of their first
// segment (which the details endpoint explains), the highest risk of
// their segments, coordinates to the zoom's precision and the top-level
// members of the full answer; from OverviewMaxZoom on, the full answer.
func TestRiskSegmentsForAZoom(t *testing.T) {
	e := newTestAppWith(t, cache.NewLRU(4<<20), map[string]geodata.Meta{
		"testdata/routes.geojson": {ID: "routes", Kind: geodata.KindRoute, Title: "Routes", Sensitivity: geodata.Public},
	})
	const q = "/api/v1/risk/segments?segment_km=20&reference_date=2024-01-01"
	full := do(t, e, http.MethodGet, q)
	all := full.collection(t)
	byID := map[string]map[string]any{}
	for _, f := range all.Features {
		byID[f.ID] = f.Properties
	}
	for _, tc := range []struct {
		zoom     string
		overview bool
	}{{"0", true}, {"2", true}, {"5", true}, {"7", false}, {"12", false}} {
		t.Run("zoom="+tc.zoom, func(t *testing.T) {
			r := do(t, e, http.MethodGet, q+"&zoom="+tc.zoom)
			if r.Code != http.StatusOK {
				t.Fatalf("status %d: %s", r.Code, r.Body)
			}
			if !tc.overview {
				if r.Body.String() != full.Body.String() {
					t.Error("the answer differs from the one without a zoom")
				}
				return
			}
			var top map[string]json.RawMessage
			if err := json.Unmarshal(r.Body.Bytes(), &top); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"reference_date", "data_through", "parameters", "caveats"} {
				if string(top[k]) == "" || string(top[k]) != string(mustJSONFrom(t, full.Body.Bytes(), k)) {
					t.Errorf("member %s is %s, the full answer's %s", k, top[k], mustJSONFrom(t, full.Body.Bytes(), k))
				}
			}
			c := r.collection(t)
			if len(c.Features) == 0 || len(c.Features) >= len(all.Features) {
				t.Fatalf("%d stretches of %d segments", len(c.Features), len(all.Features))
			}
			merged := 0
			for _, f := range c.Features {
				first, ok := byID[f.ID]
				if !ok || f.Properties["id"] != f.ID {
					t.Fatalf("stretch %q (id property %v) is named for no segment", f.ID, f.Properties["id"])
				}
				if f.Properties["class"] == nil || f.Properties["route"] != first["route"] || f.Properties["label"] != first["label"] {
					t.Errorf("stretch %s: %v; its first segment %v", f.ID, f.Properties, first)
				}
				if risk, _ := f.Properties["risk"].(float64); risk < first["risk"].(float64) {
					t.Errorf("stretch %s has risk %v below its first segment's %v", f.ID, risk, first["risk"])
				}
				n, _ := f.Properties["segments"].(float64)
				if n > 1 {
					merged++
				}
				for _, k := range []string{"dead", "coverage_health", "incidents"} {
					if _, has := f.Properties[k]; has {
						t.Errorf("stretch %s carries %s, a figure of one segment", f.ID, k)
					}
				}
			}
			if merged == 0 {
				t.Error("no stretch merges segments")
			}
			if regexp.MustCompile(`\[-?\d+\.\d{3,},`).MatchString(r.Body.String()) {
				t.Error("coordinates finer than the zoom shows")
			}
			ex := do(t, e, http.MethodGet, "/api/v1/risk/segments/"+c.Features[0].ID+"?segment_km=20&reference_date=2024-01-01")
			if ex.Code != http.StatusOK {
				t.Errorf("details of stretch %s: %d %s", c.Features[0].ID, ex.Code, ex.Body)
			}
			if again := do(t, e, http.MethodGet, q+"&zoom="+tc.zoom); again.Header().Get("X-Cache") != "HIT" {
				t.Errorf("repeated: X-Cache %q", again.Header().Get("X-Cache"))
			}
		})
	}
	for _, bad := range []string{"-1", "25", "x", "2.5", "2&zoom=3"} {
		r := do(t, e, http.MethodGet, q+"&zoom="+bad)
		if r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), "zoom") {
			t.Errorf("zoom=%s: %d %s", bad, r.Code, r.Body)
		}
	}
	if r := do(t, e, http.MethodGet, "/api/v1/risk/priorities?zoom=2"); r.Code != http.StatusBadRequest {
		t.Errorf("priorities with zoom=: %d, want 400", r.Code)
	}
}

// mustJSONFrom returns the member k of the JSON object body.
func mustJSONFrom(t *testing.T, body []byte, k string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m[k]
}
