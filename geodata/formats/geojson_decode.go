package formats

import (
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// DecodeGeoJSON reads a GeoJSON document with ReadGeoJSON and keeps the
// features whose coordinates are finite and within WGS84 ranges, giving
// each feature without an id its 1-based position as id. It suits trusted
// files (the bundled samples, fixtures); uploads go through geodata/ingest,
// which checks far more.
func DecodeGeoJSON(r io.Reader) ([]*geojson.Feature, geodata.Report, error) {
	d, err := ReadGeoJSON(r, Options{})
	if err != nil {
		return nil, geodata.Report{}, err
	}
	rep := d.Report
	out := d.Features[:0]
	for i, f := range d.Features {
		if !validCoordinates(f.Geometry) {
			rep.Accepted--
			rep.Rejected++
			rep.Add(geodata.Issue{Feature: i + 1, ID: featureIDText(f.ID), Field: "geometry", Code: "coordinates_out_of_range",
				Message: "a coordinate is not a finite WGS84 longitude/latitude (-180..180, -90..90)", Action: geodata.Rejected})
			continue
		}
		if f.ID == nil {
			f.ID = fmt.Sprintf("%d", i+1)
		}
		out = append(out, f)
	}
	return out, rep, nil
}

// validCoordinates reports whether every coordinate of g is finite and a
// WGS84 longitude/latitude.
func validCoordinates(g orb.Geometry) bool {
	ok := true
	visitPoints(g, func(p orb.Point) {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
			ok = false
		}
	})
	return ok
}

// visitPoints calls fn with every coordinate of g.
func visitPoints(g orb.Geometry, fn func(orb.Point)) {
	switch x := g.(type) {
	case orb.Point:
		fn(x)
	case orb.MultiPoint:
		for _, p := range x {
			fn(p)
		}
	case orb.LineString:
		for _, p := range x {
			fn(p)
		}
	case orb.Ring:
		for _, p := range x {
			fn(p)
		}
	case orb.MultiLineString:
		for _, l := range x {
			visitPoints(l, fn)
		}
	case orb.Polygon:
		for _, r := range x {
			visitPoints(r, fn)
		}
	case orb.MultiPolygon:
		for _, p := range x {
			visitPoints(p, fn)
		}
	case orb.Collection:
		for _, c := range x {
			visitPoints(c, fn)
		}
	case orb.Bound:
		fn(x.Min)
		fn(x.Max)
	}
}
