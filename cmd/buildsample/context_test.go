package main

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/routerisk/routerisk/geodata"
)

// containing returns the ids of the features whose polygons hold p.
func containing(fc *geojson.FeatureCollection, p orb.Point) []string {
	var ids []string
	for _, f := range fc.Features {
		var in bool
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			in = planar.PolygonContains(g, p)
		case orb.MultiPolygon:
			in = planar.MultiPolygonContains(g, p)
		}
		if in {
			ids = append(ids, f.ID.(string))
		}
	}
	return ids
}

func TestContextLayersFixture(t *testing.T) {
	cfg := fixtureConfig(t)
	if err := run(cfg, &discard{}); err != nil {
		t.Fatal(err)
	}
	t.Run("sar-regions", func(t *testing.T) {
		fc, meta, rep := readLayer(t, cfg.Out, "sar-regions")
		if meta.Kind != geodata.KindArea || meta.Sensitivity != geodata.Public || meta.FeatureCount != 6 || rep.Accepted != 6 || len(meta.Sources) != 2 {
			t.Fatalf("meta %+v, report %+v", meta, rep)
		}
		f := byID(fc)
		if f["sar-lybian"] == nil || f["sar-lybian"].Properties["srr"] != "Libya SRR" || f["sar-lybian"].Properties["land_removed"] != true {
			t.Fatalf("Libya SRR: %+v", f["sar-lybian"])
		}
		for _, c := range []struct {
			p    orb.Point
			want []string
		}{
			{orb.Point{13.5, 33.6}, []string{"sar-lybian"}}, // at sea off Tripoli
			{orb.Point{14.0, 31.0}, nil},                    // inland Libya: the ring crossed it before the clip
			{orb.Point{14.0, 37.5}, nil},                    // inland Sicily
		} {
			got := containing(fc, c.p)
			if len(got) != len(c.want) || len(got) > 0 && got[0] != c.want[0] {
				t.Errorf("%v lies in %v, want %v", c.p, got, c.want)
			}
		}
	})
	t.Run("ports", func(t *testing.T) {
		fc, meta, rep := readLayer(t, cfg.Out, "ports")
		if meta.Kind != geodata.KindArea || meta.FeatureCount != 2 || rep.Rejected != 1 || rep.Counts["coordinates_out_of_range"] != 1 {
			t.Fatalf("meta %+v, report %+v", meta, rep)
		}
		if p := byID(fc)["port-2"]; p == nil || p.Properties["name"] != "Sfax" {
			t.Errorf("port-2: %+v", p)
		}
	})
	t.Run("dtm-americas-sites", func(t *testing.T) {
		fc, meta, _ := readLayer(t, cfg.Out, "dtm-americas-sites")
		if meta.FeatureCount != 3 || meta.Sources[0].Attribution != "IOM Displacement Tracking Matrix (DTM)" {
			t.Fatalf("meta %+v", meta)
		}
		if d := byID(fc)["dtm-3"]; d == nil || d.Properties["name"] != "COMAR" || d.Properties["respondents"] != 1525.0 {
			t.Errorf("dtm-3: %+v", d)
		}
	})
	t.Run("sea-names", func(t *testing.T) {
		fc, meta, _ := readLayer(t, cfg.Out, "sea-names")
		if meta.FeatureCount != 2 {
			t.Fatalf("meta %+v", meta)
		}
		if got := containing(fc, orb.Point{11.5, 36.8}); len(got) != 1 || byID(fc)[got[0]].Properties["name"] != "Strait of Sicily" {
			t.Errorf("the Strait of Sicily: %v", got)
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestSubtractLand(t *testing.T) {
	land := &landPolys{}
	add := func(p orb.Polygon) {
		land.polys = append(land.polys, p)
		land.bounds = append(land.bounds, p.Bound())
	}
	add(orb.Polygon{{{1, -1}, {3, -1}, {3, 3}, {1, 3}, {1, -1}}})                  // the east half of the square and beyond
	add(orb.Polygon{{{0.2, 0.2}, {0.4, 0.2}, {0.4, 0.4}, {0.2, 0.4}, {0.2, 0.2}}}) // an island
	add(orb.Polygon{{{10, 10}, {11, 10}, {11, 11}, {10, 11}, {10, 10}}})           // far away
	sq := orb.Polygon{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}}
	g, removed, err := subtractLand(sq, land)
	if err != nil || !removed {
		t.Fatalf("removed %v, err %v", removed, err)
	}
	poly, ok := g.(orb.Polygon)
	if !ok || len(poly) != 2 {
		t.Fatalf("got %T %v, want the west half with the island as a hole", g, g)
	}
	if a := math.Abs(planar.Area(poly)); math.Abs(a-(2-0.04)) > 1e-9 {
		t.Errorf("area %v, want 1.96", a)
	}
	if poly[0].Orientation() != orb.CCW || poly[1].Orientation() != orb.CW {
		t.Error("rings not wound as RFC 7946 asks")
	}
	if planar.PolygonContains(poly, orb.Point{0.3, 0.3}) || !planar.PolygonContains(poly, orb.Point{0.8, 1}) {
		t.Error("the island is sea, or the sea is gone")
	}
	if _, removed, _ := subtractLand(orb.Polygon{{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}, land); removed {
		t.Error("land removed from a polygon far from any")
	}
}

// TestSARRegionsAtSea checks the bundled SAR regions built from the
// shared data hold no inland point of the Central Mediterranean coasts.
func TestSARRegionsAtSea(t *testing.T) {
	shared := sharedData(t)
	b, err := buildSARRegions(filepath.Join(shared, "sar", "central_med_sar_regions_onefleet.geojson"),
		filepath.Join(shared, "basemap", "world-atlas_land-10m.topojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc := geojson.NewFeatureCollection()
	fc.Features = b.layer.Features
	for _, c := range []struct {
		name string
		p    orb.Point
		want string // "" for none
	}{
		{"south of Tripoli", orb.Point{13.1, 32.6}, ""},
		{"Misrata inland", orb.Point{15.0, 32.2}, ""},
		{"Sfax inland", orb.Point{10.6, 34.8}, ""},
		{"Valletta", orb.Point{14.49, 35.89}, ""},
		{"Lampedusa", orb.Point{12.57, 35.51}, ""},
		{"off Tripoli", orb.Point{13.3, 33.4}, "sar-lybian"},
		{"off Zuwara", orb.Point{12.0, 33.3}, "sar-lybian"},
	} {
		got := containing(fc, c.p)
		if c.want == "" && len(got) > 0 || c.want != "" && (len(got) != 1 || got[0] != c.want) {
			t.Errorf("%s %v lies in %v, want %q", c.name, c.p, got, c.want)
		}
	}
}
