// Package topojson decodes TopoJSON topologies (the format of the
// world-atlas country outlines the dashboard ships as its offline basemap)
// into orb geometries, one GeoJSON FeatureCollection per named object.
//
// It follows the TopoJSON 1.0 specification and the reference client
// (topojson-client's feature()): quantised, delta-encoded arcs are decoded
// with the topology's transform; a negative arc index ~i means arc i
// reversed; the arcs of a line or ring are stitched, the shared point kept
// once. Every byte is treated as untrusted: arc indexes out of range,
// malformed coordinates, non-finite numbers, deep nesting and topologies
// that would expand far beyond their own size are rejected with a
// geodata.Invalid error, and no input makes DecodeObject panic.
package topojson
