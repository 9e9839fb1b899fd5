package formats

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/routerisk/routerisk/geodata"
)

// Shape types of the ESRI Shapefile Technical Description.
const (
	shpNull        = 0
	shpPoint       = 1
	shpPolyLine    = 3
	shpPolygon     = 5
	shpMultiPoint  = 8
	shpPointZ      = 11
	shpPolyLineZ   = 13
	shpPolygonZ    = 15
	shpMultiPointZ = 18
	shpPointM      = 21
	shpPolyLineM   = 23
	shpPolygonM    = 25
	shpMultiPointM = 28
	shpMultiPatch  = 31
)

// shpHeaderLen is the size of the .shp and .shx file headers.
const shpHeaderLen = 100

// DecodeShapefile reads a zipped Shapefile: a zip holding exactly one .shp
// with its .shx and .dbf, and optionally a .prj and a .cpg, at the root or
// inside one folder. Shapes become orb geometries (Z and M dropped), .dbf
// fields become properties, and a Web Mercator .prj is converted to WGS 84.
//
// It returns an Invalid error when the zip breaks a safety rule, when the
// set of files is incomplete or ambiguous, when the .prj names a CRS other
// than WGS 84 or Web Mercator, or when the file holds MultiPatch (3D
// surface) shapes; a TooLarge error when a limit is exceeded. Null shapes
// and shapes with damaged parts are rejected one by one in the report.
func DecodeShapefile(src Source, opts Options) (*Decoded, error) {
	lim := opts.Limits.WithDefaults()
	a, err := openArchive(src, lim)
	if err != nil {
		return nil, err
	}
	set, err := findShapefileSet(a.files)
	if err != nil {
		return nil, err
	}
	out := &Decoded{Format: Shapefile}
	crs, err := readShapefileCRS(a, set.prj)
	if err != nil {
		return nil, err
	}
	if crs.kind == crsUndetermined {
		out.Notes = append(out.Notes, "the zip has no .prj: coordinates are taken to be WGS 84 longitude/latitude (EPSG:4326)")
	} else if crs.kind == crsWebMercator {
		out.Notes = append(out.Notes, fmt.Sprintf("coordinates converted from Web Mercator %s to WGS 84 longitude/latitude", crs.label()))
	}
	text, err := readShapefileText(a, set.cpg)
	if err != nil {
		return nil, err
	}
	if text.note != "" {
		out.Notes = append(out.Notes, text.note)
	}
	r := &shapefileReader{a: a, set: set, lim: lim, toWGS84: crs.toWGS84(), text: text.dbf, out: out}
	if err := r.read(); err != nil {
		return nil, err
	}
	return out, nil
}

// shapefileSet is the entries making up one shapefile.
type shapefileSet struct {
	shp, shx, dbf, prj, cpg *zip.File
}

// findShapefileSet picks the one .shp in the zip and its companions, which
// share its folder and base name (case aside).
func findShapefileSet(files []*zip.File) (shapefileSet, error) {
	var shps, names []string
	byName := map[string]*zip.File{}
	for _, f := range files {
		names = append(names, f.Name)
		byName[strings.ToLower(f.Name)] = f
		if strings.EqualFold(path.Ext(f.Name), ".shp") {
			shps = append(shps, f.Name)
		}
	}
	switch len(shps) {
	case 0:
		return shapefileSet{}, geodata.Errorf(geodata.Invalid,
			"the zip holds no .shp file (it holds %s); a zipped Shapefile needs the .shp, .shx and .dbf of one layer", listNames(names))
	case 1:
	default:
		return shapefileSet{}, geodata.Errorf(geodata.Invalid,
			"the zip holds %d shapefiles (%s); upload one layer per zip", len(shps), listNames(shps))
	}
	shp := shps[0]
	base := strings.ToLower(strings.TrimSuffix(shp, path.Ext(shp)))
	set := shapefileSet{shp: byName[strings.ToLower(shp)], prj: byName[base+".prj"], cpg: byName[base+".cpg"]}
	set.shx, set.dbf = byName[base+".shx"], byName[base+".dbf"]
	stem := strings.TrimSuffix(shp, path.Ext(shp))
	for _, need := range []struct {
		f    *zip.File
		ext  string
		role string
	}{{set.shx, ".shx", "the shape index"}, {set.dbf, ".dbf", "the attribute table"}} {
		if need.f == nil {
			return shapefileSet{}, geodata.Errorf(geodata.Invalid,
				"the zip has %s but not %s (%s); add it to the zip next to the .shp", shp, stem+need.ext, need.role)
		}
	}
	return set, nil
}

// listNames joins a few names for a message.
func listNames(names []string) string {
	if len(names) == 0 {
		return "no files"
	}
	const show = 10
	if len(names) > show {
		return strings.Join(names[:show], ", ") + fmt.Sprintf(" and %d more", len(names)-show)
	}
	return strings.Join(names, ", ")
}

// readShapefileCRS reads the .prj, if any.
func readShapefileCRS(a *archive, prj *zip.File) (crsInfo, error) {
	if prj == nil {
		return crsInfo{kind: crsUndetermined}, nil
	}
	b, err := a.readAll(prj, maxPRJBytes)
	if err != nil {
		return crsInfo{}, err
	}
	return shapefileCRS(b)
}

// shapefileText is the .dbf text decoding and the note it warrants.
type shapefileText struct {
	dbf  *dbfText
	note string
}

// readShapefileText reads the .cpg, if any.
func readShapefileText(a *archive, cpg *zip.File) (shapefileText, error) {
	var b []byte
	if cpg != nil {
		var err error
		if b, err = a.readAll(cpg, 1024); err != nil {
			return shapefileText{}, err
		}
	}
	t, note := dbfTextFromCPG(b, cpg != nil)
	return shapefileText{dbf: t, note: note}, nil
}

// shapefileReader walks the .shp and the .dbf side by side, one record of
// each at a time, so memory holds one record whatever the file size.
type shapefileReader struct {
	a        *archive
	set      shapefileSet
	lim      Limits
	toWGS84  orb.Projection
	text     *dbfText
	out      *Decoded
	vertices int
}

func (r *shapefileReader) read() error {
	shx, err := r.a.open(r.set.shx)
	if err != nil {
		return err
	}
	defer shx.Close()
	if _, err := readShpHeader(shx, ".shx"); err != nil {
		return err
	}
	dbfRC, err := r.a.open(r.set.dbf)
	if err != nil {
		return err
	}
	defer dbfRC.Close()
	dbf, err := newDBFReader(bufio.NewReader(dbfRC), r.text, r.lim)
	if err != nil {
		return err
	}
	r.out.Columns = dbf.columns
	shpRC, err := r.a.open(r.set.shp)
	if err != nil {
		return err
	}
	defer shpRC.Close()
	shp := bufio.NewReader(shpRC)
	fileType, err := readShpHeader(shp, ".shp")
	if err != nil {
		return err
	}
	if fileType == shpMultiPatch {
		return geodata.Errorf(geodata.Invalid,
			"the shapefile holds MultiPatch shapes (3D surfaces such as building walls and roofs), which a 2D map cannot show; export 2D footprint polygons first (e.g. with the MultiPatch Footprint tool in ArcGIS), or flatten the faces with ogr2ogr -nlt MULTIPOLYGON -dim XY out.shp in.shp")
	}
	if err := r.records(shp, dbf); err != nil {
		return err
	}
	r.out.Notes = append(r.out.Notes, dbf.notes...)
	if n := r.text.note(); n != "" {
		r.out.Notes = append(r.out.Notes, n)
	}
	return nil
}

// records reads every record pair.
func (r *shapefileReader) records(shp *bufio.Reader, dbf *dbfReader) error {
	rep := &r.out.Report
	deleted, shapes := 0, 0
	content := make([]byte, 0, 256)
	for {
		var head [8]byte
		n, err := io.ReadFull(shp, head[:])
		if err == io.EOF {
			break
		}
		if err != nil {
			return shpReadError(err, fmt.Sprintf("the .shp ends inside the header of record %d (after %d bytes of it)", shapes+1, n))
		}
		shapes++
		words := int64(int32(binary.BigEndian.Uint32(head[4:8])))
		if words < 0 {
			return geodata.Errorf(geodata.Invalid,
				"record %d of the .shp claims a negative length; the file is damaged, export the layer again", shapes)
		}
		// No shape needs more than 64 bytes a vertex (XY, Z, M, part
		// index): a longer record cannot fit under max_vertices.
		if budget := 1024 + 64*int64(r.lim.MaxVertices-r.vertices); words*2 > budget {
			return geodata.Errorf(geodata.TooLarge,
				"record %d of the .shp is %d bytes long, more than the %d vertices left under the limit could need (limit max_vertices)",
				shapes, words*2, r.lim.MaxVertices-r.vertices)
		}
		content, err = readShpContent(shp, content, words*2)
		if err != nil {
			return shpReadError(err, fmt.Sprintf("the .shp ends inside record %d, which claims %d bytes", shapes, words*2))
		}
		props, isDeleted, issues, err := r.nextProperties(dbf)
		if err != nil {
			return err
		}
		if isDeleted {
			deleted++
			continue
		}
		if rep.Read >= r.lim.MaxFeatures {
			return geodata.Errorf(geodata.TooLarge, "the file has more than %d features (limit max_features)", r.lim.MaxFeatures)
		}
		rep.Read++
		for _, is := range issues {
			rep.Add(geodata.Issue{Feature: shapes, Field: is.field, Code: is.code, Message: is.message, Action: geodata.Flagged})
		}
		g, nv, perr := parseShape(content)
		if perr != nil {
			rep.Rejected++
			rep.Add(geodata.Issue{Feature: shapes, Field: "geometry", Code: perr.code, Message: perr.message, Action: geodata.Rejected})
			continue
		}
		r.vertices += nv
		if r.vertices > r.lim.MaxVertices {
			return geodata.Errorf(geodata.TooLarge, "the file has more than %d vertices (limit max_vertices)", r.lim.MaxVertices)
		}
		if r.toWGS84 != nil {
			g = projectGeometry(g, r.toWGS84)
		}
		f := geojson.NewFeature(g)
		f.Properties = props
		if f.Properties == nil {
			f.Properties = geojson.Properties{}
		}
		r.out.Features = append(r.out.Features, f)
		rep.Accepted++
	}
	if deleted > 0 {
		r.out.Notes = append(r.out.Notes, fmt.Sprintf("%d records marked deleted in the .dbf were skipped", deleted))
	}
	if dbf.read < dbf.count && !dbf.ended {
		r.out.Notes = append(r.out.Notes, fmt.Sprintf("the .dbf has %d records but the .shp only %d shapes; the extra records were ignored", dbf.count, shapes))
	}
	return nil
}

// nextProperties reads the .dbf record of the current shape; a .dbf with
// fewer records than the .shp leaves the remaining shapes without
// properties (a note says so).
func (r *shapefileReader) nextProperties(dbf *dbfReader) (geojson.Properties, bool, []dbfValueIssue, error) {
	props, deleted, issues, err := dbf.next()
	if err == io.EOF {
		if !dbf.ended {
			dbf.ended = true
			dbf.notes = append(dbf.notes, fmt.Sprintf("the .dbf has %d records, fewer than the .shp has shapes; the shapes after it have no properties", dbf.count))
		}
		return nil, false, nil, nil
	}
	return props, deleted, issues, err
}

// readShpContent reads n bytes into buf (reused), growing it only as
// bytes actually arrive, so a record claiming gigabytes cannot make us
// allocate them.
func readShpContent(r io.Reader, buf []byte, n int64) ([]byte, error) {
	buf = buf[:0]
	const chunk = 64 * 1024
	for int64(len(buf)) < n {
		want := int(min(n-int64(len(buf)), chunk))
		if cap(buf)-len(buf) < want {
			grown := make([]byte, len(buf), len(buf)+max(want, len(buf)))
			copy(grown, buf)
			buf = grown
		}
		got, err := io.ReadFull(r, buf[len(buf):len(buf)+want])
		buf = buf[:len(buf)+got]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// readShpHeader checks the 100-byte header of a .shp or .shx and returns
// the shape type it declares. The file length in the header is not used:
// writers get it wrong, and the records are read until the file ends.
func readShpHeader(r io.Reader, which string) (int32, error) {
	var h [shpHeaderLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, shpReadError(err, fmt.Sprintf("the %s is shorter than the 100-byte shapefile header", which))
	}
	if code := binary.BigEndian.Uint32(h[0:4]); code != 9994 {
		return 0, geodata.Errorf(geodata.Invalid, "the %s does not start like a shapefile (file code %d, not 9994); export the layer again", which, code)
	}
	t := int32(binary.LittleEndian.Uint32(h[32:36]))
	if !knownShapeType(t) {
		return 0, geodata.Errorf(geodata.Invalid, "the %s declares shape type %d, which the shapefile format does not define; export the layer again", which, t)
	}
	return t, nil
}

func knownShapeType(t int32) bool {
	switch t {
	case shpNull, shpPoint, shpPolyLine, shpPolygon, shpMultiPoint,
		shpPointZ, shpPolyLineZ, shpPolygonZ, shpMultiPointZ,
		shpPointM, shpPolyLineM, shpPolygonM, shpMultiPointM, shpMultiPatch:
		return true
	}
	return false
}

// shpReadError turns a short read into an Invalid error saying where the
// file ends, and passes other errors (limits, corrupt zip) through.
func shpReadError(err error, msg string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return geodata.Errorf(geodata.Invalid, "%s; the upload is incomplete or the file damaged, export the layer again", msg)
	}
	return err
}

// projectGeometry converts every point of g in place.
func projectGeometry(g orb.Geometry, p orb.Projection) orb.Geometry {
	convert := func(ps []orb.Point) {
		for i := range ps {
			ps[i] = p(ps[i])
		}
	}
	switch x := g.(type) {
	case orb.Point:
		return p(x)
	case orb.MultiPoint:
		convert(x)
	case orb.LineString:
		convert(x)
	case orb.MultiLineString:
		for _, l := range x {
			convert(l)
		}
	case orb.Polygon:
		for _, ring := range x {
			convert(ring)
		}
	case orb.MultiPolygon:
		for _, poly := range x {
			for _, ring := range poly {
				convert(ring)
			}
		}
	case orb.Collection:
		for i := range x {
			x[i] = projectGeometry(x[i], p)
		}
	}
	return g
}

// geometryProblem is why one geometry was rejected: an issue code and a
// message for the report.
type geometryProblem struct {
	code, message string
}

// parseShape reads one record's content (shape type onwards) into an orb
// geometry, checking every count and index against the bytes present. It
// returns the geometry and its number of vertices, or why it was rejected.
func parseShape(b []byte) (orb.Geometry, int, *geometryProblem) {
	if len(b) < 4 {
		return nil, 0, corruptShape("the record is %d bytes long, too short to hold a shape type", len(b))
	}
	t := int32(binary.LittleEndian.Uint32(b))
	switch t {
	case shpNull:
		return nil, 0, &geometryProblem{code: "missing_geometry",
			message: "the record has no geometry (a null shape); draw it in your GIS or delete the record"}
	case shpPoint, shpPointZ, shpPointM:
		if len(b) < 20 {
			return nil, 0, corruptShape("the point record is %d bytes long, too short for its coordinates", len(b))
		}
		p := readShpPoint(b[4:])
		if !finitePoint(p) {
			return nil, 0, nonFiniteShape()
		}
		return p, 1, nil
	case shpMultiPoint, shpMultiPointZ, shpMultiPointM:
		return parseShpMultiPoint(b)
	case shpPolyLine, shpPolyLineZ, shpPolyLineM:
		parts, n, prob := parseShpParts(b)
		if prob != nil {
			return nil, 0, prob
		}
		if len(parts) == 1 {
			return orb.LineString(parts[0]), n, nil
		}
		mls := make(orb.MultiLineString, len(parts))
		for i, p := range parts {
			mls[i] = orb.LineString(p)
		}
		return mls, n, nil
	case shpPolygon, shpPolygonZ, shpPolygonM:
		parts, n, prob := parseShpParts(b)
		if prob != nil {
			return nil, 0, prob
		}
		polys := assemblePolygons(parts)
		if polys == nil {
			return nil, 0, &geometryProblem{code: "too_complex",
				message: fmt.Sprintf("the polygon has %d rings, too many to sort into outer rings and holes; split it into smaller polygons", len(parts))}
		}
		if len(polys) == 1 {
			return polys[0], n, nil
		}
		return polys, n, nil
	case shpMultiPatch:
		return nil, 0, &geometryProblem{code: "unsupported_geometry",
			message: "the record is a MultiPatch (a 3D surface), which a 2D map cannot show; export it as a polygon footprint"}
	}
	return nil, 0, corruptShape("the record has shape type %d, which the shapefile format does not define", t)
}

func corruptShape(format string, args ...any) *geometryProblem {
	return &geometryProblem{code: "corrupt_shape",
		message: fmt.Sprintf(format, args...) + "; the .shp is damaged: repair it in your GIS (e.g. ogr2ogr out.shp in.shp) or export it again"}
}

func nonFiniteShape() *geometryProblem {
	return &geometryProblem{code: "non_finite_coordinate",
		message: "a coordinate is not a finite number (NaN or infinity); fix or delete the shape"}
}

func readShpPoint(b []byte) orb.Point {
	return orb.Point{
		math.Float64frombits(binary.LittleEndian.Uint64(b[0:8])),
		math.Float64frombits(binary.LittleEndian.Uint64(b[8:16])),
	}
}

func finitePoint(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}

// readShpPoints reads n XY points from b, which the caller checked holds them.
func readShpPoints(b []byte, n int) ([]orb.Point, bool) {
	ps := make([]orb.Point, n)
	for i := range ps {
		ps[i] = readShpPoint(b[16*i:])
		if !finitePoint(ps[i]) {
			return nil, false
		}
	}
	return ps, true
}

// parseShpMultiPoint reads type, box (32 bytes), count and the points.
func parseShpMultiPoint(b []byte) (orb.Geometry, int, *geometryProblem) {
	const head = 4 + 32 + 4
	if len(b) < head {
		return nil, 0, corruptShape("the multipoint record is %d bytes long, too short for its header", len(b))
	}
	n := int64(int32(binary.LittleEndian.Uint32(b[36:40])))
	switch {
	case n < 0:
		return nil, 0, corruptShape("the multipoint record has a negative point count (%d)", n)
	case n == 0:
		return nil, 0, &geometryProblem{code: "empty_geometry", message: "the multipoint has no points; draw it in your GIS or delete the record"}
	case n > int64(len(b)-head)/16:
		return nil, 0, corruptShape("the multipoint record claims %d points but holds room for %d", n, (len(b)-head)/16)
	}
	ps, ok := readShpPoints(b[head:], int(n))
	if !ok {
		return nil, 0, nonFiniteShape()
	}
	return orb.MultiPoint(ps), int(n), nil
}

// parseShpParts reads the parts of a polyline or polygon record: type,
// box, part count, point count, part starts, points. Empty parts are
// dropped; a shape with no points left is rejected.
func parseShpParts(b []byte) ([][]orb.Point, int, *geometryProblem) {
	const head = 4 + 32 + 4 + 4
	if len(b) < head {
		return nil, 0, corruptShape("the record is %d bytes long, too short for its header", len(b))
	}
	nParts := int64(int32(binary.LittleEndian.Uint32(b[36:40])))
	nPoints := int64(int32(binary.LittleEndian.Uint32(b[40:44])))
	switch {
	case nParts < 0 || nPoints < 0:
		return nil, 0, corruptShape("the record has a negative count (%d parts, %d points)", nParts, nPoints)
	case nParts == 0 || nPoints == 0:
		return nil, 0, &geometryProblem{code: "empty_geometry", message: "the shape has no points; draw it in your GIS or delete the record"}
	case nParts > int64(len(b)-head)/4:
		return nil, 0, corruptShape("the record claims %d parts but holds room for %d", nParts, (len(b)-head)/4)
	}
	pointsAt := head + 4*int(nParts)
	if nPoints > int64(len(b)-pointsAt)/16 {
		return nil, 0, corruptShape("the record claims %d points but holds room for %d", nPoints, (len(b)-pointsAt)/16)
	}
	starts := make([]int, nParts+1)
	for i := range int(nParts) {
		s := int64(int32(binary.LittleEndian.Uint32(b[head+4*i:])))
		if s < 0 || s >= nPoints || (i > 0 && s < int64(starts[i-1])) {
			return nil, 0, corruptShape("part %d starts at point %d, outside the shape's %d points or before the previous part", i+1, s, nPoints)
		}
		starts[i] = int(s)
	}
	starts[nParts] = int(nPoints)
	points, ok := readShpPoints(b[pointsAt:], int(nPoints))
	if !ok {
		return nil, 0, nonFiniteShape()
	}
	parts := make([][]orb.Point, 0, nParts)
	for i := range int(nParts) {
		if p := points[starts[i]:starts[i+1]]; len(p) > 0 {
			parts = append(parts, p[:len(p):len(p)])
		}
	}
	return parts, int(nPoints) - starts[0], nil
}

// maxRingPairs bounds the hole-to-outer matching of one shape, which costs
// holes × outer rings: far above any real layer, low enough that a forged
// record cannot keep the server busy.
const maxRingPairs = 25_000_000

// assemblePolygons groups the rings of a polygon record: a clockwise ring
// starts a new polygon, a counter-clockwise ring is a hole of the smallest
// polygon containing it (or, contained by none, a polygon of its own). The
// rings are then turned to GeoJSON's right-hand rule: outer rings
// counter-clockwise, holes clockwise. It returns nil when the shape has too
// many rings to match.
func assemblePolygons(parts [][]orb.Point) orb.MultiPolygon {
	type outer struct {
		poly  orb.Polygon
		area  float64
		bound orb.Bound
	}
	var outers []*outer
	var holes []orb.Ring
	for _, p := range parts {
		ring := orb.Ring(p)
		a := signedRingArea(ring)
		if a > 0 {
			holes = append(holes, ring)
			continue
		}
		outers = append(outers, &outer{poly: orb.Polygon{ring}, area: -a, bound: ring.Bound()})
	}
	if len(holes) > 0 && len(outers) > maxRingPairs/len(holes) {
		return nil
	}
	for _, h := range holes {
		hb := h.Bound()
		var best *outer
		for _, o := range outers {
			if !o.bound.Contains(hb.Min) || !o.bound.Contains(hb.Max) || !planar.RingContains(o.poly[0], h[0]) {
				continue
			}
			if best == nil || o.area < best.area {
				best = o
			}
		}
		if best == nil {
			outers = append(outers, &outer{poly: orb.Polygon{h}, area: signedRingArea(h), bound: hb})
			continue
		}
		best.poly = append(best.poly, h)
	}
	mp := make(orb.MultiPolygon, len(outers))
	for i, o := range outers {
		for j, ring := range o.poly {
			if a := signedRingArea(ring); (j == 0 && a < 0) || (j > 0 && a > 0) {
				ring.Reverse()
			}
		}
		mp[i] = o.poly
	}
	return mp
}

// signedRingArea is the planar area of a ring: positive when its points
// turn counter-clockwise (x east, y north), negative when clockwise.
func signedRingArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	sum := 0.0
	x0, y0 := r[0][0], r[0][1]
	for i := 1; i < len(r)-1; i++ {
		sum += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return sum / 2
}
