package ogc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/routerisk/routerisk/internal/testenv"
	"github.com/routerisk/routerisk/server/analysis"

	"github.com/labstack/echo/v4"
)

// The GDAL tests read the bundled layers (all ~17.8k incidents) through
// GDAL's OAPIF driver, the client GIS staff script with, against a real
// HTTP server, and compare what GDAL sees with what the JSON API answers.

// requireTool returns the path of a command-line tool, skipping the test
// when it is missing, or failing it under CI=true, where a skip would hide
// that the test never ran.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	why := name + " (GDAL) is not installed; install it with: apt-get install -y gdal-bin"
	testenv.Unavailable(t, why)
	return ""
}

// gdalServer serves app on a loopback port and records every request URI.
type gdalServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
}

func newGDALServer(t *testing.T, app http.Handler) *gdalServer {
	t.Helper()
	s := &gdalServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.URL.RequestURI())
		s.mu.Unlock()
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// requested returns the request URIs since the last call.
func (s *gdalServer) requested() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.requests
	s.requests = nil
	return out
}

// run runs a GDAL tool and returns its standard output.
func run(t *testing.T, tool string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost", "CPL_DEBUG=OFF", "GDAL_HTTP_TIMEOUT=120")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %s: %v\n%s\n%s", filepath.Base(tool), strings.Join(args, " "), err, out, stderr)
	}
	return string(out)
}

var featureCountLine = regexp.MustCompile(`(?m)^Feature Count: (\d+)$`)

// featureCount reads "Feature Count: N" from ogrinfo -so.
func featureCount(t *testing.T, out string) int {
	t.Helper()
	m := featureCountLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("ogrinfo printed no feature count:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// apiMatched asks the JSON API how many features of a layer match query.
func apiMatched(t *testing.T, e *echo.Echo, layer, query string) int {
	t.Helper()
	r := get(t, e, "/api/v1/layers/"+layer+"/features?limit=1&"+query)
	if r.Code != http.StatusOK {
		t.Fatalf("JSON API %s?%s: %d %s", layer, query, r.Code, r.body(t))
	}
	var fc featureCollection
	r.decode(t, &fc)
	return fc.NumberMatched
}

func TestGDALReadsTheBundledLayers(t *testing.T) {
	ogrinfo := requireTool(t, "ogrinfo")
	ogr2ogr := requireTool(t, "ogr2ogr")
	layers := sampleLayers(t)
	app := newApp(t, layers)
	srv := newGDALServer(t, app)
	source := "OAPIF:" + srv.URL + "/ogc"

	out := run(t, ogrinfo, "-ro", "-so", source)
	for _, l := range layers {
		if !regexp.MustCompile(`(?m)^\d+: ` + regexp.QuoteMeta(l.Meta.ID) + `( \(|$)`).MatchString(out) {
			t.Errorf("ogrinfo does not list collection %s:\n%s", l.Meta.ID, out)
		}
	}
	t.Logf("ogrinfo lists:\n%s", out)

	for _, l := range layers {
		got := featureCount(t, run(t, ogrinfo, "-ro", "-so", "-al", source, l.Meta.ID))
		want := apiMatched(t, app, l.Meta.ID, "")
		t.Logf("%s: GDAL counts %d, the JSON API matches %d", l.Meta.ID, got, want)
		if got != want || want != len(l.Features) {
			t.Errorf("%s: GDAL counts %d features, the JSON API %d, the layer has %d", l.Meta.ID, got, want, len(l.Features))
		}
	}
	// The derived route-risk segments read like any layer.
	if !strings.Contains(out, ": "+analysis.RiskSegmentsID) {
		t.Errorf("ogrinfo does not list collection %s:\n%s", analysis.RiskSegmentsID, out)
	}
	segs := featureCount(t, run(t, ogrinfo, "-ro", "-so", "-al", source, analysis.RiskSegmentsID))
	if want := apiMatched(t, app, analysis.RiskSegmentsID, ""); segs != want || want == 0 {
		t.Errorf("%s: GDAL counts %d features, the JSON API %d", analysis.RiskSegmentsID, segs, want)
	}
	t.Logf("%s: GDAL counts %d segments", analysis.RiskSegmentsID, segs)
	srv.requested()

	filters := []struct {
		name, layer string
		gdal        []string // ogrinfo arguments that filter
		api         string   // the same filter in the JSON API
		sent        string   // what must reach the server
	}{
		{"bbox off Libya", "incidents", []string{"-spat", "10", "30", "25", "36"}, "bbox=10,30,25,36", "bbox=10"},
		{"bbox of the Sahel", "services", []string{"-spat", "0", "10", "20", "20"}, "bbox=0,10,20,20", "bbox=0"},
		{"cause category", "incidents", []string{"-where", "cause_category = 'Drowning'"}, "cause_category=Drowning", "cause_category=Drowning"},
		{"dates of 2023", "incidents", []string{"-where", "date >= '2023-01-01' AND date <= '2023-12-31'"}, "datetime=2023-01-01/2023-12-31", "datetime=2023-01-01"},
		{"bbox and dates", "incidents", []string{"-spat", "-20", "20", "40", "50", "-where", "date >= '2020-01-01' AND date <= '2021-06-30'"},
			"bbox=-20,20,40,50&datetime=2020-01-01/2021-06-30", "datetime=2020-01-01"},
	}
	for _, f := range filters {
		t.Run(f.name, func(t *testing.T) {
			args := append([]string{"-ro", "-so", "-al", "-oo", "PAGE_SIZE=5000"}, f.gdal...)
			got := featureCount(t, run(t, ogrinfo, append(args, source, f.layer)...))
			want := apiMatched(t, app, f.layer, f.api)
			t.Logf("%s: GDAL counts %d, the JSON API matches %d", f.name, got, want)
			if got != want || want == 0 {
				t.Errorf("GDAL counts %d, the JSON API matches %d", got, want)
			}
			var sent bool
			for _, uri := range srv.requested() {
				if u, err := url.QueryUnescape(uri); err == nil && strings.Contains(u, f.sent) {
					sent = true
				}
			}
			if !sent {
				t.Errorf("no request carried %q: GDAL filtered on its side", f.sent)
			}
		})
	}

	t.Run("ogr2ogr pages through every incident once", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "incidents.geojson")
		run(t, ogr2ogr, "-f", "GeoJSON", "-oo", "PAGE_SIZE=1000", dst, source, "incidents")
		pages := 0
		for _, uri := range srv.requested() {
			if strings.Contains(uri, "/collections/incidents/items") {
				pages++
			}
		}
		b, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		var copied struct {
			Features []struct {
				ID         any            `json:"id"`
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(b, &copied); err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, f := range copied.Features {
			id := fmt.Sprint(f.Properties["id"])
			if s, ok := f.ID.(string); ok {
				id = s
			}
			seen[id]++
		}
		var fc featureCollection
		get(t, app, "/api/v1/layers/incidents/features?limit=50000&properties=date").decode(t, &fc)
		want := fc.ids()
		t.Logf("ogr2ogr copied %d features in %d requests; the JSON API has %d", len(copied.Features), pages, len(want))
		if len(copied.Features) != len(want) || len(seen) != len(want) {
			t.Errorf("ogr2ogr copied %d features (%d distinct ids); the JSON API has %d", len(copied.Features), len(seen), len(want))
		}
		for _, id := range want {
			if seen[id] != 1 {
				t.Errorf("feature %s copied %d times", id, seen[id])
			}
		}
		if pages < len(want)/1000 {
			t.Errorf("ogr2ogr made %d requests for %d features at 1000 a page: it did not page", pages, len(want))
		}
	})
}
