package sea

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata/topojson"
)

func TestSettingAndSRR(t *testing.T) {
	a, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		p       orb.Point
		setting Setting
		srr     string // a part the SRR names must hold; "" for none
	}{
		{"Strait of Sicily, between Sfax and Lampedusa", orb.Point{11.9, 35.2}, Sea, "Malta"},
		{"off Tripoli", orb.Point{13.2, 33.3}, Sea, "Libya"},
		{"south of Sicily", orb.Point{14.3, 36.4}, Sea, "Malta"},
		{"central Sahara, Tamanrasset", orb.Point{5.52, 22.79}, Land, ""},
		{"Agadez", orb.Point{7.99, 16.97}, Land, ""},
		{"English Channel", orb.Point{1.4, 50.9}, Sea, ""},
		{"Lampedusa town", orb.Point{12.605, 35.505}, Land, ""},
		{"Gulf of Aden", orb.Point{46.0, 12.5}, Sea, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := a.SettingOf(tc.p); got != tc.setting {
				t.Errorf("setting %s, want %s", got, tc.setting)
			}
			got := a.SRR(tc.p)
			if tc.srr != "" && !contains(got, tc.srr) {
				t.Errorf("SRR %q, want one naming %q", got, tc.srr)
			}
		})
	}
}

func contains(s, part string) bool {
	for i := 0; i+len(part) <= len(s); i++ {
		if s[i:i+len(part)] == part {
			return true
		}
	}
	return false
}

func TestLoadRejectsBadAssets(t *testing.T) {
	if _, err := Load([]byte("not gzip"), sarAsset); err == nil {
		t.Error("Load accepted a land asset that is not gzip")
	}
	if _, err := LoadLand([]byte(`{"type":"Topology","objects":{},"arcs":[]}`)); err == nil {
		t.Error("LoadLand accepted a topology without land")
	}
}

func FuzzLoadLand(f *testing.F) {
	f.Add([]byte(`{"type":"Topology","objects":{"land":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[0]]}]}},"arcs":[[[0,0],[1,0],[1,1],[0,0]]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := LoadLand(data)
		if err == nil {
			l.OnLand(orb.Point{0.5, 0.2})
		}
	})
}

// TestOnLandMatchesEveryEdge compares the banded index with the even-odd
// rule over every edge of the bundled land, unbanded: on random points
// over the globe, on points in the busiest regions, and on points exactly
// on band boundaries and on vertices' latitudes, where a banded index
// could miss an edge.
func TestOnLandMatchesEveryEdge(t *testing.T) {
	a, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	data, err := gunzip(landAsset)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := topojson.DecodeObject(data, "land")
	if err != nil {
		t.Fatal(err)
	}
	rings := landRings(fc)
	everyEdge := func(p orb.Point) bool {
		inside := false
		for _, r := range rings {
			for j := 1; j < len(r); j++ {
				a, b := r[j-1], r[j]
				if (a[1] > p[1]) != (b[1] > p[1]) && a[0]+(p[1]-a[1])/(b[1]-a[1])*(b[0]-a[0]) > p[0] {
					inside = !inside
				}
			}
		}
		return inside
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var points []orb.Point
	for range 300 {
		points = append(points, orb.Point{rng.Float64()*360 - 180, rng.Float64()*170 - 85})
	}
	for range 300 { // the Mediterranean, the Atlantic coast of Africa, the Aegean
		points = append(points, orb.Point{rng.Float64()*45 - 20, rng.Float64()*25 + 20})
	}
	for range 100 { // band boundaries
		points = append(points, orb.Point{rng.Float64()*40 - 10, float64(rng.IntN(300)+300)*landBandDeg - 90})
	}
	for range 100 { // the latitude of a vertex
		r := rings[rng.IntN(len(rings))]
		v := r[rng.IntN(len(r))]
		points = append(points, orb.Point{v[0] + rng.Float64() - 0.5, v[1]})
	}
	land := 0
	for _, p := range points {
		got, want := a.land.OnLand(p), everyEdge(p)
		if got != want {
			t.Errorf("OnLand(%v) = %v, every edge says %v", p, got, want)
		}
		if want {
			land++
		}
	}
	if land < len(points)/10 || land > len(points)*9/10 {
		t.Errorf("%d of %d points on land: the points do not test both sides", land, len(points))
	}
}

// BenchmarkLoad reads the bundled atlas, as the first analysis of a
// server does.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(landAsset, sarAsset); err != nil {
			b.Fatal(err)
		}
	}
}
