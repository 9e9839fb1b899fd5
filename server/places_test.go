package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata/places"
	"github.com/routerisk/routerisk/server/cache"
)

// getPlaces asks GET /api/v1/places without credentials and decodes the
// answer.
func getPlaces(t *testing.T, e *echo.Echo, query string) (response, []places.Place) {
	t.Helper()
	res := do(t, e, http.MethodGet, "/api/v1/places?"+query)
	if res.Code != http.StatusOK {
		return res, nil
	}
	var body struct {
		Places []places.Place `json:"places"`
	}
	if err := json.Unmarshal(res.body(t), &body); err != nil {
		t.Fatalf("%s: %v: %s", query, err, res.Body)
	}
	if body.Places == nil {
		t.Fatalf("%s: no places member: %s", query, res.Body)
	}
	return res, body.Places
}

func TestPlacesSearch(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	res, got := getPlaces(t, e, "q=lampedusa")
	if res.Code != http.StatusOK || len(got) == 0 {
		t.Fatalf("status %d: %s", res.Code, res.Body)
	}
	if p := got[0]; p.Name != "Lampedusa" || p.Country != "IT" || p.CountryName != "Italy" || p.Kind != "place" || p.Lon < 12.5 || p.Lon > 12.7 {
		t.Errorf("first result %+v, want Lampedusa (Italy)", p)
	}
	if !strings.Contains(res.Body.String(), `"country_name":"Italy"`) || !strings.Contains(res.Body.String(), `"kind":"place"`) ||
		!strings.Contains(res.Body.String(), `"attribution":"GeoNames"`) {
		t.Errorf("body %s lacks the documented members", res.Body)
	}
	if _, got := getPlaces(t, e, "q=Ciudad%20Juarez&limit=1"); len(got) != 1 || got[0].Name != "Ciudad Juárez" {
		t.Errorf("Ciudad Juarez, limit 1: %+v", got)
	}
	if _, got := getPlaces(t, e, "q=alboran"); len(got) == 0 || got[0].Kind != "sea" || got[0].Country != "" {
		t.Errorf("alboran: %+v, want the Alboran Sea area", got)
	} else if strings.Contains(do(t, e, http.MethodGet, "/api/v1/places?q=alboran").Body.String(), `"country"`) {
		t.Error("a sea area carries a country member")
	}
	if _, got := getPlaces(t, e, "q=zzqqxxw"); len(got) != 0 {
		t.Errorf("nonsense found %+v", got)
	}
	if _, got := getPlaces(t, e, "q=san"); len(got) != 10 {
		t.Errorf("default limit: %d results, want 10", len(got))
	}
	if _, got := getPlaces(t, e, "q=san&limit=50"); len(got) != 50 {
		t.Errorf("limit 50: %d results", len(got))
	}
}

func TestPlacesBBoxLabels(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	res, got := getPlaces(t, e, "bbox=7,13,10,18&limit=5")
	if res.Code != http.StatusOK || len(got) == 0 || len(got) > 5 {
		t.Fatalf("status %d, %d places: %s", res.Code, len(got), res.Body)
	}
	agadez := false
	for _, p := range got {
		if p.Lon < 7 || p.Lon > 10 || p.Lat < 13 || p.Lat > 18 || p.Kind != "place" {
			t.Errorf("%+v is not a place inside the box", p)
		}
		agadez = agadez || p.Name == "Agadez"
	}
	if !agadez {
		t.Errorf("no Agadez among the labels %+v", got)
	}
	// Public and cacheable, with a working ETag.
	if res.Header().Get("Cache-Control") != "public, max-age=3600" || res.Header().Get("ETag") == "" {
		t.Errorf("headers %v", res.Header())
	}
	if again := do(t, e, http.MethodGet, "/api/v1/places?bbox=7,13,10,18&limit=5", "If-None-Match", res.Header().Get("ETag")); again.Code != http.StatusNotModified {
		t.Errorf("conditional request: status %d, want 304", again.Code)
	}
	if r := do(t, e, http.MethodGet, "/api/v1/places?bbox=170,-20,-170,0", "Origin", "https://example.org"); r.Code != http.StatusOK || r.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("across the antimeridian, with an Origin: status %d, CORS %q: %s", r.Code, r.Header().Get("Access-Control-Allow-Origin"), r.Body)
	}
}

func TestPlacesBadParameters(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	long := strings.Repeat("a", places.MaxQueryBytes+1)
	tests := []struct{ query, says string }{
		{"", `parameter "q" is missing`},
		{"q=", `parameter "q" is empty`},
		{"q=%20%20", `parameter "q" is empty`},
		{"q=" + long, "at most 100 bytes"},
		{"q=tunis&bbox=7,13,10,18", "not both"},
		{"q=tunis&q=sfax", "more than once"},
		{"q=tunis&limit=0", "from 1 to 50"},
		{"q=tunis&limit=51", "from 1 to 50"},
		{"q=tunis&limit=ten", "from 1 to 50"},
		{"bbox=7,13,10", "bbox"},
		{"bbox=7,18,10,13", "minimum latitude greater"},
		{"bbox=7,13,10,NaN", "finite"},
		{"q=tunis&country=TN", `parameter "country" is not known here`},
	}
	for _, tt := range tests {
		res := do(t, e, http.MethodGet, "/api/v1/places?"+tt.query)
		var body struct{ Code, Message string }
		_ = json.Unmarshal(res.Body.Bytes(), &body)
		if res.Code != http.StatusBadRequest || body.Code != "invalid" || !strings.Contains(body.Message, tt.says) {
			t.Errorf("%q: status %d, body %s; want 400 saying %q", tt.query, res.Code, res.Body, tt.says)
		}
	}
}
