package server

import (
	"context"
	"encoding/json"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/server/auth"
)

// createEmbed signs an embed through the API as role and returns the answer.
func (a *writeApp) createEmbed(t *testing.T, role auth.Role, body string) (response, map[string]any) {
	t.Helper()
	h := []string{"Content-Type", "application/json"}
	if role != "" {
		h = append(h, "Authorization", "Bearer "+a.tokens[role])
	}
	r := a.send(t, http.MethodPost, "/api/v1/embeds", strings.NewReader(body), h...)
	var out map[string]any
	json.Unmarshal(r.Body.Bytes(), &out)
	return r, out
}

// exactPositions are the parts of exactTraces the partner tier never
// shows: exact coordinates and free text (ids and days it keeps).
var exactPositions = regexp.MustCompile(`12\.6111|35\.5111|20\.1133|39\.0133|-5\.3133|35\.8911|Lampedusa harbour|Kolymbari|Ceuta|Witness W`)

// lampedusaEmbed is a partner-tier embed of the first cluster only.
const lampedusaEmbed = `{"name":"report","tier":"partner","view":{"bbox":[12.5,35.4,12.7,35.6]},
	"layers":["incidents","routes","risk","hotspots"],"params":"cause=Drowning&from=2023-01-01","title":"Lampedusa","expires_in_days":30}`

func TestEmbedCreateNeedsStaff(t *testing.T) {
	a := newPrivacyApp(t)
	for role, want := range map[auth.Role]int{"": 401, auth.Viewer: 403, auth.Partner: 403, auth.Staff: 201, auth.Admin: 201} {
		if r, _ := a.createEmbed(t, role, lampedusaEmbed); r.Code != want {
			t.Errorf("%q: %d %s, want %d", role, r.Code, r.Body, want)
		}
	}
	for name, body := range map[string]string{
		"staff tier":    strings.Replace(lampedusaEmbed, `"partner"`, `"staff"`, 1),
		"unknown layer": strings.Replace(lampedusaEmbed, `"routes"`, `"nope"`, 1),
		"no view":       `{"tier":"public","layers":["incidents"]}`,
		"unknown field": `{"tier":"public","layers":["incidents"],"view":{"z":3,"lat":1,"lon":1},"admin":true}`,
		"too long":      `{"tier":"public","layers":["incidents"],"view":{"z":3,"lat":1,"lon":1},"expires_in_days":400}`,
		"not json":      `tier=public`,
	} {
		r, _ := a.createEmbed(t, auth.Staff, body)
		if r.Code != 400 || errorOf(t, r).Message == "" {
			t.Errorf("%s: %d %s", name, r.Code, r.Body)
		}
	}
}

func TestEmbedTokenFixesTierLayersAndFilters(t *testing.T) {
	a := newPrivacyApp(t)
	r, out := a.createEmbed(t, auth.Staff, lampedusaEmbed)
	if r.Code != 201 {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	tok, _ := out["token"].(string)
	if u, _ := out["url"].(string); !strings.HasSuffix(u, "/embed?token="+url.QueryEscape(tok)) {
		t.Fatalf("url %q", u)
	}

	claims := do(t, a.e, http.MethodGet, "/api/v1/embed", embedHeader, tok)
	var cl auth.EmbedClaims
	if err := json.Unmarshal(claims.body(t), &cl); err != nil || cl.Title != "Lampedusa" || cl.Tier != "partner" || cl.View.BBox == nil {
		t.Fatalf("claims %d %s", claims.Code, claims.body(t))
	}

	// Partner tier for the token's layer: rounded points, only inside the
	// view, only with the token's filters, whatever the request asks.
	for _, q := range []string{"", "?bbox=-180,-90,180,90", "?cause=Violence&datetime=2000-01-01/2030-01-01", "?bbox=20,38,21,40"} {
		r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features"+q, embedHeader, tok)
		if tier := r.Header().Get("X-Privacy-Tier"); tier != "partner" || r.Code != 200 {
			t.Fatalf("%q: %d tier %q %s", q, r.Code, tier, r.body(t))
		}
		body := string(r.body(t))
		if m := exactPositions.FindString(body); m != "" {
			t.Errorf("%q exposes %q", q, m)
		}
		c := r.collection(t)
		for _, f := range c.Features {
			pt, _ := f.Geometry["coordinates"].([]any)
			if len(pt) != 2 {
				t.Fatalf("%q: not a point: %v", q, f.Geometry)
			}
			lon, lat := pt[0].(float64), pt[1].(float64)
			if lon < 12 || lon > 13 || lat < 35 || lat > 36 {
				t.Errorf("%q: a point outside the embed's view: %v", q, pt)
			}
			if math.Abs(lon*10-math.Round(lon*10)) > 1e-9 || math.Abs(lat*10-math.Round(lat*10)) > 1e-9 {
				t.Errorf("%q: %v is not rounded to 0.1°", q, pt)
			}
		}
		want := 6
		if q == "?bbox=20,38,21,40" {
			want = 0
		}
		if len(c.Features) != want {
			t.Errorf("%q: %d features, want %d", q, len(c.Features), want)
		}
	}
	// The token outranks any other credential, and a staff one too.
	r = do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features?bbox=-180,-90,180,90", embedHeader, tok, "Authorization", "Bearer "+a.tokens[auth.Staff])
	if r.Header().Get("X-Privacy-Tier") != "partner" || exactPositions.MatchString(string(r.body(t))) {
		t.Errorf("with a staff token beside it: tier %q", r.Header().Get("X-Privacy-Tier"))
	}
	// Everything else the embed reads is public.
	for _, p := range []string{"/api/v1/risk/segments", "/api/v1/hotspots", "/api/v1/layers/incidents/features/secret-a0", "/api/v1/layers/incidents/values?property=location"} {
		r := do(t, a.e, http.MethodGet, p, embedHeader, tok)
		if r.Header().Get("X-Privacy-Tier") != "public" || exactTraces.MatchString(string(r.body(t))) {
			t.Errorf("%s: %d tier %q", p, r.Code, r.Header().Get("X-Privacy-Tier"))
		}
	}
}

func TestEmbedBadTokens(t *testing.T) {
	a := newPrivacyApp(t)
	_, out := a.createEmbed(t, auth.Staff, lampedusaEmbed)
	tok := out["token"].(string)
	id := out["id"].(string)
	tampered := tok[:len(tok)-3] + "AAA"

	r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features", embedHeader, tampered)
	if r.Code != 401 || !strings.Contains(errorOf(t, r).Message, "not valid") {
		t.Errorf("tampered API call: %d %s", r.Code, r.Body)
	}
	page := do(t, a.e, http.MethodGet, "/embed?token="+url.QueryEscape(tampered))
	if page.Code != 403 || !strings.Contains(page.Body.String(), "This map cannot be shown") || !strings.Contains(page.Body.String(), "changed or cut short") {
		t.Errorf("tampered page: %d %s", page.Code, page.Body)
	}
	// A hostile token is never echoed into the page.
	page = do(t, a.e, http.MethodGet, "/embed?token="+url.QueryEscape("<script>alert(1)</script>"))
	if page.Code != 403 || strings.Contains(page.Body.String(), "<script>") {
		t.Errorf("hostile token page: %d %s", page.Code, page.Body)
	}

	// Revoking: only admins; then the page says so and the API refuses.
	if r := a.send(t, http.MethodDelete, "/api/v1/embeds/"+id, nil, "Authorization", "Bearer "+a.tokens[auth.Staff]); r.Code != 403 {
		t.Errorf("staff revoke: %d", r.Code)
	}
	if r := a.send(t, http.MethodDelete, "/api/v1/embeds/"+id, nil, "Authorization", "Bearer "+a.tokens[auth.Admin]); r.Code != 204 {
		t.Fatalf("admin revoke: %d %s", r.Code, r.Body)
	}
	if r := a.send(t, http.MethodDelete, "/api/v1/embeds/"+id, nil, "Authorization", "Bearer "+a.tokens[auth.Admin]); r.Code != 404 {
		t.Errorf("revoking twice: %d", r.Code)
	}
	page = do(t, a.e, http.MethodGet, "/embed?token="+url.QueryEscape(tok))
	if page.Code != 410 || !strings.Contains(page.Body.String(), "withdrawn") {
		t.Errorf("revoked page: %d %s", page.Code, page.Body)
	}
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features", embedHeader, tok); r.Code != 401 {
		t.Errorf("revoked API call: %d", r.Code)
	}
	list := a.send(t, http.MethodGet, "/api/v1/embeds", nil, "Authorization", "Bearer "+a.tokens[auth.Admin])
	if list.Code != 200 || !strings.Contains(list.Body.String(), `"revoked_at"`) {
		t.Errorf("list: %d %s", list.Code, list.Body)
	}
	audit := a.send(t, http.MethodGet, "/api/v1/audit", nil, "Authorization", "Bearer "+a.tokens[auth.Admin])
	for _, action := range []string{`"embed-create"`, `"embed-revoke"`} {
		if !strings.Contains(audit.Body.String(), action) {
			t.Errorf("audit lacks %s", action)
		}
	}
}

func TestEmbedPageHeaders(t *testing.T) {
	a := newPrivacyApp(t)
	// Without a built frontend the page says so, with the embed headers.
	r := do(t, a.e, http.MethodGet, "/embed?bbox=10,30,20,40")
	csp := r.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors https://reports.example.org") || r.Header().Get("X-Frame-Options") != "" {
		t.Errorf("embed page: CSP %q, X-Frame-Options %q", csp, r.Header().Get("X-Frame-Options"))
	}
	for _, p := range []string{"/", "/api/v1/layers", "/embed.html", "/api/v1/embed"} {
		r := do(t, a.e, http.MethodGet, p)
		if csp := r.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self'") || r.Header().Get("X-Frame-Options") != "SAMEORIGIN" {
			t.Errorf("%s: CSP %q, X-Frame-Options %q", p, csp, r.Header().Get("X-Frame-Options"))
		}
		if r.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", p)
		}
	}
	if got := frameAncestors(nil); got != "*" {
		t.Errorf("default frame-ancestors %q", got)
	}
}

func TestOEmbed(t *testing.T) {
	a := newPrivacyApp(t)
	a.e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			ap := netip.MustParseAddrPort("127.0.0.1:8080")
			c.SetRequest(r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, net.TCPAddrFromAddrPort(ap))))
			return next(c)
		}
	})
	embedURL := "http://127.0.0.1:8080/embed?bbox=10,30,20,40&title=" + url.QueryEscape(`"><script>alert(1)</script>`)
	r := do(t, a.e, http.MethodGet, "/oembed?url="+url.QueryEscape(embedURL)+"&maxwidth=600")
	if cc := r.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
		t.Errorf("an oEmbed derived from the listening address: Cache-Control %q, want private", cc)
	}
	var doc map[string]any
	if err := json.Unmarshal(r.body(t), &doc); err != nil || r.Code != 200 {
		t.Fatalf("%d %s", r.Code, r.body(t))
	}
	html, _ := doc["html"].(string)
	if doc["type"] != "rich" || doc["version"] != "1.0" || doc["width"] != 600.0 || doc["height"] != 500.0 {
		t.Errorf("doc %v", doc)
	}
	if strings.Contains(html, "<script>") || !strings.HasPrefix(html, `<iframe src="http://127.0.0.1:8080/embed?`) || !strings.Contains(html, `width="600"`) {
		t.Errorf("html %s", html)
	}
	// A Host header of the caller's choosing changes nothing.
	spoofed := do(t, a.e, http.MethodGet, "/oembed?url="+url.QueryEscape("http://evil.example/embed"), "Host", "evil.example")
	if spoofed.Code != 404 || strings.Contains(spoofed.Header().Get("Cache-Control"), "public") {
		t.Errorf("oEmbed for the Host header's site: %d %s", spoofed.Code, spoofed.body(t))
	}
	r = do(t, a.e, http.MethodGet, "/oembed?url="+url.QueryEscape(embedURL), "Host", "evil.example")
	if r.Code != 200 || strings.Contains(r.Body.String(), "evil.example") {
		t.Errorf("the Host header made it into the document: %d %s", r.Code, r.Body)
	}
	for q, want := range map[string]int{
		"": 400,
		"?url=" + url.QueryEscape("https://evil.example.net/embed"):             404,
		"?url=" + url.QueryEscape("http://127.0.0.1:8080/api/v1/layers"):        404,
		"?url=" + url.QueryEscape("http://example.com/embed"):                   404,
		"?url=" + url.QueryEscape("javascript:alert(1)"):                        404,
		"?url=" + url.QueryEscape(embedURL) + "&maxwidth=99999":                 400,
		"?url=" + url.QueryEscape(embedURL) + "&format=xml":                     501,
		"?url=" + url.QueryEscape("http://127.0.0.1:8080/embed?token=rre1.x.y"): 401,
	} {
		if r := do(t, a.e, http.MethodGet, "/oembed"+q); r.Code != want {
			t.Errorf("%s: %d, want %d: %s", q, r.Code, want, r.body(t))
		}
	}
}

func TestViewBound(t *testing.T) {
	z, lat, lon := 4, 0.0, 0.0
	b := viewBound(auth.EmbedView{Z: &z, Lat: &lat, Lon: &lon})
	// 2048 px at zoom 4 (a 4096 px world) is half the world: ±90° of longitude.
	if b[0] != -90 || b[2] != 90 || b[1] > -60 || b[3] < 60 || math.Abs(b[1]+b[3]) > 1e-9 {
		t.Fatalf("bound %v", b)
	}
	box := [4]float64{1, 2, 3, 4}
	if viewBound(auth.EmbedView{BBox: &box}) != box {
		t.Fatal("a box view must be its own bound")
	}
}

// TestEmbedFiltersApplyWhereALayerAnswersThem: a partner embed with route,
// cause and category filters reads its routes layer without the cause, and
// bad filter values are refused when the embed is signed.
func TestEmbedFiltersApplyWhereALayerAnswersThem(t *testing.T) {
	a := newPrivacyApp(t)
	body := strings.Replace(lampedusaEmbed, `"cause=Drowning&from=2023-01-01"`, `"cause=Drowning&route=Central%20Mediterranean&category=health&from=2023-01-01"`, 1)
	r, out := a.createEmbed(t, auth.Staff, body)
	if r.Code != http.StatusCreated {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	tok := out["token"].(string)
	for _, layer := range []string{"incidents", "routes"} {
		res := do(t, a.e, http.MethodGet, "/api/v1/layers/"+layer+"/features", embedHeader, tok)
		if res.Code != http.StatusOK {
			t.Errorf("%s: %d %s", layer, res.Code, res.body(t))
		}
	}
	bad := strings.Replace(lampedusaEmbed, `"cause=Drowning&from=2023-01-01"`, `"cause=Bad%20luck"`, 1)
	if r, _ := a.createEmbed(t, auth.Staff, bad); r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), "cause") {
		t.Errorf("a bad cause in the embed's filters: %d %s", r.Code, r.Body)
	}
}

// TestOEmbedWithPublicURL: with --public-url the document names that
// address whatever the request, and may be kept by shared caches.
func TestOEmbedWithPublicURL(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	e := New(Options{UseCases: a.uc, PublicURL: "https://maps.example.org"})
	r := do(t, e, http.MethodGet, "/oembed?url="+url.QueryEscape("https://maps.example.org/embed?z=4"), "Host", "evil.example")
	if r.Code != 200 || !strings.Contains(r.Body.String(), `https://maps.example.org/embed?z=4`) || r.Header().Get("Cache-Control") != "public, max-age=300" {
		t.Errorf("%d %q %s", r.Code, r.Header().Get("Cache-Control"), r.Body)
	}
	if r := do(t, e, http.MethodGet, "/oembed?url="+url.QueryEscape("http://evil.example/embed"), "Host", "evil.example"); r.Code != 404 {
		t.Errorf("the Host header's site: %d", r.Code)
	}
}
