package server

import (
	"encoding/json"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// TestPrioritiesOnTheBundledData checks the outreach priorities of the
// bundled layers at the default parameters, as staff: no top-50 row claims
// a gap in a category with no service of it within 300 km; no two of the
// top 20 touch; each of the top 20 names a place finer than a country;
// stretches in the Strait of Sicily are at sea and name their
// search-and-rescue region; stretches in the central Sahara are on land.
func TestPrioritiesOnTheBundledData(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("analyses the bundled layers")
	}
	e := benchApp(t, noCache{})
	rec := do(t, e, http.MethodGet, "/api/v1/risk/priorities?limit=50")
	if rec.Code != http.StatusOK {
		t.Fatalf("priorities: %d %s", rec.Code, rec.body(t))
	}
	top, err := geojson.UnmarshalFeatureCollection(rec.body(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(top.Features) < 20 {
		t.Fatalf("%d priorities", len(top.Features))
	}
	rec = do(t, e, http.MethodGet, "/api/v1/layers/services/download?format=geojson")
	svc, err := geojson.UnmarshalFeatureCollection(rec.body(t))
	if rec.Code != http.StatusOK || err != nil {
		t.Fatalf("services: %d %v", rec.Code, err)
	}
	byCat := map[string][]orb.Point{}
	for _, f := range svc.Features {
		if p, ok := f.Geometry.(orb.Point); ok {
			c, _ := f.Properties["category"].(string)
			byCat[c] = append(byCat[c], p)
		}
	}
	for i, f := range top.Features {
		line := f.Geometry.(orb.LineString)
		gaps, _ := f.Properties["gaps"].([]any)
		for _, g := range gaps {
			cat := g.(string)
			best := math.Inf(1)
			for _, p := range byCat[cat] {
				for _, v := range line {
					best = math.Min(best, haversineKm(p, v))
				}
			}
			if best > 300 {
				t.Errorf("priority %d (%v) claims a %s gap with no %s service within 300 km (nearest %.0f km)", i+1, f.Properties["place"], cat, cat, best)
			}
		}
		if i >= 20 {
			continue
		}
		place, _ := f.Properties["place"].(string)
		if place == "" || !(strings.Contains(place, " off ") || strings.HasPrefix(place, "near ") || strings.HasPrefix(place, "off ") || strings.Contains(place, " km from ")) {
			t.Errorf("priority %d names %q, not a place finer than a country", i+1, place)
		}
		for j := 0; j < i; j++ {
			if touches(line, top.Features[j].Geometry.(orb.LineString)) {
				t.Errorf("priorities %d and %d touch (%v, %v)", j+1, i+1, top.Features[j].Properties["place"], place)
			}
		}
	}

	rec = do(t, e, http.MethodGet, "/api/v1/risk/segments")
	segs, err := geojson.UnmarshalFeatureCollection(rec.body(t))
	if rec.Code != http.StatusOK || err != nil {
		t.Fatalf("segments: %d %v", rec.Code, err)
	}
	sicily, sahara := 0, 0
	for _, f := range segs.Features {
		line := f.Geometry.(orb.LineString)
		mid := line[len(line)/2]
		switch {
		case mid[0] > 11.5 && mid[0] < 12.3 && mid[1] > 36.0 && mid[1] < 36.8: // the open water of the Strait of Sicily
			sicily++
			if f.Properties["setting"] != "sea" || f.Properties["srr"] == nil {
				t.Errorf("Strait of Sicily segment %v: setting %v, srr %v", f.ID, f.Properties["setting"], f.Properties["srr"])
			}
		case mid[0] > 5 && mid[0] < 15 && mid[1] > 19 && mid[1] < 26: // the central Sahara
			sahara++
			if f.Properties["setting"] != "land" {
				t.Errorf("central Sahara segment %v: setting %v", f.ID, f.Properties["setting"])
			}
		}
	}
	if sicily == 0 || sahara == 0 {
		t.Errorf("%d segments in the Strait of Sicily, %d in the central Sahara: the checks saw nothing", sicily, sahara)
	}
	var head struct {
		DataThrough string `json:"data_through"`
	}
	_ = json.Unmarshal(rec.body(t), &head)
	t.Logf("%d priorities checked, %d Strait of Sicily and %d central Sahara segments, data through %s", len(top.Features), sicily, sahara, head.DataThrough)
}

func haversineKm(a, b orb.Point) float64 {
	const r = 6371.0088
	la1, la2 := a[1]*math.Pi/180, b[1]*math.Pi/180
	dla, dlo := la2-la1, (b[0]-a[0])*math.Pi/180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// touches reports whether two lines share a point or come within 0.5 km.
func touches(a, b orb.LineString) bool {
	for _, p := range a {
		for _, q := range b {
			if haversineKm(p, q) < 0.5 {
				return true
			}
		}
	}
	return false
}
