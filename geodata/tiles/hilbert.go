package tiles

// TileID is the PMTiles tile id of tile x, y at zoom z: the tiles of all
// lower zooms counted first, then the position of (x, y) along the
// Hilbert curve that fills zoom z. Ids increase with zoom, and tiles near
// one another on the map have ids near one another.
func TileID(z uint8, x, y uint32) uint64 {
	var acc uint64
	for t := uint8(0); t < z; t++ {
		acc += uint64(1) << (2 * t)
	}
	n := uint32(1) << z
	var d uint64
	tx, ty := x, y
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if tx&s > 0 {
			rx = 1
		}
		if ty&s > 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				tx = s - 1 - tx
				ty = s - 1 - ty
			}
			tx, ty = ty, tx
		}
	}
	return acc + d
}
