// Command buildsample converts the public data beside the project
// (../shared/data) into the sample layers RouteRisk ships with:
// geodata/sample/layers/{routes,incidents,services}.{geojson.gz,meta.json,report.json},
// and the public context layers sar-regions, dtm-americas-sites, ports
// and sea-names (context.go), which go through geodata/ingest.
//
// Usage (from the project root):
//
//	go run ./cmd/buildsample -shared ../shared/data -out geodata/sample/layers
//
// It also writes the place index asset, geodata/places/data/places.tsv.gz
// (-places; empty to skip): GeoNames places (gazetteer/), Natural Earth
// ports and sea areas (context/) and country names and outlines
// (basemap/), see places.go.
//
// The output is deterministic: the same input gives byte-identical files.
// With -countries it instead regenerates geodata/mmp/countries.csv, the
// country bounding boxes the MMP importer uses to catch swapped
// coordinates:
//
//	go run ./cmd/buildsample -shared ../shared/data -countries geodata/mmp/countries.csv
//
// Inputs (under -shared): the MMP API pages
// (incidents/mmp_hdx_api_json/*.json, through geodata/mmp); the giocopp
// and Frontex route files (routes/); healthsites.io and WHO/KEMRI health
// facilities and the Eurostat/GISCO hospitals (services/); Natural Earth
// countries (basemap/) to tell land from sea legs; the SAR regions (sar/),
// clipped to the sea with the Natural Earth 1:10m land (basemap/); the
// IOM DTM survey sites (routes/); Natural Earth ports and sea names
// (context/). The schematic corridors come from -waypoints, a CSV kept
// in the repository. The source-specific readers live here; what other
// importers can reuse lives in geodata/mmp.
//
// The schematic corridors come from -waypoints, and the names of the
// giocopp lines called "Other" from -labels (both CSVs in
// geodata/sample/source).
//
// It prints, for each schematic corridor, the share of the
// incidents MMP files under that route that lie within 100 and 300 km of
// it; the share of recorded dead and missing within reach of a route
// (sea_radius_km on segments at sea, by the Natural Earth 10m land in
// basemap/world-atlas_land-10m.topojson, else 25 km); and one line per
// layer written with its import report counts.
package main
