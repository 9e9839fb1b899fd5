// Package sample holds the sample layers RouteRisk ships with, so that a
// fresh installation shows real data: migration routes, the incidents of
// the IOM Missing Migrants Project, and health facilities. The layers are
// built from public data by cmd/buildsample and embedded here as gzipped
// GeoJSON with their metadata and import reports; SOURCES.md names every
// source, licence and attribution.
package sample
