package formats

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// DecodeKML reads the Placemarks of a KML document, wherever they sit in
// its Document and Folder nesting. Geometries: Point, LineString, LinearRing
// (as a LineString, as GDAL reads it), Polygon with its inner boundaries,
// MultiGeometry (MultiPoint, MultiLineString or MultiPolygon when its parts
// share a type, a GeometryCollection otherwise), gx:Track (a LineString of
// its gx:coord) and gx:MultiTrack. Properties: name, address, description,
// styleUrl, visibility (as the text found), "timestamp" from TimeStamp,
// "timespan" as {"begin", "end"} from TimeSpan, and every ExtendedData
// Data/value and SchemaData/SimpleData by name. Altitudes are dropped.
//
// A Placemark without a usable geometry is rejected in the report. Files
// with a <!DOCTYPE> are refused whole, and NetworkLinks are never followed.
func DecodeKML(r io.Reader, opts Options) (*Decoded, error) {
	out := &Decoded{Format: KML}
	s := newXMLStream(r, "KML")
	if _, err := s.root("kml"); err != nil {
		return nil, err
	}
	k := &kmlReader{s: s, t: xmlTally{lim: opts.Limits.WithDefaults(), out: out}, seenColumns: map[string]bool{}}
	if err := k.readDocument(); err != nil {
		return nil, err
	}
	if s.converted != "" {
		out.Notes = append(out.Notes, fmt.Sprintf("the file was converted from %s to UTF-8", s.converted))
	}
	if k.networkLinks > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf(
			"the file has %d NetworkLink(s); they are not followed, so features they would load are not imported", k.networkLinks))
	}
	return out, nil
}

// kmlReader walks one KML document.
type kmlReader struct {
	s            *xmlStream
	t            xmlTally
	networkLinks int
	seenColumns  map[string]bool
}

// readDocument reads everything inside the <kml> element.
func (k *kmlReader) readDocument() error {
	for k.s.depth > 0 {
		tok, err := k.s.token()
		if err != nil {
			return k.s.unexpectedEnd(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "Placemark":
			err = k.placemark(se)
		case "Schema":
			err = k.schema()
		case "NetworkLink":
			k.networkLinks++
			err = k.s.skip()
		case "Style", "StyleMap", "NetworkLinkControl", "GroundOverlay", "ScreenOverlay", "PhotoOverlay":
			err = k.s.skip()
		}
		// Any other element (Document, Folder, ...) is descended into.
		if err != nil {
			return err
		}
	}
	return nil
}

// schema records the SimpleField names of a <Schema> as columns.
func (k *kmlReader) schema() error {
	return k.s.children(func(se xml.StartElement) error {
		if se.Name.Local == "SimpleField" {
			if name, ok := xmlAttr(se, "name"); ok && name != "" && !k.seenColumns[name] {
				k.seenColumns[name] = true
				k.t.out.Columns = append(k.t.out.Columns, name)
			}
		}
		return k.s.skip()
	})
}

// placemark is what one Placemark holds while it is read.
type placemark struct {
	pos     int
	id      string
	props   geojson.Properties
	parts   [][]orb.Geometry // one entry per geometry element found
	multi   bool             // the only geometry element is a MultiGeometry/MultiTrack
	problem string           // the first coordinate problem found
}

func (k *kmlReader) placemark(start xml.StartElement) error {
	pos, err := k.t.startFeature()
	if err != nil {
		return err
	}
	pm := &placemark{pos: pos, props: geojson.Properties{}}
	pm.id, _ = xmlAttr(start, "id")
	err = k.s.children(func(se xml.StartElement) error {
		switch name := se.Name.Local; name {
		case "name", "address", "description", "styleUrl", "visibility":
			return k.textProperty(pm, name)
		case "TimeStamp":
			return k.s.children(func(c xml.StartElement) error {
				if c.Name.Local == "when" {
					return k.textProperty(pm, "timestamp")
				}
				return k.s.skip()
			})
		case "TimeSpan":
			return k.timeSpan(pm)
		case "ExtendedData":
			return k.extendedData(pm)
		case "Point", "LineString", "LinearRing", "Polygon", "MultiGeometry", "Track", "MultiTrack":
			leaves, err := k.geometry(pm, se)
			pm.parts = append(pm.parts, leaves)
			pm.multi = name == "MultiGeometry" || name == "MultiTrack"
			return err
		}
		return k.s.skip()
	})
	if err != nil {
		return err
	}
	k.finish(pm)
	return nil
}

// finish accepts or rejects a Placemark once it is read.
func (k *kmlReader) finish(pm *placemark) {
	if pm.problem != "" {
		k.t.reject(pm.pos, pm.id, "bad_coordinates", pm.label()+": "+pm.problem+"; fix the coordinates or remove the Placemark")
		return
	}
	var geom orb.Geometry
	if len(pm.parts) == 1 {
		geom = combineGeometries(pm.parts[0], pm.multi)
	} else {
		var all []orb.Geometry
		for _, p := range pm.parts {
			all = append(all, p...)
		}
		geom = combineGeometries(all, false)
	}
	switch {
	case geom == nil && len(pm.parts) == 0:
		k.t.reject(pm.pos, pm.id, "missing_geometry", pm.label()+
			" has no geometry (no Point, LineString, Polygon, MultiGeometry or gx:Track); add one or remove the Placemark")
		return
	case geom == nil:
		k.t.reject(pm.pos, pm.id, "empty_geometry", pm.label()+
			" has a geometry without coordinates; add them or remove the Placemark")
		return
	}
	f := geojson.NewFeature(geom)
	f.Properties = pm.props
	if pm.id != "" {
		f.ID = pm.id
	}
	k.t.accept(f)
}

// combineGeometries makes one geometry of the non-empty parts found: nil for
// none, the part itself for one (unless multi), a Multi* when all parts
// share a type, a collection otherwise.
func combineGeometries(parts []orb.Geometry, multi bool) orb.Geometry {
	switch {
	case len(parts) == 0:
		return nil
	case len(parts) == 1 && !multi:
		return parts[0]
	}
	var (
		points   orb.MultiPoint
		lines    orb.MultiLineString
		polygons orb.MultiPolygon
	)
	for _, p := range parts {
		switch g := p.(type) {
		case orb.Point:
			points = append(points, g)
		case orb.LineString:
			lines = append(lines, g)
		case orb.Polygon:
			polygons = append(polygons, g)
		}
	}
	switch len(parts) {
	case len(points):
		return points
	case len(lines):
		return lines
	case len(polygons):
		return polygons
	}
	return orb.Collection(parts)
}

// textProperty reads the text of the current element into props[key],
// leaving out empty values.
func (k *kmlReader) textProperty(pm *placemark, key string) error {
	v, tooLong, err := k.s.text(k.t.lim.MaxValueLength)
	if err != nil {
		return err
	}
	if tooLong {
		return k.t.valueTooLong(pm.pos, key)
	}
	if len(v) == 0 {
		return nil
	}
	return k.t.setProperty(pm.pos, pm.props, key, string(v))
}

// timeSpan reads <TimeSpan><begin/><end/></TimeSpan> into "timespan".
func (k *kmlReader) timeSpan(pm *placemark) error {
	span := map[string]any{}
	err := k.s.children(func(se xml.StartElement) error {
		name := se.Name.Local
		if name != "begin" && name != "end" {
			return k.s.skip()
		}
		v, tooLong, err := k.s.text(k.t.lim.MaxValueLength)
		if err != nil {
			return err
		}
		if tooLong {
			return k.t.valueTooLong(pm.pos, "timespan")
		}
		span[name] = string(v)
		return nil
	})
	if err != nil {
		return err
	}
	return k.t.setProperty(pm.pos, pm.props, "timespan", span)
}

// extendedData reads Data/value and SchemaData/SimpleData pairs as
// properties named by their name attribute.
func (k *kmlReader) extendedData(pm *placemark) error {
	return k.s.children(func(se xml.StartElement) error {
		switch se.Name.Local {
		case "Data":
			name, _ := xmlAttr(se, "name")
			return k.s.children(func(c xml.StartElement) error {
				if c.Name.Local != "value" || name == "" {
					return k.s.skip()
				}
				return k.dataValue(pm, name)
			})
		case "SchemaData":
			return k.s.children(func(c xml.StartElement) error {
				name, _ := xmlAttr(c, "name")
				if c.Name.Local != "SimpleData" || name == "" {
					return k.s.skip()
				}
				return k.dataValue(pm, name)
			})
		}
		return k.s.skip()
	})
}

// dataValue reads the current element's text as the property name, empty
// values included (they are data, unlike an empty <name>).
func (k *kmlReader) dataValue(pm *placemark, name string) error {
	v, tooLong, err := k.s.text(k.t.lim.MaxValueLength)
	if err != nil {
		return err
	}
	if tooLong {
		return k.t.valueTooLong(pm.pos, name)
	}
	return k.t.setProperty(pm.pos, pm.props, name, string(v))
}

// geometry reads the geometry element whose start is se and returns its
// non-empty parts (several for a MultiGeometry or MultiTrack). Coordinate
// problems are recorded in pm.problem; the error is for the file as a whole.
func (k *kmlReader) geometry(pm *placemark, se xml.StartElement) ([]orb.Geometry, error) {
	switch se.Name.Local {
	case "Point":
		pts, err := k.coordinatesChild(pm)
		if err != nil || len(pts) == 0 {
			return nil, err
		}
		if len(pts) > 1 {
			pm.note(fmt.Sprintf("a Point has %d coordinate tuples instead of one", len(pts)))
			return nil, nil
		}
		return []orb.Geometry{pts[0]}, nil
	case "LineString", "LinearRing":
		pts, err := k.coordinatesChild(pm)
		if err != nil || len(pts) == 0 {
			return nil, err
		}
		return []orb.Geometry{orb.LineString(pts)}, nil
	case "Polygon":
		poly, err := k.polygon(pm)
		if err != nil || poly == nil {
			return nil, err
		}
		return []orb.Geometry{poly}, nil
	case "Track":
		line, err := k.track(pm)
		if err != nil || len(line) == 0 {
			return nil, err
		}
		return []orb.Geometry{line}, nil
	case "MultiGeometry", "MultiTrack":
		var parts []orb.Geometry
		err := k.s.children(func(c xml.StartElement) error {
			switch c.Name.Local {
			case "Point", "LineString", "LinearRing", "Polygon", "MultiGeometry", "Track", "MultiTrack":
				sub, err := k.geometry(pm, c)
				parts = append(parts, sub...)
				return err
			}
			return k.s.skip()
		})
		return parts, err
	}
	return nil, k.s.skip()
}

// label names the Placemark in messages, by its name when it has one.
func (pm *placemark) label() string {
	if name, ok := pm.props["name"].(string); ok && name != "" {
		return "the Placemark " + quoteSnippet([]byte(name))
	}
	return "the Placemark"
}

// note records the first coordinate problem of a Placemark.
func (pm *placemark) note(problem string) {
	if pm.problem == "" {
		pm.problem = problem
	}
}

// coordinatesChild reads the <coordinates> children of the current element.
func (k *kmlReader) coordinatesChild(pm *placemark) ([]orb.Point, error) {
	var pts []orb.Point
	err := k.s.children(func(c xml.StartElement) error {
		if c.Name.Local != "coordinates" {
			return k.s.skip()
		}
		text, _, err := k.s.text(0)
		if err != nil {
			return err
		}
		more, problem, err := k.parseCoordinates(text)
		if problem != "" {
			pm.note(problem)
		}
		pts = append(pts, more...)
		return err
	})
	return pts, err
}

// polygon reads outerBoundaryIs and innerBoundaryIs rings. It returns nil
// when the outer ring is empty; empty inner rings are left out.
func (k *kmlReader) polygon(pm *placemark) (orb.Polygon, error) {
	var outer orb.Ring
	var inner []orb.Ring
	err := k.s.children(func(b xml.StartElement) error {
		isOuter := b.Name.Local == "outerBoundaryIs"
		if !isOuter && b.Name.Local != "innerBoundaryIs" {
			return k.s.skip()
		}
		return k.s.children(func(lr xml.StartElement) error {
			if lr.Name.Local != "LinearRing" {
				return k.s.skip()
			}
			pts, err := k.coordinatesChild(pm)
			switch {
			case err != nil || len(pts) == 0:
			case isOuter && outer == nil:
				outer = orb.Ring(pts)
			case isOuter:
				pm.note("a Polygon has more than one outer boundary")
			default:
				inner = append(inner, orb.Ring(pts))
			}
			return err
		})
	})
	if err != nil || outer == nil {
		return nil, err
	}
	return append(orb.Polygon{outer}, inner...), nil
}

// track reads the gx:coord elements of a gx:Track ("lon lat [alt]").
func (k *kmlReader) track(pm *placemark) (orb.LineString, error) {
	var line orb.LineString
	err := k.s.children(func(c xml.StartElement) error {
		if c.Name.Local != "coord" {
			return k.s.skip()
		}
		text, _, err := k.s.text(0)
		if err != nil {
			return err
		}
		p, problem := parseTrackCoord(text)
		if problem != "" {
			pm.note(fmt.Sprintf("gx:coord %d %s", len(line)+1, problem))
			return nil
		}
		line = append(line, p)
		return k.t.addVertices(1)
	})
	return line, err
}

// parseCoordinates reads KML coordinates: "lon,lat[,alt]" tuples separated
// by whitespace, tolerating whitespace around the commas. It returns the
// points read and, for bad text, a problem description; the error is the
// vertex limit.
func (k *kmlReader) parseCoordinates(text []byte) ([]orb.Point, string, error) {
	var pts []orb.Point
	i, n := 0, len(text)
	for {
		for i < n && isXMLSpace(text[i]) {
			i++
		}
		if i == n {
			return pts, "", nil
		}
		end := coordinateTupleEnd(text, i)
		p, problem := parseCoordinateTuple(text[i:end])
		if problem != "" {
			return pts, fmt.Sprintf("coordinate tuple %d (%s) %s", len(pts)+1, quoteSnippet(text[i:end]), problem), nil
		}
		pts = append(pts, p)
		if err := k.t.addVertices(1); err != nil {
			return pts, "", err
		}
		i = end
	}
}

// coordinateTupleEnd returns where the tuple starting at i ends: at the
// first whitespace that has no comma on either side.
func coordinateTupleEnd(text []byte, i int) int {
	n := len(text)
	for i < n {
		if !isXMLSpace(text[i]) {
			i++
			continue
		}
		j := i
		for j < n && isXMLSpace(text[j]) {
			j++
		}
		if text[i-1] != ',' && (j == n || text[j] != ',') {
			return i
		}
		i = j
	}
	return n
}

// parseCoordinateTuple reads "lon,lat[,alt]", spaces around commas allowed.
func parseCoordinateTuple(tuple []byte) (orb.Point, string) {
	fields := bytes.Split(tuple, []byte(","))
	if len(fields) < 2 {
		return orb.Point{}, "has only one value; KML wants lon,lat[,alt]"
	}
	if len(fields) > 3 {
		return orb.Point{}, "has more than 3 values; KML wants lon,lat[,alt]"
	}
	var p orb.Point
	for i, f := range fields {
		v, problem := parseCoordinateNumber(bytes.TrimSpace(f))
		if problem != "" {
			return orb.Point{}, "is not lon,lat[,alt]: " + problem
		}
		if i < 2 {
			p[i] = v
		}
	}
	return p, ""
}

// parseTrackCoord reads one gx:coord: "lon lat [alt]" separated by spaces.
func parseTrackCoord(text []byte) (orb.Point, string) {
	fields := bytes.FieldsFunc(text, func(r rune) bool { return r < 0x80 && isXMLSpace(byte(r)) || r == ',' })
	if len(fields) < 2 || len(fields) > 3 {
		return orb.Point{}, fmt.Sprintf("(%s) is not \"lon lat [alt]\"", quoteSnippet(bytes.TrimSpace(text)))
	}
	var p orb.Point
	for i, f := range fields {
		v, problem := parseCoordinateNumber(f)
		if problem != "" {
			return orb.Point{}, fmt.Sprintf("(%s) is not \"lon lat [alt]\": %s", quoteSnippet(bytes.TrimSpace(text)), problem)
		}
		if i < 2 {
			p[i] = v
		}
	}
	return p, ""
}

// parseCoordinateNumber reads a decimal number; NaN, infinities, hex floats
// and numbers too large for a float64 are refused with a description.
func parseCoordinateNumber(b []byte) (float64, string) {
	if len(b) == 0 {
		return 0, "a value is missing"
	}
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, fmt.Sprintf("%s is not a number", quoteSnippet(b))
		}
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && !math.IsInf(v, 0) {
			return v, "" // underflow to zero or a denormal: a finite value
		}
		if err == nil || math.IsInf(v, 0) {
			return 0, fmt.Sprintf("%s is out of range", quoteSnippet(b))
		}
		return 0, fmt.Sprintf("%s is not a number", quoteSnippet(b))
	}
	return v, ""
}

// isXMLSpace reports whether c is XML whitespace.
func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// quoteSnippet quotes b for a message, shortened to a readable length.
func quoteSnippet(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max]) + "…")
	}
	return strconv.Quote(string(b))
}
