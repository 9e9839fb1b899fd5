// Package places is RouteRisk's offline place index: GeoNames places in
// the route and transit countries, Natural Earth ports, named sea areas
// and country names, bundled as one small asset (data/places.tsv.gz,
// written by `make sample`, see cmd/buildsample/places.go).
//
// It names stretches of route for people ("Mediterranean Sea, off
// Tripoli", "near Agadez, Niger"), finds places by name for the map's
// search box and picks places to label in a map view. Default returns
// the bundled index, decoded once on first use.
package places
