// Package coverage says where a service layer has data, so that the
// route-risk analysis claims a gap only there.
//
// A layer's coverage is declared at upload — a list of countries (ISO
// 3166-1 alpha-2 or alpha-3 codes, drawn from the Natural Earth country
// outlines the dashboard ships as its offline basemap) and/or an area (a
// GeoJSON Polygon or MultiPolygon) — or, without a declaration, computed
// from its points: per service category, the H3 cells (resolution
// CellResolution) holding its services and every cell within CellRings
// steps of them, about 180 km around each service (between about 130 and
// 270 km, as H3 cells vary in size), close to the 200 km search of the
// analysis before coverage areas.
//
// A declared area contains a point that lies inside it or within
// ToleranceKm of it, so that a coastal landing place is not lost to the
// coarser country outlines. A computed area contains a point whose cell is
// one of its cells.
//
// Outline draws an area for the map: the declared countries and area as
// they are, computed cells as the boundary of their union. Below the
// staff tier a computed area of a restricted layer is drawn from its
// parent cells at PublicResolution (about 12,400 km² each), rounded
// outward, so that the outline says no more about where a service lies
// than a region some hundreds of kilometres across.
package coverage
