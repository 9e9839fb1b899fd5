package hotspot

import (
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"github.com/routerisk/routerisk/geodata"
)

// incident builds an incident feature at the centre of cell c.
func incident(c h3.Cell, props geojson.Properties) *geojson.Feature {
	ll := h3.CellToLatLng(c)
	f := geojson.NewFeature(orb.Point{ll.Lng, ll.Lat})
	f.Properties = props
	return f
}

// ringIncidents lays out the ring example of gistar_test.go in the Sahara
// at resolution 4: 5 incidents in the centre cell and 2 in each cell
// around it, each with one dead.
func ringIncidents() (h3.Cell, []*geojson.Feature) {
	centre := h3.LatLngToCell(h3.NewLatLng(14, 10), 4)
	var fs []*geojson.Feature
	for _, c := range h3.GridDisk(centre, 1) {
		n := 2
		if c == centre {
			n = 5
		}
		for range n {
			fs = append(fs, incident(c, geojson.Properties{"dead": 1.0, "date": "2020-06-01", "cause_category": "Violence"}))
		}
	}
	return centre, fs
}

func TestComputeRingExample(t *testing.T) {
	centre, fs := ringIncidents()
	p := DefaultParams()
	p.Resolution = 4
	cells := Compute(fs, p)
	if len(cells) != 19 {
		t.Fatalf("%d cells, want 19", len(cells))
	}
	classes := map[Class]int{}
	for i, c := range cells {
		h := h3.Cell(h3.IndexFromString(c.ID))
		if i > 0 && cells[i-1].ID >= c.ID {
			t.Errorf("cells not sorted at %d", i)
		}
		if c.Resolution != 4 {
			t.Errorf("%s: resolution %d", c.ID, c.Resolution)
		}
		var wantZ, wantP float64
		wantInc := 0
		switch d := h3.GridDistance(centre, h); {
		case d == 0:
			wantZ, wantP, wantInc = ringZCentre, ringPCentre, 5
		case d == 1:
			wantZ, wantP, wantInc = ringZRing, ringPRing, 2
		case c.Neighbours == 4:
			wantZ, wantP = ringZCorner, ringPCorner
		default:
			wantZ, wantP = ringZEdge, ringPEdge
		}
		near(t, c.ID+" z", c.Z, wantZ, 1e-6)
		near(t, c.ID+" p", c.P, wantP, 1e-6)
		if c.Incidents != wantInc || c.Dead != wantInc || c.Missing != 0 || c.Value != float64(wantInc) {
			t.Errorf("%s: %d incidents, %d dead, %d missing, value %v; want %d", c.ID, c.Incidents, c.Dead, c.Missing, c.Value, wantInc)
		}
		classes[c.Class]++
	}
	// p_fdr of the centre: 19·0.000193773 = 0.00368 → hot_99; every other
	// cell has p_fdr ≥ 0.27 (see fdr_test.go).
	if classes[Hot99] != 1 || classes[NotSignificant] != 18 {
		t.Errorf("classes %v, want one hot_99 and 18 not significant", classes)
	}
	if n := len(Notable(cells)); n != 7 {
		t.Errorf("Notable kept %d cells, want the 7 occupied", n)
	}
}

func TestComputeFilters(t *testing.T) {
	lampedusa := h3.LatLngToCell(h3.NewLatLng(35.5, 12.6), 3)
	other := h3.LatLngToCell(h3.NewLatLng(14, 10), 3)
	fs := []*geojson.Feature{
		incident(lampedusa, geojson.Properties{"date": "2016-05-27", "cause_category": "Drowning", "dead": 45.0, "missing": 200.0}),
		incident(lampedusa, geojson.Properties{"date": "2023-02-01", "cause_category": "Drowning", "missing": 3.0}),
		incident(lampedusa, geojson.Properties{"date": "2023-03", "cause_category": "Violence", "dead": 1.0}),
		incident(lampedusa, geojson.Properties{"cause_category": "Drowning", "dead": 2.0}), // undated
		incident(other, geojson.Properties{"date": "2023-07-01", "cause_category": "Harsh environmental conditions / lack of adequate shelter, food, water", "dead": 4.0}),
		incident(other, geojson.Properties{"date": "2023-07-02", "dead": -3.0, "missing": "several"}), // unreadable counts are 0
		nil,
		geojson.NewFeature(orb.LineString{{12, 35}, {13, 36}}),              // not a point
		geojson.NewFeature(nil),                                             // no geometry
		geojson.NewFeature(orb.Point{math.NaN(), 10}),                       // bad coordinates
		geojson.NewFeature(orb.Point{200, 10}),                              // out of range
		{Type: "Feature", Geometry: orb.Point{12.6, 35.5}, Properties: nil}, // no properties
	}
	y2023 := &geodata.Interval{Start: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2023, 12, 31, 23, 59, 59, 0, time.UTC)}
	tests := []struct {
		name                string
		time                *geodata.Interval
		causes              []string
		weight              Weight
		incidents, dead, mi int // totals over the cells
		value               float64
	}{
		{"all", nil, nil, WeightIncidents, 7, 52, 203, 7},
		{"victims", nil, nil, WeightVictims, 7, 52, 203, 255},
		{"2023", y2023, nil, WeightIncidents, 4, 5, 3, 4},
		{"drowning", nil, []string{"Drowning"}, WeightVictims, 3, 47, 203, 250},
		{"drowning or violence in 2023", y2023, []string{"Drowning", "Violence"}, WeightIncidents, 2, 1, 3, 2},
		{"nothing matches", y2023, []string{"Accidental death"}, WeightIncidents, 0, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Params{Resolution: 3, K: 1, Time: tc.time, Causes: tc.causes, Weight: tc.weight}
			cells := Compute(fs, p)
			var inc, dead, mi int
			var value float64
			for _, c := range cells {
				inc += c.Incidents
				dead += c.Dead
				mi += c.Missing
				value += c.Value
			}
			if inc != tc.incidents || dead != tc.dead || mi != tc.mi || value != tc.value {
				t.Errorf("incidents %d, dead %d, missing %d, value %v; want %d, %d, %d, %v", inc, dead, mi, value, tc.incidents, tc.dead, tc.mi, tc.value)
			}
			if tc.incidents == 0 && cells != nil {
				t.Errorf("%d cells for no incident", len(cells))
			}
		})
	}
}

func TestComputeClampsParams(t *testing.T) {
	_, fs := ringIncidents()
	tests := []struct {
		name      string
		p         Params
		res, area int
	}{
		{"zero value", Params{}, MinResolution, -1},
		{"too fine, k too large", Params{Resolution: 15, K: 9}, MaxResolution, -1},
		{"k = 2", Params{Resolution: 4, K: 2}, 4, 37}, // the 19 cells of the example and the next ring of 18
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cells := Compute(fs, tc.p)
			if len(cells) == 0 {
				t.Fatal("no cells")
			}
			if cells[0].Resolution != tc.res {
				t.Errorf("resolution %d, want %d", cells[0].Resolution, tc.res)
			}
			if tc.area >= 0 && len(cells) != tc.area {
				t.Errorf("%d cells, want %d", len(cells), tc.area)
			}
		})
	}
}

func TestComputeEmpty(t *testing.T) {
	if cells := Compute(nil, DefaultParams()); cells != nil {
		t.Errorf("Compute(nil) = %v", cells)
	}
	if f := Features(nil); len(f) != 0 {
		t.Errorf("Features(nil) = %v", f)
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		v    any
		want int
	}{
		{3.0, 3}, {3, 3}, {int64(4), 4}, {int32(5), 5}, {2.7, 2},
		{-1.0, 0}, {math.NaN(), 0}, {math.Inf(1), 0}, {nil, 0}, {true, 0},
		{"12", 12}, {"many", 0}, // numeric strings count as in the risk analysis (geodata.Count)
		{1e12, maxCount},
	}
	for _, tc := range tests {
		if got := count(tc.v); got != tc.want {
			t.Errorf("count(%#v) = %d, want %d", tc.v, got, tc.want)
		}
	}
}

// TestComputePentagon puts incidents on every pentagon at the coarsest
// and finest resolution: a pentagon has five neighbours, so its k-ring
// holds 6 cells, and nothing breaks on the way.
func TestComputePentagon(t *testing.T) {
	for _, res := range []int{MinResolution, MaxResolution} {
		var fs []*geojson.Feature
		for _, c := range h3.Pentagons(res) {
			fs = append(fs, incident(c, geojson.Properties{"dead": 2.0}), incident(c, nil))
		}
		p := DefaultParams()
		p.Resolution = res
		cells := Compute(fs, p)
		pentagons := 0
		for _, c := range cells {
			if h := h3.Cell(h3.IndexFromString(c.ID)); h.IsPentagon() {
				pentagons++
				if c.Neighbours != 6 || c.Incidents != 2 || c.Dead != 2 {
					t.Errorf("res %d pentagon %s: %d neighbours, %d incidents, %d dead", res, c.ID, c.Neighbours, c.Incidents, c.Dead)
				}
			}
		}
		if pentagons != 12 || len(cells) != 12*6 {
			t.Errorf("res %d: %d pentagons in %d cells, want 12 in 72", res, pentagons, len(cells))
		}
		checkPolygons(t, "pentagon features", Features(cells[:1])[0].Geometry)
	}
}
