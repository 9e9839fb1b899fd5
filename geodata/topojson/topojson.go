package topojson

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
)

// MaxDepth is the deepest nesting of GeometryCollections DecodeObject
// accepts; a GeometryCollection member of an object is at depth 1.
const MaxDepth = 32

// A topology expands: every reference to an arc copies its points. Real
// topologies reference each arc once or twice (the two sides of a border);
// DecodeObject rejects a topology whose geometries would hold more than
// expansionFactor times the points of its arcs (plus expansionSlack), so
// that a small file cannot ask for gigabytes by referencing one long arc
// many times.
const (
	expansionFactor = 16
	expansionSlack  = 1 << 16
)

// topology is the top level of a TopoJSON file.
type topology struct {
	Type      string                     `json:"type"`
	Transform *transform                 `json:"transform"`
	Arcs      json.RawMessage            `json:"arcs"`
	Objects   map[string]json.RawMessage `json:"objects"`
}

// transform maps quantised positions to coordinates.
type transform struct {
	Scale     [2]float64 `json:"scale"`
	Translate [2]float64 `json:"translate"`
}

// object is a TopoJSON geometry object; which of Arcs, Coordinates and
// Geometries it carries depends on Type.
type object struct {
	Type        *string           `json:"type"`
	ID          any               `json:"id"`
	Properties  map[string]any    `json:"properties"`
	Arcs        json.RawMessage   `json:"arcs"`
	Coordinates json.RawMessage   `json:"coordinates"`
	Geometries  []json.RawMessage `json:"geometries"`
}

// DecodeObject reads a TopoJSON topology and returns its object called
// name (world-atlas files hold "countries" and "land") as a
// FeatureCollection of lon/lat (or, without a transform, as-stored)
// geometries: a GeometryCollection object gives one feature per member, any
// other object one feature. Features carry the object's id and properties
// (an empty map when it has none); a geometry of type null gives a feature
// with a nil Geometry. Member GeometryCollections become orb.Collection.
//
// Errors have code geodata.Invalid: malformed JSON, a file that is not a
// Topology, no object called name (the message names the objects it has),
// an unknown geometry type, a position with fewer than two numbers, a
// non-finite coordinate, an arc index out of range, nesting deeper than
// MaxDepth, or geometries far larger than the arcs they use.
func DecodeObject(data []byte, name string) (*geojson.FeatureCollection, error) {
	d, objects, err := newDecoder(data)
	if err != nil {
		return nil, err
	}
	raw, ok := objects[name]
	if !ok {
		return nil, geodata.Errorf(geodata.Invalid, "the topology has no object %q (it has %q)", name, slices.Sorted(maps.Keys(objects)))
	}
	return d.collection(name, raw)
}

// decoder holds the decoded arcs and the budget of points left.
type decoder struct {
	arcs      [][]orb.Point
	transform *transform
	budget    int // points the geometries may still copy from arcs
}

func newDecoder(data []byte) (*decoder, map[string]json.RawMessage, error) {
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, nil, &geodata.Error{Code: geodata.Invalid, Message: fmt.Sprintf("not valid TopoJSON: %v", err), Err: err}
	}
	if t.Type != "Topology" {
		return nil, nil, geodata.Errorf(geodata.Invalid, "not a TopoJSON topology: type is %q, want \"Topology\"", t.Type)
	}
	if t.Objects == nil {
		return nil, nil, geodata.Errorf(geodata.Invalid, "the topology has no objects")
	}
	d := &decoder{transform: t.Transform}
	if tr := t.Transform; tr != nil {
		for _, v := range []float64{tr.Scale[0], tr.Scale[1], tr.Translate[0], tr.Translate[1]} {
			if !finite(v) {
				return nil, nil, geodata.Errorf(geodata.Invalid, "the topology's transform holds a number that is not finite")
			}
		}
	}
	arcs, err := decodeArcs(t.Arcs)
	if err != nil {
		return nil, nil, err
	}
	total := 0
	for i, pts := range arcs {
		var x, y float64
		for j, p := range pts {
			if d.transform != nil {
				// Quantised arcs are delta-encoded: each position is the
				// offset from the previous one.
				x += p[0]
				y += p[1]
				pts[j] = orb.Point{x*d.transform.Scale[0] + d.transform.Translate[0], y*d.transform.Scale[1] + d.transform.Translate[1]}
			}
			if !finite(pts[j][0]) || !finite(pts[j][1]) {
				return nil, nil, geodata.Errorf(geodata.Invalid, "arc %d, position %d is not a finite coordinate", i, j)
			}
		}
		total += len(pts)
	}
	d.arcs = arcs
	d.budget = expansionFactor*total + expansionSlack
	return d, t.Objects, nil
}

// collection decodes one named object into features.
func (d *decoder) collection(name string, raw json.RawMessage) (*geojson.FeatureCollection, error) {
	var o object
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, objectError(name, -1, err)
	}
	fc := geojson.NewFeatureCollection()
	if o.Type != nil && *o.Type == "GeometryCollection" {
		fc.Features = make([]*geojson.Feature, 0, len(o.Geometries))
		for i, mraw := range o.Geometries {
			var m object
			if err := json.Unmarshal(mraw, &m); err != nil {
				return nil, objectError(name, i, err)
			}
			g, err := d.geometry(m, 1)
			if err != nil {
				return nil, objectError(name, i, err)
			}
			fc.Append(newFeature(m, g))
		}
		return fc, nil
	}
	g, err := d.geometry(o, 0)
	if err != nil {
		return nil, objectError(name, -1, err)
	}
	fc.Append(newFeature(o, g))
	return fc, nil
}

func newFeature(o object, g orb.Geometry) *geojson.Feature {
	f := &geojson.Feature{Type: "Feature", ID: o.ID, Geometry: g, Properties: o.Properties}
	if f.Properties == nil {
		f.Properties = geojson.Properties{}
	}
	return f
}

// objectError names the object (and member) an error is in.
func objectError(name string, member int, err error) error {
	where := fmt.Sprintf("object %q", name)
	if member >= 0 {
		where = fmt.Sprintf("object %q, geometry %d", name, member)
	}
	if e, ok := err.(*geodata.Error); ok {
		return &geodata.Error{Code: e.Code, Message: where + ": " + e.Message, Details: e.Details, Err: e.Err}
	}
	return &geodata.Error{Code: geodata.Invalid, Message: fmt.Sprintf("%s: %v", where, err), Err: err}
}

// geometry decodes one geometry object at the given nesting depth.
func (d *decoder) geometry(o object, depth int) (orb.Geometry, error) {
	if o.Type == nil {
		return nil, nil
	}
	switch *o.Type {
	case "Point":
		var c []float64
		if err := unmarshal(o.Coordinates, &c); err != nil {
			return nil, err
		}
		return d.point(c)
	case "MultiPoint":
		var cs [][]float64
		if err := unmarshal(o.Coordinates, &cs); err != nil {
			return nil, err
		}
		mp := make(orb.MultiPoint, 0, len(cs))
		for _, c := range cs {
			p, err := d.point(c)
			if err != nil {
				return nil, err
			}
			mp = append(mp, p)
		}
		return mp, nil
	case "LineString":
		var idx []int
		if err := unmarshal(o.Arcs, &idx); err != nil {
			return nil, err
		}
		pts, err := d.stitch(idx, 2)
		return orb.LineString(pts), err
	case "MultiLineString":
		var idx [][]int
		if err := unmarshal(o.Arcs, &idx); err != nil {
			return nil, err
		}
		ml := make(orb.MultiLineString, 0, len(idx))
		for _, line := range idx {
			pts, err := d.stitch(line, 2)
			if err != nil {
				return nil, err
			}
			ml = append(ml, pts)
		}
		return ml, nil
	case "Polygon":
		var idx [][]int
		if err := unmarshal(o.Arcs, &idx); err != nil {
			return nil, err
		}
		return d.polygon(idx)
	case "MultiPolygon":
		var idx [][][]int
		if err := unmarshal(o.Arcs, &idx); err != nil {
			return nil, err
		}
		mp := make(orb.MultiPolygon, 0, len(idx))
		for _, poly := range idx {
			p, err := d.polygon(poly)
			if err != nil {
				return nil, err
			}
			mp = append(mp, p)
		}
		return mp, nil
	case "GeometryCollection":
		if depth >= MaxDepth {
			return nil, geodata.Errorf(geodata.Invalid, "GeometryCollections are nested more than %d deep", MaxDepth)
		}
		c := make(orb.Collection, 0, len(o.Geometries))
		for _, raw := range o.Geometries {
			var m object
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			g, err := d.geometry(m, depth+1)
			if err != nil {
				return nil, err
			}
			if g != nil {
				c = append(c, g)
			}
		}
		return c, nil
	default:
		return nil, geodata.Errorf(geodata.Invalid, "unknown geometry type %q", *o.Type)
	}
}

// unmarshal decodes a member that may be absent (an absent member is an
// empty geometry).
func unmarshal(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, v)
}

// point decodes a position of a Point or MultiPoint: quantised positions
// are absolute (not delta-encoded).
func (d *decoder) point(c []float64) (orb.Point, error) {
	if len(c) < 2 {
		return orb.Point{}, geodata.Errorf(geodata.Invalid, "a position has %d numbers; it needs two", len(c))
	}
	p := orb.Point{c[0], c[1]}
	if d.transform != nil {
		p = orb.Point{c[0]*d.transform.Scale[0] + d.transform.Translate[0], c[1]*d.transform.Scale[1] + d.transform.Translate[1]}
	}
	if !finite(p[0]) || !finite(p[1]) {
		return orb.Point{}, geodata.Errorf(geodata.Invalid, "a position is not a finite coordinate")
	}
	return p, nil
}

func (d *decoder) polygon(idx [][]int) (orb.Polygon, error) {
	p := make(orb.Polygon, 0, len(idx))
	for _, ring := range idx {
		pts, err := d.stitch(ring, 4)
		if err != nil {
			return nil, err
		}
		p = append(p, pts)
	}
	return p, nil
}

// stitch joins arcs into one line of points: the last point of each arc is
// the first of the next, so it is kept once; ~i is arc i reversed. As in
// topojson-client, a non-empty result shorter than minLen (2 for a line, 4
// for a ring) repeats its first point.
func (d *decoder) stitch(idx []int, minLen int) ([]orb.Point, error) {
	n := 0
	for _, i := range idx {
		j := arcIndex(i)
		if j >= len(d.arcs) {
			return nil, geodata.Errorf(geodata.Invalid, "arc %d does not exist; the topology has %d arcs", i, len(d.arcs))
		}
		n += len(d.arcs[j])
	}
	// Checked before the line is allocated: a small file referencing one
	// long arc many times must not ask for its expansion.
	if d.budget -= n; d.budget < 0 {
		return nil, geodata.Errorf(geodata.Invalid, "the geometries reference their arcs too often (more than %d times the points of the arcs)", expansionFactor)
	}
	pts := make([]orb.Point, 0, max(n, minLen))
	for k, i := range idx {
		arc := d.arcs[arcIndex(i)]
		if k > 0 && len(pts) > 0 {
			pts = pts[:len(pts)-1]
		}
		if i >= 0 {
			pts = append(pts, arc...)
		} else {
			for n := len(arc) - 1; n >= 0; n-- {
				pts = append(pts, arc[n])
			}
		}
	}
	for len(pts) > 0 && len(pts) < minLen {
		pts = append(pts, pts[0])
	}
	return pts, nil
}

// arcIndex is the arc a reference names: i, or for ~i (arc i reversed) i.
func arcIndex(i int) int {
	if i < 0 {
		return ^i
	}
	return i
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
