package formats

import (
	"encoding/binary"
	"fmt"
	"math"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver
	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"
)

// maxWKBDepth bounds the nesting of geometry collections in WKB.
const maxWKBDepth = 32

// parseGPKGGeometry reads GeoPackage binary: the "GP" header (version,
// flags, srs_id, envelope), then standard WKB. Every count in the WKB is
// checked against the bytes present before it is decoded.
func parseGPKGGeometry(b []byte) (orb.Geometry, int, *geometryProblem) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return nil, 0, corruptGeometry("it does not start with the GeoPackage binary header (\"GP\")")
	}
	if b[2] != 0 {
		return nil, 0, corruptGeometry(fmt.Sprintf("it uses GeoPackage binary version %d; only version 1 (0) exists", b[2]))
	}
	flags := b[3]
	if flags&0x20 != 0 {
		return nil, 0, &geometryProblem{code: "unsupported_geometry",
			message: "the geometry uses an extended (vendor-specific) GeoPackage geometry type; export it as a standard geometry type"}
	}
	var envelope int
	switch (flags >> 1) & 0x7 {
	case 0:
	case 1:
		envelope = 32
	case 2, 3:
		envelope = 48
	case 4:
		envelope = 64
	default:
		return nil, 0, corruptGeometry(fmt.Sprintf("its envelope code %d is not defined", (flags>>1)&0x7))
	}
	if flags&0x10 != 0 {
		return nil, 0, emptyGeometry()
	}
	if len(b) < 8+envelope {
		return nil, 0, corruptGeometry("it ends inside its header")
	}
	body := b[8+envelope:]
	end, n, err := scanWKB(body, 0)
	if err != nil {
		return nil, 0, err
	}
	g, werr := wkb.Unmarshal(body[:end])
	if werr != nil {
		return nil, 0, corruptGeometry(werr.Error())
	}
	og, finite := geomToOrb(g)
	switch {
	case !finite:
		return nil, 0, &geometryProblem{code: "non_finite_coordinate",
			message: "a coordinate is not a finite number (NaN or infinity); fix or delete the geometry"}
	case og == nil:
		return nil, 0, emptyGeometry()
	}
	return og, n, nil
}

func corruptGeometry(why string) *geometryProblem {
	return &geometryProblem{code: "corrupt_geometry",
		message: "the geometry cannot be read: " + why + "; repair the layer in your GIS (e.g. ogr2ogr out.gpkg in.gpkg) or export it again"}
}

func emptyGeometry() *geometryProblem {
	return &geometryProblem{code: "empty_geometry", message: "the geometry is empty; draw it in your GIS or delete the feature"}
}

// scanWKB walks one WKB geometry without decoding it, checking that every
// count fits in the bytes left (so decoding cannot be made to allocate
// more than the input's size) and that collections nest at most
// maxWKBDepth deep. It returns the geometry's length in bytes and its
// number of vertices.
func scanWKB(b []byte, depth int) (int, int, *geometryProblem) {
	if depth > maxWKBDepth {
		return 0, 0, corruptGeometry(fmt.Sprintf("its collections nest more than %d levels deep", maxWKBDepth))
	}
	if len(b) < 5 {
		return 0, 0, corruptGeometry("its WKB ends early")
	}
	var order binary.ByteOrder
	switch b[0] {
	case 0:
		order = binary.BigEndian
	case 1:
		order = binary.LittleEndian
	default:
		return 0, 0, corruptGeometry(fmt.Sprintf("its WKB byte order %d is neither 0 nor 1", b[0]))
	}
	t := order.Uint32(b[1:5])
	dims := 0
	switch t / 1000 {
	case 0:
		dims = 2
	case 1, 2:
		dims = 3
	case 3:
		dims = 4
	default:
		return 0, 0, unsupportedWKB(t)
	}
	off := 5
	count := func(minSize int) (int, *geometryProblem) {
		if len(b)-off < 4 {
			return 0, corruptGeometry("its WKB ends early")
		}
		n := uint64(order.Uint32(b[off:]))
		off += 4
		if n > uint64(len(b)-off)/uint64(minSize) {
			return 0, corruptGeometry(fmt.Sprintf("it claims %d elements but holds room for %d", n, (len(b)-off)/minSize))
		}
		return int(n), nil
	}
	coordSize := 8 * dims
	switch t % 1000 {
	case 1: // Point
		if len(b)-off < coordSize {
			return 0, 0, corruptGeometry("its WKB ends early")
		}
		return off + coordSize, 1, nil
	case 2: // LineString
		n, err := count(coordSize)
		if err != nil {
			return 0, 0, err
		}
		return off + n*coordSize, n, nil
	case 3: // Polygon
		rings, err := count(4)
		if err != nil {
			return 0, 0, err
		}
		total := 0
		for range rings {
			n, err := count(coordSize)
			if err != nil {
				return 0, 0, err
			}
			off += n * coordSize
			total += n
		}
		return off, total, nil
	case 4, 5, 6, 7: // MultiPoint, MultiLineString, MultiPolygon, GeometryCollection
		parts, err := count(9)
		if err != nil {
			return 0, 0, err
		}
		total := 0
		for range parts {
			end, n, err := scanWKB(b[off:], depth+1)
			if err != nil {
				return 0, 0, err
			}
			off += end
			total += n
		}
		return off, total, nil
	}
	return 0, 0, unsupportedWKB(t)
}

func unsupportedWKB(t uint32) *geometryProblem {
	return &geometryProblem{code: "unsupported_geometry",
		message: fmt.Sprintf("the geometry has WKB type %d (a curve, surface or other type beyond points, lines and polygons); convert it to simple features, e.g. ogr2ogr -nlt CONVERT_TO_LINEAR out.gpkg in.gpkg", t)}
}

// geomToOrb converts a go-geom geometry to orb, keeping X and Y. It
// returns nil for an empty geometry (empty parts are dropped) and false
// when a coordinate is not finite.
func geomToOrb(g geom.T) (orb.Geometry, bool) {
	finite := true
	points := func(flat []float64, stride int) []orb.Point {
		if stride < 2 {
			return nil
		}
		ps := make([]orb.Point, 0, len(flat)/stride)
		for i := 0; i+stride <= len(flat); i += stride {
			p := orb.Point{flat[i], flat[i+1]}
			finite = finite && finitePoint(p)
			ps = append(ps, p)
		}
		return ps
	}
	polygon := func(p *geom.Polygon) orb.Polygon {
		var out orb.Polygon
		for i := range p.NumLinearRings() {
			r := p.LinearRing(i)
			ring := points(r.FlatCoords(), r.Stride())
			if len(ring) == 0 {
				if i == 0 {
					return nil
				}
				continue
			}
			out = append(out, orb.Ring(ring))
		}
		return out
	}
	var convert func(g geom.T) orb.Geometry
	convert = func(g geom.T) orb.Geometry {
		switch x := g.(type) {
		case *geom.Point:
			if x.Empty() || (math.IsNaN(x.X()) && math.IsNaN(x.Y())) { // GeoPackage writes an empty point as NaN, NaN
				return nil
			}
			ps := points(x.FlatCoords(), x.Stride())
			if len(ps) == 0 {
				return nil
			}
			return ps[0]
		case *geom.LineString:
			if ps := points(x.FlatCoords(), x.Stride()); len(ps) > 0 {
				return orb.LineString(ps)
			}
		case *geom.Polygon:
			if p := polygon(x); p != nil {
				return p
			}
		case *geom.MultiPoint:
			var mp orb.MultiPoint
			for i := range x.NumPoints() {
				if p, ok := convert(x.Point(i)).(orb.Point); ok {
					mp = append(mp, p)
				}
			}
			if len(mp) > 0 {
				return mp
			}
		case *geom.MultiLineString:
			var mls orb.MultiLineString
			for i := range x.NumLineStrings() {
				if l, ok := convert(x.LineString(i)).(orb.LineString); ok {
					mls = append(mls, l)
				}
			}
			if len(mls) > 0 {
				return mls
			}
		case *geom.MultiPolygon:
			var mp orb.MultiPolygon
			for i := range x.NumPolygons() {
				if p := polygon(x.Polygon(i)); p != nil {
					mp = append(mp, p)
				}
			}
			if len(mp) > 0 {
				return mp
			}
		case *geom.GeometryCollection:
			var c orb.Collection
			for _, member := range x.Geoms() {
				if m := convert(member); m != nil {
					c = append(c, m)
				}
			}
			if len(c) > 0 {
				return c
			}
		}
		return nil
	}
	out := convert(g)
	return out, finite
}
