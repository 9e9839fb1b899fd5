package formats

import (
	"bytes"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/internal/testenv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// gdalOGR2OGR returns the path of ogr2ogr, skipping the test locally (and
// failing it in CI) when GDAL is not installed.
func gdalOGR2OGR(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("ogr2ogr")
	if err != nil {
		testenv.Unavailable(t, "ogr2ogr not found (install gdal-bin): "+err.Error())
	}
	return p
}

// gdalRead converts input to GeoJSON with ogr2ogr and parses it.
func gdalRead(t testing.TB, input string, args ...string) *geojson.FeatureCollection {
	t.Helper()
	cmdArgs := append([]string{"-f", "GeoJSON", "/vsistdout/", input}, args...)
	cmd := exec.Command(gdalOGR2OGR(t), cmdArgs...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ogr2ogr %s: %v\n%s", strings.Join(cmdArgs, " "), err, stderr.String())
	}
	fc, err := geojson.UnmarshalFeatureCollection(out)
	if err != nil {
		t.Fatalf("ogr2ogr output: %v\n%s", err, out)
	}
	return fc
}

// gdalCompare fails unless our features match GDAL's: count, geometry
// type, every coordinate within 1e-9 (ring orientation aside, since
// GDAL keeps the file's and we follow the right-hand rule for
// shapefiles), and every property value.
func gdalCompare(t testing.TB, ours *Decoded, gdal *geojson.FeatureCollection) {
	t.Helper()
	if len(ours.Features) != len(gdal.Features) {
		t.Fatalf("%d features, GDAL %d", len(ours.Features), len(gdal.Features))
	}
	for i, want := range gdal.Features {
		got := ours.Features[i]
		if got.Geometry.GeoJSONType() != want.Geometry.GeoJSONType() {
			t.Errorf("feature %d: %s, GDAL %s", i, got.Geometry.GeoJSONType(), want.Geometry.GeoJSONType())
			continue
		}
		g, w := flattenPoints(gdalNormalizeRings(got.Geometry)), flattenPoints(gdalNormalizeRings(want.Geometry))
		if len(g) != len(w) {
			t.Errorf("feature %d: %d points, GDAL %d", i, len(g), len(w))
			continue
		}
		for j := range g {
			if math.Abs(g[j][0]-w[j][0]) > 1e-9 || math.Abs(g[j][1]-w[j][1]) > 1e-9 {
				t.Errorf("feature %d point %d: %v, GDAL %v", i, j, g[j], w[j])
				break
			}
		}
		if a, b := gdalPropertyText(got.Properties), gdalPropertyText(want.Properties); a != b {
			t.Errorf("feature %d properties:\n%s\nGDAL:\n%s", i, a, b)
		}
	}
}

// gdalNormalizeRings returns g with every polygon's outer ring
// counter-clockwise and its holes clockwise, copying the rings.
func gdalNormalizeRings(g orb.Geometry) orb.Geometry {
	orient := func(p orb.Polygon) orb.Polygon {
		out := make(orb.Polygon, len(p))
		for i, r := range p {
			c := append(orb.Ring(nil), r...)
			if a := signedRingArea(c); (i == 0 && a < 0) || (i > 0 && a > 0) {
				c.Reverse()
			}
			out[i] = c
		}
		return out
	}
	switch x := g.(type) {
	case orb.Polygon:
		return orient(x)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(x))
		for i, p := range x {
			out[i] = orient(p)
		}
		return out
	}
	return g
}

// gdalPropertyText writes properties in a canonical form: sorted keys,
// numbers with 12 significant digits.
func gdalPropertyText(p geojson.Properties) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		switch v := p[k].(type) {
		case float64:
			fmt.Fprintf(&b, "%s=%.12g\n", k, v)
		default:
			fmt.Fprintf(&b, "%s=%#v\n", k, v)
		}
	}
	return b.String()
}

func TestShapefileMatchesGDAL(t *testing.T) {
	gdalOGR2OGR(t)
	dir := sharedData(t, "formats", "shp")
	for _, base := range []string{"point", "pointm", "pointz", "multipoint", "multipointm", "multipointz",
		"polyline", "polylinem", "polylinez", "polygon", "polygonm", "polygonz"} {
		t.Run(base, func(t *testing.T) {
			shp, shx, dbf := readSharedShapefile(t, base)
			d, err := DecodeShapefile(shapefileZip(t, base, shp, shx, dbf), Options{})
			if err != nil {
				t.Fatal(err)
			}
			gdalCompare(t, d, gdalRead(t, filepath.Join(dir, base+".shp")))
		})
	}
	t.Run("multipatch", func(t *testing.T) {
		// GDAL turns MultiPatch into a MULTIPOLYGON Z of its faces; seen from
		// above, walls collapse to lines, so we refuse the file instead and
		// say how to export footprints. Check GDAL still reads what we refuse.
		fc := gdalRead(t, filepath.Join(dir, "multipatch.shp"))
		if len(fc.Features) != 1 || fc.Features[0].Geometry.GeoJSONType() != "MultiPolygon" {
			t.Fatalf("GDAL read %d features", len(fc.Features))
		}
		shp, shx, dbf := readSharedShapefile(t, "multipatch")
		_, err := DecodeShapefile(shapefileZip(t, "multipatch", shp, shx, dbf), Options{})
		wantGeodataError(t, err, geodata.Invalid, "MultiPatch")
	})
	t.Run("polygon_shapefile.zip", func(t *testing.T) {
		path := filepath.Join(dir, "polygon_shapefile.zip")
		d, err := DecodeShapefile(archiveFileSource(t, path), Options{})
		if err != nil {
			t.Fatal(err)
		}
		gdalCompare(t, d, gdalRead(t, "/vsizip/"+path))
	})
	fixtures := []struct {
		file  string
		inner string // the .shp inside the zip, when GDAL needs telling
		args  []string
	}{
		{"areas.zip", "", nil},
		{"roads_in_folder.zip", "/roads/roads.shp", nil},
		{"places_latin1.zip", "", nil},
		{"places_latin1_nocpg.zip", "", []string{"--config", "SHAPE_ENCODING", "ISO-8859-1"}},
		{"places_3857.zip", "", []string{"-t_srs", "EPSG:4326"}},
	}
	for _, fx := range fixtures {
		t.Run(fx.file, func(t *testing.T) {
			path, err := filepath.Abs(filepath.Join("testdata", "shp", fx.file))
			if err != nil {
				t.Fatal(err)
			}
			d, err := DecodeShapefile(archiveFileSource(t, path), Options{})
			if err != nil {
				t.Fatal(err)
			}
			gdalCompare(t, d, gdalRead(t, "/vsizip/"+path+fx.inner, fx.args...))
		})
	}
}

func TestGeoPackageMatchesGDAL(t *testing.T) {
	gdalOGR2OGR(t)
	cases := []struct {
		path string
		args []string
	}{
		{filepath.Join(sharedData(t, "formats", "gpkg"), "natural_earth_minimal.gpkg"), nil},
		{filepath.Join("testdata", "gpkg", "places_3857.gpkg"), []string{"-t_srs", "EPSG:4326"}},
		{filepath.Join("testdata", "gpkg", "two_layers.gpkg"), []string{"areas"}},
		{filepath.Join("testdata", "gpkg", "undefined_srs.gpkg"), nil},
	}
	for _, tc := range cases {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			d, err := DecodeGeoPackage(archiveFileSource(t, tc.path), Options{})
			if err != nil {
				t.Fatal(err)
			}
			gdalCompare(t, d, gdalRead(t, tc.path, tc.args...))
		})
	}
}
