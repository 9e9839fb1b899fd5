package sea

import (
	"testing"

	"github.com/paulmach/orb"
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
