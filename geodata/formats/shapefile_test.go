package formats

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// readSharedShapefile reads the .shp, .shx and .dbf of one shared case.
func readSharedShapefile(t testing.TB, base string) (shp, shx, dbf []byte) {
	t.Helper()
	dir := sharedData(t, "formats", "shp")
	read := func(ext string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, base+ext))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return read(".shp"), read(".shx"), read(".dbf")
}

// shapefileZip zips a shapefile's parts under base, with extra entries.
func shapefileZip(t testing.TB, base string, shp, shx, dbf []byte, extra ...testZipEntry) Source {
	t.Helper()
	entries := []testZipEntry{{name: base + ".shp", data: shp}, {name: base + ".shx", data: shx}, {name: base + ".dbf", data: dbf}}
	return archiveSource(base+".zip", buildTestZip(t, append(entries, extra...)...))
}

// shpTestPoint builds the content of a Point record.
func shpTestPoint(x, y float64) []byte {
	b := binary.LittleEndian.AppendUint32(nil, shpPoint)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(y))
}

// shpTestMultiPoint builds the content of a MultiPoint record.
func shpTestMultiPoint(ps ...orb.Point) []byte {
	b := binary.LittleEndian.AppendUint32(nil, shpMultiPoint)
	b = append(b, make([]byte, 32)...) // box, unused by the reader
	b = binary.LittleEndian.AppendUint32(b, uint32(len(ps)))
	for _, p := range ps {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[0]))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[1]))
	}
	return b
}

// shpTestParts builds the content of a PolyLine or Polygon record.
func shpTestParts(shapeType uint32, parts ...[]orb.Point) []byte {
	b := binary.LittleEndian.AppendUint32(nil, shapeType)
	b = append(b, make([]byte, 32)...)
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(parts)))
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	start := 0
	for _, p := range parts {
		b = binary.LittleEndian.AppendUint32(b, uint32(start))
		start += len(p)
	}
	for _, p := range parts {
		for _, pt := range p {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[0]))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[1]))
		}
	}
	return b
}

// buildShpFiles writes a .shp and its .shx around record contents.
func buildShpFiles(fileType uint32, contents ...[]byte) (shp, shx []byte) {
	header := func(lengthBytes int) []byte {
		h := make([]byte, shpHeaderLen)
		binary.BigEndian.PutUint32(h[0:], 9994)
		binary.BigEndian.PutUint32(h[24:], uint32(lengthBytes/2))
		binary.LittleEndian.PutUint32(h[28:], 1000)
		binary.LittleEndian.PutUint32(h[32:], fileType)
		return h
	}
	var recs, index []byte
	for i, c := range contents {
		offset := shpHeaderLen + len(recs)
		recs = binary.BigEndian.AppendUint32(recs, uint32(i+1))
		recs = binary.BigEndian.AppendUint32(recs, uint32(len(c)/2))
		recs = append(recs, c...)
		index = binary.BigEndian.AppendUint32(index, uint32(offset/2))
		index = binary.BigEndian.AppendUint32(index, uint32(len(c)/2))
	}
	shp = append(header(shpHeaderLen+len(recs)), recs...)
	shx = append(header(shpHeaderLen+len(index)), index...)
	return shp, shx
}

// testDBFField describes one column of a .dbf built by a test.
type testDBFField struct {
	name  string
	typ   byte
	width int
}

// buildDBF writes a dBase III table; rows hold raw field bytes, padded to
// width; rows listed in deleted are marked deleted.
func buildDBF(fields []testDBFField, rows [][]string, deleted ...int) []byte {
	recLen := 1
	for _, f := range fields {
		recLen += f.width
	}
	h := make([]byte, 32)
	h[0] = 0x03
	binary.LittleEndian.PutUint32(h[4:], uint32(len(rows)))
	binary.LittleEndian.PutUint16(h[8:], uint16(32+32*len(fields)+1))
	binary.LittleEndian.PutUint16(h[10:], uint16(recLen))
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d, f.name)
		d[11] = f.typ
		d[16] = byte(f.width)
		h = append(h, d...)
	}
	h = append(h, 0x0D)
	for i, row := range rows {
		flag := byte(' ')
		for _, d := range deleted {
			if d == i {
				flag = '*'
			}
		}
		h = append(h, flag)
		for j, f := range fields {
			cell := []byte(row[j])
			if len(cell) > f.width {
				cell = cell[:f.width]
			}
			h = append(h, cell...)
			h = append(h, bytes.Repeat([]byte(" "), f.width-len(cell))...)
		}
	}
	return append(h, 0x1A)
}

// emptyDBF is a table with one numeric field and n empty records.
func emptyDBF(n int) []byte {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{""}
	}
	return buildDBF([]testDBFField{{"id", 'N', 5}}, rows)
}

// checkReportCounts fails unless the counts of d add up.
func checkReportCounts(t testing.TB, d *Decoded) {
	t.Helper()
	rep := d.Report
	if rep.Accepted != len(d.Features) || rep.Read != rep.Accepted+rep.Rejected {
		t.Errorf("inconsistent report: read %d, accepted %d, rejected %d, features %d", rep.Read, rep.Accepted, rep.Rejected, len(d.Features))
	}
}

func TestDecodeShapefileSharedCases(t *testing.T) {
	cases := []struct {
		base    string
		count   int
		geoType string
		first   []orb.Point // the first feature's points, in order
		columns []string
	}{
		{"point", 3, "Point", []orb.Point{{10, 10}}, []string{"point_ID"}},
		{"pointm", 3, "Point", []orb.Point{{10, 10}}, []string{"pointm_ID"}},
		{"pointz", 3, "Point", []orb.Point{{10, 10}}, []string{"pointz_ID"}},
		{"multipoint", 1, "MultiPoint", []orb.Point{{10, 10}, {5, 5}, {0, 10}}, []string{"multipo_ID"}},
		{"multipointm", 1, "MultiPoint", []orb.Point{{10, 10}, {5, 5}, {0, 10}}, []string{"multipo_ID"}},
		{"multipointz", 1, "MultiPoint", []orb.Point{{10, 10}, {5, 5}, {0, 10}}, []string{"multipo_ID"}},
		{"polyline", 2, "LineString", []orb.Point{{0, 0}, {5, 5}, {10, 10}}, []string{"polylin_ID"}},
		{"polylinem", 2, "LineString", []orb.Point{{0, 0}, {5, 5}, {10, 10}}, []string{"polylin_ID"}},
		{"polylinez", 2, "LineString", []orb.Point{{0, 0}, {5, 5}, {10, 10}}, []string{"polylin_ID"}},
		// The file's ring is clockwise (0 0, 0 5, 5 5, 5 0); GeoJSON wants it counter-clockwise.
		{"polygon", 1, "Polygon", []orb.Point{{0, 0}, {5, 0}, {5, 5}, {0, 5}, {0, 0}}, []string{"polygon_ID", "AREA"}},
		{"polygonm", 1, "Polygon", []orb.Point{{0, 0}, {5, 0}, {5, 5}, {0, 5}, {0, 0}}, []string{"polygon_ID"}},
		{"polygonz", 1, "Polygon", []orb.Point{{0, 0}, {5, 0}, {5, 5}, {0, 5}, {0, 0}}, []string{"polygon_ID"}},
	}
	for _, tc := range cases {
		t.Run(tc.base, func(t *testing.T) {
			shp, shx, dbf := readSharedShapefile(t, tc.base)
			d, err := DecodeShapefile(shapefileZip(t, tc.base, shp, shx, dbf), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkReportCounts(t, d)
			if d.Format != Shapefile || len(d.Features) != tc.count || d.Report.Rejected != 0 {
				t.Fatalf("format %s, %d features, %d rejected; want shapefile, %d, 0", d.Format, len(d.Features), d.Report.Rejected, tc.count)
			}
			g := d.Features[0].Geometry
			if g.GeoJSONType() != tc.geoType {
				t.Fatalf("geometry %s, want %s", g.GeoJSONType(), tc.geoType)
			}
			if got := flattenPoints(g); !pointsEqual(got, tc.first) {
				t.Errorf("points %v, want %v", got, tc.first)
			}
			if strings.Join(d.Columns, ",") != strings.Join(tc.columns, ",") {
				t.Errorf("columns %v, want %v", d.Columns, tc.columns)
			}
			for _, c := range tc.columns {
				if v, ok := d.Features[0].Properties[c]; !ok || v != nil {
					t.Errorf("property %s = %v (present %v), want an empty value", c, v, ok)
				}
			}
			if !hasNote(d, "no .prj") {
				t.Errorf("notes %q do not say the .prj is missing", d.Notes)
			}
		})
	}
	t.Run("multipatch", func(t *testing.T) {
		// Its header's file length is wrong too; the shape type decides first.
		shp, shx, dbf := readSharedShapefile(t, "multipatch")
		_, err := DecodeShapefile(shapefileZip(t, "multipatch", shp, shx, dbf), Options{})
		wantGeodataError(t, err, geodata.Invalid, "MultiPatch", "ogr2ogr")
	})
	t.Run("zipped upload", func(t *testing.T) {
		src := archiveFileSource(t, filepath.Join(sharedData(t, "formats", "shp"), "polygon_shapefile.zip"))
		d, err := DecodeShapefile(src, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkReportCounts(t, d)
		if len(d.Features) != 1 || d.Features[0].Geometry.GeoJSONType() != "Polygon" {
			t.Fatalf("got %d features", len(d.Features))
		}
	})
}

// flattenPoints lists every point of g in order.
func flattenPoints(g orb.Geometry) []orb.Point {
	var out []orb.Point
	visitPoints(g, func(p orb.Point) { out = append(out, p) })
	return out
}

func pointsEqual(a, b []orb.Point) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i][0]-b[i][0]) > 1e-9 || math.Abs(a[i][1]-b[i][1]) > 1e-9 {
			return false
		}
	}
	return true
}

func hasNote(d *Decoded, fragment string) bool {
	for _, n := range d.Notes {
		if strings.Contains(n, fragment) {
			return true
		}
	}
	return false
}

func TestDecodeShapefileFixtures(t *testing.T) {
	fixture := func(name string) Source { return archiveFileSource(t, filepath.Join("testdata", "shp", name)) }
	places := []orb.Point{{8.5417, 47.3769}, {6.7273, 0.3365}, {19.945, 50.0647}}

	t.Run("web mercator converted", func(t *testing.T) {
		d, err := DecodeShapefile(fixture("places_3857.zip"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkReportCounts(t, d)
		for i, f := range d.Features {
			p := f.Geometry.(orb.Point)
			if math.Abs(p[0]-places[i][0]) > 1e-7 || math.Abs(p[1]-places[i][1]) > 1e-7 {
				t.Errorf("feature %d at %v, want %v", i, p, places[i])
			}
		}
		if !hasNote(d, "Web Mercator") || !hasNote(d, "WGS_1984_Web_Mercator_Auxiliary_Sphere") {
			t.Errorf("notes %q do not tell the conversion", d.Notes)
		}
	})
	t.Run("UTM rejected naming the CRS", func(t *testing.T) {
		_, err := DecodeShapefile(fixture("places_utm33n.zip"), Options{})
		wantGeodataError(t, err, geodata.Invalid, `"ETRS_1989_UTM_Zone_33N"`, "EPSG:4326", "ogr2ogr -t_srs EPSG:4326")
	})
	t.Run("latin1 with .cpg", func(t *testing.T) {
		d, err := DecodeShapefile(fixture("places_latin1.zip"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := []geojson.Properties{
			{"name": "Zürich", "pop": 415367.0, "area": 87.88, "founded": "1218-01-01", "open": 1.0},
			{"name": "São Tomé", "pop": 71868.0, "area": 17.0, "founded": "1485-12-16", "open": 0.0},
			{"name": "Kraków", "pop": nil, "area": nil, "founded": nil, "open": nil},
		}
		for i, f := range d.Features {
			if fmt.Sprint(f.Properties) != fmt.Sprint(want[i]) {
				t.Errorf("feature %d: %v, want %v", i, f.Properties, want[i])
			}
			if !f.Geometry.(orb.Point).Equal(places[i]) {
				t.Errorf("feature %d at %v", i, f.Geometry)
			}
		}
		if strings.Join(d.Columns, ",") != "name,pop,area,founded,open" {
			t.Errorf("columns %v", d.Columns)
		}
		if hasNote(d, "ISO-8859-1") {
			t.Errorf("a declared code page needs no fallback note: %q", d.Notes)
		}
	})
	t.Run("latin1 without .cpg falls back", func(t *testing.T) {
		d, err := DecodeShapefile(fixture("places_latin1_nocpg.zip"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Features[0].Properties["name"]; got != "Zürich" {
			t.Errorf("name %q, want Zürich", got)
		}
		if !hasNote(d, "ISO-8859-1") {
			t.Errorf("notes %q do not tell the fallback", d.Notes)
		}
	})
	t.Run("polygons with holes", func(t *testing.T) {
		d, err := DecodeShapefile(fixture("areas.zip"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkReportCounts(t, d)
		if len(d.Features) != 2 {
			t.Fatalf("%d features", len(d.Features))
		}
		poly, ok := d.Features[0].Geometry.(orb.Polygon)
		if !ok || len(poly) != 2 {
			t.Fatalf("first feature %#v, want a polygon with one hole", d.Features[0].Geometry)
		}
		mp, ok := d.Features[1].Geometry.(orb.MultiPolygon)
		if !ok || len(mp) != 2 || len(mp[0]) != 2 || len(mp[1]) != 1 {
			t.Fatalf("second feature %#v, want two polygons, the first with a hole", d.Features[1].Geometry)
		}
		for _, p := range append(orb.MultiPolygon{poly}, mp...) {
			checkRightHandRule(t, p)
		}
	})
	t.Run("layer inside a folder", func(t *testing.T) {
		d, err := DecodeShapefile(fixture("roads_in_folder.zip"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Features) != 1 || d.Features[0].Geometry.GeoJSONType() != "MultiLineString" {
			t.Fatalf("got %d features", len(d.Features))
		}
		if d.Features[0].Properties["label"] != "roads" {
			t.Errorf("properties %v", d.Features[0].Properties)
		}
	})
}

// checkRightHandRule fails unless the outer ring turns counter-clockwise
// and the holes clockwise.
func checkRightHandRule(t testing.TB, p orb.Polygon) {
	t.Helper()
	for i, r := range p {
		if a := signedRingArea(r); (i == 0) != (a > 0) {
			t.Errorf("ring %d has signed area %g", i, a)
		}
	}
}

func TestShapefileCRS(t *testing.T) {
	const (
		esriWGS84   = `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
		ogcWGS84    = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`
		wkt2WGS84   = `GEOGCRS["WGS 84",ENSEMBLE["World Geodetic System 1984 ensemble",MEMBER["World Geodetic System 1984 (G2139)"],ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],CS[ellipsoidal,2],AXIS["geodetic latitude (Lat)",north,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],AXIS["geodetic longitude (Lon)",east,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4326]]`
		esriMerc    = `PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]`
		ogcMerc     = `PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1],AXIS["Easting",EAST],AXIS["Northing",NORTH],EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]]`
		popularMerc = `PROJCS["Popular Visualisation CRS / Mercator",GEOGCS["Popular Visualisation CRS",DATUM["Popular_Visualisation_Datum",SPHEROID["Popular Visualisation Sphere",6378137,0]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Mercator_1SP"],UNIT["metre",1]]`
		googleMerc  = `PROJCS["Google Maps Global Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Mercator_2SP"],UNIT["Meter",1],AUTHORITY["EPSG","900913"]]`
		ogcUTM      = `PROJCS["ETRS89 / UTM zone 33N",GEOGCS["ETRS89",DATUM["European_Terrestrial_Reference_System_1989",SPHEROID["GRS 1980",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",15],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]`
		worldMerc   = `PROJCS["WGS 84 / World Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Mercator_1SP"],UNIT["metre",1],AUTHORITY["EPSG","3395"]]`
		nad83       = `GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
		etrs89Code  = `GEOGCS["ETRS89",DATUM["European_Terrestrial_Reference_System_1989",SPHEROID["GRS 1980",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4258"]]`
	)
	cases := []struct {
		name    string
		prj     string
		want    crsKind
		message string // the whole error message, when rejected
	}{
		{"ESRI WGS 84", esriWGS84, crsWGS84, ""},
		{"OGC WGS 84", ogcWGS84, crsWGS84, ""},
		{"WKT2 WGS 84", wkt2WGS84, crsWGS84, ""},
		{"EPSG code", "EPSG:4326\n", crsWGS84, ""},
		{"empty .prj", " \n", crsUndetermined, ""},
		{"ESRI Web Mercator", esriMerc, crsWebMercator, ""},
		{"EPSG:3857", ogcMerc, crsWebMercator, ""},
		{"Popular Visualisation", popularMerc, crsWebMercator, ""},
		{"Google 900913", googleMerc, crsWebMercator, ""},
		{"UTM", ogcUTM, crsOther, `the .prj says the data is in "ETRS89 / UTM zone 33N"; reproject to WGS 84 (EPSG:4326) before uploading, e.g. ogr2ogr -t_srs EPSG:4326 out.shp in.shp`},
		{"World Mercator is not Web Mercator", worldMerc, crsOther, `the .prj says the data is in "WGS 84 / World Mercator" (EPSG:3395); reproject to WGS 84 (EPSG:4326) before uploading, e.g. ogr2ogr -t_srs EPSG:4326 out.shp in.shp`},
		{"NAD83", nad83, crsOther, `the .prj says the data is in "GCS_North_American_1983"; reproject to WGS 84 (EPSG:4326) before uploading, e.g. ogr2ogr -t_srs EPSG:4326 out.shp in.shp`},
		{"ETRS89 by code", etrs89Code, crsOther, `the .prj says the data is in "ETRS89" (EPSG:4258); reproject to WGS 84 (EPSG:4326) before uploading, e.g. ogr2ogr -t_srs EPSG:4326 out.shp in.shp`},
		{"other EPSG code", "EPSG:28992", crsOther, `the .prj says the data is in EPSG:28992; reproject to WGS 84 (EPSG:4326) before uploading, e.g. ogr2ogr -t_srs EPSG:4326 out.shp in.shp`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := shapefileCRS([]byte(tc.prj))
			if c.kind != tc.want {
				t.Errorf("kind %d, want %d", c.kind, tc.want)
			}
			if tc.message == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantGeodataError(t, err, geodata.Invalid)
			if got := err.(*geodata.Error).Message; got != tc.message {
				t.Errorf("message\n%s\nwant\n%s", got, tc.message)
			}
		})
	}
	for _, bad := range []string{`GEOGCS["WGS 84"`, `GEOGCS["WGS 84"]]`, `not wkt at all`, strings.Repeat("A[", 100) + strings.Repeat("]", 100), `GEOGCS["unterminated]`} {
		t.Run("unreadable "+bad[:min(len(bad), 12)], func(t *testing.T) {
			_, err := shapefileCRS([]byte(bad))
			wantGeodataError(t, err, geodata.Invalid, ".prj")
		})
	}
	t.Run("web mercator points converted", func(t *testing.T) {
		shp, shx := buildShpFiles(shpPoint, shpTestPoint(0, 0), shpTestPoint(1113194.9079327357, 1118889.9748579594))
		d, err := DecodeShapefile(shapefileZip(t, "wm", shp, shx, emptyDBF(2), testZipEntry{name: "wm.prj", data: []byte(ogcMerc)}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := flattenPoints(orb.Collection{d.Features[0].Geometry, d.Features[1].Geometry}); !pointsEqual(got, []orb.Point{{0, 0}, {10, 10}}) {
			t.Errorf("points %v, want 0 0 and 10 10", got)
		}
	})
	t.Run("a .prj in the zip rejects the upload", func(t *testing.T) {
		shp, shx := buildShpFiles(shpPoint, shpTestPoint(500000, 5000000))
		_, err := DecodeShapefile(shapefileZip(t, "utm", shp, shx, emptyDBF(1), testZipEntry{name: "utm.prj", data: []byte(ogcUTM)}), Options{})
		wantGeodataError(t, err, geodata.Invalid, `"ETRS89 / UTM zone 33N"`)
	})
}

func TestDecodeShapefileText(t *testing.T) {
	name := []testDBFField{{"name", 'C', 12}}
	cases := []struct {
		name string
		cpg  *string
		cell string
		want string
		note string // a fragment the notes must hold, "" for no note about text
	}{
		{"latin1 by .cpg", ptr("ISO-8859-1"), "Z\xfcrich", "Zürich", ""},
		{"latin1 by short .cpg", ptr("88591"), "Z\xfcrich", "Zürich", ""},
		{"windows-1252 by number", ptr("1252\r\n"), "\x80 5", "€ 5", ""},
		{"windows-1252 by name", ptr("CP1252"), "\x93q\x94", "\u201cq\u201d", ""},
		{"cyrillic", ptr("CP1251"), "\xcc\xee\xf1\xea\xe2\xe0", "Москва", "windows-1251"},
		{"UTF-8 by .cpg", ptr("UTF-8"), "Zürich", "Zürich", ""},
		{"UTF-8 without .cpg", nil, "Zürich", "Zürich", ""},
		{"latin1 without .cpg", nil, "Z\xfcrich", "Zürich", "no .cpg"},
		{"latin1 despite a UTF-8 .cpg", ptr("UTF-8"), "Z\xfcrich", "Zürich", "says UTF-8"},
		{"UTF-8 cut inside a character", nil, "Zürich 東京", "Zürich 東", ""},
		{"unknown code page", ptr("KLINGON"), "Zurich", "Zurich", `"KLINGON"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			shp, shx := buildShpFiles(shpPoint, shpTestPoint(1, 2))
			dbf := buildDBF(name, [][]string{{tc.cell}})
			var extra []testZipEntry
			if tc.cpg != nil {
				extra = append(extra, testZipEntry{name: "t.cpg", data: []byte(*tc.cpg)})
			}
			d, err := DecodeShapefile(shapefileZip(t, "t", shp, shx, dbf, extra...), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Features[0].Properties["name"]; got != tc.want {
				t.Errorf("name %q, want %q", got, tc.want)
			}
			textNotes := 0
			for _, n := range d.Notes {
				if strings.Contains(n, "text") {
					textNotes++
				}
			}
			switch {
			case tc.note == "" && textNotes > 0:
				t.Errorf("unexpected notes %q", d.Notes)
			case tc.note != "" && !hasNote(d, tc.note):
				t.Errorf("notes %q do not mention %q", d.Notes, tc.note)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestDecodeShapefileFieldTypes(t *testing.T) {
	fields := []testDBFField{
		{"text", 'C', 10}, {"int", 'N', 6}, {"real", 'F', 12}, {"flag", 'L', 1}, {"day", 'D', 8}, {"memo", 'M', 10},
	}
	rows := [][]string{
		{"  padded  ", "  42", " -1.25e3", "T", "20240229", "0000000001"},
		{"", "", "", "?", "", ""},
		{"gone", "1", "1", "F", "20240101", ""},
		{"x", "******", "n/a", "y", "2024-1-1", ""},
		{"y", "1e999", "NaN", "n", "20241301", ""},
	}
	shp, shx := buildShpFiles(shpPoint, shpTestPoint(0, 0), shpTestPoint(1, 1), shpTestPoint(2, 2), shpTestPoint(3, 3), shpTestPoint(4, 4))
	d, err := DecodeShapefile(shapefileZip(t, "types", shp, shx, buildDBF(fields, rows, 2)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkReportCounts(t, d)
	want := []geojson.Properties{
		{"text": "  padded", "int": 42.0, "real": -1250.0, "flag": true, "day": "2024-02-29"},
		{"text": nil, "int": nil, "real": nil, "flag": nil, "day": nil},
		{"text": "x", "int": nil, "real": "n/a", "flag": true, "day": "2024-1-1"},
		{"text": "y", "int": "1e999", "real": "NaN", "flag": false, "day": "20241301"},
	}
	if len(d.Features) != len(want) || d.Report.Read != len(want) {
		t.Fatalf("%d features, read %d; want %d (the deleted record skipped)", len(d.Features), d.Report.Read, len(want))
	}
	for i, f := range d.Features {
		if fmt.Sprint(f.Properties) != fmt.Sprint(want[i]) {
			t.Errorf("feature %d: %v, want %v", i, f.Properties, want[i])
		}
	}
	if got := flattenPoints(d.Features[2].Geometry); !pointsEqual(got, []orb.Point{{3, 3}}) {
		t.Errorf("the shape of the deleted record was kept: %v", got)
	}
	if strings.Join(d.Columns, ",") != "text,int,real,flag,day" {
		t.Errorf("columns %v", d.Columns)
	}
	if !hasNote(d, `"memo" (memo)`) || !hasNote(d, "1 records marked deleted") {
		t.Errorf("notes %q", d.Notes)
	}
	wantIssues := map[string]int{"not_a_number": 3, "not_a_date": 2}
	for code, n := range wantIssues {
		if d.Report.Counts[code] != n {
			t.Errorf("%d %s issues, want %d: %+v", d.Report.Counts[code], code, n, d.Report.Issues)
		}
	}
	for _, is := range d.Report.Issues {
		if is.Action != geodata.Flagged || is.Feature == 0 || is.Field == "" {
			t.Errorf("issue %+v", is)
		}
	}
}

func TestDecodeShapefileDamagedShapes(t *testing.T) {
	square := []orb.Point{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}
	withCounts := func(parts, points int32) []byte {
		b := shpTestParts(shpPolygon, square)
		binary.LittleEndian.PutUint32(b[36:], uint32(parts))
		binary.LittleEndian.PutUint32(b[40:], uint32(points))
		return b
	}
	withPartStart := func(start int32) []byte {
		b := shpTestParts(shpPolygon, square)
		binary.LittleEndian.PutUint32(b[44:], uint32(start))
		return b
	}
	nanPoint := shpTestPoint(math.NaN(), 1)
	infLine := shpTestParts(shpPolyLine, []orb.Point{{0, 0}, {math.Inf(1), 1}})
	multipatch := shpTestParts(shpPolygon, square)
	binary.LittleEndian.PutUint32(multipatch, shpMultiPatch)
	cases := []struct {
		name    string
		content []byte
		code    string
	}{
		{"null shape", binary.LittleEndian.AppendUint32(nil, shpNull), "missing_geometry"},
		{"part index beyond points", withPartStart(9), "corrupt_shape"},
		{"negative part index", withPartStart(-1), "corrupt_shape"},
		{"negative point count", withCounts(1, -5), "corrupt_shape"},
		{"negative part count", withCounts(-1, 5), "corrupt_shape"},
		{"more parts than bytes", withCounts(1<<30, 5), "corrupt_shape"},
		{"more points than bytes", withCounts(1, 1<<30), "corrupt_shape"},
		{"no parts", withCounts(0, 0), "empty_geometry"},
		{"empty multipoint", shpTestMultiPoint(), "empty_geometry"},
		{"multipoint count beyond bytes", shpTestMultiPoint(orb.Point{1, 1})[:40+8], "corrupt_shape"},
		{"short point", shpTestPoint(1, 1)[:12], "corrupt_shape"},
		{"short header", []byte{5, 0}, "corrupt_shape"},
		{"NaN coordinate", nanPoint, "non_finite_coordinate"},
		{"infinite coordinate", infLine, "non_finite_coordinate"},
		{"unknown shape type", binary.LittleEndian.AppendUint32(nil, 99), "corrupt_shape"},
		{"multipatch record", multipatch, "unsupported_geometry"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.content)%2 == 1 {
				tc.content = append(tc.content, 0)
			}
			shp, shx := buildShpFiles(shpPolygon, shpTestParts(shpPolygon, square), tc.content, shpTestPoint(2, 2))
			d, err := DecodeShapefile(shapefileZip(t, "bad", shp, shx, emptyDBF(3)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkReportCounts(t, d)
			if d.Report.Read != 3 || d.Report.Rejected != 1 || len(d.Report.Issues) != 1 {
				t.Fatalf("report %+v", d.Report)
			}
			is := d.Report.Issues[0]
			if is.Code != tc.code || is.Feature != 2 || is.Field != "geometry" || is.Action != geodata.Rejected || is.Message == "" {
				t.Errorf("issue %+v, want code %s on feature 2", is, tc.code)
			}
		})
	}
}

func TestDecodeShapefileDamagedFiles(t *testing.T) {
	good, goodShx := buildShpFiles(shpPoint, shpTestPoint(1, 1), shpTestPoint(2, 2))
	negative := bytes.Clone(good)
	binary.BigEndian.PutUint32(negative[shpHeaderLen+4:], 0xFFFFFFF0)
	long := bytes.Clone(good)
	binary.BigEndian.PutUint32(long[shpHeaderLen+4:], 1<<19)
	badCode := bytes.Clone(good)
	binary.BigEndian.PutUint32(badCode, 1234)
	badType := bytes.Clone(good)
	binary.LittleEndian.PutUint32(badType[32:], 77)
	cases := []struct {
		name      string
		shp, shx  []byte
		fragments []string
	}{
		{"truncated record", good[:len(good)-6], goodShx, []string{"ends inside record 2"}},
		{"truncated record header", good[:len(good)-26], goodShx, []string{"header of record 2"}},
		{"negative record length", negative, goodShx, []string{"record 1", "negative length"}},
		{"record claiming 1 MB", long, goodShx, []string{"ends inside record 1"}},
		{"not a shapefile", badCode, goodShx, []string{".shp", "9994"}},
		{"unknown file shape type", badType, goodShx, []string{"shape type 77"}},
		{"short .shp", good[:50], goodShx, []string{".shp", "100-byte"}},
		{"short .shx", good, goodShx[:20], []string{".shx", "100-byte"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeShapefile(shapefileZip(t, "bad", tc.shp, tc.shx, emptyDBF(2)), Options{})
			wantGeodataError(t, err, geodata.Invalid, tc.fragments...)
		})
	}
	t.Run("damaged .dbf", func(t *testing.T) {
		dbf := emptyDBF(2)
		binary.LittleEndian.PutUint16(dbf[10:], 2) // records shorter than the field
		_, err := DecodeShapefile(shapefileZip(t, "bad", good, goodShx, dbf), Options{})
		wantGeodataError(t, err, geodata.Invalid, ".dbf")
		_, err = DecodeShapefile(shapefileZip(t, "bad", good, goodShx, dbf[:20]), Options{})
		wantGeodataError(t, err, geodata.Invalid, ".dbf")
	})
	t.Run("record counts differ", func(t *testing.T) {
		d, err := DecodeShapefile(shapefileZip(t, "t", good, goodShx, emptyDBF(1)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Features) != 2 || len(d.Features[1].Properties) != 0 || !hasNote(d, "fewer than the .shp") {
			t.Errorf("features %d, notes %q", len(d.Features), d.Notes)
		}
		d, err = DecodeShapefile(shapefileZip(t, "t", good, goodShx, emptyDBF(3)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Features) != 2 || !hasNote(d, "extra records were ignored") {
			t.Errorf("features %d, notes %q", len(d.Features), d.Notes)
		}
	})
}

func TestDecodeShapefileFileSet(t *testing.T) {
	shp, shx := buildShpFiles(shpPoint, shpTestPoint(1, 1))
	dbf := emptyDBF(1)
	cases := []struct {
		name      string
		entries   []testZipEntry
		fragments []string
	}{
		{"no .dbf", []testZipEntry{{name: "roads.shp", data: shp}, {name: "roads.shx", data: shx}}, []string{"roads.dbf", "attribute table"}},
		{"no .shx", []testZipEntry{{name: "roads.shp", data: shp}, {name: "roads.dbf", data: dbf}}, []string{"roads.shx", "shape index"}},
		{"companion in another folder", []testZipEntry{{name: "a/roads.shp", data: shp}, {name: "a/roads.shx", data: shx}, {name: "b/roads.dbf", data: dbf}}, []string{"a/roads.dbf"}},
		{"two layers", []testZipEntry{{name: "roads.shp", data: shp}, {name: "rivers.shp", data: shp}}, []string{"2 shapefiles", "roads.shp", "rivers.shp"}},
		{"no .shp", []testZipEntry{{name: "readme.txt", data: []byte("hi")}}, []string{"no .shp", "readme.txt"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeShapefile(archiveSource("u.zip", buildTestZip(t, tc.entries...)), Options{})
			wantGeodataError(t, err, geodata.Invalid, tc.fragments...)
		})
	}
	t.Run("upper-case extensions in a folder", func(t *testing.T) {
		zb := buildTestZip(t, testZipEntry{name: "Layer/ROADS.SHP", data: shp}, testZipEntry{name: "Layer/roads.shx", data: shx},
			testZipEntry{name: "Layer/Roads.DBF", data: dbf}, testZipEntry{name: "Layer/notes.txt", data: []byte("x")})
		d, err := DecodeShapefile(archiveSource("u.zip", zb), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Features) != 1 {
			t.Errorf("%d features", len(d.Features))
		}
	})
}

func TestDecodeShapefileLimits(t *testing.T) {
	line := []orb.Point{{0, 0}, {1, 1}, {2, 2}}
	shp, shx := buildShpFiles(shpPolyLine, shpTestParts(shpPolyLine, line), shpTestParts(shpPolyLine, line), shpTestParts(shpPolyLine, line))
	src := shapefileZip(t, "l", shp, shx, emptyDBF(3))
	_, err := DecodeShapefile(src, Options{Limits: Limits{MaxFeatures: 2}})
	wantGeodataError(t, err, geodata.TooLarge, "max_features")
	_, err = DecodeShapefile(src, Options{Limits: Limits{MaxVertices: 8}})
	wantGeodataError(t, err, geodata.TooLarge, "max_vertices")
	huge := bytes.Clone(shp)
	binary.BigEndian.PutUint32(huge[shpHeaderLen+4:], 0x7FFFFFFF) // a record claiming 4 GB
	_, err = DecodeShapefile(shapefileZip(t, "l", huge, shx, emptyDBF(3)), Options{})
	wantGeodataError(t, err, geodata.TooLarge, "record 1", "max_vertices")
	if _, err = DecodeShapefile(src, Options{Limits: Limits{MaxFeatures: 3, MaxVertices: 9}}); err != nil {
		t.Fatalf("at the limits: %v", err)
	}
	many := make([]testDBFField, 5)
	for i := range many {
		many[i] = testDBFField{fmt.Sprintf("f%d", i), 'C', 4}
	}
	_, err = DecodeShapefile(shapefileZip(t, "l", shp, shx, buildDBF(many, nil)), Options{Limits: Limits{MaxProperties: 4}})
	wantGeodataError(t, err, geodata.TooLarge, "max_properties")
	_, err = DecodeShapefile(shapefileZip(t, "l", shp, shx, buildDBF([]testDBFField{{"wide", 'C', 200}}, nil)), Options{Limits: Limits{MaxValueLength: 100}})
	wantGeodataError(t, err, geodata.TooLarge, "max_value_length")
}

func TestAssemblePolygons(t *testing.T) {
	cw := func(x0, y0, size float64) []orb.Point { // clockwise: a shapefile outer ring
		return []orb.Point{{x0, y0}, {x0, y0 + size}, {x0 + size, y0 + size}, {x0 + size, y0}, {x0, y0}}
	}
	ccw := func(x0, y0, size float64) []orb.Point { // counter-clockwise: a shapefile hole
		return []orb.Point{{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}
	}
	cases := []struct {
		name  string
		parts [][]orb.Point
		shape [][]int // per polygon, the index in parts of each ring
	}{
		{"one outer", [][]orb.Point{cw(0, 0, 10)}, [][]int{{0}}},
		{"outer and hole", [][]orb.Point{cw(0, 0, 10), ccw(2, 2, 2)}, [][]int{{0, 1}}},
		{"hole listed before its outer", [][]orb.Point{ccw(22, 2, 2), cw(0, 0, 10), cw(20, 0, 10)}, [][]int{{1}, {2, 0}}},
		{"two outers, holes in each", [][]orb.Point{cw(0, 0, 10), cw(20, 0, 10), ccw(22, 2, 2), ccw(2, 2, 2)}, [][]int{{0, 3}, {1, 2}}},
		{"hole goes to the smallest outer holding it", [][]orb.Point{cw(0, 0, 100), ccw(10, 10, 50), cw(20, 20, 30), ccw(25, 25, 5)}, [][]int{{0, 1}, {2, 3}}},
		{"orphan hole becomes a polygon", [][]orb.Point{cw(0, 0, 10), ccw(50, 50, 5)}, [][]int{{0}, {1}}},
		{"only counter-clockwise rings", [][]orb.Point{ccw(0, 0, 10), ccw(20, 0, 10)}, [][]int{{0}, {1}}},
		{"degenerate ring", [][]orb.Point{{{0, 0}, {1, 1}}}, [][]int{{0}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			parts := make([][]orb.Point, len(tc.parts))
			for i, p := range tc.parts {
				parts[i] = append([]orb.Point(nil), p...)
			}
			mp := assemblePolygons(parts)
			if len(mp) != len(tc.shape) {
				t.Fatalf("%d polygons, want %d: %v", len(mp), len(tc.shape), mp)
			}
			for i, rings := range tc.shape {
				if len(mp[i]) != len(rings) {
					t.Fatalf("polygon %d has %d rings, want %d", i, len(mp[i]), len(rings))
				}
				for j, k := range rings {
					if got, want := mp[i][j].Bound(), orb.Ring(tc.parts[k]).Bound(); got != want {
						t.Errorf("polygon %d ring %d is %v, want part %d %v", i, j, got, k, want)
					}
				}
				if len(mp[i][0]) > 2 {
					checkRightHandRule(t, mp[i])
				}
			}
		})
	}
}
