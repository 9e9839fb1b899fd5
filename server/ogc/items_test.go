package ogc_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/server/ogc"
)

func TestItemsQueries(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	crs := url.QueryEscape(ogc.CRS84)
	tests := []struct {
		layer, query string
		matched      int
		ids          string
	}{
		{"incidents", "", 6, "i1,i2,i3,i4,i5,i/6 &x"},
		{"incidents", "bbox=10,30,15,40", 2, "i1,i2"},
		{"incidents", "bbox=10,30,-100,15,40,100", 2, "i1,i2"},
		{"incidents", "bbox=10,30,15,40&bbox-crs=" + crs, 2, "i1,i2"},
		{"incidents", "bbox=10,30,15,40&bbox-crs=%5BOGC%3ACRS84%5D", 2, "i1,i2"},
		{"incidents", "crs=" + crs, 6, "i1,i2,i3,i4,i5,i/6 &x"},
		{"incidents", "datetime=2017-01-01/2020-12-31", 2, "i2,i3"},
		{"incidents", "datetime=2017-01-01T%2F2020-12-31T", 2, "i2,i3"},
		{"incidents", "datetime=../2016-05-26", 1, "i1"},
		{"incidents", "datetime=2021-03-15T00:00:00Z/..", 2, "i4,i/6 &x"},
		{"incidents", "cause=Drowning", 1, "i3"},
		{"incidents", "cause_category=Drowning", 2, "i1,i3"},
		{"incidents", "cause_category=Drowning&cause_category=Violence", 3, "i1,i3,i4"},
		{"incidents", "dead=1", 3, "i3,i5,i/6 &x"},
		{"incidents", "dead=1.0", 3, "i3,i5,i/6 &x"},
		{"incidents", "dead=3&route=Central+Mediterranean", 1, "i2"},
		{"incidents", "date=2021-03-15", 1, "i4"},
		{"incidents", "location=" + url.QueryEscape("<img src=x onerror=alert(1)>"), 1, "i4"},
		{"incidents", "route=Darien&bbox=0,0,1,1", 0, ""},
		{"incidents", "limit=2", 6, "i1,i2"},
		{"incidents", "limit=2&offset=4", 6, "i5,i/6 &x"},
		{"incidents", "limit=2&offset=10", 6, ""},
		{"incidents", "limit=999999", 6, "i1,i2,i3,i4,i5,i/6 &x"},
		{"incidents", "f=json&limit=1", 6, "i1"},
		{"routes", "approximate=true", 1, "r3"},
		{"routes", "approximate=TRUE", 1, "r3"},
		{"routes", "approximate=false", 2, "r1,r2"},
		{"routes", "length_km=34.25", 1, "r2"},
		{"routes", "length_km=2020.0", 1, "r3"},
		{"routes", "mode=sea", 2, "r1,r2"},
		{"routes", "mode=sea&bbox=-6,35,-5,37", 1, "r2"},
	}
	for _, tt := range tests {
		t.Run(tt.layer+"?"+tt.query, func(t *testing.T) {
			r := get(t, e, "/ogc/collections/"+tt.layer+"/items?"+tt.query, "Accept-Encoding", "gzip")
			if r.Code != http.StatusOK {
				t.Fatalf("status %d: %s", r.Code, r.body(t))
			}
			var fc featureCollection
			r.decode(t, &fc)
			if ids := strings.Join(fc.ids(), ","); fc.NumberMatched != tt.matched || ids != tt.ids || fc.NumberReturned != len(fc.Features) {
				t.Errorf("matched %d returned %d ids %s; want matched %d ids %s", fc.NumberMatched, fc.NumberReturned, ids, tt.matched, tt.ids)
			}
		})
	}
}

func TestLimitAboveTheLargestPageIsClamped(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	var fc featureCollection
	get(t, e, "/ogc/collections/incidents/items?limit=1000000").decode(t, &fc)
	self, _ := findLink(fc.Links, "self", "")
	if !strings.Contains(self.Href, "limit=50000") {
		t.Errorf("self link %s; a limit above 50000 should be served as 50000", self.Href)
	}
}

func TestPropertiesSelectsProperties(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	var fc featureCollection
	get(t, e, "/ogc/collections/incidents/items?properties=dead,route&precision=1&bbox=13,36,14,37").decode(t, &fc)
	if len(fc.Features) != 1 || len(fc.Features[0].Properties) != 2 || fc.Features[0].Properties["dead"] != 3.0 {
		t.Fatalf("features = %+v", fc.Features)
	}
	if c := fc.Features[0].Geometry["coordinates"].([]any); c[0] != 13.1 || c[1] != 37.0 {
		t.Errorf("coordinates = %v", c)
	}
}

func TestNextLinksPageThroughEverythingOnce(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	seen := map[string]int{}
	target := "/ogc/collections/incidents/items?limit=4&cause_category=Drowning&cause_category=Harsh+environmental+conditions+%2F+lack+of+adequate+shelter%2C+food%2C+water"
	for pages := 0; target != ""; pages++ {
		if pages > 3 {
			t.Fatal("next links do not end")
		}
		var fc featureCollection
		get(t, e, target).decode(t, &fc)
		if pages == 1 {
			if prev, ok := findLink(fc.Links, "prev", "application/geo+json"); !ok || strings.Contains(prev.Href, "offset=") {
				t.Errorf("second page: prev link %+v", fc.Links)
			}
		}
		target = ""
		if next, ok := findLink(fc.Links, "next", "application/geo+json"); ok {
			if !strings.HasPrefix(next.Href, "http://example.com/ogc/collections/incidents/items?") || !strings.Contains(next.Href, "f=json") {
				t.Fatalf("next link %q is not the absolute GeoJSON address", next.Href)
			}
			target = strings.TrimPrefix(next.Href, "http://example.com")
		}
		for _, id := range fc.ids() {
			seen[id]++
		}
	}
	if len(seen) != 5 {
		t.Errorf("paging saw %d distinct features, want 5: %v", len(seen), seen)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("feature %s seen %d times", id, n)
		}
	}
}

func TestLinksFollowTheRequestHostAndTheProxyScheme(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	tests := []struct {
		name, remote, proto, want string
	}{
		{"a proxy on loopback says https", "127.0.0.1:40000", "https", "https://gis.example.org:8443/ogc/"},
		{"a proxy on a private address says https", "10.1.2.3:40000", "https", "https://gis.example.org:8443/ogc/"},
		{"a public client cannot claim https", "203.0.113.9:40000", "https", "http://gis.example.org:8443/ogc/"},
		{"a scheme other than https", "127.0.0.1:40000", "javascript", "http://gis.example.org:8443/ogc/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/ogc/collections/incidents/items?limit=2", nil)
			req.Host = "gis.example.org:8443"
			req.RemoteAddr = tt.remote
			req.Header.Set("X-Forwarded-Proto", tt.proto)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			var fc featureCollection
			response{rec}.decode(t, &fc)
			next, _ := findLink(fc.Links, "next", "")
			if !strings.HasPrefix(next.Href, tt.want) {
				t.Errorf("next link %q, want it under %s", next.Href, tt.want)
			}
		})
	}
}

func TestCachingAndConditionalRequests(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	const target = "/ogc/collections/incidents/items?cause_category=Drowning"
	first := get(t, e, target, "Accept-Encoding", "gzip")
	if first.Header().Get("X-Cache") != "MISS" || first.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("first request: X-Cache %q, encoding %q", first.Header().Get("X-Cache"), first.Header().Get("Content-Encoding"))
	}
	etag := first.Header().Get("ETag")
	again := get(t, e, target+"&f=json&limit=1000&crs="+url.QueryEscape(ogc.CRS84), "Accept-Encoding", "gzip")
	if again.Header().Get("X-Cache") != "HIT" || again.Header().Get("ETag") != etag {
		t.Errorf("the same query with f, crs and the default limit spelt out: X-Cache %q, ETag %q (first %q)",
			again.Header().Get("X-Cache"), again.Header().Get("ETag"), etag)
	}
	if plain := get(t, e, target); plain.Header().Get("Content-Encoding") != "" {
		t.Error("a client without gzip got gzip")
	}
	if r := get(t, e, target, "If-None-Match", etag); r.Code != http.StatusNotModified || r.Body.Len() != 0 {
		t.Errorf("If-None-Match: status %d, %d bytes", r.Code, r.Body.Len())
	}
	api := get(t, e, "/api/v1/layers/incidents/features?cause=Drowning")
	if api.Header().Get("ETag") == etag {
		t.Error("the OGC page and the JSON API page share an ETag, yet their bytes differ")
	}

	html := get(t, e, target, "Accept", browserAccept, "Accept-Encoding", "gzip")
	htmlTag := html.Header().Get("ETag")
	if html.Code != 200 || htmlTag == "" || htmlTag == etag || html.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("HTML page: status %d, ETag %q (GeoJSON %q), encoding %q", html.Code, htmlTag, etag, html.Header().Get("Content-Encoding"))
	}
	if r := get(t, e, target, "Accept", browserAccept, "If-None-Match", htmlTag); r.Code != http.StatusNotModified {
		t.Errorf("HTML If-None-Match: status %d", r.Code)
	}
	if r := get(t, e, target+"&f=html", "Accept-Encoding", "gzip"); r.Header().Get("X-Cache") != "HIT" {
		t.Errorf("the HTML page again: X-Cache %q", r.Header().Get("X-Cache"))
	}

	for _, doc := range []string{"/ogc", "/ogc/collections/incidents", "/ogc/collections/incidents/items/i1", "/ogc/api"} {
		tag := get(t, e, doc).Header().Get("ETag")
		if r := get(t, e, doc, "If-None-Match", tag); tag == "" || r.Code != http.StatusNotModified {
			t.Errorf("%s: ETag %q, If-None-Match gives %d", doc, tag, r.Code)
		}
	}
}
