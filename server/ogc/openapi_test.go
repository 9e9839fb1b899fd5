package ogc_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/server/analysis"
)

type apiDoc struct {
	OpenAPI string
	Info    struct{ Title, Version string }
	Servers []struct{ URL string }
	Paths   map[string]struct {
		Get struct {
			OperationID string `json:"operationId"`
			Parameters  []struct {
				Name, In string
				Required bool
				Schema   map[string]any
			}
			Responses map[string]struct{ Description string }
		}
	}
}

// The API definition lists the real endpoints: every path answers, every
// parameter it lists is accepted, and nothing else is.
func TestOpenAPIDescribesTheRealEndpoints(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	var doc apiDoc
	get(t, e, "/ogc/api").decode(t, &doc)
	if doc.OpenAPI != "3.0.3" || doc.Info.Version != "test" || len(doc.Servers) != 1 || doc.Servers[0].URL != "http://example.com/ogc" {
		t.Fatalf("head of the definition: %+v %+v", doc.Info, doc.Servers)
	}
	want := []string{"/", "/conformance", "/api", "/collections"}
	for _, id := range []string{"incidents", "routes", analysis.RiskSegmentsID} {
		for _, p := range []string{"", "/queryables", "/items", "/items/{featureId}"} {
			want = append(want, "/collections/"+id+p)
		}
	}
	var got []string
	ids := map[string]bool{}
	for p, item := range doc.Paths {
		got = append(got, p)
		op := item.Get
		if op.OperationID == "" || ids[op.OperationID] {
			t.Errorf("%s: operationId %q is empty or not unique", p, op.OperationID)
		}
		ids[op.OperationID] = true
		for _, status := range []string{"200", "400"} {
			if op.Responses[status].Description == "" {
				t.Errorf("%s: no %s response", p, status)
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("paths %v\nwant  %v", got, want)
	}

	examples := map[string]string{
		"f": "json", "bbox": "-180,-90,180,90", "bbox-crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
		"crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84", "datetime": "2016-01-01/..", "limit": "5", "offset": "1",
		"properties": "name", "precision": "3",
		// property filters, one value each collection holds
		"cause": "Heat", "cause_category": "Violence", "date": "2021-03-15", "dead": "2", "location": "Lampedusa",
		"missing": "0", "route": "Darien", "approximate": "true", "length_km": "34.25", "mode": "sea", "name": "Western Mediterranean",
	}
	for p, item := range doc.Paths {
		if strings.Contains(p, "/"+analysis.RiskSegmentsID) {
			continue // derived from the analysis; TestRiskSegmentsCollection covers it
		}
		fid := "r1"
		if strings.Contains(p, "incidents") {
			fid = "i1"
		}
		target := strings.TrimPrefix(strings.TrimSuffix(doc.Servers[0].URL+strings.Replace(p, "{featureId}", fid, 1), "/"), "http://example.com")
		if r := get(t, e, target); r.Code != http.StatusOK {
			t.Errorf("GET %s: %d %s", target, r.Code, r.body(t))
		}
		for _, param := range item.Get.Parameters {
			if param.In != "query" {
				continue
			}
			v, ok := examples[param.Name]
			if !ok {
				t.Errorf("%s: no example for parameter %s", p, param.Name)
				continue
			}
			if strings.HasSuffix(p, "/items") && param.Name == "properties" && strings.Contains(p, "incidents") {
				v = "dead"
			}
			if strings.Contains(p, "routes") && param.Name == "datetime" {
				continue // routes have no time property: documented as answered with 400
			}
			u := target + "?" + url.Values{param.Name: {v}}.Encode()
			if r := get(t, e, u); r.Code != http.StatusOK {
				t.Errorf("GET %s: %d %s", u, r.Code, r.body(t))
			}
		}
	}

	items := doc.Paths["/collections/incidents/items"].Get
	var names []string
	for _, p := range items.Parameters {
		names = append(names, p.Name)
		if p.Name == "limit" && (p.Schema["maximum"] != 50000.0 || p.Schema["default"] != 1000.0 || p.Schema["minimum"] != 1.0) {
			t.Errorf("limit schema = %v", p.Schema)
		}
	}
	for _, want := range []string{"bbox", "bbox-crs", "datetime", "limit", "offset", "crs", "f", "cause", "cause_category", "date", "dead", "location", "missing", "route"} {
		if !slices.Contains(names, want) {
			t.Errorf("the items of incidents do not list parameter %s", want)
		}
	}
}
