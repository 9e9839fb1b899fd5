// Package frontend exposes the built dashboard (frontend/dist, produced by
// `npm run build`) and the offline basemap (public/basemap) so the server
// binary carries them.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built dashboard files, rooted at index.html. Before the
// frontend is built it holds no index.html, and the server says so at /.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path; fs.Sub cannot fail on it
	}
	return sub
}

//go:embed public/basemap/*.topojson.json
var basemap embed.FS

// Basemap returns the offline basemap files the dashboard draws, rooted at
// their folder: world-atlas_countries-110m.topojson.json and
// world-atlas_countries-50m.topojson.json (world-atlas country outlines,
// objects "countries" and "land"; see public/basemap/README.md). Unlike
// Dist, it does not wait for a frontend build.
func Basemap() fs.FS {
	sub, err := fs.Sub(basemap, "public/basemap")
	if err != nil {
		panic(err) // "public/basemap" is a valid path; fs.Sub cannot fail on it
	}
	return sub
}
