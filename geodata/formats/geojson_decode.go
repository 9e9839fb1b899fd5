package formats

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// DecodeGeoJSON reads a GeoJSON FeatureCollection and keeps the features
// whose geometry is present, finite and within WGS84 ranges; the others are
// rejected in the report.
func DecodeGeoJSON(r io.Reader) ([]*geojson.Feature, geodata.Report, error) {
	var rep geodata.Report
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, rep, err
	}
	if !json.Valid(raw) {
		return nil, rep, geodata.Errorf(geodata.Invalid, "the file is not valid JSON")
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		return nil, rep, geodata.Errorf(geodata.Invalid, "the file is not a GeoJSON FeatureCollection: %v", err)
	}
	var out []*geojson.Feature
	for i, f := range fc.Features {
		rep.Read++
		if f.Geometry == nil {
			rep.Rejected++
			rep.Add(geodata.Issue{Feature: i + 1, ID: fmt.Sprint(f.ID), Field: "geometry", Code: "missing_geometry",
				Message: "the feature has no geometry; add one or remove the feature", Action: geodata.Rejected})
			continue
		}
		if !validCoordinates(f.Geometry) {
			rep.Rejected++
			rep.Add(geodata.Issue{Feature: i + 1, ID: fmt.Sprint(f.ID), Field: "geometry", Code: "coordinates_out_of_range",
				Message: "a coordinate is not a finite WGS84 longitude/latitude (-180..180, -90..90)", Action: geodata.Rejected})
			continue
		}
		if f.ID == nil {
			f.ID = fmt.Sprintf("%d", i+1)
		}
		rep.Accepted++
		out = append(out, f)
	}
	return out, rep, nil
}

func validCoordinates(g orb.Geometry) bool {
	ok := true
	var visit func(g orb.Geometry)
	check := func(ps []orb.Point) {
		for _, p := range ps {
			if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
				ok = false
			}
		}
	}
	visit = func(g orb.Geometry) {
		switch x := g.(type) {
		case orb.Point:
			check([]orb.Point{x})
		case orb.MultiPoint:
			check(x)
		case orb.LineString:
			check(x)
		case orb.Ring:
			check(x)
		case orb.MultiLineString:
			for _, l := range x {
				check(l)
			}
		case orb.Polygon:
			for _, r := range x {
				check(r)
			}
		case orb.MultiPolygon:
			for _, p := range x {
				visit(p)
			}
		case orb.Collection:
			for _, c := range x {
				visit(c)
			}
		case orb.Bound:
			check([]orb.Point{x.Min, x.Max})
		}
	}
	visit(g)
	return ok
}
