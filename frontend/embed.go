// Package frontend exposes the built dashboard (frontend/dist, produced by
// `npm run build`) so the server binary carries it.
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
