package formats

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// DecodeGPX reads a GPX 1.0 or 1.1 file (a missing namespace or XML
// declaration is fine) into features, in file order: each waypoint (wpt) a
// Point, each route (rte) a LineString, each track (trk) a LineString when
// it has one non-empty segment and a MultiLineString when it has more.
// Elevations of route and track points are dropped.
//
// Properties are the element values found: name, cmt, desc, src, sym, type,
// fix, url, urlname and time as text; ele, magvar, geoidheight, sat, hdop,
// vdop, pdop, ageofdgpsdata, dgpsid, number, course and speed as numbers;
// links as link1_href, link1_text, link1_type, link2_href, ... (the names
// GDAL and QGIS use). A route or track also gets "time", the time of its
// first point. <extensions> are not read.
//
// A waypoint without lat/lon, a point with unreadable coordinates and a
// route or track without points are rejected in the report.
func DecodeGPX(r io.Reader, opts Options) (*Decoded, error) {
	out := &Decoded{Format: GPX}
	s := newXMLStream(r, "GPX")
	root, err := s.root("gpx")
	if err != nil {
		return nil, err
	}
	g := &gpxReader{s: s, t: xmlTally{lim: opts.Limits.WithDefaults(), out: out}}
	if err := g.readDocument(); err != nil {
		return nil, err
	}
	if v, ok := xmlAttr(root, "version"); ok && v != "" {
		out.Notes = append(out.Notes, "GPX version "+v)
	}
	if s.converted != "" {
		out.Notes = append(out.Notes, fmt.Sprintf("the file was converted from %s to UTF-8", s.converted))
	}
	if g.sawExtensions {
		out.Notes = append(out.Notes, "GPX <extensions> (device- or application-specific data) are not read")
	}
	return out, nil
}

// gpxReader walks one GPX document.
type gpxReader struct {
	s             *xmlStream
	t             xmlTally
	sawExtensions bool
}

// gpxFeature is what one wpt, rte or trk holds while it is read.
type gpxFeature struct {
	pos     int
	props   geojson.Properties
	links   int
	problem string // the first coordinate problem found
	// start is the time of the first route or track point.
	start string
}

// readDocument reads the children of <gpx>: waypoints, routes and tracks;
// metadata and extensions are skipped.
func (g *gpxReader) readDocument() error {
	return g.s.children(func(se xml.StartElement) error {
		switch se.Name.Local {
		case "wpt":
			return g.waypoint(se)
		case "rte":
			return g.route()
		case "trk":
			return g.track()
		case "extensions":
			g.sawExtensions = true
		}
		return g.s.skip()
	})
}

// label names the feature in messages ("the track \"Day 1\""), by its
// name when it has one.
func (f *gpxFeature) label(what string) string {
	if name, ok := f.props["name"].(string); ok && name != "" {
		return "the " + what + " " + quoteSnippet([]byte(name))
	}
	return "the " + what
}

func (g *gpxReader) startFeature() (*gpxFeature, error) {
	pos, err := g.t.startFeature()
	if err != nil {
		return nil, err
	}
	return &gpxFeature{pos: pos, props: geojson.Properties{}}, nil
}

func (g *gpxReader) waypoint(se xml.StartElement) error {
	f, err := g.startFeature()
	if err != nil {
		return err
	}
	p, problem, missing := gpxPoint(se)
	if err := g.t.addVertices(1); err != nil {
		return err
	}
	if err := g.s.children(func(c xml.StartElement) error { return g.field(f, c) }); err != nil {
		return err
	}
	switch {
	case missing:
		g.t.reject(f.pos, "", "missing_coordinates", f.label("waypoint")+
			" is missing its lat or lon attribute; add both (e.g. <wpt lat=\"46.5\" lon=\"6.6\">) or remove the waypoint")
	case problem != "":
		g.t.reject(f.pos, "", "bad_coordinates", f.label("waypoint")+": "+problem+"; fix it or remove the waypoint")
	default:
		g.accept(f, p)
	}
	return nil
}

func (g *gpxReader) route() error {
	f, err := g.startFeature()
	if err != nil {
		return err
	}
	var line orb.LineString
	err = g.s.children(func(c xml.StartElement) error {
		if c.Name.Local != "rtept" {
			return g.field(f, c)
		}
		p, ok, err := g.linePoint(f, c, "route point", len(line)+1)
		if ok {
			line = append(line, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	return g.finishLine(f, "route", orb.MultiLineString{line})
}

func (g *gpxReader) track() error {
	f, err := g.startFeature()
	if err != nil {
		return err
	}
	var segments orb.MultiLineString
	points := 0
	err = g.s.children(func(c xml.StartElement) error {
		if c.Name.Local != "trkseg" {
			return g.field(f, c)
		}
		var seg orb.LineString
		err := g.s.children(func(pt xml.StartElement) error {
			if pt.Name.Local != "trkpt" {
				if pt.Name.Local == "extensions" {
					g.sawExtensions = true
				}
				return g.s.skip()
			}
			points++
			p, ok, err := g.linePoint(f, pt, "track point", points)
			if ok {
				seg = append(seg, p)
			}
			return err
		})
		segments = append(segments, seg)
		return err
	})
	if err != nil {
		return err
	}
	return g.finishLine(f, "track", segments)
}

// finishLine accepts a route or track: empty segments are left out, one
// segment makes a LineString, more a MultiLineString.
func (g *gpxReader) finishLine(f *gpxFeature, what string, segments orb.MultiLineString) error {
	if f.problem != "" {
		g.t.reject(f.pos, "", "bad_coordinates", fmt.Sprintf("%s: %s; fix it or remove the %s", f.label(what), f.problem, what))
		return nil
	}
	var kept orb.MultiLineString
	for _, s := range segments {
		if len(s) > 0 {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		g.t.reject(f.pos, "", "empty_geometry", fmt.Sprintf("%s has no points; add them or remove the %s", f.label(what), what))
		return nil
	}
	if _, ok := f.props["time"]; !ok && f.start != "" {
		if err := g.t.setProperty(f.pos, f.props, "time", f.start); err != nil {
			return err
		}
	}
	if len(kept) == 1 {
		g.accept(f, kept[0])
	} else {
		g.accept(f, kept)
	}
	return nil
}

func (g *gpxReader) accept(f *gpxFeature, geom orb.Geometry) {
	feat := geojson.NewFeature(geom)
	feat.Properties = f.props
	g.t.accept(feat)
}

// linePoint reads one rtept or trkpt (the n-th of its route or track): its
// coordinates, and its time when it is the first point with one.
func (g *gpxReader) linePoint(f *gpxFeature, se xml.StartElement, what string, n int) (orb.Point, bool, error) {
	p, problem, missing := gpxPoint(se)
	switch {
	case f.problem != "":
	case missing:
		f.problem = fmt.Sprintf("%s %d is missing its lat or lon attribute", what, n)
	case problem != "":
		f.problem = fmt.Sprintf("%s %d: %s", what, n, problem)
	}
	if err := g.t.addVertices(1); err != nil {
		return p, false, err
	}
	err := g.s.children(func(c xml.StartElement) error {
		if c.Name.Local == "extensions" {
			g.sawExtensions = true
		}
		if c.Name.Local != "time" || f.start != "" {
			return g.s.skip()
		}
		v, tooLong, err := g.s.text(g.t.lim.MaxValueLength)
		if err != nil {
			return err
		}
		if tooLong {
			return g.t.valueTooLong(f.pos, "time")
		}
		f.start = strings.TrimSpace(string(v))
		return nil
	})
	return p, problem == "" && !missing, err
}

// gpxPoint reads the lat and lon attributes of a wpt, rtept or trkpt.
// missing says an attribute is absent; problem describes a bad value.
func gpxPoint(se xml.StartElement) (p orb.Point, problem string, missing bool) {
	lat, okLat := xmlAttr(se, "lat")
	lon, okLon := xmlAttr(se, "lon")
	if !okLat || !okLon {
		return p, "", true
	}
	for i, a := range [2]struct{ name, value string }{{"lon", lon}, {"lat", lat}} {
		text := strings.TrimSpace(a.value)
		if text == "" {
			return orb.Point{}, a.name + " is empty", false
		}
		v, prob := parseCoordinateNumber([]byte(text))
		if prob != "" {
			return orb.Point{}, a.name + " " + prob, false
		}
		p[i] = v
	}
	return p, "", false
}

// gpxFieldIsText and gpxFieldIsNumber name the child elements read as
// properties of a wpt, rte or trk (GPX 1.0 and 1.1 together).
func gpxFieldIsText(name string) bool {
	switch name {
	case "name", "cmt", "desc", "src", "sym", "type", "fix", "url", "urlname", "time":
		return true
	}
	return false
}

func gpxFieldIsNumber(name string) bool {
	switch name {
	case "ele", "magvar", "geoidheight", "sat", "hdop", "vdop", "pdop", "ageofdgpsdata", "dgpsid",
		"number", "course", "speed":
		return true
	}
	return false
}

// field reads one child element of a wpt, rte or trk as a property, or
// skips it.
func (g *gpxReader) field(f *gpxFeature, se xml.StartElement) error {
	name := se.Name.Local
	switch {
	case name == "link":
		return g.link(f, se)
	case name == "extensions":
		g.sawExtensions = true
		return g.s.skip()
	case !gpxFieldIsText(name) && !gpxFieldIsNumber(name):
		return g.s.skip()
	}
	v, tooLong, err := g.s.text(g.t.lim.MaxValueLength)
	if err != nil {
		return err
	}
	if tooLong {
		return g.t.valueTooLong(f.pos, name)
	}
	text := string(v)
	if name == "time" {
		text = strings.TrimSpace(text)
	}
	if text == "" {
		return nil
	}
	if gpxFieldIsText(name) {
		return g.t.setProperty(f.pos, f.props, name, text)
	}
	return g.number(f, name, text)
}

// number sets a numeric property; a value that is not a finite number is
// kept as text and flagged.
func (g *gpxReader) number(f *gpxFeature, name, text string) error {
	trimmed := strings.TrimSpace(text)
	if trimmed == "" {
		return nil
	}
	v, problem := parseCoordinateNumber([]byte(trimmed))
	if problem == "" {
		return g.t.setProperty(f.pos, f.props, name, v)
	}
	g.t.out.Report.Add(geodata.Issue{Feature: f.pos, Field: name, Code: "not_a_number", Action: geodata.Flagged,
		Message: fmt.Sprintf("<%s> should be a number but %s; it is kept as text", name, problem)})
	return g.t.setProperty(f.pos, f.props, name, text)
}

// link reads <link href="..."><text/><type/></link> as linkN_href,
// linkN_text and linkN_type.
func (g *gpxReader) link(f *gpxFeature, se xml.StartElement) error {
	f.links++
	prefix := "link" + strconv.Itoa(f.links) + "_"
	if href, ok := xmlAttr(se, "href"); ok && href != "" {
		if len(href) > g.t.lim.MaxValueLength {
			return g.t.valueTooLong(f.pos, prefix+"href")
		}
		if err := g.t.setProperty(f.pos, f.props, prefix+"href", href); err != nil {
			return err
		}
	}
	return g.s.children(func(c xml.StartElement) error {
		name := c.Name.Local
		if name != "text" && name != "type" {
			return g.s.skip()
		}
		v, tooLong, err := g.s.text(g.t.lim.MaxValueLength)
		if err != nil {
			return err
		}
		if tooLong {
			return g.t.valueTooLong(f.pos, prefix+name)
		}
		if len(v) == 0 {
			return nil
		}
		return g.t.setProperty(f.pos, f.props, prefix+name, string(v))
	})
}
