package ogc_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/sample"
	"github.com/routerisk/routerisk/internal/teststore"
	"github.com/routerisk/routerisk/server"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/usecases"
)

// fixtureLayers are the two small layers of testdata: incidents (points,
// a time property, hostile text) and routes (lines, no time property, a
// boolean and a decimal property).
func fixtureLayers(t testing.TB) []*geodata.Layer {
	t.Helper()
	read := func(name string, m geodata.Meta) *geodata.Layer {
		f, err := os.Open("testdata/" + name + ".geojson")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		feats, _, err := formats.DecodeGeoJSON(f)
		if err != nil {
			t.Fatal(err)
		}
		return &geodata.Layer{Meta: m, Features: feats}
	}
	return []*geodata.Layer{
		read("incidents", geodata.Meta{ID: "incidents", Kind: geodata.KindIncident, Title: "Incidents <b>&</b> deaths",
			Description: "Fixture incidents", Sensitivity: geodata.Restricted, TimeProperty: "date",
			Sources: []geodata.Source{{Name: "IOM Missing Migrants Project", URL: "https://missingmigrants.iom.int/", License: "CC BY-IGO 3.0", Attribution: "IOM Missing Migrants Project"}}}),
		read("routes", geodata.Meta{ID: "routes", Kind: geodata.KindRoute, Title: "Routes", Sensitivity: geodata.Public}),
	}
}

// sampleLayers are the bundled layers: all ~17.8k incidents, the routes
// and the services.
func sampleLayers(t testing.TB) []*geodata.Layer {
	t.Helper()
	bundled, err := sample.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var out []*geodata.Layer
	for _, bl := range bundled {
		zr, err := gzip.NewReader(bytes.NewReader(bl.GeoJSONGzip))
		if err != nil {
			t.Fatal(err)
		}
		feats, _, err := formats.DecodeGeoJSON(zr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &geodata.Layer{Meta: bl.Meta, Features: feats})
	}
	return out
}

// newApp serves layers through the whole Echo stack, with a file store in
// a temporary folder and an in-process cache.
func newApp(t testing.TB, layers []*geodata.Layer) *echo.Echo {
	t.Helper()
	st := teststore.Open(t, t.TempDir())
	ctx := context.Background()
	for _, l := range layers {
		if _, err := st.Publish(ctx, l, geodata.Report{}, geodata.AuditEntry{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	uc := usecases.New(st, cache.NewLRU(64<<20), usecases.Options{})
	if err := uc.Library.Load(ctx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tokens := teststore.Tokens(t, dir)
	staff, _, err := tokens.Create("ogc test", auth.Staff)
	if err != nil {
		t.Fatal(err)
	}
	e := server.New(server.Options{UseCases: uc, Version: "test", Tokens: tokens})
	// Requests come as staff, who see restricted layers exactly, unless a
	// test sends its own Authorization header; privacy_test.go covers the
	// other tiers.
	e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if _, given := c.Request().Header["Authorization"]; !given {
				c.Request().Header.Set("Authorization", "Bearer "+staff)
			}
			return next(c)
		}
	})
	return e
}

type response struct {
	*httptest.ResponseRecorder
}

// get sends a request through the app; headers come in name, value pairs.
func get(t testing.TB, e *echo.Echo, target string, headers ...string) response {
	t.Helper()
	return do(t, e, http.MethodGet, target, headers...)
}

func do(t testing.TB, e *echo.Echo, method, target string, headers ...string) response {
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
func (r response) body(t testing.TB) []byte {
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

// decode reads the JSON body into v, failing the test if it is not JSON.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body(t), v); err != nil {
		t.Fatalf("body is not the JSON expected: %v\n%.500s", err, r.body(t))
	}
}

type link struct {
	Href, Rel, Type, Title string
}

func findLink(links []link, rel, typ string) (link, bool) {
	for _, l := range links {
		if l.Rel == rel && (typ == "" || l.Type == typ) {
			return l, true
		}
	}
	return link{}, false
}

type featureCollection struct {
	Type           string `json:"type"`
	NumberMatched  int    `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	TimeStamp      string `json:"timeStamp"`
	Links          []link `json:"links"`
	Features       []struct {
		ID         string         `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func (c featureCollection) ids() []string {
	var out []string
	for _, f := range c.Features {
		out = append(out, f.ID)
	}
	return out
}
