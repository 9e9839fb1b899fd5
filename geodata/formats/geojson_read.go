package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/project"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/workers"
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
	return readGeoJSON(r, opts, runtime.GOMAXPROCS(0), featureBatch)
}

// readGeoJSON is ReadGeoJSON with the features parsed by parsers
// goroutines (on the caller's alone when parsers < 2), batch at a time.
func readGeoJSON(r io.Reader, opts Options, parsers, batch int) (*Decoded, error) {
	lim := opts.Limits.WithDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	uv := &utf8Validator{r: br}
	dec := json.NewDecoder(uv)
	g := &geojsonReader{dec: dec, utf8: uv, lim: lim, out: &Decoded{Format: GeoJSON}, parser: newFeatureParser(), parsers: parsers, batch: max(1, batch), nullGeometry: opts.NullGeometry}
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
	parsers  int // goroutines that parse the members of features
	batch    int // members of features they take at a time
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

// features streams the features array. Its members are read here, in
// order, and parsed in batches by goroutines over the processors
// (parseBatches); each feature is then counted here, in file order, so the
// report and every limit are what one goroutine would give.
func (g *geojsonReader) features() error {
	tok, err := g.dec.Token()
	if err != nil {
		return g.jsonError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return geodata.Errorf(geodata.Invalid, `"features" is %s; it must be an array of Feature objects`, describe(tok))
	}
	pb := newParseBatches(g.parsers, g.batch)
	defer pb.close()
	members := 0
	// fail counts what was read before a whole-file error: a limit met
	// there comes first, as it would have one feature at a time.
	fail := func(err error) error {
		if cerr := pb.drain(g); cerr != nil {
			return cerr
		}
		return err
	}
	for g.dec.More() {
		var raw json.RawMessage
		if err := g.dec.Decode(&raw); err != nil {
			return fail(g.jsonError(err))
		}
		if g.utf8.bad {
			return fail(g.utf8.err())
		}
		if members >= g.lim.MaxFeatures {
			return fail(&geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "max_features", "value": g.lim.MaxFeatures},
				Message: fmt.Sprintf("the file has more than %d features (limit max_features); split it or ask an admin to raise the limit", g.lim.MaxFeatures)})
		}
		members++
		if err := pb.add(g, raw); err != nil {
			return err
		}
	}
	if err := pb.drain(g); err != nil {
		return err
	}
	if _, err := g.dec.Token(); err != nil {
		return g.jsonError(err)
	}
	return nil
}

// inspected is what parsing one member of features found, before it is
// counted.
type inspected struct {
	dupKey, dupPath string // a key the member repeats, and where
	dup             bool
	notObject       bool // the member is not a JSON object
	f               *geojson.Feature
	err             error // from parse
	vertices        int   // f's coordinates
}

// inspect parses one member of features; it touches nothing but p.
func (p *featureParser) inspect(raw []byte) (in inspected) {
	if in.dupKey, in.dupPath, in.dup = duplicateKey(raw); in.dup {
		return in
	}
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		in.notObject = true
		return in
	}
	in.f, in.err = p.parse(raw)
	if in.err == nil && in.f.Geometry != nil {
		in.vertices = countVertices(in.f.Geometry)
	}
	return in
}

// feature decodes one feature object; only a limit is a whole-file error.
func (g *geojsonReader) feature(raw []byte) error {
	return g.count(g.parser.inspect(raw))
}

// count adds one inspected member of features to the layer or rejects it
// in the report; only a limit is a whole-file error.
func (g *geojsonReader) count(in inspected) error {
	rep := &g.out.Report
	rep.Read++
	n := rep.Read
	reject := func(code, field, msg string, id string) {
		rep.Rejected++
		rep.Add(geodata.Issue{Feature: n, ID: id, Field: field, Code: code, Message: msg, Action: geodata.Rejected})
	}
	if in.dup {
		reject(CodeGeoJSONDuplicateKey, in.dupPath, fmt.Sprintf("the key %q appears twice in %s; JSON objects must not repeat a key — keep one", geodata.Truncate(in.dupKey, 40), in.dupPath), "")
		return nil
	}
	if in.notObject {
		reject(CodeGeoJSONNotFeature, "", "this member of \"features\" is not an object; each must be a Feature", "")
		return nil
	}
	f, err := in.f, in.err
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
	nv := in.vertices
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

// featureBatch is how many members of features one goroutine parses at a
// time (ReadGeoJSON's).
const featureBatch = 256

// parseBatches parses members of features on goroutines of their own, a
// batch at a time, and hands them back in file order. The goroutines start
// when the first batch fills: a file of fewer members is parsed on the
// reader's own goroutine.
type parseBatches struct {
	workers int
	size    int // members in a batch
	jobs    chan *parseBatch
	running sync.WaitGroup
	started bool
	cur     *parseBatch
	pending []*parseBatch // handed to the goroutines, oldest first
}

// parseBatch is one batch of members and, once done is closed, what
// parsing them found.
type parseBatch struct {
	raws  [][]byte
	out   []inspected
	done  chan struct{}
	panic *workers.Panic // a panic while parsing, for the reader to raise
}

func newParseBatches(workers, size int) *parseBatches {
	return &parseBatches{workers: workers, size: size, cur: &parseBatch{}}
}

// add takes the next member; when a batch fills it goes to the
// goroutines, and the batches they have done by then are counted.
func (pb *parseBatches) add(g *geojsonReader, raw []byte) error {
	pb.cur.raws = append(pb.cur.raws, raw)
	if len(pb.cur.raws) < pb.size {
		return nil
	}
	if pb.workers < 2 {
		return pb.countInline(g)
	}
	if !pb.started {
		pb.started = true
		pb.jobs = make(chan *parseBatch, pb.workers)
		for range pb.workers {
			pb.running.Go(func() {
				p := newFeatureParser()
				for b := range pb.jobs {
					b.parse(p)
				}
			})
		}
	}
	b := pb.cur
	b.done = make(chan struct{})
	pb.jobs <- b
	pb.pending = append(pb.pending, b)
	pb.cur = &parseBatch{raws: make([][]byte, 0, pb.size)}
	// Count what is done; wait for the oldest once enough are queued that
	// the goroutines stay busy.
	for len(pb.pending) > 0 {
		select {
		case <-pb.pending[0].done:
		default:
			if len(pb.pending) <= 2*pb.workers {
				return nil
			}
			<-pb.pending[0].done
		}
		b := pb.pending[0]
		pb.pending = pb.pending[1:]
		if err := b.count(g); err != nil {
			return err
		}
	}
	return nil
}

// countInline parses and counts the current batch on the reader's own
// goroutine.
func (pb *parseBatches) countInline(g *geojsonReader) error {
	for _, raw := range pb.cur.raws {
		if err := g.feature(raw); err != nil {
			return err
		}
	}
	pb.cur.raws = pb.cur.raws[:0]
	return nil
}

// drain counts every batch handed out, then the current one.
func (pb *parseBatches) drain(g *geojsonReader) error {
	for len(pb.pending) > 0 {
		b := pb.pending[0]
		pb.pending = pb.pending[1:]
		<-b.done
		if err := b.count(g); err != nil {
			return err
		}
	}
	return pb.countInline(g)
}

// close stops the goroutines, once they have finished the batches they
// hold.
func (pb *parseBatches) close() {
	if pb.started {
		close(pb.jobs)
		pb.running.Wait()
	}
}

// parse inspects the batch's members with p and closes done; a panic is
// kept for the reader.
func (b *parseBatch) parse(p *featureParser) {
	defer close(b.done)
	b.panic = workers.Catch(func() {
		b.out = make([]inspected, len(b.raws))
		for i, raw := range b.raws {
			b.out[i] = p.inspect(raw)
		}
	})
}

// count adds the batch's members to the layer in order.
func (b *parseBatch) count(g *geojsonReader) error {
	if b.panic != nil {
		panic(b.panic)
	}
	for _, in := range b.out {
		if err := g.count(in); err != nil {
			return err
		}
	}
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
