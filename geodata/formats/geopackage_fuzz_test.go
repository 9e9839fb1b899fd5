package formats

import (
	"context"
	"database/sql"
	"encoding/binary"
	"path/filepath"
	"testing"

	"github.com/twpayne/go-geom"
)

// gpkgSeedBlobs reads up to max geometry blobs of a GeoPackage's feature
// table, to seed the fuzzer with real encodings.
func gpkgSeedBlobs(f *testing.F, path, table, column string, max int) [][]byte {
	db, err := sql.Open("sqlite3", gpkgDSN(path))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), "SELECT "+quoteIdent(column)+" FROM "+quoteIdent(table)+" LIMIT ?", max)
	if err != nil {
		f.Fatal(err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		f.Fatal(err)
	}
	return out
}

func FuzzDecodeGeoPackageGeometry(f *testing.F) {
	seeds := gpkgSeedBlobs(f, filepath.Join(sharedData(f, "formats", "gpkg"), "natural_earth_minimal.gpkg"), "ne_110m_land", "geom", 8)
	seeds = append(seeds, gpkgSeedBlobs(f, filepath.Join(sharedData(f, "formats", "gpkg"), "apeldoorn.gpkg"), "plaats", "geom", 1)...)
	seeds = append(seeds, gpkgSeedBlobs(f, filepath.Join("testdata", "gpkg", "hostile.gpkg"), `evil"name; DROP TABLE gpkg_contents; --`, "geom", 10)...)
	collection := geom.NewGeometryCollection()
	if err := collection.Push(geom.NewPointFlat(geom.XYZ, []float64{1, 2, 3}),
		geom.NewMultiLineStringFlat(geom.XYM, []float64{0, 0, 1, 1, 1, 1}, []int{6})); err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, gpkgBlob(0x09, mustWKB(f, collection, binary.BigEndian)))
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, blob []byte) {
		g, n, prob := parseGPKGGeometry(blob)
		if prob != nil {
			if g != nil || prob.code == "" || prob.message == "" {
				t.Fatalf("problem %+v with geometry %v", prob, g)
			}
			return
		}
		if g == nil || n < 1 || n > len(blob)/16 {
			t.Fatalf("geometry %v with %d vertices from %d bytes", g, n, len(blob))
		}
		for _, p := range flattenPoints(g) {
			if !finitePoint(p) {
				t.Fatalf("non-finite point %v accepted", p)
			}
		}
	})
}
