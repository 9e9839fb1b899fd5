package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
)

// TestRunServiceDirectories reads the Open Referral and OpenStreetMap
// fixtures of geodata/formats through the whole pipeline, detecting
// their format and kind, and checks the mapping keeps their categories.
func TestRunServiceDirectories(t *testing.T) {
	cases := []struct {
		file     string
		format   formats.Format
		accepted int
		cats     map[string]string // feature id → category
	}{
		{"hsds/tijuana_hsds.zip", formats.HSDS, 8, map[string]string{"sal1": "shelter", "sal2": "legal", "sal5": "psychosocial", "sal6": "wash"}},
		{"osm/palermo_services.osm", formats.OSM, 13, map[string]string{"node/6": "legal", "way/200": "shelter", "relation/300": "shelter"}},
		{"osm/palermo_services_overpass.json", formats.OSM, 13, map[string]string{"node/8": "food", "node/9": "wash", "way/100": "health"}},
		{"osm/palermo_services.osm.pbf", formats.OSM, 13, map[string]string{"node/5": "psychosocial", "node/3": "health"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "formats", "testdata", filepath.FromSlash(c.file)))
			if err != nil {
				t.Fatal(err)
			}
			src := formats.Source{Name: filepath.Base(c.file), Size: int64(len(b)), R: bytes.NewReader(b)}
			if k := ImpliedKind(src, ""); k != geodata.KindService {
				t.Fatalf("ImpliedKind = %q, want service", k)
			}
			res, err := Run(src, Options{Kind: geodata.KindService, OnError: SkipFeatures})
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != c.format || res.Report.Accepted != c.accepted {
				t.Fatalf("format %s, accepted %d; want %s, %d", res.Format, res.Report.Accepted, c.format, c.accepted)
			}
			got := map[string]any{}
			for _, f := range res.Features {
				got[f.ID.(string)] = f.Properties["category"]
				if _, ok := f.Properties["subtype"]; !ok && f.Properties["category"] == "health" {
					t.Errorf("%v: a health service without subtype", f.ID)
				}
			}
			for id, cat := range c.cats {
				if got[id] != cat {
					t.Errorf("%s category %v, want %s", id, got[id], cat)
				}
			}
		})
	}
	// Other formats imply no kind.
	src := formats.Source{Name: "x.geojson", Size: 2, R: bytes.NewReader([]byte("{}"))}
	if k := ImpliedKind(src, ""); k != "" {
		t.Errorf("GeoJSON implies %q", k)
	}
}
