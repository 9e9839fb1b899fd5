// Package tiles cuts layers into Mapbox Vector Tiles (orb's MVT encoding)
// and writes them as a PMTiles version 3 archive, the single-file tile
// format web maps and QGIS read without a tile server: the form offline
// corridor packs carry their map in.
//
// The archive writer follows the PMTiles v3 specification
// (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): a
// 127-byte header, a root directory within the first 16 KiB, JSON
// metadata, leaf directories and the tile data, tiles ordered by their
// Hilbert tile id, identical tiles stored once. Its tests read every
// archive back with the reference implementation, go-pmtiles.
package tiles
