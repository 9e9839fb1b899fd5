package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/routerisk/routerisk/geodata"
)

// Issue codes of the GeoJSON reader.
const (
	CodeGeoJSONNotFeature    = "not_a_feature"      // rejected: a member of features is not a Feature object
	CodeGeoJSONBadFeature    = "unreadable_feature" // rejected: the feature's geometry or properties could not be read
	CodeGeoJSONDuplicateKey  = "duplicate_key"      // rejected: an object in the feature repeats a key
	CodeGeoJSONNoGeometry    = "missing_geometry"   // rejected: geometry is null
	CodeGeoJSONEmptyGeometry = "empty_geometry"     // rejected: geometry without coordinates
)

// ReadGeoJSON reads an RFC 7946 document — a FeatureCollection, a single
// Feature or a bare geometry — streaming the features array so that a large
// file costs little more memory than the features it holds. Invalid JSON,
// NaN or Infinity, invalid UTF-8, data after the document, a repeated key at
// the top level and an unsupported legacy "crs" are whole-file errors
// (Invalid); a feature that cannot be read is rejected in the report. A
// legacy crs naming CRS84 or EPSG:4326 is accepted; EPSG:3857 (Web
// Mercator) is converted to longitude/latitude. A UTF-8 byte order mark is
// skipped. A feature whose geometry is null is rejected, unless
// opts.NullGeometry keeps it.
func ReadGeoJSON(r io.Reader, opts Options) (*Decoded, error) {
	lim := opts.Limits.WithDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	uv := &utf8Validator{r: br}
	dec := json.NewDecoder(uv)
	g := &geojsonReader{dec: dec, utf8: uv, lim: lim, out: &Decoded{Format: GeoJSON}, parser: newFeatureParser(), nullGeometry: opts.NullGeometry}
	if err := g.document(); err != nil {
		return nil, err
	}
	return g.out, nil
}

type geojsonReader struct {
	dec      *json.Decoder
	utf8     *utf8Validator
	lim      Limits
	out      *Decoded
	vertices int
	mercator bool
	parser   *featureParser
	// nullGeometry keeps features whose geometry is null (Options.NullGeometry).
	nullGeometry bool
}

// document reads the top-level object member by member.
func (g *geojsonReader) document() error {
	tok, err := g.dec.Token()
	if errors.Is(err, io.EOF) {
		return geodata.Errorf(geodata.Invalid, "the file is empty; upload a GeoJSON FeatureCollection")
	}
	if err != nil {
		return g.jsonError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return geodata.Errorf(geodata.Invalid, "the file is JSON but not a GeoJSON object: it starts with %s; upload a FeatureCollection, a Feature or a geometry", describe(tok))
	}
	members := map[string]json.RawMessage{}
	seen := map[string]bool{}
	sawFeatures := false
	for g.dec.More() {
		tok, err := g.dec.Token()
		if err != nil {
			return g.jsonError(err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return geodata.Errorf(geodata.Invalid, "the top-level object has the key %q twice; JSON objects must not repeat a key, keep one", key)
		}
		seen[key] = true
		if key == "features" {
			sawFeatures = true
			if err := g.features(); err != nil {
				return err
			}
			continue
		}
		var raw json.RawMessage
		if err := g.dec.Decode(&raw); err != nil {
			return g.jsonError(err)
		}
		switch key {
		case "type", "crs", "geometry", "properties", "id", "coordinates", "geometries":
			members[key] = raw
		}
	}
	if _, err := g.dec.Token(); err != nil { // the closing brace
		return g.jsonError(err)
	}
	if _, err := g.dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return g.jsonError(err)
		}
		return geodata.Errorf(geodata.Invalid, "unexpected data after the GeoJSON document (at byte %d); a file holds one document", g.dec.InputOffset())
	}
	if g.utf8.bad {
		return g.utf8.err()
	}
	var typ string
	if raw, ok := members["type"]; ok {
		if json.Unmarshal(raw, &typ) != nil {
			return geodata.Errorf(geodata.Invalid, `the top-level "type" is not a string; use "FeatureCollection"`)
		}
	}
	if raw, ok := members["crs"]; ok {
		if err := g.crs(raw); err != nil {
			return err
		}
	}
	switch {
	case typ == "FeatureCollection" || (typ == "" && sawFeatures):
		if !sawFeatures {
			g.out.Notes = append(g.out.Notes, "the FeatureCollection has no features member")
		}
	case typ == "Feature":
		delete(members, "crs")
		obj, _ := json.Marshal(members)
		if err := g.feature(obj); err != nil {
			return err
		}
	case isGeometryType(typ):
		delete(members, "crs")
		geom, _ := json.Marshal(members)
		obj, _ := json.Marshal(map[string]any{"type": "Feature", "geometry": json.RawMessage(geom), "properties": nil})
		g.out.Notes = append(g.out.Notes, "the file is a bare "+typ+"; it became one feature without properties")
		if err := g.feature(obj); err != nil {
			return err
		}
	case typ == "":
		return geodata.Errorf(geodata.Invalid, `the object has no "type"; a GeoJSON file is a FeatureCollection, a Feature or a geometry`)
	default:
		return geodata.Errorf(geodata.Invalid, "GeoJSON type %q is not known; use FeatureCollection, Feature or a geometry type", geodata.Truncate(typ, 40))
	}
	if g.mercator {
		for _, f := range g.out.Features {
			f.Geometry = project.Geometry(f.Geometry, project.Mercator.ToWGS84)
		}
	}
	return nil
}

// features streams the features array.
func (g *geojsonReader) features() error {
	tok, err := g.dec.Token()
	if err != nil {
		return g.jsonError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return geodata.Errorf(geodata.Invalid, `"features" is %s; it must be an array of Feature objects`, describe(tok))
	}
	for g.dec.More() {
		var raw json.RawMessage
		if err := g.dec.Decode(&raw); err != nil {
			return g.jsonError(err)
		}
		if g.utf8.bad {
			return g.utf8.err()
		}
		if g.out.Report.Read >= g.lim.MaxFeatures {
			return &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "max_features", "value": g.lim.MaxFeatures},
				Message: fmt.Sprintf("the file has more than %d features (limit max_features); split it or ask an admin to raise the limit", g.lim.MaxFeatures)}
		}
		if err := g.feature(raw); err != nil {
			return err
		}
	}
	if _, err := g.dec.Token(); err != nil {
		return g.jsonError(err)
	}
	return nil
}

// feature decodes one feature object; only a limit is a whole-file error.
func (g *geojsonReader) feature(raw []byte) error {
	rep := &g.out.Report
	rep.Read++
	n := rep.Read
	reject := func(code, field, msg string, id string) {
		rep.Rejected++
		rep.Add(geodata.Issue{Feature: n, ID: id, Field: field, Code: code, Message: msg, Action: geodata.Rejected})
	}
	if key, path, dup := duplicateKey(raw); dup {
		reject(CodeGeoJSONDuplicateKey, path, fmt.Sprintf("the key %q appears twice in %s; JSON objects must not repeat a key — keep one", geodata.Truncate(key, 40), path), "")
		return nil
	}
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		reject(CodeGeoJSONNotFeature, "", "this member of \"features\" is not an object; each must be a Feature", "")
		return nil
	}
	f, err := g.parser.parse(raw)
	if errors.Is(err, errNotFeature) {
		reject(CodeGeoJSONNotFeature, "type", "the object's type is not \"Feature\"; wrap geometries in Feature objects", "")
		return nil
	}
	if err != nil {
		reject(CodeGeoJSONBadFeature, "geometry", fmt.Sprintf("the feature could not be read (%s); check its geometry type and coordinate nesting", geodata.Truncate(err.Error(), 120)), "")
		return nil
	}
	id := featureIDText(f.ID)
	if f.Geometry == nil && g.nullGeometry {
		rep.Accepted++
		g.out.Features = append(g.out.Features, f)
		return nil
	}
	if f.Geometry == nil {
		reject(CodeGeoJSONNoGeometry, "geometry", "the feature has no geometry (null); add one or remove the feature", id)
		return nil
	}
	nv := countVertices(f.Geometry)
	if nv == 0 {
		reject(CodeGeoJSONEmptyGeometry, "geometry", "the geometry has no coordinates; add them or remove the feature", id)
		return nil
	}
	g.vertices += nv
	if g.vertices > g.lim.MaxVertices {
		return &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "max_vertices", "value": g.lim.MaxVertices},
			Message: fmt.Sprintf("the file has more than %d coordinates in all (limit max_vertices); simplify or split it", g.lim.MaxVertices)}
	}
	rep.Accepted++
	g.out.Features = append(g.out.Features, f)
	return nil
}

// crs checks a legacy (2008) "crs" member.
func (g *geojsonReader) crs(raw json.RawMessage) error {
	if string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	var c struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if json.Unmarshal(raw, &c) != nil || c.Properties.Name == "" {
		return geodata.Errorf(geodata.Invalid, `the legacy "crs" member is not a named CRS; remove it (GeoJSON is always WGS 84 longitude/latitude) or reproject the data to EPSG:4326`)
	}
	name := c.Properties.Name
	switch crsCode(name) {
	case "4326", "CRS84", "CRS83":
		g.out.Notes = append(g.out.Notes, "legacy crs "+geodata.Truncate(name, 80)+" read as WGS 84 longitude/latitude")
		return nil
	case "3857", "900913", "3785", "102100", "102113":
		g.mercator = true
		g.out.Notes = append(g.out.Notes, "coordinates converted from Web Mercator ("+geodata.Truncate(name, 80)+") to WGS 84 longitude/latitude")
		return nil
	}
	return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"crs": geodata.Truncate(name, 80)},
		Message: fmt.Sprintf("the file says its coordinates are in %q, which is not supported; reproject to WGS 84 (EPSG:4326), e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson", geodata.Truncate(name, 80))}
}

// crsCode reduces the usual spellings of a CRS name (EPSG:4326,
// urn:ogc:def:crs:EPSG::4326, http://www.opengis.net/def/crs/EPSG/0/4326,
// urn:ogc:def:crs:OGC:1.3:CRS84) to the code at its end.
func crsCode(name string) string {
	n := strings.ToUpper(strings.TrimSpace(name))
	if i := strings.LastIndexAny(n, ":/"); i >= 0 {
		n = n[i+1:]
	}
	return n
}

func isGeometryType(t string) bool {
	switch t {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		return true
	}
	return false
}

// jsonError turns a decoder error into an Invalid error with the byte offset.
func (g *geojsonReader) jsonError(err error) error {
	if g.utf8.bad {
		return g.utf8.err()
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		hint := ""
		if strings.Contains(se.Error(), "'N'") || strings.Contains(se.Error(), "'I'") {
			hint = " (NaN and Infinity are not JSON numbers: use null, or remove the feature)"
		}
		return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"offset": se.Offset},
			Message: fmt.Sprintf("the file is not valid JSON at byte %d: %s%s", se.Offset, se.Error(), hint)}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return geodata.Errorf(geodata.Invalid, "the file ends in the middle of the JSON document (at byte %d); was the upload cut short?", g.dec.InputOffset())
	}
	var ue *json.UnmarshalTypeError
	if errors.As(err, &ue) {
		return geodata.Errorf(geodata.Invalid, "the file is not valid GeoJSON at byte %d: %v", ue.Offset, ue)
	}
	return &geodata.Error{Code: geodata.Invalid, Message: "the file could not be read as JSON: " + geodata.Truncate(err.Error(), 160), Err: err}
}

func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return "a stray " + t.String()
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "something else"
}

func featureIDText(id any) string {
	if id == nil {
		return ""
	}
	return geodata.Truncate(fmt.Sprint(id), 80)
}

// countVertices counts the coordinates of a geometry.
func countVertices(g orb.Geometry) int {
	switch x := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(x)
	case orb.LineString:
		return len(x)
	case orb.Ring:
		return len(x)
	case orb.MultiLineString:
		n := 0
		for _, l := range x {
			n += len(l)
		}
		return n
	case orb.Polygon:
		n := 0
		for _, r := range x {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range x {
			n += countVertices(p)
		}
		return n
	case orb.Collection:
		n := 0
		for _, c := range x {
			n += countVertices(c)
		}
		return n
	}
	return 0
}

// utf8Validator passes bytes through and remembers whether they were
// valid UTF-8, carrying an incomplete rune across reads.
type utf8Validator struct {
	r       io.Reader
	carry   []byte
	offset  int64
	bad     bool
	badAt   int64
	scratch []byte
}

func (u *utf8Validator) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if n > 0 && !u.bad {
		u.check(p[:n], err != nil)
	}
	if err == io.EOF && len(u.carry) > 0 && !u.bad {
		u.bad, u.badAt = true, u.offset
	}
	return n, err
}

func (u *utf8Validator) check(b []byte, last bool) {
	buf := b
	if len(u.carry) > 0 {
		u.scratch = append(append(u.scratch[:0], u.carry...), b...)
		buf = u.scratch
	}
	start := u.offset - int64(len(u.carry))
	u.carry = u.carry[:0]
	i := 0
	for i < len(buf) {
		c := buf[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if !utf8.FullRune(buf[i:]) {
			if len(buf)-i < utf8.UTFMax && !last {
				u.carry = append(u.carry, buf[i:]...)
				break
			}
		}
		r, size := utf8.DecodeRune(buf[i:])
		if r == utf8.RuneError && size <= 1 {
			u.bad, u.badAt = true, start+int64(i)
			return
		}
		i += size
	}
	u.offset += int64(len(b))
}

func (u *utf8Validator) err() error {
	return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"offset": u.badAt},
		Message: fmt.Sprintf("the file is not valid UTF-8 (at byte %d); GeoJSON must be UTF-8 — re-save it as UTF-8", u.badAt)}
}
