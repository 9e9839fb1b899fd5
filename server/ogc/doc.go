// Package ogc serves RouteRisk's layers as OGC API – Features under /ogc,
// so that QGIS, ArcGIS and GDAL add them as a data source: a landing page,
// the conformance declaration, an OpenAPI 3.0 definition, one collection
// per layer with its queryables, and its features as GeoJSON or HTML.
//
// It declares Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (CRS by
// reference, with CRS84 as the one coordinate reference system) and the
// queryables of Part 3 (properties as query parameters). Feature pages go
// through the reads use case and its answers cache, like the JSON API, so they
// carry the same ETags, 304s and gzip bytes; errors are *geodata.Error
// values that the server's error handler writes in its one shape.
//
// The package holds no state of its own: Register wires the routes onto an
// Echo app with the library of layers and its reader; the answers are
// written by package web, as the JSON API writes them.
package ogc
