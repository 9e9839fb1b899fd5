package server

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/maps"
	"github.com/routerisk/routerisk/server/render"
)

func TestRenderPNGSizes(t *testing.T) {
	a := newPrivacyApp(t)
	for _, c := range []struct {
		query  string
		w, h   int
		reason string
	}{
		{"width=400&height=300", 400, 300, "asked size"},
		{"width=400&height=300&ratio=2", 800, 600, "pixel ratio 2"},
		{"width=200&height=200&ratio=1.5&bbox=10,30,20,40&layers=incidents,routes,risk,hotspots", 300, 300, "every layer"},
		{"", 1200, 800, "defaults"},
	} {
		r := do(t, a.e, http.MethodGet, "/api/v1/render.png?"+c.query)
		if r.Code != 200 || r.Header().Get(echoContentType) != "image/png" {
			t.Fatalf("%s: %d %s", c.reason, r.Code, r.body(t))
		}
		img, err := png.Decode(bytes.NewReader(r.body(t)))
		if err != nil {
			t.Fatalf("%s: %v", c.reason, err)
		}
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("%s: %dx%d, want %dx%d", c.reason, b.Dx(), b.Dy(), c.w, c.h)
		}
		if !strings.HasPrefix(r.Header().Get("Content-Disposition"), `attachment; filename="routerisk-`) {
			t.Errorf("%s: Content-Disposition %q", c.reason, r.Header().Get("Content-Disposition"))
		}
	}
}

const echoContentType = "Content-Type"

func TestRenderSVGIsSafeXML(t *testing.T) {
	a := newPrivacyApp(t)
	title := `</text><script>alert(1)</script> & "Lampedusa"`
	r := do(t, a.e, http.MethodGet, "/api/v1/render.svg?width=600&height=400&bbox=10,33,16,38&title="+url.QueryEscape(title))
	if r.Code != 200 || r.Header().Get(echoContentType) != "image/svg+xml" {
		t.Fatalf("%d %s", r.Code, r.body(t))
	}
	if csp := r.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
		t.Errorf("SVG CSP %q", csp)
	}
	dec := xml.NewDecoder(bytes.NewReader(r.body(t)))
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if strings.EqualFold(se.Name.Local, "script") || strings.EqualFold(se.Name.Local, "foreignObject") {
				t.Fatalf("SVG holds a %s element", se.Name.Local)
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q", root)
	}
}

func TestRenderBadParameters(t *testing.T) {
	a := newPrivacyApp(t)
	for q, want := range map[string]string{
		"width=5000":                 "width",
		"height=10":                  "height",
		"width=abc":                  "width",
		"ratio=4":                    "ratio",
		"ratio=NaN":                  "ratio",
		"bbox=1,2,3":                 "bbox",
		"bbox=20,30,10,40":           "bbox",
		"z=30&lat=1&lon=1":           "z",
		"layers=nope":                "layers",
		"from=yesterday":             "from",
		"asof=27.11.2026":            "asof",
		"colour=red":                 "colour",
		"radius=-5&layers=risk":      "radius_km",
		"token=rre1.tampered.tokens": "not valid",
	} {
		r := do(t, a.e, http.MethodGet, "/api/v1/render.png?"+q)
		if r.Code < 400 || r.Code >= 500 {
			t.Errorf("%s: %d", q, r.Code)
			continue
		}
		if msg := errorOf(t, r).Message; !strings.Contains(msg, want) {
			t.Errorf("%s: message %q does not name %q", q, msg, want)
		}
	}
}

func TestRenderIsCached(t *testing.T) {
	a := newPrivacyApp(t)
	const p = "/api/v1/render.png?width=300&height=200&bbox=10,30,20,40"
	first := do(t, a.e, http.MethodGet, p)
	second := do(t, a.e, http.MethodGet, p)
	if first.Header().Get("X-Cache") != "MISS" || second.Header().Get("X-Cache") != "HIT" || first.Header().Get("ETag") == "" {
		t.Fatalf("X-Cache %q then %q", first.Header().Get("X-Cache"), second.Header().Get("X-Cache"))
	}
	if r := do(t, a.e, http.MethodGet, p, "If-None-Match", first.Header().Get("ETag")); r.Code != 304 {
		t.Errorf("If-None-Match: %d", r.Code)
	}
	// Another tier never shares the entry.
	staff := a.send(t, http.MethodGet, p, nil, "Authorization", "Bearer "+a.tokens[auth.Staff])
	if staff.Header().Get("ETag") == first.Header().Get("ETag") || staff.Header().Get("X-Privacy-Tier") != "staff" {
		t.Errorf("staff shares the public image: %q", staff.Header().Get("ETag"))
	}
}

// TestImageSourceDataIsPublic builds what an anonymous image draws and
// finds no exact incident in it: the incidents arrive as cells.
func TestImageSourceDataIsPublic(t *testing.T) {
	a := newPrivacyApp(t)
	for _, tier := range []privacy.Tier{privacy.Public, privacy.Partner, privacy.Staff} {
		v, err := parseImageView(url.Values{"bbox": {"-10,30,25,42"}, "layers": {"incidents,routes,risk,hotspots"}}, 1200, 800)
		if err != nil {
			t.Fatal(err)
		}
		m, err := a.uc.Maps.Compose(maps.ImageRequest{View: privacy.View{Tier: tier}, Map: v, Width: 1200, Height: 800, Ratio: 1})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(m.Layers)
		styles := map[render.Style]int{}
		for _, l := range m.Layers {
			styles[l.Style] += len(l.Features)
		}
		switch tier {
		case privacy.Public:
			if match := exactTraces.FindString(string(data)); match != "" {
				t.Errorf("public image data holds %q", match)
			}
			if styles[render.StyleIncidentCells] == 0 || styles[render.StyleIncidents] != 0 || m.PrivacyNote == "" {
				t.Errorf("public image: %v, note %q", styles, m.PrivacyNote)
			}
		case privacy.Partner:
			if match := exactPositions.FindString(string(data)); match != "" {
				t.Errorf("partner image data holds %q", match)
			}
			if styles[render.StyleIncidents] != 10 {
				t.Errorf("partner image: %v", styles)
			}
		case privacy.Staff:
			if !exactTraces.MatchString(string(data)) {
				t.Error("staff image data should hold the exact incidents (the check must be able to fail)")
			}
		}
		if styles[render.StyleRiskSegments] == 0 || !strings.Contains(m.Attribution, "Natural Earth") {
			t.Errorf("%s: risk segments %d, attribution %q", tier, styles[render.StyleRiskSegments], m.Attribution)
		}
	}
}

func TestRenderWithEmbedToken(t *testing.T) {
	a := newPrivacyApp(t)
	_, out := a.createEmbed(t, auth.Staff, lampedusaEmbed)
	tok := out["token"].(string)
	r := do(t, a.e, http.MethodGet, "/api/v1/render.png?width=300&height=200&token="+url.QueryEscape(tok))
	if r.Code != 200 || r.Header().Get("X-Privacy-Tier") != "partner" {
		t.Fatalf("%d %q %s", r.Code, r.Header().Get("X-Privacy-Tier"), r.body(t))
	}
	r = do(t, a.e, http.MethodGet, "/api/v1/render.png?width=300&height=200&token="+url.QueryEscape(tok[:len(tok)-2]))
	if r.Code != 401 {
		t.Errorf("tampered token: %d", r.Code)
	}
}

// svgText is every text of an SVG document, joined by spaces.
func svgText(t *testing.T, b []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var parts []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return strings.Join(parts, " ")
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		if cd, ok := tok.(xml.CharData); ok && strings.TrimSpace(string(cd)) != "" {
			parts = append(parts, strings.TrimSpace(string(cd)))
		}
	}
}

// TestImageFooterSaysDataThroughAndCaveats: an image of the analysis says,
// in its footer, the date its data runs to (as the API tells the same
// caller) and the analysis' caveats; an image without incidents says neither.
func TestImageFooterSaysDataThroughAndCaveats(t *testing.T) {
	a := newPrivacyApp(t)
	r := do(t, a.e, http.MethodGet, "/api/v1/risk/segments")
	if r.Code != 200 {
		t.Fatalf("segments: %d %s", r.Code, r.body(t))
	}
	var about struct {
		DataThrough string   `json:"data_through"`
		Caveats     []string `json:"caveats"`
	}
	if err := json.Unmarshal(r.body(t), &about); err != nil || about.DataThrough == "" || len(about.Caveats) == 0 {
		t.Fatalf("segments answer has no date or caveats: %v %+v", err, about)
	}
	for _, c := range []struct {
		query         string
		date, caveats bool
		reason        string
	}{
		{"width=1200&height=800&layers=routes,incidents,risk", true, true, "risk shown"},
		{"width=320&height=240&layers=risk", true, true, "a small image keeps the date"},
		{"width=800&height=600&layers=incidents", true, false, "incidents only: the date, no risk caveats"},
		{"width=800&height=600&layers=routes", false, false, "routes only"},
	} {
		r := do(t, a.e, http.MethodGet, "/api/v1/render.svg?bbox=10,33,16,38&"+c.query)
		if r.Code != 200 {
			t.Fatalf("%s: %d %s", c.reason, r.Code, r.body(t))
		}
		text := svgText(t, r.body(t))
		if got := strings.Contains(text, "Data through "+about.DataThrough+"."); got != c.date {
			t.Errorf("%s: data through %s shown %v, want %v: %q", c.reason, about.DataThrough, got, c.date, text)
		}
		if got := strings.Contains(text, "Figures are minimum estimates"); got != c.caveats {
			t.Errorf("%s: caveats shown %v, want %v: %q", c.reason, got, c.caveats, text)
		}
		if c.caveats && strings.Contains(text, "Route risk") {
			t.Errorf("%s: the measure is still called route risk: %q", c.reason, text)
		}
	}
	// PNG images are drawn from the same map.
	if r := do(t, a.e, http.MethodGet, "/api/v1/render.png?width=600&height=400&layers=risk"); r.Code != 200 {
		t.Fatalf("png: %d", r.Code)
	}
}
