package formats

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkt"
)

var csvSRIDPattern = regexp.MustCompile(`(?i)^\s*srid\s*=\s*(\d{1,9})\s*;`)

// csvParseWKT reads a WKT (or EWKT with SRID=4326) cell into an orb
// geometry, Z and M dropped.
func csvParseWKT(cell, column string) (orb.Geometry, *csvProblem) {
	text := cell
	if m := csvSRIDPattern.FindStringSubmatch(text); m != nil {
		if m[1] != "4326" {
			return nil, &csvProblem{CodeCSVUnsupportedCRS, fmt.Sprintf(
				"gives SRID=%s in %q; only WGS84 longitude/latitude (SRID=4326) is read — export the layer in EPSG:4326", m[1], column)}
		}
		text = text[len(m[0]):]
	}
	g, err := csvUnmarshalWKT(text)
	if err != nil {
		return nil, &csvProblem{CodeCSVInvalidWKT, fmt.Sprintf(
			"has %q in %q, which is not WKT geometry (like POINT (30.5 10.2), longitude first): %v; correct it or remove the row",
			csvClip(cell), column, err)}
	}
	out, err := csvOrbGeometry(g)
	if err != nil {
		return nil, &csvProblem{CodeCSVInvalidCoordinates, fmt.Sprintf("has WKT in %q with %v; correct it or remove the row", column, err)}
	}
	if out == nil {
		return nil, &csvProblem{CodeCSVEmptyGeometry, fmt.Sprintf(
			"has an empty geometry in %q (%s); give the feature a geometry or remove the row", column, csvClip(strings.TrimSpace(cell)))}
	}
	return out, nil
}

// csvUnmarshalWKT runs the go-geom WKT parser, turning a panic inside it
// into an error: the cell is untrusted input and the parser is generated
// code this package does not control.
func csvUnmarshalWKT(text string) (g geom.T, err error) {
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("unreadable WKT")
		}
	}()
	g, err = wkt.Unmarshal(text)
	if err == nil && g == nil {
		err = fmt.Errorf("no geometry")
	}
	return g, err
}

// csvOrbGeometry converts a go-geom geometry to orb, keeping x and y. It
// returns nil for an empty geometry (empty parts of a collection are left
// out) and an error for a coordinate that is not finite.
func csvOrbGeometry(g geom.T) (orb.Geometry, error) {
	switch x := g.(type) {
	case *geom.Point:
		if x.Empty() {
			return nil, nil
		}
		ps, err := csvOrbPoints(x.FlatCoords(), x.Stride())
		if err != nil {
			return nil, err
		}
		return ps[0], nil
	case *geom.LineString:
		ps, err := csvOrbPoints(x.FlatCoords(), x.Stride())
		if err != nil || len(ps) == 0 {
			return nil, err
		}
		return orb.LineString(ps), nil
	case *geom.Polygon:
		var p orb.Polygon
		for i := 0; i < x.NumLinearRings(); i++ {
			r := x.LinearRing(i)
			ps, err := csvOrbPoints(r.FlatCoords(), r.Stride())
			if err != nil {
				return nil, err
			}
			if len(ps) > 0 {
				p = append(p, orb.Ring(ps))
			}
		}
		if len(p) == 0 {
			return nil, nil
		}
		return p, nil
	case *geom.MultiPoint:
		var mp orb.MultiPoint
		for i := 0; i < x.NumPoints(); i++ {
			pt, err := csvOrbGeometry(x.Point(i))
			if err != nil {
				return nil, err
			}
			if pt != nil {
				mp = append(mp, pt.(orb.Point))
			}
		}
		if len(mp) == 0 {
			return nil, nil
		}
		return mp, nil
	case *geom.MultiLineString:
		var ml orb.MultiLineString
		for i := 0; i < x.NumLineStrings(); i++ {
			l, err := csvOrbGeometry(x.LineString(i))
			if err != nil {
				return nil, err
			}
			if l != nil {
				ml = append(ml, l.(orb.LineString))
			}
		}
		if len(ml) == 0 {
			return nil, nil
		}
		return ml, nil
	case *geom.MultiPolygon:
		var mp orb.MultiPolygon
		for i := 0; i < x.NumPolygons(); i++ {
			p, err := csvOrbGeometry(x.Polygon(i))
			if err != nil {
				return nil, err
			}
			if p != nil {
				mp = append(mp, p.(orb.Polygon))
			}
		}
		if len(mp) == 0 {
			return nil, nil
		}
		return mp, nil
	case *geom.GeometryCollection:
		var c orb.Collection
		for _, m := range x.Geoms() {
			og, err := csvOrbGeometry(m)
			if err != nil {
				return nil, err
			}
			if og != nil {
				c = append(c, og)
			}
		}
		if len(c) == 0 {
			return nil, nil
		}
		return c, nil
	}
	return nil, fmt.Errorf("a geometry type that is not read (%T)", g)
}

// csvOrbPoints takes x and y of each position of a flat coordinate list.
func csvOrbPoints(flat []float64, stride int) ([]orb.Point, error) {
	if stride < 2 {
		return nil, nil
	}
	ps := make([]orb.Point, 0, len(flat)/stride)
	for i := 0; i+stride <= len(flat); i += stride {
		x, y := flat[i], flat[i+1]
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			return nil, fmt.Errorf("a coordinate that is not a finite number")
		}
		ps = append(ps, orb.Point{x, y})
	}
	return ps, nil
}
