package formats

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"

	"github.com/routerisk/routerisk/geodata"
)

func gpkgFixture(t testing.TB, name string) Source {
	return archiveFileSource(t, filepath.Join("testdata", "gpkg", name))
}

func gpkgShared(t testing.TB, name string) Source {
	return archiveFileSource(t, filepath.Join(sharedData(t, "formats", "gpkg"), name))
}

func TestDecodeGeoPackageNaturalEarth(t *testing.T) {
	d, err := DecodeGeoPackage(gpkgShared(t, "natural_earth_minimal.gpkg"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkReportCounts(t, d)
	if d.Format != GeoPackage || len(d.Features) != 127 || d.Report.Read != 127 || d.Report.Rejected != 0 {
		t.Fatalf("format %s, %d features, report %+v", d.Format, len(d.Features), d.Report)
	}
	for i, f := range d.Features {
		if f.Geometry.GeoJSONType() != "Polygon" {
			t.Fatalf("feature %d is a %s", i, f.Geometry.GeoJSONType())
		}
		if f.ID != float64(i+1) {
			t.Fatalf("feature %d has ID %v", i, f.ID)
		}
	}
	first := d.Features[0]
	if fmt.Sprint(first.Properties) != fmt.Sprint(geojson.Properties{"featurecla": "Land", "scalerank": 1.0, "min_zoom": 1.0}) {
		t.Errorf("properties %v", first.Properties)
	}
	if p := first.Geometry.(orb.Polygon)[0][0]; p != (orb.Point{-59.572094692611529, -80.040178725096297}) {
		t.Errorf("first point %v", p)
	}
	if strings.Join(d.Columns, ",") != "featurecla,scalerank,min_zoom" {
		t.Errorf("columns %v", d.Columns)
	}
	if !hasNote(d, `"ne_110m_land"`) {
		t.Errorf("notes %q do not name the table", d.Notes)
	}
}

func TestDecodeGeoPackageRejectsOtherCRS(t *testing.T) {
	_, err := DecodeGeoPackage(gpkgShared(t, "apeldoorn.gpkg"), Options{})
	wantGeodataError(t, err, geodata.Invalid, `"plaats"`, "EPSG:28992", `"Amersfoort / RD New"`, "ogr2ogr -t_srs EPSG:4326")
}

func TestDecodeGeoPackageFixtures(t *testing.T) {
	t.Run("web mercator converted", func(t *testing.T) {
		d, err := DecodeGeoPackage(gpkgFixture(t, "places_3857.gpkg"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkReportCounts(t, d)
		want := []orb.Point{{8.5417, 47.3769}, {6.7273, 0.3365}, {19.945, 50.0647}}
		for i, f := range d.Features {
			if p := f.Geometry.(orb.Point); math.Abs(p[0]-want[i][0]) > 1e-7 || math.Abs(p[1]-want[i][1]) > 1e-7 {
				t.Errorf("feature %d at %v, want %v", i, p, want[i])
			}
		}
		wantProps := geojson.Properties{"name": "Zürich", "pop": 415367.0, "area": 87.88, "founded": "1218-01-01", "open": true}
		if fmt.Sprint(d.Features[0].Properties) != fmt.Sprint(wantProps) {
			t.Errorf("properties %v, want %v", d.Features[0].Properties, wantProps)
		}
		if !hasNote(d, "Web Mercator") || !hasNote(d, "EPSG:3857") {
			t.Errorf("notes %q", d.Notes)
		}
	})
	t.Run("first of two tables", func(t *testing.T) {
		d, err := DecodeGeoPackage(gpkgFixture(t, "two_layers.gpkg"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Features) != 3 || d.Features[0].Properties["label"] != "square with hole" {
			t.Fatalf("%d features, first %v", len(d.Features), d.Features[0].Properties)
		}
		if !hasNote(d, `read "areas"`) || !hasNote(d, `"places"`) {
			t.Errorf("notes %q do not list the table left out", d.Notes)
		}
	})
	t.Run("undefined geographic CRS", func(t *testing.T) {
		d, err := DecodeGeoPackage(gpkgFixture(t, "undefined_srs.gpkg"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Features) != 3 || !hasNote(d, "undefined geographic CRS") {
			t.Errorf("%d features, notes %q", len(d.Features), d.Notes)
		}
	})
	t.Run("hostile table and bad rows", func(t *testing.T) {
		src := gpkgFixture(t, "hostile.gpkg")
		before := sha256.Sum256(mustRead(t, src.Path))
		d, err := DecodeGeoPackage(src, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if sha256.Sum256(mustRead(t, src.Path)) != before {
			t.Fatal("reading changed the file")
		}
		checkReportCounts(t, d)
		rep := d.Report
		if rep.Read != 8 || rep.Accepted != 3 || rep.Rejected != 5 || rep.Repaired != 1 {
			t.Fatalf("report %+v", rep)
		}
		wantCodes := map[string]int{"missing_geometry": 1, "empty_geometry": 2, "corrupt_geometry": 1, "unsupported_geometry": 1, "non_finite_number": 1}
		for code, n := range wantCodes {
			if rep.Counts[code] != n {
				t.Errorf("%d %s issues, want %d: %+v", rep.Counts[code], code, n, rep.Issues)
			}
		}
		for _, is := range rep.Issues {
			if is.Feature < 1 || is.ID == "" || is.Message == "" {
				t.Errorf("issue %+v", is)
			}
		}
		p := d.Features
		if p[0].Properties["when"] != "2024-02-29T10:20:30.123Z" || p[1].Properties["when"] != "not a time" {
			t.Errorf("date-time text not kept as stored: %v, %v", p[0].Properties["when"], p[1].Properties["when"])
		}
		if v, ok := p[1].Properties["area"]; !ok || v != nil {
			t.Errorf("infinite area kept as %v", v)
		}
		if _, ok := p[2].Properties["name"]; ok {
			t.Errorf("a BLOB stored in a text column was kept: %v", p[2].Properties["name"])
		}
		if _, ok := p[0].Properties["raw"]; ok || !hasNote(d, `"raw"`) || !hasNote(d, `column "name"`) {
			t.Errorf("BLOB columns: properties %v, notes %q", p[0].Properties, d.Notes)
		}
		if !hasNote(d, `evil\"name; DROP TABLE gpkg_contents; --`) {
			t.Errorf("notes %q do not name the table", d.Notes)
		}
	})
	t.Run("path needing escapes", func(t *testing.T) {
		b := mustRead(t, filepath.Join("testdata", "gpkg", "two_layers.gpkg"))
		path := filepath.Join(t.TempDir(), "a b?c#d%20e.gpkg")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := DecodeGeoPackage(Source{Name: "x.gpkg", Path: path, Size: int64(len(b)), R: bytes.NewReader(b)}, Options{})
		if err != nil || len(d.Features) != 3 {
			t.Fatalf("err %v", err)
		}
	})
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeGeoPackageRefusesOtherFiles(t *testing.T) {
	cases := []struct {
		file      string
		code      geodata.Code
		fragments []string
	}{
		{"tiles_only.gpkg", geodata.Invalid, []string{"no feature table"}},
		{"not_geopackage.sqlite", geodata.Invalid, []string{"not a GeoPackage"}},
		{"plain_text.gpkg", geodata.Invalid, []string{"not a GeoPackage"}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			_, err := DecodeGeoPackage(gpkgFixture(t, tc.file), Options{})
			wantGeodataError(t, err, tc.code, tc.fragments...)
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := DecodeGeoPackage(Source{Name: "x.gpkg", Path: filepath.Join(t.TempDir(), "nope.gpkg")}, Options{})
		wantGeodataError(t, err, geodata.Invalid, "not a GeoPackage")
	})
	t.Run("no path", func(t *testing.T) {
		_, err := DecodeGeoPackage(Source{Name: "x.gpkg", R: bytes.NewReader(nil)}, Options{})
		wantGeodataError(t, err, geodata.Internal)
	})
}

func TestDecodeGeoPackageLimits(t *testing.T) {
	src := gpkgShared(t, "natural_earth_minimal.gpkg")
	_, err := DecodeGeoPackage(src, Options{Limits: Limits{MaxFeatures: 10}})
	wantGeodataError(t, err, geodata.TooLarge, "max_features")
	_, err = DecodeGeoPackage(src, Options{Limits: Limits{MaxVertices: 1000}})
	wantGeodataError(t, err, geodata.TooLarge, "max_vertices")
	_, err = DecodeGeoPackage(src, Options{Limits: Limits{MaxProperties: 2}})
	wantGeodataError(t, err, geodata.TooLarge, "max_properties")
	_, err = DecodeGeoPackage(src, Options{Limits: Limits{MaxValueLength: 3}})
	wantGeodataError(t, err, geodata.TooLarge, "max_value_length")
}

func TestGeoPackageCRS(t *testing.T) {
	const utm = `PROJCS["ETRS89 / UTM zone 33N",GEOGCS["ETRS89",DATUM["European_Terrestrial_Reference_System_1989",SPHEROID["GRS 1980",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["metre",1]]`
	const wgs84 = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]`
	cases := []struct {
		name       string
		srsID      int64
		srsName    string
		org        string
		orgID      int64
		definition string
		want       crsKind
		label      string
	}{
		{"EPSG 4326", 4326, "WGS 84 geodetic", "EPSG", 4326, "", crsWGS84, `"WGS 84 geodetic" (EPSG:4326)`},
		{"lower-case org", 7, "WGS 84", "epsg", 4326, "", crsWGS84, ""},
		{"EPSG 3857", 3857, "WGS 84 / Pseudo-Mercator", "EPSG", 3857, "", crsWebMercator, `"WGS 84 / Pseudo-Mercator" (EPSG:3857)`},
		{"ESRI 102100", 102100, "WGS_1984_Web_Mercator_Auxiliary_Sphere", "ESRI", 102100, "", crsWebMercator, ""},
		{"OGC CRS84", 84, "WGS 84 (CRS84)", "OGC", 84, "", crsWGS84, ""},
		{"undefined geographic", 0, "Undefined geographic SRS", "NONE", 0, "undefined", crsUndetermined, ""},
		{"undefined cartesian", -1, "Undefined cartesian SRS", "NONE", -1, "undefined", crsOther, `"Undefined cartesian SRS"`},
		{"RD New", 28992, "Amersfoort / RD New", "EPSG", 28992, "", crsOther, `"Amersfoort / RD New" (EPSG:28992)`},
		{"custom org, WGS 84 WKT", 100, "my wgs", "ACME", 1, wgs84, crsWGS84, ""},
		{"custom org, UTM WKT", 101, "ETRS89 / UTM zone 33N", "ACME", 2, utm, crsOther, `"ETRS89 / UTM zone 33N"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := gpkgClassifyCRS(tc.srsID, tc.srsName, tc.org, tc.orgID, tc.definition)
			if c.kind != tc.want {
				t.Errorf("kind %d, want %d", c.kind, tc.want)
			}
			if tc.label != "" && c.label() != tc.label {
				t.Errorf("label %s, want %s", c.label(), tc.label)
			}
		})
	}
}

// gpkgBlob wraps WKB in a GeoPackage binary header with the given flags
// and an envelope of the length the flags call for.
func gpkgBlob(flags byte, wkbBytes []byte) []byte {
	b := []byte{'G', 'P', 0, flags}
	b = binary.LittleEndian.AppendUint32(b, 4326)
	envelope := map[byte]int{0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags>>1)&7]
	b = append(b, make([]byte, envelope)...)
	return append(b, wkbBytes...)
}

func mustWKB(t testing.TB, g geom.T, order binary.ByteOrder) []byte {
	t.Helper()
	b, err := wkb.Marshal(g, order)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseGPKGGeometry(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	point := geom.NewPointFlat(geom.XY, []float64{1, 2})
	pointZ := geom.NewPointFlat(geom.XYZ, []float64{1, 2, 3})
	lineM := geom.NewLineStringFlat(geom.XYM, []float64{0, 0, 9, 1, 1, 9})
	polyZM := geom.NewPolygonFlat(geom.XYZM, []float64{0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1}, []int{16})
	mpoly := geom.NewMultiPolygonFlat(geom.XY, []float64{0, 0, 1, 0, 1, 1, 0, 0, 5, 5, 6, 5, 6, 6, 5, 5}, [][]int{{8}, {16}})
	collection := geom.NewGeometryCollection()
	if err := collection.Push(point, geom.NewLineStringFlat(geom.XY, []float64{0, 0, 1, 1})); err != nil {
		t.Fatal(err)
	}
	emptyLine := geom.NewLineString(geom.XY)
	nanLine := geom.NewLineStringFlat(geom.XY, []float64{0, 0, math.NaN(), 1})
	// A MultiPoint claiming 2^31 points in 9 bytes, a linestring claiming
	// 2^31 coordinates, and collections nested 100 deep.
	hugeMulti := append([]byte{1}, le.AppendUint32(le.AppendUint32(nil, 4), 1<<31)...)
	hugeLine := append([]byte{1}, le.AppendUint32(le.AppendUint32(nil, 2), 1<<31)...)
	var deep []byte
	for range 100 {
		deep = append(deep, 1)
		deep = le.AppendUint32(deep, 7)
		deep = le.AppendUint32(deep, 1)
	}
	deep = append(deep, mustWKB(t, point, le)...)
	curve := append([]byte{1}, le.AppendUint32(le.AppendUint32(nil, 9), 0)...)

	cases := []struct {
		name  string
		blob  []byte
		want  orb.Geometry
		code  string
		verts int
	}{
		{"point, no envelope", gpkgBlob(0x01, mustWKB(t, point, le)), orb.Point{1, 2}, "", 1},
		{"point, big-endian WKB and header", gpkgBlob(0x00, mustWKB(t, point, be)), orb.Point{1, 2}, "", 1},
		{"point Z, XY envelope", gpkgBlob(0x03, mustWKB(t, pointZ, le)), orb.Point{1, 2}, "", 1},
		{"line M, XYZ envelope", gpkgBlob(0x05, mustWKB(t, lineM, le)), orb.LineString{{0, 0}, {1, 1}}, "", 2},
		{"polygon ZM, XYM envelope", gpkgBlob(0x07, mustWKB(t, polyZM, le)), orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, "", 4},
		{"multipolygon, XYZM envelope", gpkgBlob(0x09, mustWKB(t, mpoly, le)),
			orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, {{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}}, "", 8},
		{"collection", gpkgBlob(0x01, mustWKB(t, collection, le)), orb.Collection{orb.Point{1, 2}, orb.LineString{{0, 0}, {1, 1}}}, "", 3},
		{"empty flag", gpkgBlob(0x11, nil), nil, "empty_geometry", 0},
		{"empty line", gpkgBlob(0x01, mustWKB(t, emptyLine, le)), nil, "empty_geometry", 0},
		{"NaN point is GeoPackage's empty point", gpkgBlob(0x01, mustWKB(t, geom.NewPointFlat(geom.XY, []float64{math.NaN(), math.NaN()}), le)), nil, "empty_geometry", 0},
		{"NaN coordinate", gpkgBlob(0x01, mustWKB(t, nanLine, le)), nil, "non_finite_coordinate", 0},
		{"extended type", gpkgBlob(0x21, mustWKB(t, point, le)), nil, "unsupported_geometry", 0},
		{"curve", gpkgBlob(0x01, curve), nil, "unsupported_geometry", 0},
		{"EWKB flags", gpkgBlob(0x01, append([]byte{1}, le.AppendUint32(nil, 0x20000001)...)), nil, "unsupported_geometry", 0},
		{"bad magic", append([]byte("XP"), gpkgBlob(0x01, mustWKB(t, point, le))[2:]...), nil, "corrupt_geometry", 0},
		{"bad version", func() []byte { b := gpkgBlob(0x01, mustWKB(t, point, le)); b[2] = 1; return b }(), nil, "corrupt_geometry", 0},
		{"envelope code 5", gpkgBlob(0x0B, mustWKB(t, point, le)), nil, "corrupt_geometry", 0},
		{"truncated envelope", gpkgBlob(0x09, nil)[:20], nil, "corrupt_geometry", 0},
		{"truncated WKB", gpkgBlob(0x01, mustWKB(t, mpoly, le)[:30]), nil, "corrupt_geometry", 0},
		{"bad byte order", gpkgBlob(0x01, append([]byte{7}, mustWKB(t, point, le)[1:]...)), nil, "corrupt_geometry", 0},
		{"count beyond bytes (multi)", gpkgBlob(0x01, hugeMulti), nil, "corrupt_geometry", 0},
		{"count beyond bytes (line)", gpkgBlob(0x01, hugeLine), nil, "corrupt_geometry", 0},
		{"nesting too deep", gpkgBlob(0x01, deep), nil, "corrupt_geometry", 0},
		{"short", []byte("GP"), nil, "corrupt_geometry", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, n, prob := parseGPKGGeometry(tc.blob)
			if tc.code != "" {
				if prob == nil || prob.code != tc.code || prob.message == "" {
					t.Fatalf("got %v, %+v; want code %s", g, prob, tc.code)
				}
				return
			}
			if prob != nil {
				t.Fatalf("problem %+v", prob)
			}
			if fmt.Sprint(g) != fmt.Sprint(tc.want) || n != tc.verts {
				t.Errorf("got %v (%d vertices), want %v (%d)", g, n, tc.want, tc.verts)
			}
		})
	}
}
