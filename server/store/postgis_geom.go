package store

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
)

// srid is the spatial reference of every stored geometry: WGS 84
// longitude/latitude, as GeoJSON.
const srid = 4326

// toGeom converts an orb geometry to go-geom for its EWKB encoding, with
// SRID 4326. Every part is kept, empty ones too, so toOrb gives back what
// the file store would: a Ring or Bound becomes a Polygon, as the file
// store writes them.
func toGeom(g orb.Geometry) (geom.T, error) {
	out, err := toGeomPart(g)
	if err != nil {
		return nil, err
	}
	switch x := out.(type) {
	case *geom.Point:
		x.SetSRID(srid)
	case *geom.LineString:
		x.SetSRID(srid)
	case *geom.Polygon:
		x.SetSRID(srid)
	case *geom.MultiPoint:
		x.SetSRID(srid)
	case *geom.MultiLineString:
		x.SetSRID(srid)
	case *geom.MultiPolygon:
		x.SetSRID(srid)
	case *geom.GeometryCollection:
		x.SetSRID(srid)
	}
	return out, nil
}

func toGeomPart(g orb.Geometry) (geom.T, error) {
	switch x := g.(type) {
	case orb.Point:
		return geom.NewPointFlat(geom.XY, []float64{x[0], x[1]}), nil
	case orb.MultiPoint:
		return geom.NewMultiPointFlat(geom.XY, flatPoints(nil, x)), nil
	case orb.LineString:
		return geom.NewLineStringFlat(geom.XY, flatPoints(nil, x)), nil
	case orb.Ring:
		return toGeomPart(orb.Polygon{x})
	case orb.Bound:
		return toGeomPart(x.ToPolygon())
	case orb.Polygon:
		flat, ends := flatRings(nil, nil, x)
		return geom.NewPolygonFlat(geom.XY, flat, ends), nil
	case orb.MultiLineString:
		var flat []float64
		ends := make([]int, 0, len(x))
		for _, l := range x {
			flat = flatPoints(flat, l)
			ends = append(ends, len(flat))
		}
		return geom.NewMultiLineStringFlat(geom.XY, flat, ends), nil
	case orb.MultiPolygon:
		var flat []float64
		endss := make([][]int, 0, len(x))
		for _, p := range x {
			var ends []int
			flat, ends = flatRings(flat, make([]int, 0, len(p)), p)
			endss = append(endss, ends)
		}
		return geom.NewMultiPolygonFlat(geom.XY, flat, endss), nil
	case orb.Collection:
		c := geom.NewGeometryCollection()
		for _, member := range x {
			m, err := toGeomPart(member)
			if err != nil {
				return nil, err
			}
			if err := c.Push(m); err != nil {
				return nil, err
			}
		}
		return c, nil
	case nil:
		return nil, fmt.Errorf("has a null member in a GeometryCollection")
	}
	return nil, fmt.Errorf("has a geometry of type %T, which cannot be stored", g)
}

func flatPoints[S ~[]orb.Point](flat []float64, ps S) []float64 {
	if flat == nil {
		flat = make([]float64, 0, 2*len(ps))
	}
	for _, p := range ps {
		flat = append(flat, p[0], p[1])
	}
	return flat
}

// flatRings appends the rings of p to flat and their ends to ends.
func flatRings(flat []float64, ends []int, p orb.Polygon) ([]float64, []int) {
	if ends == nil {
		ends = make([]int, 0, len(p))
	}
	for _, r := range p {
		flat = flatPoints(flat, r)
		ends = append(ends, len(flat))
	}
	return flat, ends
}

// toOrb converts a geometry read from EWKB back to orb, keeping x and y.
// Empty parts stay, as empty non-nil slices, as the file store's reader
// makes them.
func toOrb(g geom.T) (orb.Geometry, error) {
	switch x := g.(type) {
	case *geom.Point:
		if x.Empty() {
			return orb.Point{math.NaN(), math.NaN()}, nil
		}
		c := x.FlatCoords()
		return orb.Point{c[0], c[1]}, nil
	case *geom.MultiPoint:
		return orb.MultiPoint(orbPoints(x.FlatCoords(), x.Stride())), nil
	case *geom.LineString:
		return orb.LineString(orbPoints(x.FlatCoords(), x.Stride())), nil
	case *geom.Polygon:
		return orbPolygon(x.FlatCoords(), 0, x.Ends(), x.Stride()), nil
	case *geom.MultiLineString:
		flat, s := x.FlatCoords(), x.Stride()
		out := make(orb.MultiLineString, 0, len(x.Ends()))
		start := 0
		for _, end := range x.Ends() {
			out = append(out, orb.LineString(orbPoints(flat[start:end], s)))
			start = end
		}
		return out, nil
	case *geom.MultiPolygon:
		flat, s := x.FlatCoords(), x.Stride()
		out := make(orb.MultiPolygon, 0, len(x.Endss()))
		start := 0
		for _, ends := range x.Endss() {
			out = append(out, orbPolygon(flat, start, ends, s))
			if len(ends) > 0 {
				start = ends[len(ends)-1]
			}
		}
		return out, nil
	case *geom.GeometryCollection:
		out := make(orb.Collection, 0, x.NumGeoms())
		for _, m := range x.Geoms() {
			om, err := toOrb(m)
			if err != nil {
				return nil, err
			}
			out = append(out, om)
		}
		return out, nil
	}
	return nil, fmt.Errorf("stored geometry of type %T cannot be read", g)
}

func orbPoints(flat []float64, stride int) []orb.Point {
	ps := make([]orb.Point, 0, len(flat)/stride)
	for i := 0; i+stride <= len(flat); i += stride {
		ps = append(ps, orb.Point{flat[i], flat[i+1]})
	}
	return ps
}

// orbPolygon builds the polygon whose rings end at ends in flat, the
// first one starting at start.
func orbPolygon(flat []float64, start int, ends []int, stride int) orb.Polygon {
	p := make(orb.Polygon, 0, len(ends))
	for _, end := range ends {
		p = append(p, orb.Ring(orbPoints(flat[start:end], stride)))
		start = end
	}
	return p
}
