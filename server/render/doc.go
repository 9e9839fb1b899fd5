// Package render draws still maps for reports, as PNG or SVG, in pure Go:
// the offline basemap, the dashboard's layers in the dashboard's colours
// (frontend/src/palette.ts, mirrored in style.go), a title, subtitle and
// date, a legend, a scale bar, the attribution and the privacy note.
//
// The map is Web Mercator, the requested bound fitted into the frame and
// widened to keep the aspect; features outside the frame are left out, and
// lines and polygons are clipped to it, so an SVG holds only what it shows.
// Text comes from untrusted input: it is cleaned, cut to MaxTextRunes and,
// in SVG, written as escaped text (selectable in reports) set in the Go
// fonts, embedded as small subsets. The output is deterministic: the same
// Map gives the same bytes.
//
// The package has no state; Render may be called from many goroutines.
package render
