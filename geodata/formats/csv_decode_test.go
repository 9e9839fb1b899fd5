package formats

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/internal/testenv"
)

func TestDecodeCSVFixtures(t *testing.T) {
	tests := []struct {
		file                     string
		opts                     Options
		read, accepted, rejected int
		codes                    map[string]int // issue counts expected in Report.Counts
		notes                    []string       // substrings of Decoded.Notes
		check                    func(t *testing.T, d *Decoded)
	}{
		{
			file: "french_semicolon.csv", read: 5, accepted: 4, rejected: 1,
			codes: map[string]int{CodeCSVMissingCoordinates: 1},
			notes: []string{"delimiter: ';' (detected)", "points from the columns \"Latitude (WGS84)\" (latitude) and \"Longitude (WGS84)\" (longitude)",
				"text encoding: UTF-8", "6 coordinates written with a decimal comma"},
			check: func(t *testing.T, d *Decoded) {
				csvWantPoint(t, d.Features[0], 7.9911, 16.9733)
				csvWantProps(t, d.Features[0], geojson.Properties{"Nom": "Centre de santé intégré d'Agadez", "Catégorie": "santé", "Téléphone": "+227 20 44 00 00"})
				csvWantProps(t, d.Features[1], geojson.Properties{"Nom": "Clinique Pop", "Catégorie": " clinique "})
				csvWantProps(t, d.Features[2], geojson.Properties{"Nom": "Point d'eau; quartier Nord", "Catégorie": "eau", "Téléphone": "=1+2"})
				csvWantIssue(t, d, 4, CodeCSVMissingCoordinates, `row 4 (line 5) has no coordinates: "Latitude (WGS84)" is empty`)
			},
		},
		{
			file: "spanish_tab.tsv", read: 4, accepted: 3, rejected: 1,
			codes: map[string]int{CodeCSVMissingCoordinates: 1},
			notes: []string{"delimiter: tab (detected)", `"latitud" (latitude) and "longitud" (longitude)`},
			check: func(t *testing.T, d *Decoded) {
				csvWantPoint(t, d.Features[1], -117.0421, 32.5327)
				csvWantProps(t, d.Features[1], geojson.Properties{"nombre": "Comedor Padre Chava", "tipo": "comedor", "horario": "7:00–11:00"})
				csvWantIssue(t, d, 4, CodeCSVMissingCoordinates, `"latitud" is "N/A"`)
			},
		},
		{
			file: "utf16le_bom.csv", read: 2, accepted: 2,
			notes: []string{"text encoding: UTF-16LE with a byte order mark", "delimiter: tab"},
			check: func(t *testing.T, d *Decoded) {
				if got := strings.Join(d.Columns, "|"); got != "Name|Lat|Lon|Note" {
					t.Errorf("columns %q", got)
				}
				csvWantProps(t, d.Features[0], geojson.Properties{"Name": "مستشفى طرابلس", "Note": "عيادة"})
				csvWantPoint(t, d.Features[1], 2.1098, 13.5137)
				csvWantProps(t, d.Features[1], geojson.Properties{"Name": "Centre de santé", "Note": "Ouvert à tous"})
			},
		},
		{
			file: "latin1.csv", read: 2, accepted: 2,
			notes: []string{"text encoding: windows-1252 (Latin-1)"},
			check: func(t *testing.T, d *Decoded) {
				csvWantProps(t, d.Features[0], geojson.Properties{"nom": "Centre de Santé Niamey", "remarque": "Ouvert à tous"})
				csvWantProps(t, d.Features[1], geojson.Properties{"nom": "Dispensaire Zinder", "remarque": "Coût : 5 € par consultation"})
			},
		},
		{
			file: "utf8_bom.csv", read: 2, accepted: 2,
			notes: []string{"byte order mark (removed)"},
			check: func(t *testing.T, d *Decoded) {
				if d.Columns[0] != "lat" {
					t.Errorf("first column %q, want lat without the BOM", d.Columns[0])
				}
				csvWantPoint(t, d.Features[0], -5.31212994, 35.68266281)
				csvWantProps(t, d.Features[0], geojson.Properties{"name": "Rincón de M'diq"})
			},
		},
		{
			file: "wkt.csv", read: 9, accepted: 9,
			notes: []string{`geometry: WKT from the column "WKT"`},
			check: func(t *testing.T, d *Decoded) {
				want := []string{"Point", "LineString", "Polygon", "MultiPolygon", "GeometryCollection", "MultiPoint", "MultiLineString", "Point", "Polygon"}
				for i, f := range d.Features {
					if got := f.Geometry.GeoJSONType(); got != want[i] {
						t.Errorf("feature %d: %s, want %s", i+1, got, want[i])
					}
				}
				if p, _ := d.Features[7].Geometry.(orb.Point); p != (orb.Point{1, 2}) {
					t.Errorf("POINT ZM read as %v, want [1 2]", p)
				}
				if poly, _ := d.Features[2].Geometry.(orb.Polygon); len(poly) != 1 || len(poly[0]) != 5 || poly[0][1] != (orb.Point{40, 40}) {
					t.Errorf("POLYGON Z read as %v", poly)
				}
				if poly, _ := d.Features[8].Geometry.(orb.Polygon); len(poly) != 2 {
					t.Errorf("polygon with hole has %d rings", len(poly))
				}
				csvWantProps(t, d.Features[0], geojson.Properties{"id": "1", "name": "point"})
			},
		},
		{
			file: "wkt_bad.csv", read: 8, accepted: 1, rejected: 7,
			codes: map[string]int{CodeCSVEmptyGeometry: 2, CodeCSVInvalidWKT: 3, CodeCSVUnsupportedCRS: 1, CodeCSVMissingCoordinates: 1},
			check: func(t *testing.T, d *Decoded) {
				csvWantPoint(t, d.Features[0], -5.3, 35.9)
				csvWantIssue(t, d, 4, CodeCSVUnsupportedCRS, "SRID=3857")
				csvWantIssue(t, d, 3, CodeCSVInvalidWKT, `"POINT (1"`)
				csvWantIssue(t, d, 5, CodeCSVInvalidWKT, `"POINT (1e400 2)"`)
				csvWantIssue(t, d, 8, CodeCSVMissingCoordinates, `"geometry" is "NA"`)
			},
		},
		{
			file: "ragged.csv", read: 8, accepted: 3, rejected: 5,
			codes: map[string]int{CodeCSVFieldCount: 2, CodeCSVMalformedRow: 3},
			notes: []string{"1 rows with every cell empty skipped"},
			check: func(t *testing.T, d *Decoded) {
				var names []string
				for _, f := range d.Features {
					names = append(names, f.Properties["name"].(string))
				}
				if got := strings.Join(names, ","); got != "ok one,ok two,ok three" {
					t.Errorf("accepted %s", got)
				}
				csvWantIssue(t, d, 2, CodeCSVFieldCount, "row 2 (line 3) has 2 cells but the header has 3 columns")
				csvWantIssue(t, d, 3, CodeCSVFieldCount, "row 3 (line 4) has 4 cells")
				csvWantIssue(t, d, 4, CodeCSVMalformedRow, "row 4 (line 5)")
				csvWantIssue(t, d, 6, CodeCSVMalformedRow, "double quote inside a value that is not quoted")
				csvWantIssue(t, d, 9, CodeCSVMalformedRow, "lines 10 to 11")
			},
		},
		{
			file: "hostile.csv", read: 12, accepted: 6, rejected: 6,
			codes: map[string]int{CodeCSVMissingCoordinates: 1, CodeCSVInvalidCoordinates: 5},
			check: func(t *testing.T, d *Decoded) {
				csvWantProps(t, d.Features[0], geojson.Properties{"name": `=HYPERLINK("http://evil.example","click")`, "note": "+cmd|' /C calc'!A0"})
				csvWantProps(t, d.Features[1], geojson.Properties{"name": "@SUM(1+1)", "note": "-2+3"})
				csvWantProps(t, d.Features[2], geojson.Properties{"name": "<script>alert(1)</script>", "note": "multi\nline"})
				csvWantPoint(t, d.Features[3], 20.8, -10.5)
				csvWantPoint(t, d.Features[4], -20.9, -10.5)
				csvWantPoint(t, d.Features[5], 21, 10.5)
				csvWantIssue(t, d, 4, CodeCSVMissingCoordinates, `"lat" is "NaN"`)
				csvWantIssue(t, d, 6, CodeCSVInvalidCoordinates, `"1e400"`)
				csvWantIssue(t, d, 12, CodeCSVInvalidCoordinates, `"10.5 E" in "lat"`)
			},
		},
		{
			file: "header_only.csv", read: 0, accepted: 0,
			check: func(t *testing.T, d *Decoded) {
				if len(d.Columns) != 3 || d.Features != nil && len(d.Features) != 0 {
					t.Errorf("columns %v, %d features", d.Columns, len(d.Features))
				}
			},
		},
		{
			file: "cr_only.csv", read: 2, accepted: 2,
			notes: []string{"carriage returns only"},
			check: func(t *testing.T, d *Decoded) { csvWantPoint(t, d.Features[1], 4.5, 3.5) },
		},
		{
			file: "index_column.csv", read: 2, accepted: 2,
			codes: map[string]int{CodeCSVUnnamedColumn: 1, CodeCSVDuplicateColumn: 1},
			check: func(t *testing.T, d *Decoded) {
				if got := strings.Join(d.Columns, "|"); got != "column_1_2|lat|lon|name|name_2|column_1" {
					t.Errorf("columns %q", got)
				}
				csvWantProps(t, d.Features[0], geojson.Properties{"column_1_2": "0", "name": "a", "name_2": "b", "column_1": "c"})
				csvWantProps(t, d.Features[1], geojson.Properties{"column_1_2": "1", "name": "d", "column_1": "f"})
				for _, is := range d.Report.Issues {
					if is.Feature != 0 || is.Action != geodata.Flagged {
						t.Errorf("header issue %+v: want Feature 0, flagged", is)
					}
				}
			},
		},
		{
			file: "coordinates_column.csv", read: 7, accepted: 4, rejected: 3,
			codes: map[string]int{CodeCSVMissingCoordinates: 1, CodeCSVInvalidCoordinates: 2},
			notes: []string{`points from the column "Location Coordinates", read as "latitude, longitude"`},
			check: func(t *testing.T, d *Decoded) {
				for i := 0; i < 3; i++ {
					csvWantPoint(t, d.Features[i], 42.9, 37.3)
				}
				csvWantPoint(t, d.Features[3], 42.99259985, 37.34265178)
				csvWantIssue(t, d, 7, CodeCSVInvalidCoordinates, `"1, 2, 3" in "Location Coordinates", which is not "latitude, longitude"`)
			},
		},
		{
			file: "no_coordinates.csv", opts: Options{CSV: CSVOptions{Latitude: "city", Longitude: "country"}},
			read: 1, rejected: 1, codes: map[string]int{CodeCSVInvalidCoordinates: 1},
		},
		{
			file: "french_semicolon.csv", opts: Options{CSV: CSVOptions{Delimiter: ';'}}, read: 5, accepted: 4, rejected: 1,
			codes: map[string]int{CodeCSVMissingCoordinates: 1}, notes: []string{"delimiter: ';' (given)"},
		},
		{
			file: "coordinates_column.csv", opts: Options{CSV: CSVOptions{Coordinates: "location coordinates"}}, read: 7, accepted: 4, rejected: 3,
			codes: map[string]int{CodeCSVMissingCoordinates: 1, CodeCSVInvalidCoordinates: 2},
		},
		{
			file: "wkt.csv", opts: Options{CSV: CSVOptions{WKT: "wkt"}}, read: 9, accepted: 9,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := decodeCSVFixture(t, tt.file, tt.opts)
			checkCSVCounts(t, d)
			r := d.Report
			if r.Read != tt.read || r.Accepted != tt.accepted || r.Rejected != tt.rejected {
				t.Fatalf("read/accepted/rejected = %d/%d/%d, want %d/%d/%d; issues %+v",
					r.Read, r.Accepted, r.Rejected, tt.read, tt.accepted, tt.rejected, r.Issues)
			}
			for code, n := range tt.codes {
				if r.Counts[code] != n {
					t.Errorf("Counts[%s] = %d, want %d (%v)", code, r.Counts[code], n, r.Counts)
				}
			}
			if len(r.Counts) != len(tt.codes) {
				t.Errorf("Counts = %v, want only %v", r.Counts, tt.codes)
			}
			for _, n := range tt.notes {
				if !strings.Contains(strings.Join(d.Notes, "\n"), n) {
					t.Errorf("notes %q lack %q", d.Notes, n)
				}
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

func TestDecodeCSVErrors(t *testing.T) {
	many := strings.Repeat("c,", 10) + "lat,lon\n"
	tests := []struct {
		name string
		in   string // file name in testdata/csv, or the file's text when it holds a newline
		opts Options
		code geodata.Code
		msg  string
	}{
		{"binary", "binary.csv", Options{}, geodata.Invalid, "the file is not text"},
		{"empty", "empty.csv", Options{}, geodata.Invalid, "the file is empty"},
		{"blank lines only", "\n\n  \n", Options{}, geodata.Invalid, "no header line"},
		{"no coordinate columns", "no_coordinates.csv", Options{}, geodata.Invalid,
			`The header has: "name", "city", "country". Recognised are a latitude and a longitude column`},
		{"named column missing", "no_coordinates.csv", Options{CSV: CSVOptions{Latitude: "lat", Longitude: "city"}}, geodata.Invalid,
			`the column "lat" given for latitudes is not in the header`},
		{"one of lat and lon named", "no_coordinates.csv", Options{CSV: CSVOptions{Latitude: "city"}}, geodata.Invalid, "name both"},
		{"two geometry sources named", "wkt.csv", Options{CSV: CSVOptions{WKT: "WKT", Coordinates: "name"}}, geodata.Invalid, "not several"},
		{"delimiter not allowed", "wkt.csv", Options{CSV: CSVOptions{Delimiter: '"'}}, geodata.Invalid, "cannot be used"},
		{"too many columns", many + strings.Repeat("x,", 10) + "1,2\n", Options{Limits: Limits{MaxProperties: 9}}, geodata.Invalid,
			"the header has 12 columns, more than 9 besides the coordinates (limit max_properties)"},
		{"too many columns besides WKT", strings.Repeat("c,", 10) + "wkt\n", Options{Limits: Limits{MaxProperties: 9}}, geodata.Invalid,
			"the header has 10 columns besides the coordinates, more than 9 (limit max_properties)"},
		{"many repeated columns", "lat,lon," + strings.Repeat("a,", 300000) + "a\n", Options{}, geodata.Invalid,
			"the header has 300003 columns, more than 200 besides the coordinates (limit max_properties)"},
		{"too many features", "lat,lon\n1,2\n3,4\n5,6\n", Options{Limits: Limits{MaxFeatures: 2}}, geodata.TooLarge,
			"more than 2 features (limit max_features)"},
		{"too many vertices", "wkt.csv", Options{Limits: Limits{MaxVertices: 10}}, geodata.TooLarge,
			"more than 10 coordinates (limit max_vertices)"},
		{"unclosed quote in header", "\"lat,lon\n1,2\n", Options{}, geodata.Invalid, "the header line (line 1) cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d *Decoded
			var err error
			if strings.Contains(tt.in, "\n") {
				d, err = DecodeCSV(strings.NewReader(tt.in), tt.opts)
			} else {
				d, err = DecodeCSV(bytes.NewReader(readCSVFixture(t, tt.in)), tt.opts)
			}
			if err == nil {
				t.Fatalf("no error; decoded %+v", d.Report)
			}
			if geodata.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want %s containing %q", err, tt.code, tt.msg)
			}
		})
	}
}

func TestDecodeCSVValueTooLong(t *testing.T) {
	in := "name,lat,lon\n" + strings.Repeat("x", 11) + ",1,2\nshort,3,4\n"
	d, err := DecodeCSV(strings.NewReader(in), Options{Limits: Limits{MaxValueLength: 10}})
	if err != nil {
		t.Fatal(err)
	}
	checkCSVCounts(t, d)
	if d.Report.Accepted != 1 || d.Report.Rejected != 1 {
		t.Fatalf("report %+v", d.Report)
	}
	csvWantIssue(t, d, 1, CodeCSVValueTooLong, `the value of "name" is 11 bytes, more than 10 (limit max_value_length)`)
	if d.Report.Issues[0].Field != "name" {
		t.Errorf("field %q, want name", d.Report.Issues[0].Field)
	}
}

func TestDecodeCSVReaderFailure(t *testing.T) {
	r := io.MultiReader(strings.NewReader("lat,lon\n1,2\n"), csvFailingReader{})
	_, err := DecodeCSV(r, Options{})
	if geodata.ErrorCode(err) != geodata.Internal {
		t.Fatalf("err = %v, want Internal", err)
	}
	tooLarge := io.MultiReader(strings.NewReader("lat,lon\n1,2\n"), csvFailingReader{err: geodata.Errorf(geodata.TooLarge, "body over 1 byte")})
	if _, err := DecodeCSV(tooLarge, Options{}); geodata.ErrorCode(err) != geodata.TooLarge {
		t.Fatalf("err = %v, want the source's TooLarge", err)
	}
}

func TestDetectCSVDelimiter(t *testing.T) {
	tests := []struct {
		name, sample string
		want         rune
	}{
		{"comma", "a,b,c\n1,2,3\n", ','},
		{"semicolon with decimal commas", "a;b;c\n1,5;2,5;3\n", ';'},
		{"tab with commas in values", "a\tb\tc\nx, y\t1\t2\n", '\t'},
		{"quoted semicolons do not count", "\"a;b\",c\n\"1;2\",3\n", ','},
		{"consistent beats more", "a,b;c;d\n1,2;3\n4,5;6\n", ','},
		{"single column", "name\nx\n", ','},
		{"header only", "lat;lon", ';'},
		{"CRLF", "a;b\r\n1;2\r\n", ';'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectCSVDelimiter([]byte(tt.sample), true); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCSVParseDegrees(t *testing.T) {
	tests := []struct {
		in       string
		latitude bool
		want     float64
		comma    bool
		ok       bool
	}{
		{"12.5", true, 12.5, false, true},
		{" -3.25 ", false, -3.25, false, true},
		{"12,5", true, 12.5, true, true},
		{"+7", false, 7, false, true},
		{".5", true, 0.5, false, true},
		{"1e1", true, 10, false, true},
		{"12.5°", true, 12.5, false, true},
		{"12.5 N", true, 12.5, false, true},
		{"12.5S", true, -12.5, false, true},
		{"S12.5", true, -12.5, false, true},
		{"3.2 W", false, -3.2, false, true},
		{"3.2 E", false, 3.2, false, true},
		{"\u221210.5", true, -10.5, false, true},
		{"3.2 E", true, 0, false, false},
		{"-3.2 S", true, 0, false, false},
		{"1,234,5", true, 0, false, false},
		{"1.234,5", true, 0, false, false},
		{"NaN", true, 0, false, false},
		{"Inf", true, 0, false, false},
		{"1e400", true, 0, false, false},
		{"0x1p3", true, 0, false, false},
		{"1_0", true, 0, false, false},
		{"", true, 0, false, false},
		{"12°30'", true, 0, false, false},
	}
	for _, tt := range tests {
		got, comma, ok := csvParseDegrees(tt.in, tt.latitude)
		if ok != tt.ok || (ok && (got != tt.want || comma != tt.comma)) {
			t.Errorf("csvParseDegrees(%q, %v) = %v, %v, %v; want %v, %v, %v", tt.in, tt.latitude, got, comma, ok, tt.want, tt.comma, tt.ok)
		}
	}
}

func TestCSVColumnNames(t *testing.T) {
	tests := []struct {
		name string
		axis byte
		rank int
	}{
		{"lat", 'y', 2}, {"Latitude", 'y', 2}, {"LATITUDE (WGS84)", 'y', 2}, {"lat_dd", 'y', 2}, {" Lat ", 'y', 2},
		{"latitud", 'y', 2}, {"Latitud", 'y', 2}, {"decimalLatitude", 'y', 2}, {"POINT_Y", 'y', 1}, {"y", 'y', 1},
		{"lon", 'x', 2}, {"lng", 'x', 2}, {"Long", 'x', 2}, {"longitude", 'x', 2}, {"Longitud", 'x', 2},
		{"Longitude (decimal degrees)", 'x', 2}, {"X", 'x', 1}, {"name", 0, 0}, {"latitude_source", 0, 0}, {"Lat/Long", 0, 0},
	}
	for _, tt := range tests {
		if axis, rank := csvAxis(tt.name); axis != tt.axis || rank != tt.rank {
			t.Errorf("csvAxis(%q) = %q, %d; want %q, %d", tt.name, axis, rank, tt.axis, tt.rank)
		}
	}
	for _, n := range []string{"coordinates", "Coordinates", "coords", "location_coordinates", "Location Coordinates",
		"location_coodinates", "Coordonnées", "Lat/Long", "lat, lon"} {
		if !csvPairName(n) {
			t.Errorf("csvPairName(%q) = false", n)
		}
	}
	for _, n := range []string{"wkt", "WKT", "geometry", "geom", "the_geom", "wkt_geom"} {
		if !csvWKTName(n) {
			t.Errorf("csvWKTName(%q) = false", n)
		}
	}
	if lat, lon := csvFindLatLon([]string{"x", "y", "name", "Latitude", "Longitude"}); lat != 3 || lon != 4 {
		t.Errorf("csvFindLatLon prefers x/y: %d, %d", lat, lon)
	}
}

// TestDecodeCSVRealData reads the three real CSV files of shared/data.
func TestDecodeCSVRealData(t *testing.T) {
	tests := []struct {
		path                     []string
		read, accepted, rejected int
		missing                  int
		check                    func(t *testing.T, d *Decoded)
	}{
		{
			// The file has 238 data rows (SOURCES.md says 237; the last row, 2026.MMP0225, ends without a newline).
			path: []string{"incidents", "MissingMigrants-Global-2026-05-06--19_42_11.csv"}, read: 238, accepted: 238,
			check: func(t *testing.T, d *Decoded) {
				if len(d.Columns) != 22 || d.Columns[17] != "Coordinates" {
					t.Errorf("columns %q", d.Columns)
				}
				f := d.Features[0]
				csvWantPoint(t, f, 42.99259985, 37.34265178)
				if _, ok := f.Properties["Coordinates"]; ok {
					t.Error("the coordinates column is a property")
				}
				csvWantProps(t, f, geojson.Properties{"Main ID": "2026.MMP0001", "Incident Date": "Thu, 01/01/2026 - 12:00", "Number Dead": "1",
					"Minimum Estimated Number of Missing": "0", "Number of Males": "1", "Source Quality": "3"})
				if _, ok := f.Properties["Number of Survivors"]; ok {
					t.Error("an empty cell became a property")
				}
			},
		},
		{
			path: []string{"incidents", "giocopp_iom_europe_curated.csv"}, read: 6802, accepted: 6802,
			check: func(t *testing.T, d *Decoded) {
				csvWantPoint(t, d.Features[0], 27, 37.2832)
				if d.Features[0].Properties["No. survivors"] != "NA" {
					t.Errorf("NA not kept as found: %v", d.Features[0].Properties["No. survivors"])
				}
			},
		},
		{
			path: []string{"services", "who_kemri_public_health_facilities_sahel.csv"}, read: 6564, accepted: 6424, rejected: 140, missing: 140,
			check: func(t *testing.T, d *Decoded) {
				csvWantIssue(t, d, 1, CodeCSVMissingCoordinates, `row 1 (line 2) has no coordinates: "Lat" is empty`)
				csvWantProps(t, d.Features[0], geojson.Properties{"Facility name": "Am-Silep Centre de Santé", "Facility type": "Health Centre"})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.path[1], func(t *testing.T) {
			path := sharedData(t, tt.path...)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			d, err := DecodeCSV(f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkCSVCounts(t, d)
			r := d.Report
			if r.Read != tt.read || r.Accepted != tt.accepted || r.Rejected != tt.rejected || r.Counts[CodeCSVMissingCoordinates] != tt.missing {
				t.Fatalf("report read %d accepted %d rejected %d counts %v", r.Read, r.Accepted, r.Rejected, r.Counts)
			}
			tt.check(t, d)
		})
	}
}

// TestDecodeCSVMatchesGDAL converts files with ogr2ogr and compares
// feature count, geometry type, coordinates and the non-empty properties.
// GDAL cannot split a "lat, lon" column, read UTF-16 or Latin-1 CSV, or
// strip a BOM-less index column the same way, so those cases are tested
// above only.
func TestDecodeCSVMatchesGDAL(t *testing.T) {
	ogr := gdalOGR2OGR(t)
	tests := []struct {
		name, path string
		oo         []string
	}{
		{"french semicolon decimal comma", csvFixturePath("french_semicolon.csv"), []string{"X_POSSIBLE_NAMES=Longitude*", "Y_POSSIBLE_NAMES=Latitude*"}},
		{"spanish tab", csvFixturePath("spanish_tab.tsv"), []string{"X_POSSIBLE_NAMES=longitud", "Y_POSSIBLE_NAMES=latitud"}},
		{"utf8 bom", csvFixturePath("utf8_bom.csv"), []string{"X_POSSIBLE_NAMES=lon", "Y_POSSIBLE_NAMES=lat"}},
		{"carriage returns", csvFixturePath("cr_only.csv"), []string{"X_POSSIBLE_NAMES=lon", "Y_POSSIBLE_NAMES=lat"}},
		{"wkt", csvFixturePath("wkt.csv"), []string{"GEOM_POSSIBLE_NAMES=WKT"}},
		{"giocopp", sharedData(t, "incidents", "giocopp_iom_europe_curated.csv"), []string{"X_POSSIBLE_NAMES=Longitude", "Y_POSSIBLE_NAMES=Latitude"}},
		{"who kemri", sharedData(t, "services", "who_kemri_public_health_facilities_sahel.csv"), []string{"X_POSSIBLE_NAMES=Long", "Y_POSSIBLE_NAMES=Lat"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"-f", "GeoJSON", "/vsistdout/"}
			for _, o := range append(tt.oo, "KEEP_GEOM_COLUMNS=NO", "AUTODETECT_TYPE=NO") {
				args = append(args, "-oo", o)
			}
			out, err := exec.Command(ogr, append(args, tt.path)...).Output()
			if err != nil {
				t.Fatalf("ogr2ogr: %v", err)
			}
			fc, err := geojson.UnmarshalFeatureCollection(out)
			if err != nil {
				t.Fatalf("ogr2ogr output: %v", err)
			}
			var want []*geojson.Feature
			for _, f := range fc.Features {
				if f.Geometry != nil {
					want = append(want, f)
				}
			}
			data, err := os.ReadFile(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			d, err := DecodeCSV(bytes.NewReader(data), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Features) != len(want) {
				t.Fatalf("%d features, GDAL has %d with a geometry", len(d.Features), len(want))
			}
			for i, f := range d.Features {
				g := want[i]
				if f.Geometry.GeoJSONType() != g.Geometry.GeoJSONType() {
					t.Fatalf("feature %d: %s, GDAL %s", i+1, f.Geometry.GeoJSONType(), g.Geometry.GeoJSONType())
				}
				if diff := csvMaxDistance(f.Geometry, g.Geometry); diff > 1e-9 {
					t.Fatalf("feature %d: coordinates differ from GDAL's by %g", i+1, diff)
				}
				for k, v := range g.Properties {
					if s, _ := v.(string); s == "" {
						if _, ok := f.Properties[k]; ok {
							t.Errorf("feature %d: %q is %q, GDAL has it empty", i+1, k, f.Properties[k])
						}
						continue
					}
					if f.Properties[k] != v {
						t.Errorf("feature %d: %q is %q, GDAL %q", i+1, k, f.Properties[k], v)
					}
				}
				if len(f.Properties) > len(g.Properties) {
					t.Errorf("feature %d: properties %v, GDAL %v", i+1, f.Properties, g.Properties)
				}
			}
		})
	}
}

// checkCSVCounts fails t when the report's counts disagree with the
// features returned.
func checkCSVCounts(t *testing.T, d *Decoded) {
	t.Helper()
	r := d.Report
	if d.Format != CSV || r.Read != r.Accepted+r.Rejected || r.Accepted != len(d.Features) {
		t.Fatalf("format %q, read %d accepted %d rejected %d, %d features", d.Format, r.Read, r.Accepted, r.Rejected, len(d.Features))
	}
	for _, f := range d.Features {
		if f.Geometry == nil || f.ID != nil {
			t.Fatalf("feature %+v: want a geometry and no id", f)
		}
		for _, p := range flattenPoints(f.Geometry) {
			if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
				t.Fatalf("non-finite coordinate %v", p)
			}
		}
	}
}

func csvWantPoint(t *testing.T, f *geojson.Feature, lon, lat float64) {
	t.Helper()
	p, ok := f.Geometry.(orb.Point)
	if !ok || math.Abs(p[0]-lon) > 1e-12 || math.Abs(p[1]-lat) > 1e-12 {
		t.Errorf("geometry %v, want point [%v %v]", f.Geometry, lon, lat)
	}
}

func csvWantProps(t *testing.T, f *geojson.Feature, want geojson.Properties) {
	t.Helper()
	for k, v := range want {
		if f.Properties[k] != v {
			t.Errorf("property %q = %#v, want %#v (all: %v)", k, f.Properties[k], v, f.Properties)
		}
	}
}

func csvWantIssue(t *testing.T, d *Decoded, feature int, code, msg string) {
	t.Helper()
	for _, is := range d.Report.Issues {
		if is.Feature == feature && is.Code == code && strings.Contains(is.Message, msg) {
			if is.Action != geodata.Rejected {
				t.Errorf("issue %+v: want rejected", is)
			}
			return
		}
	}
	t.Errorf("no %s issue for feature %d containing %q in %+v", code, feature, msg, d.Report.Issues)
}

func csvFixturePath(name string) string { return filepath.Join("testdata", "csv", name) }

func readCSVFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(csvFixturePath(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeCSVFixture(t *testing.T, name string, opts Options) *Decoded {
	t.Helper()
	d, err := DecodeCSV(bytes.NewReader(readCSVFixture(t, name)), opts)
	if err != nil {
		t.Fatalf("DecodeCSV(%s): %v", name, err)
	}
	return d
}

// csvMaxDistance is the largest coordinate difference between two
// geometries of the same shape (+Inf when the shapes differ).
func csvMaxDistance(a, b orb.Geometry) float64 {
	pa, pb := flattenPoints(a), flattenPoints(b)
	if len(pa) != len(pb) {
		return math.Inf(1)
	}
	max := 0.0
	for i := range pa {
		max = math.Max(max, math.Max(math.Abs(pa[i][0]-pb[i][0]), math.Abs(pa[i][1]-pb[i][1])))
	}
	return max
}

type csvFailingReader struct{ err error }

func (f csvFailingReader) Read([]byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	return 0, fmt.Errorf("connection reset")
}

// BenchmarkDecodeCSV reads the curated MMP subset (2.6 MB, 6,802 rows,
// 31 columns).
func BenchmarkDecodeCSV(b *testing.B) {
	path := filepath.Join("..", "..", "..", "shared", "data", "incidents", "giocopp_iom_europe_curated.csv")
	data, err := os.ReadFile(path)
	if err != nil {
		testenv.Unavailable(b, fmt.Sprintf("shared test data missing: %v", err))
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeCSV(bytes.NewReader(data), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
