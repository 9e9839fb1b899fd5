package formats

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmxml"

	"github.com/routerisk/routerisk/geodata"
)

// osmPBFMagic is how an .osm.pbf starts after its 4-byte header length:
// the BlobHeader field 1 (type) holding "OSMHeader".
var osmPBFMagic = []byte("\x0a\x09OSMHeader")

// isOSMPBF tells an .osm.pbf by its first bytes.
func isOSMPBF(head []byte) bool {
	return len(head) >= 4+len(osmPBFMagic) && bytes.Equal(head[4:4+len(osmPBFMagic)], osmPBFMagic)
}

// isOverpassJSON tells Overpass (or OSM API) JSON from GeoJSON by its
// first bytes: an "elements" member and no GeoJSON "type" before it.
func isOverpassJSON(head []byte) bool {
	i := bytes.Index(head, []byte(`"elements"`))
	if i < 0 {
		return false
	}
	before := head[:i]
	return !bytes.Contains(before, []byte(`"FeatureCollection"`)) && !bytes.Contains(before, []byte(`"features"`))
}

// newOSMReader picks the reader for the encoding src is in.
func newOSMReader(src Source, lim Limits) (osmReader, error) {
	if src.R == nil || src.Size <= 0 {
		return nil, geodata.Errorf(geodata.Invalid, "the file %q is empty", geodata.Truncate(src.Name, 80))
	}
	head := make([]byte, 512)
	n, err := src.R.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, &geodata.Error{Code: geodata.Invalid, Message: "the file could not be read", Err: err}
	}
	head = head[:n]
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case isOSMPBF(head):
		return osmPBFReader{src: src, lim: lim}, nil
	case bytes.HasPrefix(trimmed, []byte("{")):
		return osmJSONReader{src: src}, nil
	case bytes.HasPrefix(trimmed, []byte("<")):
		return osmXMLReader{src: src}, nil
	}
	return nil, geodata.Errorf(geodata.Invalid,
		"the file %q is not OpenStreetMap data RouteRisk reads: upload Overpass JSON (out json), OSM XML (.osm) or an .osm.pbf extract", geodata.Truncate(src.Name, 80))
}

// fromOSM converts an object of paulmach/osm.
func fromOSM(o osm.Object) *osmElem {
	switch v := o.(type) {
	case *osm.Node:
		return &osmElem{typ: "node", id: int64(v.ID), tags: v.Tags.Map(), lat: v.Lat, lon: v.Lon, hasCoord: true}
	case *osm.Way:
		e := &osmElem{typ: "way", id: int64(v.ID), tags: v.Tags.Map()}
		e.nodes = make([]int64, len(v.Nodes))
		located := len(v.Nodes) > 0
		for i, n := range v.Nodes {
			e.nodes[i] = int64(n.ID)
			located = located && (n.Lat != 0 || n.Lon != 0)
		}
		if located { // Overpass "out geom" puts each node's location on <nd>
			e.geom = make([]orb.Point, len(v.Nodes))
			for i, n := range v.Nodes {
				e.geom[i] = orb.Point{n.Lon, n.Lat}
			}
		}
		return e
	case *osm.Relation:
		e := &osmElem{typ: "relation", id: int64(v.ID), tags: v.Tags.Map()}
		for _, m := range v.Members {
			om := osmMember{typ: string(m.Type), role: m.Role, ref: m.Ref}
			if m.Type == osm.TypeNode && (m.Lat != 0 || m.Lon != 0) {
				om.geom = []orb.Point{{m.Lon, m.Lat}}
			}
			for _, n := range m.Nodes {
				om.geom = append(om.geom, orb.Point{n.Lon, n.Lat})
			}
			e.members = append(e.members, om)
		}
		return e
	}
	return nil
}

// osmXMLReader reads OSM XML (the editing API's, JOSM's, Overpass's).
type osmXMLReader struct{ src Source }

func (r osmXMLReader) encoding() string { return "XML" }

func (r osmXMLReader) scan(_ osmWant, fn func(*osmElem) error) error {
	s := osmxml.New(context.Background(), noDoctype(r.src.Reader()))
	defer s.Close()
	for s.Scan() {
		if e := fromOSM(s.Object()); e != nil {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	if err := s.Err(); err != nil {
		var ge *geodata.Error
		if errors.As(err, &ge) {
			return ge
		}
		return &geodata.Error{Code: geodata.Invalid, Err: err,
			Message: "the OSM XML cannot be read (" + geodata.Truncate(err.Error(), 120) + "); export it again from JOSM, the OSM website or Overpass (out xml)"}
	}
	return nil
}

// noDoctype refuses a document type or entity declaration before the XML
// parser sees it, as the KML and GPX readers do: OSM XML never has one.
func noDoctype(r io.Reader) io.Reader {
	return &doctypeGuard{r: bufio.NewReader(r)}
}

type doctypeGuard struct {
	r    *bufio.Reader
	tail []byte
}

func (g *doctypeGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	window := append(g.tail, p[:n]...)
	if bytes.Contains(window, []byte("<!DOCTYPE")) || bytes.Contains(window, []byte("<!ENTITY")) {
		return 0, geodata.Errorf(geodata.Invalid, "the OSM XML declares a DOCTYPE or ENTITY, which OSM XML never needs; RouteRisk does not read such files — export it again")
	}
	if len(window) > 8 {
		window = window[len(window)-8:]
	}
	g.tail = append(g.tail[:0], window...)
	return n, err
}

// osmJSONReader streams Overpass JSON ("out json"; also the OSM API's
// JSON), element by element, with Overpass's "center" and "geometry".
type osmJSONReader struct{ src Source }

func (r osmJSONReader) encoding() string { return "JSON (Overpass)" }

// overpassElement is one entry of "elements".
type overpassElement struct {
	Type     string            `json:"type"`
	ID       int64             `json:"id"`
	Lat      *float64          `json:"lat"`
	Lon      *float64          `json:"lon"`
	Tags     map[string]string `json:"tags"`
	Nodes    []int64           `json:"nodes"`
	Center   *overpassLatLon   `json:"center"`
	Geometry []*overpassLatLon `json:"geometry"`
	Members  []struct {
		Type     string            `json:"type"`
		Ref      int64             `json:"ref"`
		Role     string            `json:"role"`
		Lat      *float64          `json:"lat"`
		Lon      *float64          `json:"lon"`
		Geometry []*overpassLatLon `json:"geometry"`
	} `json:"members"`
}

type overpassLatLon struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

func latLons(g []*overpassLatLon) []orb.Point {
	out := make([]orb.Point, 0, len(g))
	for _, p := range g {
		if p != nil { // Overpass writes null for a node outside the query's bounding box
			out = append(out, orb.Point{p.Lon, p.Lat})
		}
	}
	return out
}

func (r osmJSONReader) scan(_ osmWant, fn func(*osmElem) error) error {
	dec := json.NewDecoder(bufio.NewReader(r.src.Reader()))
	bad := func(err error) error {
		return &geodata.Error{Code: geodata.Invalid, Err: err,
			Message: "the Overpass JSON cannot be read (" + geodata.Truncate(err.Error(), 120) + "); run the query again with [out:json] and save the whole answer"}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return bad(fmt.Errorf("it does not start with an object"))
	}
	found := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		key, _ := t.(string)
		if key != "elements" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return bad(err)
			}
			continue
		}
		found = true
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return bad(fmt.Errorf(`"elements" is not a list`))
		}
		n := 0
		for dec.More() {
			n++
			var oe overpassElement
			if err := dec.Decode(&oe); err != nil {
				return bad(fmt.Errorf("element %d: %w", n, err))
			}
			if e := oe.elem(); e != nil {
				if err := fn(e); err != nil {
					return err
				}
			}
		}
		if _, err := dec.Token(); err != nil {
			return bad(err)
		}
	}
	if !found {
		return geodata.Errorf(geodata.Invalid, `the JSON has no "elements" list, so it is not Overpass JSON; run the query with [out:json], or upload GeoJSON as GeoJSON`)
	}
	return nil
}

func (oe *overpassElement) elem() *osmElem {
	e := &osmElem{typ: strings.ToLower(oe.Type), id: oe.ID, tags: oe.Tags}
	switch e.typ {
	case "node":
		if oe.Lat != nil && oe.Lon != nil {
			e.lat, e.lon, e.hasCoord = *oe.Lat, *oe.Lon, true
		}
	case "way":
		e.nodes = oe.Nodes
	case "relation":
		for _, m := range oe.Members {
			om := osmMember{typ: m.Type, role: m.Role, ref: m.Ref, geom: latLons(m.Geometry)}
			if m.Lat != nil && m.Lon != nil {
				om.geom = append(om.geom, orb.Point{*m.Lon, *m.Lat})
			}
			e.members = append(e.members, om)
		}
	default:
		return nil
	}
	if g := latLons(oe.Geometry); len(g) > 0 {
		e.geom = g
	}
	if oe.Center != nil {
		c := orb.Point{oe.Center.Lon, oe.Center.Lat}
		e.center = &c
	}
	return e
}
