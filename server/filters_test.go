package server

import (
	"encoding/json"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/frontend"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/web"
)

// newFilterApp serves a layer of every kind, each uploaded through the
// API: the restricted incidents and public routes of newPrivacyApp,
// public services and areas, an incident upload without routes, causes
// or dates (shipwrecks), and the derived risk-segments layer.
func newFilterApp(t *testing.T) *writeApp {
	t.Helper()
	a := newPrivacyApp(t)
	for _, l := range []struct{ id, kind, file string }{
		{"services", "service", "testdata/services.geojson"},
		{"areas", "area", "testdata/areas.geojson"},
		{"shipwrecks", "incident", "testdata/shipwrecks.geojson"},
	} {
		b, err := os.ReadFile(l.file)
		if err != nil {
			t.Fatal(err)
		}
		fields := []string{"id", l.id, "kind", l.kind, "title", l.id, "sensitivity", "public", "source", "test", "license", "none"}
		if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, l.id+".geojson", b, fields...); r.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", l.id, r.Code, r.Body)
		}
	}
	return a
}

// filterLayers are the layers of newFilterApp with the map filters each
// applies: every other map filter is ignored by it.
var filterLayers = []struct {
	id      string
	applies []string
}{
	{"incidents", []string{"cause", "datetime", "route"}},
	{"routes", []string{"mode", "route"}},
	{"services", []string{"category", "country"}},
	{"areas", nil},
	// An incident upload is given a cause category (Mixed or unknown
	// when it has no cause), but neither routes nor dates.
	{"shipwrecks", []string{"cause"}},
	{"risk-segments", []string{"route"}},
}

// nothingMatches gives each map filter a value no feature of the fixtures
// holds: a filter that applies empties the answer, an ignored one does
// not change it.
var nothingMatches = map[string]string{
	"route": "Nowhere", "cause": "Violence", "category": "education", "country": "Atlantis",
	"mode": "air", "datetime": "1990-01-01/1990-12-31",
}

// TestMapFiltersApplyOnlyToLayersThatHaveThem asks every layer kind for
// every map filter, anonymously (an unsigned embed), with a signed public
// embed and with a signed partner embed (whose token holds the filters):
// a filter the layer has selects, one it lacks is ignored and named in
// X-Filters-Ignored, and nothing answers 4xx.
func TestMapFiltersApplyOnlyToLayersThatHaveThem(t *testing.T) {
	a := newFilterApp(t)
	var layerIDs []string
	for _, l := range filterLayers {
		if l.id != "risk-segments" {
			layerIDs = append(layerIDs, `"`+l.id+`"`)
		}
	}
	embed := func(tier, params string) string {
		body := `{"tier":"` + tier + `","view":{"bbox":[-20,20,40,50]},"layers":[` + strings.Join(layerIDs, ",") + `,"risk"],"params":"` + params + `"}`
		r, out := a.createEmbed(t, auth.Staff, body)
		if r.Code != http.StatusCreated {
			t.Fatalf("embed %s %q: %d %s", tier, params, r.Code, r.Body)
		}
		return out["token"].(string)
	}
	// featuresOf asks for a layer's features as the map does (the
	// restricted layer with the zoom) and returns how many matched and
	// the filters said to be ignored.
	featuresOf := func(t *testing.T, layer, query string, headers ...string) (int, string) {
		t.Helper()
		q := "limit=50000&precision=4"
		if layer == "incidents" {
			q += "&zoom=5" // restricted: cells at the public tier
		}
		if query != "" {
			q += "&" + query
		}
		r := do(t, a.e, http.MethodGet, "/api/v1/layers/"+layer+"/features?"+q, append([]string{"Authorization", ""}, headers...)...)
		if r.Code != http.StatusOK {
			t.Fatalf("%s?%s: %d %s", layer, q, r.Code, r.body(t))
		}
		return r.collection(t).NumberMatched, r.Header().Get(web.HeaderFiltersIgnored)
	}
	publicToken := embed("public", "")
	type mode struct {
		name    string
		filters []string
		// ask returns the answer for layer under filter (empty: none).
		ask func(t *testing.T, layer, filter string) (int, string)
	}
	modes := []mode{
		{"unsigned", slices.Sorted(maps.Keys(nothingMatches)), func(t *testing.T, layer, filter string) (int, string) {
			if filter == "" {
				return featuresOf(t, layer, "")
			}
			return featuresOf(t, layer, url.Values{filter: {nothingMatches[filter]}}.Encode())
		}},
		{"signed public", slices.Sorted(maps.Keys(nothingMatches)), func(t *testing.T, layer, filter string) (int, string) {
			if filter == "" {
				return featuresOf(t, layer, "", embedHeader, publicToken)
			}
			return featuresOf(t, layer, url.Values{filter: {nothingMatches[filter]}}.Encode(), embedHeader, publicToken)
		}},
	}
	// A partner embed's filters are its token's: the dashboard's spelling.
	partnerTokens := map[string]string{"": embed("partner", "")}
	for filter, params := range map[string]string{
		"route": "route=Nowhere", "cause": "cause=Violence", "category": "category=education", "datetime": "from=1990-01-01&to=1990-12-31",
	} {
		partnerTokens[filter] = embed("partner", params)
	}
	modes = append(modes, mode{"signed partner", []string{"category", "cause", "datetime", "route"}, func(t *testing.T, layer, filter string) (int, string) {
		return featuresOf(t, layer, "", embedHeader, partnerTokens[filter])
	}})

	for _, m := range modes {
		for _, l := range filterLayers {
			t.Run(m.name+"/"+l.id, func(t *testing.T) {
				all, ignored := m.ask(t, l.id, "")
				if all == 0 || ignored != "" {
					t.Fatalf("unfiltered: %d features, ignored %q; the fixture must show something", all, ignored)
				}
				for _, filter := range m.filters {
					n, ignored := m.ask(t, l.id, filter)
					if slices.Contains(l.applies, filter) {
						if n != 0 || ignored != "" {
							t.Errorf("%s applies to %s: %d features (want 0), %s %q", filter, l.id, n, web.HeaderFiltersIgnored, ignored)
						}
						continue
					}
					if n != all || ignored != filter {
						t.Errorf("%s is ignored by %s: %d features (want %d), %s %q", filter, l.id, n, all, web.HeaderFiltersIgnored, ignored)
					}
				}
			})
		}
	}
}

// TestIgnoredFiltersNeverWidenATier: what a tier sees of the restricted
// layer with a filter it ignores is what it sees without it, and a filter
// on a property the tier may not filter on is still refused.
func TestIgnoredFiltersNeverWidenATier(t *testing.T) {
	a := newFilterApp(t)
	for _, q := range []string{"", "category=health", "mode=sea&category=health&country=Atlantis"} {
		r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features?"+q, "Authorization", "")
		body := string(r.body(t))
		if r.Code != http.StatusOK || r.Header().Get("X-Privacy-Tier") != "public" || exactTraces.MatchString(body) {
			t.Errorf("%q: %d tier %q, exact traces %q", q, r.Code, r.Header().Get("X-Privacy-Tier"), exactTraces.FindString(body))
		}
	}
	base := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features", "Authorization", "")
	with := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features?category=health&mode=sea", "Authorization", "")
	if string(base.body(t)) != string(with.body(t)) || base.Header().Get("ETag") != with.Header().Get("ETag") {
		t.Errorf("ignored filters changed the public answer")
	}
	if got := with.Header().Get(web.HeaderFiltersIgnored); got != "category,mode" {
		t.Errorf("%s %q, want category,mode", web.HeaderFiltersIgnored, got)
	}
	// location is free text: no tier below staff may filter on it.
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features?location=Ceuta", "Authorization", ""); r.Code != http.StatusForbidden {
		t.Errorf("a public filter on free text: %d %s", r.Code, r.body(t))
	}
	// A name that is no filter stays unknown, also beside ignored filters.
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/services/features?route=A&colour=red", "Authorization", ""); r.Code != http.StatusBadRequest || !strings.Contains(errorOf(t, r).Message, `unknown parameter "colour"`) {
		t.Errorf("an unknown parameter: %d %s", r.Code, r.body(t))
	}
}

// embedPageApp serves a's layers and embeds with a stand-in for the built
// frontend: the embed page and the offline basemap it loads.
func embedPageApp(t *testing.T, a *writeApp) *echo.Echo {
	t.Helper()
	dist := fstest.MapFS{
		"index.html": {Data: []byte("<!doctype html><title>RouteRisk</title>")},
		"embed.html": {Data: []byte("<!doctype html><title>RouteRisk map</title><div id=embed-app></div>")},
	}
	for _, name := range []string{"world-atlas_countries-110m.topojson.json", "world-atlas_countries-50m.topojson.json"} {
		b, err := fs.ReadFile(frontend.Basemap(), name)
		if err != nil {
			t.Fatal(err)
		}
		dist["basemap/"+name] = &fstest.MapFile{Data: b}
	}
	return New(Options{UseCases: a.uc, Embeds: a.embeds, Frontend: dist, EmbedOrigins: []string{"https://reports.example.org"}})
}

// embedLayerMeta is what the embed page reads of a layer to build its
// feature requests.
type embedLayerMeta struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	TimeProperty string `json:"time_property"`
	Sensitivity  string `json:"sensitivity"`
	Schema       []struct {
		Name string `json:"name"`
	} `json:"schema"`
}

// embedFeatureParams are the parameters of the embed page's feature
// request for a layer (frontend/src/features/filters/filters.ts,
// featureParams): the filters of its kind, the properties it draws, the
// zoom for a restricted layer; with every, each filter goes to every layer.
func embedFeatureParams(m embedLayerMeta, f url.Values, zoom int, every bool) url.Values {
	q := url.Values{}
	dt := f.Get("from") + "/" + f.Get("to")
	filters := map[string][]string{"incident": {"route", "cause"}, "route": {"route"}, "service": {"category"}}[m.Kind]
	if every {
		filters = []string{"route", "cause", "category"}
	}
	if (m.Kind == "incident" && m.TimeProperty != "") || every {
		q.Set("datetime", dt)
	}
	for _, k := range filters {
		if v := f.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	slim := map[string][]string{"incident": {"dead", "missing"}, "service": {"category"}, "route": {"name", "approximate"}, "area": {"name"}}[m.Kind]
	var props []string
	for _, p := range slim {
		if slices.ContainsFunc(m.Schema, func(s struct {
			Name string `json:"name"`
		}) bool {
			return s.Name == p
		}) {
			props = append(props, p)
		}
	}
	if len(props) > 0 {
		q.Set("properties", strings.Join(props, ","))
	}
	q.Set("precision", "4")
	q.Set("limit", "50000")
	if m.Sensitivity == "restricted" {
		q.Set("zoom", strconv.Itoa(zoom))
	}
	return q
}

// TestSignedEmbedWithFiltersLoadsWithoutAFailedRequest makes every request
// the embed page (frontend/src/features/embed/run.ts) makes for a signed
// embed with route, cause and date filters over a layer of every kind,
// route risk and hotspots, at both embed tiers: none may fail. It then
// sends every filter to every layer, as a page that did not sort them by
// kind would: the layers without a filter's property ignore it and say so.
func TestSignedEmbedWithFiltersLoadsWithoutAFailedRequest(t *testing.T) {
	a := newFilterApp(t)
	e := embedPageApp(t, a)
	const params = "route=Central%20Mediterranean&cause=Drowning&from=2023-01-01&to=2023-12-31"
	filters, _ := url.ParseQuery(params)
	for _, tier := range []string{"public", "partner"} {
		t.Run(tier, func(t *testing.T) {
			r, out := a.createEmbed(t, auth.Staff, `{"name":"report","tier":"`+tier+`","view":{"bbox":[10,30,20,40]},
				"layers":["routes","incidents","services","areas","shipwrecks","risk","hotspots"],"params":"`+params+`","title":"Central Mediterranean 2023"}`)
			if r.Code != http.StatusCreated {
				t.Fatalf("%d %s", r.Code, r.Body)
			}
			tok := out["token"].(string)
			failed := 0
			get := func(target string, withToken bool) response {
				t.Helper()
				var h []string
				if withToken {
					h = []string{embedHeader, tok}
				}
				res := do(t, e, http.MethodGet, target, h...)
				if res.Code >= 400 {
					failed++
					t.Errorf("GET %s: %d %s", target, res.Code, res.body(t))
				}
				return res
			}
			get("/embed?token="+url.QueryEscape(tok), false)
			get("/basemap/world-atlas_countries-110m.topojson.json", false)
			get("/basemap/world-atlas_countries-50m.topojson.json", false)
			get("/api/v1/embed", true)
			vocab := get("/api/v1/vocabulary", true)
			var v struct {
				ZoomSteps []struct {
					MinZoom    float64 `json:"min_zoom"`
					Resolution int     `json:"resolution"`
				} `json:"zoom_steps"`
			}
			_ = json.Unmarshal(vocab.body(t), &v)
			var list struct {
				Layers []embedLayerMeta `json:"layers"`
			}
			if err := json.Unmarshal(get("/api/v1/layers", true).body(t), &list); err != nil || len(list.Layers) != 5 {
				t.Fatalf("layers: %v %d", err, len(list.Layers))
			}
			get("/api/v1/layers/routes/values?property=name", true)
			const zoom = 5
			for _, every := range []bool{false, true} {
				for _, m := range list.Layers {
					q := embedFeatureParams(m, filters, zoom, every)
					res := get("/api/v1/layers/"+m.ID+"/features?"+q.Encode(), true)
					if tier == "partner" {
						continue // the token's filters replace the request's
					}
					want := map[string]string{"incidents": "", "routes": "cause,datetime", "services": "cause,datetime,route",
						"areas": "cause,datetime,route", "shipwrecks": "datetime,route"}[m.ID]
					if got := res.Header().Get(web.HeaderFiltersIgnored); every && got != want {
						t.Errorf("%s with every filter: %s %q, want %q", m.ID, web.HeaderFiltersIgnored, got, want)
					}
				}
			}
			risk := url.Values{"segment_km": {"10"}, "radius_km": {"25"}, "half_life_days": {"365"}, "reach_km": {"50"},
				"datetime": {"2023-01-01/2023-12-31"}, "route": filters["route"], "cause": filters["cause"]}
			get("/api/v1/risk/segments?"+risk.Encode(), true)
			res := 3
			for _, s := range v.ZoomSteps {
				if float64(zoom) >= s.MinZoom {
					res = s.Resolution
				}
			}
			hot := url.Values{"resolution": {strconv.Itoa(res)}, "datetime": {"2023-01-01/2023-12-31"}, "cause": filters["cause"]}
			get("/api/v1/hotspots?"+hot.Encode(), true)
			if failed > 0 {
				t.Errorf("%d requests of the embed page failed", failed)
			}
		})
	}
}
