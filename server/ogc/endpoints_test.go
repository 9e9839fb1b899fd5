package ogc_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/routerisk/routerisk/server/ogc"
)

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

func TestEndpoints(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	type doc struct {
		Title       string
		Links       []link
		ConformsTo  []string
		Collections []struct {
			ID     string
			Links  []link
			CRS    []string
			Extent struct {
				Spatial  struct{ BBox [][]float64 }
				Temporal *struct{ Interval [][]*string }
			}
		}
		ID         string
		CRS        []string
		StorageCRS string `json:"storageCrs"`
		Extent     struct {
			Spatial struct {
				BBox [][]float64
				CRS  string
			}
			Temporal *struct {
				Interval [][]*string
				TRS      string
			}
		}
		OpenAPI    string
		Schema     string `json:"$schema"`
		SchemaID   string `json:"$id"`
		Properties map[string]struct{ Type, Format string }
	}
	tests := []struct {
		name, target string
		headers      []string
		contentType  string
		check        func(t *testing.T, r response)
	}{
		{"landing page", "/ogc", nil, "application/json", func(t *testing.T, r response) {
			var d doc
			r.decode(t, &d)
			for _, want := range []struct{ rel, typ, href string }{
				{"self", "application/json", "http://example.com/ogc?f=json"},
				{"alternate", "text/html", "http://example.com/ogc?f=html"},
				{"service-desc", "application/vnd.oai.openapi+json;version=3.0", "http://example.com/ogc/api"},
				{"service-doc", "text/html", "http://example.com/ogc/api?f=html"},
				{"conformance", "application/json", "http://example.com/ogc/conformance"},
				{"http://www.opengis.net/def/rel/ogc/1.0/conformance", "application/json", "http://example.com/ogc/conformance"},
				{"data", "application/json", "http://example.com/ogc/collections"},
				{"http://www.opengis.net/def/rel/ogc/1.0/data", "application/json", "http://example.com/ogc/collections"},
			} {
				if l, ok := findLink(d.Links, want.rel, want.typ); !ok || l.Href != want.href {
					t.Errorf("no %s link (%s) to %s: %+v", want.rel, want.typ, want.href, d.Links)
				}
			}
		}},
		{"landing page, trailing slash", "/ogc/", nil, "application/json", nil},
		{"landing page for a browser", "/ogc", []string{"Accept", browserAccept}, "text/html; charset=utf-8", func(t *testing.T, r response) {
			if !strings.Contains(r.Body.String(), `href="http://example.com/ogc/collections?f=html"`) {
				t.Errorf("the HTML landing page does not link the collections:\n%s", r.Body)
			}
		}},
		{"conformance", "/ogc/conformance", nil, "application/json", func(t *testing.T, r response) {
			var d doc
			r.decode(t, &d)
			if !slices.Equal(d.ConformsTo, ogc.ConformsTo()) {
				t.Errorf("conformsTo = %v", d.ConformsTo)
			}
		}},
		{"conformance as HTML", "/ogc/conformance?f=html", nil, "text/html; charset=utf-8", func(t *testing.T, r response) {
			for _, c := range ogc.ConformsTo() {
				if !strings.Contains(r.Body.String(), c) {
					t.Errorf("the HTML page does not list %s", c)
				}
			}
		}},
		{"API definition", "/ogc/api", nil, "application/vnd.oai.openapi+json;version=3.0", func(t *testing.T, r response) {
			var d doc
			r.decode(t, &d)
			if d.OpenAPI != "3.0.3" {
				t.Errorf("openapi = %q", d.OpenAPI)
			}
		}},
		{"API documentation", "/ogc/api?f=html", nil, "text/html; charset=utf-8", func(t *testing.T, r response) {
			if !strings.Contains(r.Body.String(), "/collections/incidents/items") || !strings.Contains(r.Body.String(), "cause_category") {
				t.Error("the API documentation does not list the items path and its property parameters")
			}
		}},
		{"collections", "/ogc/collections", nil, "application/json", func(t *testing.T, r response) {
			var d doc
			r.decode(t, &d)
			if len(d.Collections) != 3 || d.Collections[0].ID != "incidents" || d.Collections[1].ID != "routes" || d.Collections[2].ID != "risk-segments" {
				t.Fatalf("collections = %+v", d.Collections)
			}
			for _, c := range d.Collections {
				items, ok := findLink(c.Links, "items", "application/geo+json")
				if !ok || items.Href != "http://example.com/ogc/collections/"+c.ID+"/items?f=json" {
					t.Errorf("%s: items link %+v", c.ID, items)
				}
				if !slices.Equal(c.CRS, []string{ogc.CRS84}) || len(c.Extent.Spatial.BBox) != 1 {
					t.Errorf("%s: crs %v, extent %+v", c.ID, c.CRS, c.Extent)
				}
			}
			if d.Collections[1].Extent.Temporal != nil {
				t.Error("routes have no time property but a temporal extent")
			}
		}},
		{"collections as HTML", "/ogc/collections", []string{"Accept", "text/html"}, "text/html; charset=utf-8", nil},
		{"collection", "/ogc/collections/incidents", nil, "application/json", func(t *testing.T, r response) {
			var d doc
			r.decode(t, &d)
			if d.ID != "incidents" || d.StorageCRS != ogc.CRS84 || !slices.Equal(d.CRS, []string{ogc.CRS84}) {
				t.Errorf("collection = %+v", d)
			}
			if bb := d.Extent.Spatial.BBox; len(bb) != 1 || !slices.Equal(bb[0], []float64{-110.9, 8.4, 13.123456789, 36.987654321}) || d.Extent.Spatial.CRS != ogc.CRS84 {
				t.Errorf("spatial extent = %+v", d.Extent.Spatial)
			}
			tm := d.Extent.Temporal
			if tm == nil || len(tm.Interval) != 1 || *tm.Interval[0][0] != "2016-05-26T00:00:00Z" || *tm.Interval[0][1] != "2023-07-04T00:00:00Z" ||
				tm.TRS != "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" {
				t.Errorf("temporal extent = %+v", tm)
			}
			if _, ok := findLink(d.Links, "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json"); !ok {
				t.Error("no queryables link")
			}
		}},
		{"collection as HTML", "/ogc/collections/incidents?f=html", nil, "text/html; charset=utf-8", func(t *testing.T, r response) {
			if !strings.Contains(r.Body.String(), "CC BY-IGO 3.0") {
				t.Error("the HTML collection page does not show the licence")
			}
		}},
		{"queryables", "/ogc/collections/routes/queryables", nil, "application/schema+json", func(t *testing.T, r response) {
			var d doc
			r.decode(t, &d)
			if d.Schema != "https://json-schema.org/draft/2020-12/schema" || d.SchemaID != "http://example.com/ogc/collections/routes/queryables" {
				t.Errorf("$schema %q, $id %q", d.Schema, d.SchemaID)
			}
			want := map[string]string{"name": "string", "mode": "string", "approximate": "boolean", "length_km": "number"}
			if len(d.Properties) != len(want) {
				t.Errorf("properties = %v", d.Properties)
			}
			for name, typ := range want {
				if d.Properties[name].Type != typ {
					t.Errorf("%s has type %q, want %q", name, d.Properties[name].Type, typ)
				}
			}
		}},
		{"queryables with a date", "/ogc/collections/incidents/queryables", nil, "application/schema+json", func(t *testing.T, r response) {
			var d doc
			r.decode(t, &d)
			if p := d.Properties["date"]; p.Type != "string" || p.Format != "date" || d.Properties["dead"].Type != "integer" {
				t.Errorf("properties = %v", d.Properties)
			}
		}},
		{"queryables as HTML", "/ogc/collections/incidents/queryables?f=html", nil, "text/html; charset=utf-8", nil},
		{"items", "/ogc/collections/incidents/items", nil, "application/geo+json", func(t *testing.T, r response) {
			var fc featureCollection
			r.decode(t, &fc)
			if fc.Type != "FeatureCollection" || fc.NumberMatched != 6 || fc.NumberReturned != 6 || len(fc.Features) != 6 {
				t.Errorf("matched %d returned %d features %d", fc.NumberMatched, fc.NumberReturned, len(fc.Features))
			}
			if ts, err := time.Parse(time.RFC3339, fc.TimeStamp); err != nil || time.Since(ts) > time.Hour {
				t.Errorf("timeStamp = %q", fc.TimeStamp)
			}
			self, ok1 := findLink(fc.Links, "self", "application/geo+json")
			alt, ok2 := findLink(fc.Links, "alternate", "text/html")
			if !ok1 || !ok2 || self.Href != "http://example.com/ogc/collections/incidents/items?limit=1000&f=json" ||
				alt.Href != "http://example.com/ogc/collections/incidents/items?limit=1000&f=html" {
				t.Errorf("links = %+v", fc.Links)
			}
			if r.Header().Get("Content-Crs") != "<"+ogc.CRS84+">" {
				t.Errorf("Content-Crs = %q", r.Header().Get("Content-Crs"))
			}
		}},
		{"items as HTML", "/ogc/collections/routes/items", []string{"Accept", browserAccept}, "text/html; charset=utf-8", func(t *testing.T, r response) {
			if !strings.Contains(r.Body.String(), "Features 1 to 3 of 3") || !strings.Contains(r.Body.String(), "LineString, 3 positions") {
				t.Errorf("the HTML table lacks its summary or geometry:\n%s", r.Body)
			}
		}},
		{"one feature", "/ogc/collections/incidents/items/i%2F6%20%26x", nil, "application/geo+json", func(t *testing.T, r response) {
			var f struct {
				ID    string
				Type  string
				Links []link
			}
			r.decode(t, &f)
			if f.ID != "i/6 &x" || f.Type != "Feature" {
				t.Errorf("feature %+v", f)
			}
			for _, rel := range []string{"self", "alternate", "collection"} {
				if l, ok := findLink(f.Links, rel, ""); !ok || !strings.HasPrefix(l.Href, "http://example.com/ogc/collections/incidents") {
					t.Errorf("no %s link: %+v", rel, f.Links)
				}
			}
			if r.Header().Get("Content-Crs") != "<"+ogc.CRS84+">" {
				t.Errorf("Content-Crs = %q", r.Header().Get("Content-Crs"))
			}
		}},
		{"one feature in CRS84", "/ogc/collections/routes/items/r1?crs=" + ogc.CRS84, nil, "application/geo+json", nil},
		{"one feature as HTML", "/ogc/collections/routes/items/r3?f=html", nil, "text/html; charset=utf-8", func(t *testing.T, r response) {
			if !strings.Contains(r.Body.String(), "Sahara Desert crossing") {
				t.Errorf("the feature page lacks the name:\n%s", r.Body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, e, tt.target, tt.headers...)
			if r.Code != http.StatusOK {
				t.Fatalf("status %d: %s", r.Code, r.body(t))
			}
			if ct := r.Header().Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", ct, tt.contentType)
			}
			if !slices.Contains(r.Header().Values("Vary"), "Accept") {
				t.Errorf("Vary = %v; the representation depends on Accept", r.Header().Values("Vary"))
			}
			if r.Header().Get("ETag") == "" {
				t.Error("no ETag")
			}
			if tt.check != nil {
				tt.check(t, r)
			}
			if h := do(t, e, http.MethodHead, tt.target, tt.headers...); h.Code != http.StatusOK || h.Body.Len() != 0 {
				t.Errorf("HEAD: status %d, %d bytes", h.Code, h.Body.Len())
			}
		})
	}
}

// The conformance classes declared are exactly the ones this suite checks:
// Part 1 core, GeoJSON, HTML and OpenAPI 3.0 (TestEndpoints, TestItems…,
// TestErrors, TestOpenAPI…, TestGDAL…), Part 2 CRS with CRS84
// (TestCRS), and the queryables of Part 3 as query parameters
// (TestItemsQueries, TestEndpoints).
func TestConformanceDeclaresWhatIsImplemented(t *testing.T) {
	want := []string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
		"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
	}
	if got := ogc.ConformsTo(); !slices.Equal(got, want) {
		t.Errorf("declared %v\nwant      %v", got, want)
	}
	e := newApp(t, fixtureLayers(t))
	var d struct{ ConformsTo []string }
	get(t, e, "/ogc/conformance").decode(t, &d)
	if !slices.Equal(d.ConformsTo, want) {
		t.Errorf("/ogc/conformance declares %v", d.ConformsTo)
	}
}

// The route-risk segments are a collection too, derived from the route
// and incident layers, and read like any other.
func TestRiskSegmentsCollection(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	var all struct {
		NumberMatched int `json:"numberMatched"`
		Features      []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	get(t, e, "/ogc/collections/risk-segments/items?f=json&limit=50000").decode(t, &all)
	if all.NumberMatched == 0 || len(all.Features) != all.NumberMatched {
		t.Fatalf("risk segments: matched %d, returned %d", all.NumberMatched, len(all.Features))
	}
	var api struct {
		Features []struct{ ID string } `json:"features"`
	}
	get(t, e, "/api/v1/risk/segments").decode(t, &api)
	if len(api.Features) != all.NumberMatched {
		t.Errorf("the collection has %d segments, /api/v1/risk/segments %d", all.NumberMatched, len(api.Features))
	}
	first := all.Features[0]
	if _, ok := first.Properties["risk_class"]; !ok {
		t.Errorf("segment properties: %v", first.Properties)
	}
	if r := get(t, e, "/ogc/collections/risk-segments/items/"+url.PathEscape(first.ID)+"?f=json"); r.Code != http.StatusOK {
		t.Errorf("one segment: %d %s", r.Code, r.Body)
	}
	var some struct {
		NumberMatched int `json:"numberMatched"`
	}
	get(t, e, "/ogc/collections/risk-segments/items?f=json&bbox=-6,35,-5,37").decode(t, &some)
	if some.NumberMatched == 0 || some.NumberMatched >= all.NumberMatched {
		t.Errorf("bbox around the Strait of Gibraltar matched %d of %d segments", some.NumberMatched, all.NumberMatched)
	}
}
