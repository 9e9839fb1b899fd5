// Package packs builds offline corridor packs: one zip a field team takes
// on a laptop or phone where there is no signal. A pack holds, for a box
// and a choice of layers, as the caller's tier may see them:
//
//   - map.pmtiles: vector tiles (MVT) for zooms 2 to 12 in a PMTiles
//     archive: route stretches with their risk classes, services,
//     incidents, hotspots and place labels from the gazetteer;
//   - layers.gpkg: the same layers as a GeoPackage, one table each;
//   - services.csv (with HXL hashtags) and services.html, a printable
//     list of services by place;
//   - manifest.json and README.txt: what the pack holds, its sources and
//     licences, its data dates and caveats.
//
// The dashboard's offline page opens the zip from disk and draws the
// tiles with no network; QGIS opens the PMTiles and the GeoPackage.
package packs
