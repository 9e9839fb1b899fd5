// Command synthincidents writes synthetic incident layers for benchmarks
// and load tests of the route-risk analysis: GeoJSON FeatureCollections of
// any size, made from the bundled Missing Migrants incidents by package
// geodata/risk/synthetic, the same for the same size and seed.
//
// Usage (from the project root; `make synthetic` runs the first line):
//
//	go run ./cmd/synthincidents -n 200000,1000000 -seed 1 -out geodata/risk/testdata/synthetic
//	go run ./cmd/synthincidents -n 50000 -gzip
//
// Each size n becomes OUT/incidents-n-seedS.geojson (with -gzip,
// .geojson.gz), written to a temporary file and renamed into place. A plain
// file can be published as a layer with `routerisk import --kind incident`.
// The default output folder is ignored by git. The benchmarks of
// geodata/risk do not read these files: they make the same layers in
// memory from the same seed.
package main
