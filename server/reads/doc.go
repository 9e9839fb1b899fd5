// Package reads serves the current version of every layer: the Library
// loads and indexes each version from the store (following other
// replicas, and building derived layers through the hook they register),
// and the Reader answers feature, value and download queries through the
// answers cache, at the privacy tier of each request's view.
package reads
