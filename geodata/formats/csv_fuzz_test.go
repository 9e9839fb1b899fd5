package formats

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeCSV feeds arbitrary bytes to DecodeCSV, seeded with the
// fixtures and the start of the real CSV files. It asserts only that the
// decoder does not panic and that a nil error comes with a Decoded whose
// counts agree with its features.
func FuzzDecodeCSV(f *testing.F) {
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "csv", "*"))
	for _, p := range fixtures {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, byte(0))
		}
	}
	for _, p := range []string{
		filepath.Join("..", "..", "..", "shared", "data", "incidents", "MissingMigrants-Global-2026-05-06--19_42_11.csv"),
		filepath.Join("..", "..", "..", "shared", "data", "incidents", "giocopp_iom_europe_curated.csv"),
		filepath.Join("..", "..", "..", "shared", "data", "services", "who_kemri_public_health_facilities_sahel.csv"),
	} {
		if fh, err := os.Open(p); err == nil {
			head, _ := io.ReadAll(io.LimitReader(fh, 4096))
			fh.Close()
			f.Add(head, byte(0))
		}
	}
	f.Add([]byte("lat;lon\n1,5;2,5\n"), byte(2))
	f.Add([]byte("a,b,c\n#geo +Lat,#geo+lon,\n1,2,x\n"), byte(0))
	f.Add([]byte("x,y\n#geo+coord,#meta\n\"1, 2\",3\n"), byte(1))
	f.Add([]byte("wkt\n\"GEOMETRYCOLLECTION(POINT(1 2),MULTIPOLYGON(((0 0,1 0,1 1,0 0))))\"\n"), byte(1))
	delimiters := []rune{0, ',', ';', '\t'}
	f.Fuzz(func(t *testing.T, data []byte, delim byte) {
		opts := Options{
			Limits: Limits{MaxFeatures: 1000, MaxVertices: 10000, MaxProperties: 50, MaxValueLength: 1024},
			CSV:    CSVOptions{Delimiter: delimiters[int(delim)%len(delimiters)]},
		}
		d, err := DecodeCSV(bytes.NewReader(data), opts)
		if err != nil {
			return
		}
		if d == nil {
			t.Fatal("nil Decoded without an error")
		}
		if d.HXL != nil && len(d.HXL) != len(d.Columns) {
			t.Fatalf("%d hashtags for %d columns", len(d.HXL), len(d.Columns))
		}
		r := d.Report
		if r.Read != r.Accepted+r.Rejected || r.Accepted != len(d.Features) {
			t.Fatalf("read %d accepted %d rejected %d, %d features", r.Read, r.Accepted, r.Rejected, len(d.Features))
		}
		for _, f := range d.Features {
			if f.Geometry == nil {
				t.Fatal("feature without geometry")
			}
			for _, p := range flattenPoints(f.Geometry) {
				if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
					t.Fatalf("non-finite coordinate %v", p)
				}
			}
		}
	})
}

// FuzzReadCSVHeader checks that ReadCSVHeader names the columns as
// DecodeCSV does, whenever DecodeCSV reads the file as a table, and never
// panics.
func FuzzReadCSVHeader(f *testing.F) {
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "csv", "*"))
	for _, p := range fixtures {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("\ufeffEVENT_DATE;EVENT_TYPE;LATITUDE;LONGITUDE;FATALITIES\n2023-05-14;Riots;12;13;0\n"))
	f.Add([]byte("t,fmp,route,,n,n\r2023-01,Obock,Eastern Corridor,,1,2\r"))
	f.Add([]byte("\"a\"\"b\",c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		header, err := ReadCSVHeader(bytes.NewReader(data))
		opts := Options{Limits: Limits{MaxFeatures: 1000, MaxVertices: 10000, MaxProperties: 1000, MaxValueLength: 1 << 20},
			CSV: CSVOptions{Table: func([]string) bool { return true }}}
		d, derr := DecodeCSV(bytes.NewReader(data), opts)
		if err != nil || derr != nil {
			return
		}
		if len(header) != len(d.Columns) {
			t.Fatalf("header %q, DecodeCSV columns %q", header, d.Columns)
		}
		for i := range header {
			if header[i] != d.Columns[i] {
				t.Fatalf("header %q, DecodeCSV columns %q", header, d.Columns)
			}
		}
	})
}
