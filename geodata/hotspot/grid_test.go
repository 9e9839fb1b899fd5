package hotspot

import (
	"math"
	"testing"

	"github.com/routerisk/routerisk/geodata/vocab"
	"github.com/uber/h3-go/v4"
)

func TestResolutionForZoom(t *testing.T) {
	tests := []struct {
		zoom float64
		want int
	}{
		{math.NaN(), 2}, {-1, 2}, {0, 2}, {4, 2}, {4.99, 2},
		{5, 3}, {5.5, 3},
		{6, 4}, {7, 4},
		{8, 5},
		{9, 6},
		{10, 7}, {18, 7}, {MaxZoom, 7}, {math.Inf(1), 7},
	}
	for _, tc := range tests {
		if got := vocab.ResolutionForZoom(tc.zoom); got != tc.want {
			t.Errorf("vocab.ResolutionForZoom(%v) = %d, want %d", tc.zoom, got, tc.want)
		}
	}
}

// TestZoomTableWidths checks the claim of the package documentation: from
// zoom 4 to 11, where the table chooses the resolution freely, a cell is
// 16 to 37 pixels wide at the equator on 256-pixel tiles.
func TestZoomTableWidths(t *testing.T) {
	const equatorKm = 40075.016686
	for zoom := 4; zoom <= 11; zoom++ {
		res := vocab.ResolutionForZoom(float64(zoom))
		kmPerPixel := equatorKm / 256 / math.Exp2(float64(zoom))
		px := 2 * h3.HexagonEdgeLengthAvgKm(res) / kmPerPixel
		if px < 15.5 || px > 37.5 {
			t.Errorf("zoom %d → resolution %d: cells %.1f px wide", zoom, res, px)
		}
	}
}

func TestCellOf(t *testing.T) {
	tests := []struct {
		name     string
		lon, lat float64
		ok       bool
	}{
		{"Lampedusa", 12.6, 35.5, true},
		{"antimeridian", 180, 0, true},
		{"south pole", 0, -90, true},
		{"NaN", math.NaN(), 0, false},
		{"lon out of range", 181, 0, false},
		{"lat out of range", 0, -90.5, false},
		{"infinite", math.Inf(1), 0, false},
	}
	for _, tc := range tests {
		c, ok := cellOf(tc.lon, tc.lat, 4)
		if ok != tc.ok || (ok && (!c.IsValid() || c.Resolution() != 4)) {
			t.Errorf("%s: cellOf = %v, %v", tc.name, c, ok)
		}
	}
}

// TestStudyArea checks the layout of the ring example of gistar_test.go:
// one occupied cell and its ring make a study area of the 19 cells within
// two steps, with 7 neighbours for the inner 7 cells, 4 for the 6 corner
// cells and 5 for the 6 edge cells of the outer ring.
func TestStudyArea(t *testing.T) {
	centre := h3.LatLngToCell(h3.NewLatLng(14, 10), 4)
	occupied := h3.GridDisk(centre, 1)
	cells, offsets, neighbours := studyArea(occupied, 1)
	if len(cells) != 19 {
		t.Fatalf("%d cells, want 19", len(cells))
	}
	counts := map[int]int{}
	for i, c := range cells {
		w := int(offsets[i+1] - offsets[i])
		counts[w]++
		d := h3.GridDistance(centre, c)
		if (d <= 1 && w != 7) || (d == 2 && w != 4 && w != 5) {
			t.Errorf("cell %v at distance %d has %d neighbours", c, d, w)
		}
		self := false
		for _, j := range neighbours[offsets[i]:offsets[i+1]] {
			self = self || int(j) == i
			if h3.GridDistance(c, cells[j]) > 1 {
				t.Errorf("%v lists %v, which is not adjacent", c, cells[j])
			}
		}
		if !self {
			t.Errorf("%v is not its own neighbour", c)
		}
		if i > 0 && cells[i-1] >= c {
			t.Errorf("cells not sorted at %d", i)
		}
	}
	if counts[7] != 7 || counts[4] != 6 || counts[5] != 6 {
		t.Errorf("neighbour counts %v, want 7×7, 6×4, 6×5", counts)
	}
}
