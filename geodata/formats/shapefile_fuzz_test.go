package formats

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// addSharedShapefileSeeds adds every shared .shp/.shx/.dbf triple.
func addSharedShapefileSeeds(f *testing.F, add func(shp, shx, dbf []byte)) {
	dir := sharedData(f, "formats", "shp")
	shps, err := filepath.Glob(filepath.Join(dir, "*.shp"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range shps {
		base := strings.TrimSuffix(filepath.Base(p), ".shp")
		add(readSharedShapefile(f, base))
	}
}

func FuzzDecodeShapefile(f *testing.F) {
	addSharedShapefileSeeds(f, func(shp, shx, dbf []byte) { f.Add(shp, shx, dbf) })
	square := []orb.Point{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}
	hole := []orb.Point{{0.2, 0.2}, {0.4, 0.2}, {0.4, 0.4}, {0.2, 0.4}, {0.2, 0.2}}
	shp, shx := buildShpFiles(shpPolygon, shpTestParts(shpPolygon, square, hole), shpTestMultiPoint(orb.Point{1, 2}))
	f.Add(shp, shx, buildDBF([]testDBFField{{"name", 'C', 8}, {"n", 'N', 4}, {"d", 'D', 8}, {"l", 'L', 1}},
		[][]string{{"a\xfc", "12", "20240101", "T"}, {"b", "x", "2024", "?"}}, 1))
	f.Fuzz(func(t *testing.T, shp, shx, dbf []byte) {
		zb := buildTestZip(t,
			testZipEntry{name: "f.shp", data: shp, stored: true},
			testZipEntry{name: "f.shx", data: shx, stored: true},
			testZipEntry{name: "f.dbf", data: dbf, stored: true})
		d, err := DecodeShapefile(archiveSource("f.zip", zb), Options{Limits: Limits{MaxFeatures: 1000, MaxVertices: 100_000, MaxInflatedBytes: 16 << 20}})
		if err != nil {
			return
		}
		if d == nil {
			t.Fatal("nil Decoded without an error")
		}
		checkReportCounts(t, d)
	})
}

func FuzzParseShapeRecord(f *testing.F) {
	addSharedShapefileSeeds(f, func(shp, _, _ []byte) {
		if len(shp) > shpHeaderLen+8 {
			f.Add(shp[shpHeaderLen+8:])
		}
	})
	f.Add(shpTestParts(shpPolyLine, []orb.Point{{0, 0}, {1, 1}}, []orb.Point{{2, 2}, {3, 3}}))
	f.Add(shpTestMultiPoint(orb.Point{1, 1}, orb.Point{2, 2}))
	f.Fuzz(func(t *testing.T, content []byte) {
		g, n, prob := parseShape(content)
		if prob != nil {
			if g != nil || prob.code == "" || prob.message == "" {
				t.Fatalf("problem %+v with geometry %v", prob, g)
			}
			return
		}
		if g == nil || n < 1 || n > len(content)/16 {
			t.Fatalf("geometry %v with %d vertices from %d bytes", g, n, len(content))
		}
	})
}

func FuzzDecodeDBF(f *testing.F) {
	addSharedShapefileSeeds(f, func(_, _, dbf []byte) { f.Add(dbf, "") })
	for _, name := range []string{"places_latin1.zip", "places_3857.zip"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "shp", name)); err == nil {
			if a, err := openArchive(archiveSource(name, b), Limits{}); err == nil {
				for _, e := range a.files {
					if strings.HasSuffix(e.Name, ".dbf") {
						if data, err := a.readAll(e, 1<<20); err == nil {
							f.Add(data, "ISO-8859-1")
						}
					}
				}
			}
		}
	}
	f.Add(buildDBF([]testDBFField{{"c", 'C', 5}, {"n", 'N', 3}, {"f", 'F', 6}, {"l", 'L', 1}, {"d", 'D', 8}, {"m", 'M', 10}},
		[][]string{{"\xe4bc", "1", "-2.5", "t", "19991231", "1"}}), "CP1251")
	f.Fuzz(func(t *testing.T, data []byte, cpg string) {
		text, _ := dbfTextFromCPG([]byte(cpg), cpg != "")
		d, err := newDBFReader(bufio.NewReader(bytes.NewReader(data)), text, Limits{})
		if err != nil {
			return
		}
		for i := 0; i < 10_000; i++ {
			props, deleted, _, err := d.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			if !deleted && len(props) != len(d.columns) {
				t.Fatalf("record %d has %d properties for %d columns", i, len(props), len(d.columns))
			}
		}
	})
}
