package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
)

// FuzzRunExposure feeds arbitrary CSV to the exposure path (a table
// without coordinates, given as exposure or detected; the fixtures include
// DTM flow-monitoring tables, whose rows are summed) and asserts what
// every stored row holds: a route, a month YYYY-MM, a count ≥ 0, and no
// route, month and key twice; and that every row read is counted as
// accepted or rejected.
func FuzzRunExposure(f *testing.F) {
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "exposure", "*.csv"))
	for _, p := range fixtures {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, true)
			f.Add(b, false)
		}
	}
	f.Add([]byte("route;month;count;key\nDarien;2023-01;1;a\nDarien;2023-01;2;b\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, given bool) {
		o := Options{OnError: SkipFeatures, Format: formats.CSV,
			Limits: formats.Limits{MaxFeatures: 1000, MaxVertices: 10000, MaxProperties: 50, MaxValueLength: 1024}}
		if given {
			o.Kind = geodata.KindExposure
		}
		res, err := Run(formats.Source{Name: "series.csv", Size: int64(len(data)), R: bytes.NewReader(data)}, o)
		if err != nil || res.Kind != geodata.KindExposure {
			return
		}
		if r := res.Report; r.Read != r.Accepted+r.Rejected || r.Accepted < len(res.Features) {
			t.Fatalf("report %+v with %d features", r, len(res.Features))
		}
		seen := map[string]bool{}
		for _, f := range res.Features {
			route, _ := f.Properties["route"].(string)
			month, _ := f.Properties["month"].(string)
			count, ok := f.Properties["count"].(float64)
			key, _ := f.Properties["key"].(string)
			if route == "" || len(month) != 7 || !ok || count < 0 || count != count {
				t.Fatalf("stored row %v", f.Properties)
			}
			id := route + "\x00" + month + "\x00" + key
			if seen[id] {
				t.Fatalf("route %q month %s key %q stored twice", route, month, key)
			}
			seen[id] = true
		}
	})
}
