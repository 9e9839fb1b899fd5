package ogc_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestNegotiation(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	tests := []struct {
		target, accept, want string
	}{
		{"/ogc", "", "application/json"},
		{"/ogc", "*/*", "application/json"},
		{"/ogc", "application/json", "application/json"},
		{"/ogc", browserAccept, "text/html; charset=utf-8"},
		{"/ogc", "text/html", "text/html; charset=utf-8"},
		{"/ogc", "text/html;q=0.5, application/json", "application/json"},
		{"/ogc", "application/json;q=0.4, text/html;q=0.6", "text/html; charset=utf-8"},
		{"/ogc", "image/png", "application/json"},
		{"/ogc?f=html", "application/json", "text/html; charset=utf-8"},
		{"/ogc?f=json", browserAccept, "application/json"},
		{"/ogc/collections/incidents/items", "application/geo+json, application/json", "application/geo+json"},
		{"/ogc/collections/incidents/items?f=json", browserAccept, "application/geo+json"},
		{"/ogc/collections/incidents/items", browserAccept, "text/html; charset=utf-8"},
		{"/ogc/api", "application/vnd.oai.openapi+json;version=3.0, application/json", "application/vnd.oai.openapi+json;version=3.0"},
		{"/ogc/collections/incidents/queryables", "application/schema+json", "application/schema+json"},
	}
	for _, tt := range tests {
		t.Run(tt.target+" "+tt.accept, func(t *testing.T) {
			r := get(t, e, tt.target, "Accept", tt.accept)
			if r.Code != http.StatusOK || r.Header().Get("Content-Type") != tt.want {
				t.Errorf("status %d, Content-Type %q, want %q", r.Code, r.Header().Get("Content-Type"), tt.want)
			}
		})
	}
}

// Every property value is hostile: the HTML pages show it as text.
func TestHTMLShowsHostileTextAsText(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	pages := []string{
		"/ogc?f=html", "/ogc/conformance?f=html", "/ogc/api?f=html", "/ogc/collections?f=html",
		"/ogc/collections/incidents?f=html", "/ogc/collections/incidents/queryables?f=html",
		"/ogc/collections/incidents/items?f=html", "/ogc/collections/incidents/items?f=html&location=%22%3E%3Cscript%3Ealert(2)%3C%2Fscript%3E",
		"/ogc/collections/incidents/items/i4?f=html", "/ogc/collections/incidents/items/i%2F6%20%26x?f=html",
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			r := get(t, e, p, "Accept-Encoding", "gzip")
			body := string(r.body(t))
			if r.Code != http.StatusOK || !strings.HasPrefix(body, "<!doctype html>") {
				t.Fatalf("status %d: %.300s", r.Code, body)
			}
			for _, raw := range []string{"<script", "<img", "<b>&</b>", "onerror=alert(1)>"} {
				if strings.Contains(body, raw) {
					t.Errorf("the page holds %q as markup", raw)
				}
			}
			if !strings.Contains(r.Header().Get("Content-Security-Policy"), "script-src 'self'") {
				t.Error("no Content-Security-Policy")
			}
		})
	}
	items := string(get(t, e, "/ogc/collections/incidents/items?f=html").Body.Bytes())
	for _, escaped := range []string{"&lt;img src=x onerror=alert(1)&gt;", "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;", "Incidents &lt;b&gt;&amp;&lt;/b&gt; deaths",
		`href="http://example.com/ogc/collections/incidents/items/i%2F6%20&amp;x?f=html"`} {
		if !strings.Contains(items, escaped) {
			t.Errorf("the items page does not show %s", escaped)
		}
	}
}

func TestHTMLPagesLinkEachOther(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	body := get(t, e, "/ogc/collections/incidents/items?f=html&limit=2&offset=2").Body.String()
	for _, want := range []string{
		"Features 3 to 4 of 6",
		`href="http://example.com/ogc/collections/incidents/items?limit=2&amp;offset=4&amp;f=html" rel="next"`,
		`href="http://example.com/ogc/collections/incidents/items?limit=2&amp;f=html" rel="prev"`,
		`href="http://example.com/ogc/collections/incidents/items?limit=2&amp;offset=2&amp;f=json"`,
		`href="http://example.com/ogc/collections/incidents/items/i3?f=html"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if n := strings.Count(get(t, e, "/ogc/collections/incidents/items", "Accept", "text/html").Body.String(), "<tr><td><a"); n != 6 {
		t.Errorf("the default HTML page shows %d rows, want all 6", n)
	}
}
