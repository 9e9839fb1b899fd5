package ingest

import (
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
)

// Issue codes of the feature checks.
const (
	CodeOutOfRange        = "coordinates_out_of_range"  // rejected: not a finite WGS84 longitude/latitude
	CodeWrongGeometry     = "geometry_type_not_allowed" // rejected: e.g. a line in an incident layer
	CodeDegenerateLine    = "degenerate_line"           // rejected: fewer than two distinct points
	CodeDegenerateRing    = "degenerate_ring"           // rejected: a ring with fewer than three distinct points
	CodeRingClosed        = "ring_closed"               // repaired: the ring's last point now repeats its first
	CodeDuplicateVertex   = "duplicate_vertex"          // repaired: a point repeated in a row was dropped
	CodeSingleMember      = "single_member_unwrapped"   // repaired: a one-member multi geometry became its member
	CodeTooManyProperties = "too_many_properties"       // rejected: over the max_properties limit
	CodeValueTooLong      = "value_too_long"            // rejected: a value over the max_value_length limit
	CodeDuplicateID       = "duplicate_id"              // repaired: a repeated id got a suffix
	CodeMissingID         = "missing_id"                // counted only: the feature got its position as id
)

// allowedGeometry says which geometry types a layer kind takes.
func allowedGeometry(k geodata.Kind) (types []string, hint string) {
	switch k {
	case geodata.KindIncident, geodata.KindService, geodata.KindEvent:
		return []string{"Point"}, "points (one location per " + string(k) + ")"
	case geodata.KindRoute:
		return []string{"LineString", "MultiLineString"}, "lines (LineString or MultiLineString)"
	case geodata.KindArea:
		// Context layers: areas, and reference points such as ports.
		return []string{"Polygon", "MultiPolygon", "Point"}, "polygons (Polygon or MultiPolygon) or reference points (Point)"
	case geodata.KindExposure:
		// Rows of counts; a row may carry the point of the site that
		// counted (a flow-monitoring point), or no geometry.
		return []string{"Point"}, "rows without geometry, or the point of the site that counted"
	}
	return nil, ""
}

// checker validates and repairs features of one kind, recording in rep.
type checker struct {
	kind geodata.Kind
	lim  formats.Limits
	rep  *geodata.Report
	ids  map[string]int
}

// check validates feature f (1-based position n) in place. It returns
// false when the feature must be rejected (the issue is recorded), and
// whether a repair was made.
func (c *checker) check(n int, f *geojson.Feature) (ok, repaired bool) {
	id := featureID(f.ID)
	reject := func(code, field, msg string) (bool, bool) {
		c.rep.Add(geodata.Issue{Feature: n, ID: id, Field: field, Code: code, Message: msg, Action: geodata.Rejected})
		return false, false
	}
	repair := func(code, field, msg string) {
		c.rep.Add(geodata.Issue{Feature: n, ID: id, Field: field, Code: code, Message: msg, Action: geodata.Repaired})
		repaired = true
	}

	if len(f.Properties) > c.lim.MaxProperties {
		return reject(CodeTooManyProperties, "properties", fmt.Sprintf("the feature has %d properties, more than %d (limit max_properties); drop unused columns", len(f.Properties), c.lim.MaxProperties))
	}
	for k, v := range f.Properties {
		if s, isStr := v.(string); isStr && len(s) > c.lim.MaxValueLength {
			return reject(CodeValueTooLong, k, fmt.Sprintf("the value is %d bytes, more than %d (limit max_value_length); shorten it", len(s), c.lim.MaxValueLength))
		}
		if len(k) > c.lim.MaxValueLength {
			return reject(CodeValueTooLong, shorten(k, 40), "a property name is longer than max_value_length; rename the column")
		}
	}

	if f.Geometry == nil {
		if c.kind == geodata.KindExposure {
			return true, c.checkID(n, f, id)
		}
		return reject(formats.CodeGeoJSONNoGeometry, "geometry", fmt.Sprintf("the feature has no geometry (null); add one or remove the feature — only an %s layer holds rows without geometry", geodata.KindExposure))
	}
	if p, bad := firstBadPoint(f.Geometry); bad {
		return reject(CodeOutOfRange, "geometry", rangeMessage(p))
	}

	g, fixes, err := repairGeometry(f.Geometry)
	if err != "" {
		code := CodeDegenerateLine
		if _, isPoly := f.Geometry.(orb.Polygon); isPoly {
			code = CodeDegenerateRing
		} else if _, isMP := f.Geometry.(orb.MultiPolygon); isMP {
			code = CodeDegenerateRing
		}
		return reject(code, "geometry", err)
	}
	for _, fx := range fixes {
		repair(fx.code, "geometry", fx.msg)
	}
	if single, unwrapped := unwrapSingle(g); unwrapped {
		g = single
		repair(CodeSingleMember, "geometry", fmt.Sprintf("the %s had one member and became a %s", f.Geometry.GeoJSONType(), single.GeoJSONType()))
	}
	types, hint := allowedGeometry(c.kind)
	allowed := false
	for _, t := range types {
		if g.GeoJSONType() == t {
			allowed = true
		}
	}
	if !allowed {
		return reject(CodeWrongGeometry, "geometry", fmt.Sprintf("a %s is not allowed in a %s layer, which holds %s; upload it as another kind of layer or convert the geometry", g.GeoJSONType(), c.kind, hint))
	}
	f.Geometry = g
	return true, c.checkID(n, f, id) || repaired
}

// checkID gives feature f (1-based position n) an id when it has none and
// a unique one when an earlier feature has its id.
// It reports whether it changed the id.
func (c *checker) checkID(n int, f *geojson.Feature, id string) (repaired bool) {
	if f.ID == nil {
		f.ID = strconv.Itoa(n)
		c.rep.Counts[CodeMissingID]++
		id = f.ID.(string)
	}
	if c.ids[id] > 0 {
		c.ids[id]++
		nid := id + "~" + strconv.Itoa(c.ids[id])
		for c.ids[nid] > 0 {
			c.ids[id]++
			nid = id + "~" + strconv.Itoa(c.ids[id])
		}
		c.rep.Add(geodata.Issue{Feature: n, ID: id, Field: "id", Code: CodeDuplicateID, Action: geodata.Repaired,
			Message: fmt.Sprintf("the id %q was used by an earlier feature; this one is now %q — give every feature its own id", shorten(id, 60), shorten(nid, 70))})
		f.ID = nid
		c.ids[nid] = 1
		return true
	}
	c.ids[id] = 1
	return false
}

type fix struct{ code, msg string }

// repairGeometry drops repeated consecutive vertices, closes open rings and
// checks lines and rings still have enough distinct points. It returns the
// repaired geometry, the repairs made, or a message saying why the
// geometry cannot be used.
func repairGeometry(g orb.Geometry) (orb.Geometry, []fix, string) {
	var fixes []fix
	dropped := 0
	line := func(ls orb.LineString) (orb.LineString, string) {
		out, d := dedupe(ls)
		dropped += d
		if len(out) < 2 {
			return nil, "the line has fewer than two distinct points; remove it or add the missing points"
		}
		return out, ""
	}
	closed := 0
	ring := func(r orb.Ring) (orb.Ring, string) {
		pts, d := dedupe(orb.LineString(r))
		dropped += d
		if len(pts) > 0 && pts[0] != pts[len(pts)-1] {
			pts = append(pts, pts[0])
			closed++
		}
		if len(pts) < 4 {
			return nil, "a polygon ring has fewer than three distinct points; remove the polygon or fix the ring"
		}
		return orb.Ring(pts), ""
	}
	polygon := func(p orb.Polygon) (orb.Polygon, string) {
		if len(p) == 0 {
			return nil, "the polygon has no rings"
		}
		out := make(orb.Polygon, len(p))
		for i, r := range p {
			rr, msg := ring(r)
			if msg != "" {
				return nil, msg
			}
			out[i] = rr
		}
		return out, ""
	}
	var res orb.Geometry
	switch x := g.(type) {
	case orb.Point:
		res = x
	case orb.MultiPoint:
		if len(x) == 0 {
			return nil, nil, "the MultiPoint has no points"
		}
		res = x
	case orb.LineString:
		l, msg := line(x)
		if msg != "" {
			return nil, nil, msg
		}
		res = l
	case orb.MultiLineString:
		out := make(orb.MultiLineString, 0, len(x))
		for _, ls := range x {
			l, msg := line(ls)
			if msg != "" {
				return nil, nil, msg
			}
			out = append(out, l)
		}
		if len(out) == 0 {
			return nil, nil, "the MultiLineString has no lines"
		}
		res = out
	case orb.Polygon:
		p, msg := polygon(x)
		if msg != "" {
			return nil, nil, msg
		}
		res = p
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, 0, len(x))
		for _, p := range x {
			pp, msg := polygon(p)
			if msg != "" {
				return nil, nil, msg
			}
			out = append(out, pp)
		}
		if len(out) == 0 {
			return nil, nil, "the MultiPolygon has no polygons"
		}
		res = out
	case orb.Collection:
		if len(x) == 1 {
			return repairGeometry(x[0])
		}
		return x, nil, ""
	case nil:
		return nil, nil, "the feature has no geometry"
	default:
		return g, nil, ""
	}
	if dropped > 0 {
		fixes = append(fixes, fix{CodeDuplicateVertex, fmt.Sprintf("%d repeated point(s) in a row were dropped", dropped)})
	}
	if closed > 0 {
		fixes = append(fixes, fix{CodeRingClosed, fmt.Sprintf("%d polygon ring(s) did not end where they started and were closed", closed)})
	}
	return res, fixes, ""
}

// dedupe drops points equal to the one before them.
func dedupe(ls orb.LineString) (orb.LineString, int) {
	if len(ls) == 0 {
		return ls, 0
	}
	out := make(orb.LineString, 0, len(ls))
	out = append(out, ls[0])
	for _, p := range ls[1:] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return out, len(ls) - len(out)
}

// unwrapSingle turns a multi geometry or collection of one member into that member.
func unwrapSingle(g orb.Geometry) (orb.Geometry, bool) {
	switch x := g.(type) {
	case orb.MultiPoint:
		if len(x) == 1 {
			return x[0], true
		}
	case orb.MultiLineString:
		if len(x) == 1 {
			return x[0], true
		}
	case orb.MultiPolygon:
		if len(x) == 1 {
			return x[0], true
		}
	case orb.Collection:
		if len(x) == 1 {
			return x[0], true
		}
	}
	return g, false
}

// firstBadPoint returns the first coordinate that is not a finite WGS84
// longitude/latitude.
func firstBadPoint(g orb.Geometry) (orb.Point, bool) {
	var bad orb.Point
	found := false
	visitCoords(g, func(p orb.Point) bool {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) || math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
			bad, found = p, true
			return false
		}
		return true
	})
	return bad, found
}

// rangeMessage explains an out-of-range coordinate and the likely cause.
func rangeMessage(p orb.Point) string {
	lon, lat := p[0], p[1]
	base := fmt.Sprintf("the coordinate (%s, %s) is not a WGS84 longitude/latitude (longitude -180..180, latitude -90..90)", formatCoord(lon), formatCoord(lat))
	switch {
	case math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0):
		return base + "; replace the missing value"
	case math.Abs(lon) > 1000 || math.Abs(lat) > 1000:
		return base + "; the numbers look like metres of a projected CRS — reproject the file to EPSG:4326"
	case math.Abs(lon) <= 90 && math.Abs(lat) > 90 && math.Abs(lat) <= 180:
		return base + "; longitude and latitude look swapped — GeoJSON order is longitude, latitude"
	}
	return base + "; correct it or remove the feature"
}

func formatCoord(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

// visit calls fn with every coordinate of g until fn returns false.
func visitCoords(g orb.Geometry, fn func(orb.Point) bool) bool {
	switch x := g.(type) {
	case orb.Point:
		return fn(x)
	case orb.MultiPoint:
		for _, p := range x {
			if !fn(p) {
				return false
			}
		}
	case orb.LineString:
		for _, p := range x {
			if !fn(p) {
				return false
			}
		}
	case orb.Ring:
		for _, p := range x {
			if !fn(p) {
				return false
			}
		}
	case orb.MultiLineString:
		for _, l := range x {
			if !visitCoords(l, fn) {
				return false
			}
		}
	case orb.Polygon:
		for _, r := range x {
			if !visitCoords(r, fn) {
				return false
			}
		}
	case orb.MultiPolygon:
		for _, p := range x {
			if !visitCoords(p, fn) {
				return false
			}
		}
	case orb.Collection:
		for _, c := range x {
			if !visitCoords(c, fn) {
				return false
			}
		}
	}
	return true
}

func featureID(id any) string {
	switch v := id.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(id)
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r) + "…"
}
