package formats

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// Issue codes of the OpenStreetMap reader.
const (
	CodeOSMUnmappedTag     = "unmapped_osm_tag"     // flagged: objects with a tag the table does not map were left out (one issue per tag)
	CodeOSMMissingGeometry = "osm_missing_geometry" // rejected: a way or relation whose nodes are not in the file
	CodeOSMInvalidLocation = "osm_invalid_location" // rejected: a node with coordinates out of range
)

// osmElem is one OpenStreetMap object, whichever encoding it came in.
type osmElem struct {
	typ      string // node, way, relation
	id       int64
	tags     map[string]string
	lat, lon float64
	hasCoord bool       // a node's own location
	center   *orb.Point // Overpass "out center"
	geom     []orb.Point
	nodes    []int64 // a way's node ids, in order
	members  []osmMember
}

// osmMember is one member of a relation.
type osmMember struct {
	typ, role string
	ref       int64
	geom      []orb.Point // Overpass "out geom": the member's points
}

// osmWant says which object types a pass needs; readers may skip others.
type osmWant struct{ nodes, ways, relations bool }

// osmReader reads the objects of one file; scan may be called more than
// once, each call reading the file from its start.
type osmReader interface {
	scan(want osmWant, fn func(*osmElem) error) error
	encoding() string
}

// osmCandidate is an object the tag table maps, waiting for its location.
type osmCandidate struct {
	pos   int
	typ   string
	id    int64
	tags  map[string]string
	match osmMatch
	point *orb.Point
	line  []orb.Point // a way's own points, when given
	nodes []int64
	mems  []osmMember
}

// DecodeOSM reads OpenStreetMap data — Overpass JSON, OSM XML or an
// .osm.pbf — into one service point per object the tag table
// (OSMTagTable) maps: a node at its location, a way or relation at a
// point on its surface (its centroid when that lies inside it, else the
// middle of the widest span across it at the centroid's latitude; a line
// at its midpoint). Properties: category, subtype, name, organization
// (operator), phone, hours (opening_hours), languages (language:xx=yes),
// last_verified (check_date, else survey:date), website, osm_id, osm_type
// and osm_tag (the tag that decided the category).
//
// Objects with a tag the table does not map are left out and reported as
// one issue per tag, with the count; a way or relation whose nodes are not
// in the file is rejected in the report. The file is read up to three
// times (objects, the ways relations need, the nodes ways need), holding
// only what the mapped objects need; max_vertices bounds the nodes kept.
func DecodeOSM(src Source, opts Options) (*Decoded, error) {
	lim := opts.Limits.WithDefaults()
	r, err := newOSMReader(src, lim)
	if err != nil {
		return nil, err
	}
	d := &osmDecoder{lim: lim, unmapped: map[string]int{}, out: &Decoded{Format: OSM}}
	if err := d.read(r); err != nil {
		return nil, err
	}
	d.out.Notes = append(d.out.Notes, "read as OpenStreetMap "+r.encoding())
	return d.out, nil
}

type osmDecoder struct {
	lim        Limits
	cands      []*osmCandidate
	unmapped   map[string]int
	firstOf    map[string]string // tag → the first object counted under it
	needWays   map[int64][]int64 // way id → its node ids (nil until read)
	wayGeom    map[int64][]orb.Point
	needNodes  map[int64]orb.Point
	foundNodes map[int64]bool
	out        *Decoded
}

func (d *osmDecoder) read(r osmReader) error {
	d.firstOf = map[string]string{}
	pos := 0
	err := r.scan(osmWant{true, true, true}, func(e *osmElem) error {
		if len(e.tags) == 0 {
			return nil
		}
		m, ok, tag := classifyOSM(e.tags)
		if !ok {
			if tag != "" {
				if d.unmapped[tag] == 0 {
					d.firstOf[tag] = e.typ + "/" + strconv.FormatInt(e.id, 10)
				}
				d.unmapped[tag]++
			}
			return nil
		}
		pos++
		if len(d.cands) >= d.lim.MaxFeatures {
			return tooManyOSMFeatures(d.lim)
		}
		c := &osmCandidate{pos: pos, typ: e.typ, id: e.id, tags: e.tags, match: m, nodes: e.nodes, mems: e.members}
		switch {
		case e.typ == "node" && e.hasCoord:
			p := orb.Point{e.lon, e.lat}
			c.point = &p
		case len(e.geom) > 0:
			c.line = e.geom
		case e.center != nil:
			c.point = e.center
		}
		d.cands = append(d.cands, c)
		return nil
	})
	if err != nil {
		return err
	}
	d.collectNeeds()
	if len(d.needWays) > 0 {
		err := r.scan(osmWant{ways: true}, func(e *osmElem) error {
			if _, ok := d.needWays[e.id]; !ok || e.typ != "way" {
				return nil
			}
			if len(e.geom) > 0 {
				d.wayGeom[e.id] = e.geom
				return nil
			}
			d.needWays[e.id] = e.nodes
			return d.needNodeIDs(e.nodes)
		})
		if err != nil {
			return err
		}
	}
	if len(d.needNodes) > 0 {
		err := r.scan(osmWant{nodes: true}, func(e *osmElem) error {
			if e.typ != "node" || !e.hasCoord {
				return nil
			}
			if _, ok := d.needNodes[e.id]; ok {
				d.needNodes[e.id] = orb.Point{e.lon, e.lat}
				d.foundNodes[e.id] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	d.finish()
	return nil
}

// collectNeeds lists the ways and nodes the candidates need.
func (d *osmDecoder) collectNeeds() {
	d.needWays, d.wayGeom = map[int64][]int64{}, map[int64][]orb.Point{}
	d.needNodes, d.foundNodes = map[int64]orb.Point{}, map[int64]bool{}
	for _, c := range d.cands {
		if c.point != nil || len(c.line) > 0 {
			continue
		}
		switch c.typ {
		case "way":
			_ = d.needNodeIDs(c.nodes)
		case "relation":
			for _, m := range c.mems {
				switch {
				case len(m.geom) > 0:
				case m.typ == "way":
					d.needWays[m.ref] = nil
				case m.typ == "node":
					_ = d.needNodeIDs([]int64{m.ref})
				}
			}
		}
	}
}

func (d *osmDecoder) needNodeIDs(ids []int64) error {
	for _, id := range ids {
		d.needNodes[id] = orb.Point{}
	}
	if len(d.needNodes) > d.lim.MaxVertices {
		return &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "max_vertices", "value": d.lim.MaxVertices},
			Message: fmt.Sprintf("the mapped OpenStreetMap objects need more than %d nodes (limit max_vertices); export a smaller area or only the objects you need", d.lim.MaxVertices)}
	}
	return nil
}

// nodePoints returns the locations of ids, or false when one is missing.
func (d *osmDecoder) nodePoints(ids []int64) ([]orb.Point, bool) {
	pts := make([]orb.Point, 0, len(ids))
	for _, id := range ids {
		if !d.foundNodes[id] {
			return nil, false
		}
		pts = append(pts, d.needNodes[id])
	}
	return pts, true
}

// finish places every candidate and writes the features and the report.
func (d *osmDecoder) finish() {
	rep := &d.out.Report
	for _, c := range d.cands {
		rep.Read++
		label := osmLabel(c)
		p, ok := d.place(c)
		if !ok {
			rep.Rejected++
			rep.Add(geodata.Issue{Feature: c.pos, ID: c.typ + "/" + strconv.FormatInt(c.id, 10), Field: "geometry", Code: CodeOSMMissingGeometry, Action: geodata.Rejected,
				Message: fmt.Sprintf("%s: its nodes are not in the file, so it cannot be placed; in Overpass end the query with \"out center;\" or \"out geom;\", or include the nodes (\"(._;>;); out;\")", label)})
			continue
		}
		if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 || p[0] != p[0] || p[1] != p[1] {
			rep.Rejected++
			rep.Add(geodata.Issue{Feature: c.pos, ID: c.typ + "/" + strconv.FormatInt(c.id, 10), Field: "geometry", Code: CodeOSMInvalidLocation, Action: geodata.Rejected,
				Message: fmt.Sprintf("%s: location %g, %g is not a longitude/latitude; fix it in OpenStreetMap or leave it out", label, p[0], p[1])})
			continue
		}
		f := geojson.NewFeature(p)
		f.ID = c.typ + "/" + strconv.FormatInt(c.id, 10)
		f.Properties = osmProperties(c, d.lim)
		d.out.Features = append(d.out.Features, f)
		rep.Accepted++
	}
	tags := make([]string, 0, len(d.unmapped))
	for t := range d.unmapped {
		tags = append(tags, t)
	}
	sort.Slice(tags, func(i, j int) bool {
		if d.unmapped[tags[i]] != d.unmapped[tags[j]] {
			return d.unmapped[tags[i]] > d.unmapped[tags[j]]
		}
		return tags[i] < tags[j]
	})
	for _, t := range tags {
		n := d.unmapped[t]
		what := "1 OpenStreetMap object"
		if n > 1 {
			what = fmt.Sprintf("%d OpenStreetMap objects", n)
		}
		rep.Add(geodata.Issue{Field: "tags", Code: CodeOSMUnmappedTag, Action: geodata.Flagged,
			Message: fmt.Sprintf("%s tagged %s (the first: %s) left out: no service category is mapped to that tag (the table is in docs/importers.md); if they are services, add a category column and upload them as GeoJSON or CSV", what, t, d.firstOf[t])})
	}
	if rep.Counts == nil {
		rep.Counts = map[string]int{}
	}
	if len(tags) > 0 {
		// Counts count objects, not issues, so the total of what was left out shows.
		total := 0
		for _, t := range tags {
			total += d.unmapped[t]
		}
		rep.Counts[CodeOSMUnmappedTag] = total
	}
}

// place finds the point a candidate is shown at.
func (d *osmDecoder) place(c *osmCandidate) (orb.Point, bool) {
	if c.point != nil {
		return *c.point, true
	}
	if len(c.line) > 0 {
		return surfacePoint([][]orb.Point{c.line}), true
	}
	switch c.typ {
	case "way":
		pts, ok := d.nodePoints(c.nodes)
		if !ok || len(pts) == 0 {
			return orb.Point{}, false
		}
		return surfacePoint([][]orb.Point{pts}), true
	case "relation":
		var parts [][]orb.Point
		var inner [][]orb.Point
		var nodes []orb.Point
		for _, m := range c.mems {
			var pts []orb.Point
			switch {
			case len(m.geom) > 0:
				pts = m.geom
			case m.typ == "way":
				if g, ok := d.wayGeom[m.ref]; ok {
					pts = g
				} else if ids := d.needWays[m.ref]; len(ids) > 0 {
					pts, _ = d.nodePoints(ids)
				}
			case m.typ == "node":
				if d.foundNodes[m.ref] {
					nodes = append(nodes, d.needNodes[m.ref])
				}
				continue
			}
			if len(pts) == 0 {
				continue
			}
			if m.role == "inner" {
				inner = append(inner, pts)
			} else {
				parts = append(parts, pts)
			}
		}
		if len(parts) > 0 {
			return relationSurfacePoint(parts, inner), true
		}
		if len(nodes) > 0 {
			return nodes[0], true
		}
	}
	return orb.Point{}, false
}

// osmLabel names a candidate in messages: way 12 (amenity=clinic "Name").
func osmLabel(c *osmCandidate) string {
	s := fmt.Sprintf("%s %d (%s", c.typ, c.id, c.match.tag)
	if n := c.tags["name"]; n != "" {
		s += fmt.Sprintf(" %q", truncateRunes(n, 60))
	}
	return s + ")"
}

// osmProperties turns a candidate's tags into service properties.
func osmProperties(c *osmCandidate, lim Limits) geojson.Properties {
	t := c.tags
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := strings.TrimSpace(t[k]); v != "" {
				return v
			}
		}
		return ""
	}
	p := geojson.Properties{
		"category": c.match.category,
		"subtype":  c.match.subtype,
		"osm_id":   c.id,
		"osm_type": c.typ,
		"osm_tag":  c.match.tag,
	}
	set := func(k, v string) {
		if v == "" {
			return
		}
		if len(v) > lim.MaxValueLength {
			v = v[:lim.MaxValueLength]
		}
		p[k] = v
	}
	set("name", first("name", "name:en", "official_name", "operator", "brand"))
	set("organization", first("operator", "network"))
	set("phone", first("phone", "contact:phone"))
	set("hours", first("opening_hours"))
	set("website", first("website", "contact:website", "url"))
	set("last_verified", first("check_date", "survey:date", "check_date:opening_hours"))
	var langs []string
	for k, v := range t {
		if code, ok := strings.CutPrefix(k, "language:"); ok && v == "yes" && code != "" && len(code) <= 8 {
			langs = append(langs, code)
		}
	}
	if len(langs) > 0 {
		sort.Strings(langs)
		set("languages", strings.Join(langs, ", "))
	}
	return p
}

func tooManyOSMFeatures(lim Limits) error {
	return &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "max_features", "value": lim.MaxFeatures},
		Message: fmt.Sprintf("the file has more than %d mapped OpenStreetMap objects (limit max_features); export a smaller area or ask an admin to raise the limit", lim.MaxFeatures)}
}
