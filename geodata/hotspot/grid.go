package hotspot

import (
	"math"
	"slices"

	"github.com/uber/h3-go/v4"

	"github.com/routerisk/routerisk/geodata/vocab"
)

// Bounds of the grid resolution and of the neighbourhood radius.
const (
	MinResolution     = vocab.MinResolution     // coarsest H3 resolution served (mean edge 158 km)
	MaxResolution     = vocab.MaxResolution     // finest H3 resolution served (mean edge 1.2 km)
	DefaultResolution = vocab.DefaultResolution // used when neither resolution= nor zoom= is given
	MaxZoom           = vocab.MaxZoom           // the largest map zoom accepted
	MinK              = 1                       // smallest k-ring radius
	MaxK              = 2                       // largest k-ring radius (19 cells); see the package documentation
	DefaultK          = 1                       // the cell and its six neighbours
)

// cellOf returns the cell at res that holds the point (lon, lat), and
// false for a point that is not finite or out of range.
func cellOf(lon, lat float64, res int) (h3.Cell, bool) {
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return 0, false
	}
	c := h3.LatLngToCell(h3.NewLatLng(lat, lon), res)
	return c, c != 0
}

// studyArea lays out the cells under analysis: the occupied cells and
// every cell of their k-rings, sorted by H3 index. For each cell it
// returns its neighbours within the study area (itself included) as
// positions into the returned cells: neighbours[offsets[i]:offsets[i+1]].
func studyArea(occupied []h3.Cell, k int) (cells []h3.Cell, offsets, neighbours []int32) {
	seen := make(map[h3.Cell]struct{}, len(occupied)*(3*k*(k+1)+1))
	for _, c := range occupied {
		for _, d := range h3.GridDisk(c, k) {
			seen[d] = struct{}{}
		}
	}
	cells = make([]h3.Cell, 0, len(seen))
	for c := range seen {
		cells = append(cells, c)
	}
	slices.Sort(cells)
	pos := make(map[h3.Cell]int32, len(cells))
	for i, c := range cells {
		pos[c] = int32(i)
	}
	offsets = make([]int32, 0, len(cells)+1)
	neighbours = make([]int32, 0, len(cells)*(3*k*(k+1)+1))
	for _, c := range cells {
		offsets = append(offsets, int32(len(neighbours)))
		for _, d := range h3.GridDisk(c, k) {
			if j, ok := pos[d]; ok {
				neighbours = append(neighbours, j)
			}
		}
	}
	offsets = append(offsets, int32(len(neighbours)))
	return cells, offsets, neighbours
}

// CellOf returns the H3 cell at resolution res that holds the point
// (lon, lat), and false for a point that is not finite or out of range.
func CellOf(lon, lat float64, res int) (h3.Cell, bool) { return cellOf(lon, lat, res) }
