package places

import (
	"math"
	"sort"
)

// EarthRadiusKm is the mean Earth radius used for distances.
const EarthRadiusKm = 6371.0088

// cellDeg is the side of a grid cell in degrees.
const cellDeg = 0.25

const (
	gridCols = int(360 / cellDeg)
	gridRows = int(180 / cellDeg)
)

// grid is a fixed lat/lon grid over points, for nearest-neighbour
// queries: the points sorted by cell, and each occupied cell's span.
type grid struct {
	ids   []int32            // point indexes, grouped by cell
	cells map[int32][2]int32 // cell → [start, end) in ids
	lon   []float64
	lat   []float64
}

func cellOf(lon, lat float64) (col, row int) {
	col = int(math.Floor((lon + 180) / cellDeg))
	row = int(math.Floor((lat + 90) / cellDeg))
	return min(max(col, 0), gridCols-1), min(max(row, 0), gridRows-1)
}

// newGrid indexes the points lon[i], lat[i].
func newGrid(lon, lat []float64) *grid {
	g := &grid{ids: make([]int32, len(lon)), cells: map[int32][2]int32{}, lon: lon, lat: lat}
	key := make([]int32, len(lon))
	for i := range lon {
		c, r := cellOf(lon[i], lat[i])
		key[i] = int32(r*gridCols + c)
		g.ids[i] = int32(i)
	}
	sort.SliceStable(g.ids, func(a, b int) bool { return key[g.ids[a]] < key[g.ids[b]] })
	for start := 0; start < len(g.ids); {
		k := key[g.ids[start]]
		end := start
		for end < len(g.ids) && key[g.ids[end]] == k {
			end++
		}
		g.cells[k] = [2]int32{int32(start), int32(end)}
		start = end
	}
	return g
}

// nearest returns the index of the point nearest to (lon, lat) within
// maxKm, and its great-circle distance; -1 when there is none.
//
// It visits rings of cells around the query's cell, nearest first. A cell
// of ring k lies k rows or k columns away; the query sits inside its own
// cell, so such a cell is at least (k-1) cells of latitude or of
// longitude away. A latitude gap Δφ is at least R·Δφ long, and a point
// at latitude φ is at least R·asin(cos φ · sin Δλ) from any point Δλ of
// longitude away (its distance to that meridian, Δλ ≤ 90°). Rows and
// columns that cannot hold a point nearer than the best found (or than
// maxKm) are skipped, and the search stops when a whole ring cannot.
func (g *grid) nearest(lon, lat, maxKm float64) (int, float64) {
	if !(maxKm > 0) || len(g.ids) == 0 {
		return -1, 0
	}
	const rad = math.Pi / 180
	best, bestKm := -1, math.Inf(1)
	col, row := cellOf(lon, lat)
	rowKm := cellDeg * rad * EarthRadiusKm
	cosLat := math.Cos(lat * rad)
	latBound := func(k int) float64 { return float64(k-1) * rowKm }
	lonBound := func(k int) float64 {
		gap := math.Min(90, float64(k-1)*cellDeg)
		return EarthRadiusKm * math.Asin(math.Min(1, cosLat*math.Sin(gap*rad)))
	}
	visit := func(c, r int) {
		if r < 0 || r >= gridRows {
			return
		}
		c = ((c % gridCols) + gridCols) % gridCols
		span, ok := g.cells[int32(r*gridCols+c)]
		if !ok {
			return
		}
		for _, id := range g.ids[span[0]:span[1]] {
			i := int(id)
			d := HaversineKm(lon, lat, g.lon[i], g.lat[i])
			if d < bestKm || (d == bestKm && i < best) {
				best, bestKm = i, d
			}
		}
	}
	visit(col, row)
	for k := 1; ; k++ {
		limit := math.Min(bestKm, maxKm)
		wrapped := 2*k-1 >= gridCols // ring k-1 already spanned every column
		byLat, byLon := latBound(k), lonBound(k)
		if byLat > limit && (wrapped || byLon > limit) {
			break
		}
		if wrapped && row-k < 0 && row+k >= gridRows {
			break // every cell has been visited
		}
		if byLat <= limit { // the ring's top and bottom rows
			n := min(2*k+1, gridCols)
			for i := range n {
				visit(col-k+i, row-k)
				visit(col-k+i, row+k)
			}
		}
		if !wrapped && byLon <= limit { // its left and right columns
			span := min(k-1, int(limit/rowKm)+1)
			for dr := -span; dr <= span; dr++ {
				visit(col-k, row+dr)
				if 2*k != gridCols { // else col-k and col+k are one column
					visit(col+k, row+dr)
				}
			}
		}
	}
	if best < 0 || bestKm > maxKm {
		return -1, 0
	}
	return best, bestKm
}

// HaversineKm is the great-circle distance between two points in km.
func HaversineKm(lon1, lat1, lon2, lat2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	s := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * EarthRadiusKm * math.Asin(math.Min(1, math.Sqrt(s)))
}

// within calls fn for every point within radiusKm of (lon, lat), with its
// great-circle distance, in no particular order.
func (g *grid) within(lon, lat, radiusKm float64, fn func(i int, km float64)) {
	if !(radiusKm >= 0) || len(g.ids) == 0 {
		return
	}
	dLat := radiusKm / (math.Pi / 180 * EarthRadiusKm)
	maxLat := math.Min(90, math.Abs(lat)+dLat)
	dLon := 360.0
	if c := math.Cos(maxLat * math.Pi / 180); c > 1e-6 {
		dLon = math.Min(360, dLat/c)
	}
	c0, r0 := cellOf(lon-dLon, lat-dLat)
	c1, r1 := cellOf(lon+dLon, lat+dLat)
	ncols := c1 - c0 + 1
	if lon-dLon < -180 || lon+dLon > 180 || dLon >= 180 {
		// the span wraps: walk columns from the western edge, modulo
		cw, _ := cellOf(math.Mod(lon-dLon+540, 360)-180, lat)
		c0 = cw
		ncols = min(gridCols, int(math.Ceil(2*dLon/cellDeg))+2)
	}
	for r := r0; r <= r1; r++ {
		for n := 0; n < ncols; n++ {
			c := (c0 + n) % gridCols
			span, ok := g.cells[int32(r*gridCols+c)]
			if !ok {
				continue
			}
			for _, id := range g.ids[span[0]:span[1]] {
				i := int(id)
				if d := HaversineKm(lon, lat, g.lon[i], g.lat[i]); d <= radiusKm {
					fn(i, d)
				}
			}
		}
	}
}
