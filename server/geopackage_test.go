package server

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/routerisk/routerisk/internal/testenv"
	"github.com/routerisk/routerisk/server/auth"
)

// gdalTool returns the path of a GDAL command-line tool; a missing one
// skips the test, or fails it under CI=true.
func gdalTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testenv.Unavailable(t, name+" (GDAL) is not installed; install it with: apt-get install -y gdal-bin")
	}
	return p
}

func runTool(t *testing.T, tool string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(tool), args, err, out)
	}
	return string(out)
}

// TestGeoPackageDownload downloads a restricted layer as GeoPackage at the
// staff tier and reads it with GDAL: the feature count, the column types,
// the metadata, the R-tree index, and a round trip to GeoJSON that keeps
// every feature and property. Below the staff tier the restricted layer is
// refused, as in every other download format; a public layer comes at the
// positions the public API serves.
func TestGeoPackageDownload(t *testing.T) {
	ogrinfo, ogr2ogr := gdalTool(t, "ogrinfo"), gdalTool(t, "ogr2ogr")
	a := newPrivacyApp(t)
	staff := "Bearer " + a.tokens[auth.Staff]
	dir := t.TempDir()

	r := a.send(t, http.MethodGet, "/api/v1/layers/incidents/download?format=gpkg", nil, "Authorization", staff)
	if r.Code != http.StatusOK {
		t.Fatalf("staff gpkg: %d %s", r.Code, r.Body)
	}
	if ct := r.Header().Get("Content-Type"); ct != "application/geopackage+sqlite3" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.Header().Get("Content-Disposition"); !regexp.MustCompile(`attachment; filename="incidents-v\d+\.gpkg"`).MatchString(cd) {
		t.Errorf("Content-Disposition %q", cd)
	}
	gpkg := filepath.Join(dir, "incidents.gpkg")
	if err := os.WriteFile(gpkg, r.Body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	info := runTool(t, ogrinfo, "-so", "-al", gpkg)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^Layer name: incidents$`),
		regexp.MustCompile(`(?m)^Geometry: Point$`),
		regexp.MustCompile(`(?m)^Feature Count: 10$`),
		regexp.MustCompile(`(?m)^id: String`),
		regexp.MustCompile(`(?m)^date: Date`),
		regexp.MustCompile(`(?m)^dead: Integer`),
		regexp.MustCompile(`(?m)^missing: Integer`),
		regexp.MustCompile(`(?m)^cause: String`),
		regexp.MustCompile(`(?m)^\s*TITLE=Incidents$`),
		regexp.MustCompile(`(?m)^\s*SOURCES=test`),
		regexp.MustCompile(`(?m)^\s*LICENSES=none$`),
		regexp.MustCompile(`(?m)^\s*VERSION=1$`),
		regexp.MustCompile(`(?m)^\s*CAVEATS=Dead and missing are minimum estimates`),
		regexp.MustCompile(`(?m)^\s*SENSITIVITY=restricted$`),
		regexp.MustCompile(`EPSG",4326|EPSG:4326|WGS 84`),
	} {
		if !want.MatchString(info) {
			t.Errorf("ogrinfo lacks %s:\n%s", want, info)
		}
	}
	idx := runTool(t, ogrinfo, "-q", gpkg, "-sql", "SELECT HasSpatialIndex('incidents', 'geom') AS has_index, (SELECT count(*) FROM rtree_incidents_geom) AS indexed")
	if !strings.Contains(idx, "has_index (Integer) = 1") || !strings.Contains(idx, "indexed (Integer) = 10") {
		t.Errorf("spatial index:\n%s", idx)
	}
	ident := runTool(t, ogrinfo, "-q", gpkg, "-sql", "SELECT identifier, description FROM gpkg_contents")
	if !strings.Contains(ident, "identifier (String) = Incidents") {
		t.Errorf("gpkg_contents:\n%s", ident)
	}

	// The round trip: GeoPackage → GeoJSON keeps every feature, its id,
	// position and properties.
	out := filepath.Join(dir, "incidents.geojson")
	runTool(t, ogr2ogr, "-f", "GeoJSON", out, gpkg)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Features []struct {
			Geometry struct {
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	orig := a.send(t, http.MethodGet, "/api/v1/layers/incidents/features", nil, "Authorization", staff).collection(t)
	if len(back.Features) != len(orig.Features) || len(orig.Features) != 10 {
		t.Fatalf("round trip: %d features, the API %d", len(back.Features), len(orig.Features))
	}
	byID := map[string]int{}
	for i, f := range back.Features {
		byID[f.Properties["id"].(string)] = i
	}
	for _, f := range orig.Features {
		i, ok := byID[f.ID]
		if !ok {
			t.Errorf("feature %s lost", f.ID)
			continue
		}
		g := back.Features[i]
		coords := f.Geometry["coordinates"].([]any)
		if len(g.Geometry.Coordinates) != 2 || g.Geometry.Coordinates[0] != coords[0].(float64) || g.Geometry.Coordinates[1] != coords[1].(float64) {
			t.Errorf("%s at %v, the API says %v", f.ID, g.Geometry.Coordinates, coords)
		}
		for k, v := range f.Properties {
			got := g.Properties[k]
			if jsonText(t, got) != jsonText(t, v) {
				t.Errorf("%s.%s = %s after the round trip, %s before", f.ID, k, jsonText(t, got), jsonText(t, v))
			}
		}
	}

	// Tiers: the restricted layer needs staff, as every download does.
	for _, who := range []string{"", "Bearer " + a.tokens[auth.Partner]} {
		if r := a.send(t, http.MethodGet, "/api/v1/layers/incidents/download?format=gpkg", nil, "Authorization", who); r.Code != http.StatusUnauthorized && r.Code != http.StatusForbidden {
			t.Errorf("gpkg of a restricted layer for %q: %d", who, r.Code)
		} else if exactTraces.Match(r.Body.Bytes()) {
			t.Errorf("refusal exposes the layer: %s", r.Body)
		}
	}
	// A public layer, anonymously: the positions the public tier gets.
	r = a.send(t, http.MethodGet, "/api/v1/layers/routes/download?format=gpkg", nil)
	if r.Code != http.StatusOK {
		t.Fatalf("public gpkg: %d %s", r.Code, r.Body)
	}
	routes := filepath.Join(dir, "routes.gpkg")
	if err := os.WriteFile(routes, r.Body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	rj := filepath.Join(dir, "routes.geojson")
	runTool(t, ogr2ogr, "-f", "GeoJSON", "-lco", "COORDINATE_PRECISION=15", rj, routes)
	b, _ = os.ReadFile(rj)
	var rback struct {
		Features []struct {
			Geometry map[string]any `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &rback); err != nil || len(rback.Features) != 1 {
		t.Fatalf("routes round trip: %v %s", err, b)
	}
	public := a.send(t, http.MethodGet, "/api/v1/layers/routes/features", nil).collection(t)
	if jsonText(t, rback.Features[0].Geometry["coordinates"]) != jsonText(t, public.Features[0].Geometry["coordinates"]) {
		t.Errorf("public route at %s in the GeoPackage, %s in the public API",
			jsonText(t, rback.Features[0].Geometry["coordinates"]), jsonText(t, public.Features[0].Geometry["coordinates"]))
	}
	if r := a.send(t, http.MethodGet, "/api/v1/layers/routes/download?format=gpkg&hxl=maybe", nil); r.Code != http.StatusBadRequest {
		t.Errorf("hxl=maybe: %d", r.Code)
	}
	if r := a.send(t, http.MethodGet, "/api/v1/layers/routes/download?format=shp", nil); r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), "gpkg") {
		t.Errorf("format=shp: %d %s", r.Code, r.Body)
	}
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
