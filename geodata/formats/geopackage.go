package formats

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"

	"github.com/routerisk/routerisk/geodata"
)

// gpkgReadTimeout bounds the time one GeoPackage may take to read: a
// forged database can make queries crawl.
const gpkgReadTimeout = 2 * time.Minute

// GeoPackage application ids, in the SQLite header: "GP10", "GP11", "GPKG".
const (
	gpkgAppID10 = 0x47503130
	gpkgAppID11 = 0x47503131
	gpkgAppID   = 0x47504B47
)

// DecodeGeoPackage reads the first feature table of a GeoPackage (in
// gpkg_contents order; the others are named in Notes). src.Path must name
// the file on disk: SQLite reads it there, read-only. Geometries become orb
// geometries (Z and M dropped), the other columns properties (integers as
// float64, BLOBs left out), and the primary key the feature ID. A layer in
// Web Mercator is converted to WGS 84.
//
// It returns an Invalid error when the file is not a GeoPackage, holds no
// feature table, or its layer is in a CRS other than WGS 84 or Web
// Mercator; a TooLarge error when a limit is exceeded or reading takes
// longer than two minutes. Missing, empty or unreadable geometries are
// rejected one by one in the report.
func DecodeGeoPackage(src Source, opts Options) (*Decoded, error) {
	lim := opts.Limits.WithDefaults()
	if src.Path == "" {
		return nil, &geodata.Error{Code: geodata.Internal, Message: "a GeoPackage can only be read from a file on disk",
			Err: errors.New("formats: DecodeGeoPackage needs Source.Path")}
	}
	ctx, cancel := context.WithTimeout(context.Background(), gpkgReadTimeout)
	defer cancel()
	db, err := sql.Open("sqlite3", gpkgDSN(src.Path))
	if err != nil {
		return nil, &geodata.Error{Code: geodata.Internal, Message: "the GeoPackage could not be opened", Err: err}
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, notGeoPackage(src.Name, err)
	}
	defer conn.Close()
	g := &gpkgReader{ctx: ctx, conn: conn, lim: lim, name: src.Name, out: &Decoded{Format: GeoPackage}}
	if err := g.read(); err != nil {
		if ctx.Err() != nil {
			return nil, geodata.Errorf(geodata.TooLarge,
				"reading the GeoPackage took longer than %s; upload a smaller layer or one table at a time", gpkgReadTimeout)
		}
		return nil, err
	}
	return g.out, nil
}

// gpkgDSN opens path read-only and immutable: SQLite neither writes nor
// looks for journals or locks next to an uploaded file.
func gpkgDSN(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return "file:" + (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath() + "?mode=ro&immutable=1"
}

func notGeoPackage(name string, err error) error {
	return &geodata.Error{Code: geodata.Invalid,
		Message: fmt.Sprintf("%q is not a GeoPackage (not a readable SQLite database with gpkg_contents); export the layer again as GeoPackage", name),
		Err:     err}
}

// quoteIdent quotes an SQL identifier taken from the file, which may hold
// anything: double quotes inside are doubled.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// gpkgReader holds the state of one DecodeGeoPackage.
type gpkgReader struct {
	ctx      context.Context
	conn     *sql.Conn
	lim      Limits
	name     string
	out      *Decoded
	vertices int
}

func (g *gpkgReader) read() error {
	// A forged file's views and triggers may not call SQL functions with
	// side effects; a damaged page fails instead of being trusted.
	for _, p := range []string{"PRAGMA trusted_schema = OFF", "PRAGMA cell_size_check = ON", "PRAGMA mmap_size = 0"} {
		if _, err := g.conn.ExecContext(g.ctx, p); err != nil {
			return notGeoPackage(g.name, err)
		}
	}
	if err := g.checkGeoPackage(); err != nil {
		return err
	}
	table, err := g.featureTable()
	if err != nil {
		return err
	}
	column, srsID, err := g.geometryColumn(table)
	if err != nil {
		return err
	}
	crs, err := g.crs(table, srsID)
	if err != nil {
		return err
	}
	cols, err := g.columns(table, column)
	if err != nil {
		return err
	}
	return g.features(table, cols, crs.toWGS84())
}

// checkGeoPackage accepts a GeoPackage application id or, failing that, a
// gpkg_contents table.
func (g *gpkgReader) checkGeoPackage() error {
	var appID int64
	if err := g.conn.QueryRowContext(g.ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return notGeoPackage(g.name, err)
	}
	switch uint32(appID) {
	case gpkgAppID10, gpkgAppID11, gpkgAppID:
		return nil
	}
	var n int
	err := g.conn.QueryRowContext(g.ctx, "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = 'gpkg_contents'").Scan(&n)
	if err != nil || n == 0 {
		return notGeoPackage(g.name, err)
	}
	return nil
}

// featureTable returns the first feature table in gpkg_contents order,
// noting the others.
func (g *gpkgReader) featureTable() (string, error) {
	rows, err := g.conn.QueryContext(g.ctx, "SELECT table_name FROM gpkg_contents WHERE lower(data_type) = 'features' ORDER BY rowid")
	if err != nil {
		return "", notGeoPackage(g.name, err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var t sql.NullString
		if err := rows.Scan(&t); err != nil {
			return "", notGeoPackage(g.name, err)
		}
		if t.Valid {
			tables = append(tables, t.String)
		}
	}
	if err := rows.Err(); err != nil {
		return "", notGeoPackage(g.name, err)
	}
	if len(tables) == 0 {
		return "", geodata.Errorf(geodata.Invalid,
			"the GeoPackage %q has no feature table (only tiles or attributes); upload a GeoPackage holding vector features", g.name)
	}
	for _, t := range tables {
		if strings.ContainsRune(t, 0) {
			return "", geodata.Errorf(geodata.Invalid, "the GeoPackage names a table with a NUL byte in it; export the layer again")
		}
	}
	if len(tables) > 1 {
		quoted := make([]string, len(tables)-1)
		for i, t := range tables[1:] {
			quoted[i] = strconv.Quote(t)
		}
		g.out.Notes = append(g.out.Notes, fmt.Sprintf("the GeoPackage has %d feature tables; read %q, the first, and left out %s (upload them separately)",
			len(tables), tables[0], listNames(quoted)))
	} else {
		g.out.Notes = append(g.out.Notes, fmt.Sprintf("read the GeoPackage table %q", tables[0]))
	}
	return tables[0], nil
}

// geometryColumn returns the table's geometry column and its srs_id.
func (g *gpkgReader) geometryColumn(table string) (string, int64, error) {
	var column string
	var srsID int64
	err := g.conn.QueryRowContext(g.ctx,
		"SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ? LIMIT 1", table).Scan(&column, &srsID)
	if err != nil {
		return "", 0, &geodata.Error{Code: geodata.Invalid,
			Message: fmt.Sprintf("the GeoPackage table %q has no entry in gpkg_geometry_columns; export the layer again", table), Err: err}
	}
	return column, srsID, nil
}

// crs reads the layer's spatial reference system and accepts WGS 84 and
// Web Mercator.
func (g *gpkgReader) crs(table string, srsID int64) (crsInfo, error) {
	var name, org, definition sql.NullString
	var orgID sql.NullInt64
	err := g.conn.QueryRowContext(g.ctx,
		"SELECT srs_name, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?", srsID).
		Scan(&name, &org, &orgID, &definition)
	if errors.Is(err, sql.ErrNoRows) && srsID == 4326 {
		return crsInfo{kind: crsWGS84, code: "EPSG:4326"}, nil
	}
	if err != nil {
		return crsInfo{}, &geodata.Error{Code: geodata.Invalid,
			Message: fmt.Sprintf("the GeoPackage table %q uses srs_id %d, which gpkg_spatial_ref_sys does not define; export the layer again", table, srsID), Err: err}
	}
	c := gpkgClassifyCRS(srsID, name.String, org.String, orgID.Int64, definition.String)
	switch c.kind {
	case crsUndetermined:
		g.out.Notes = append(g.out.Notes, fmt.Sprintf("the table %q declares an undefined geographic CRS: coordinates are taken to be WGS 84 longitude/latitude (EPSG:4326)", table))
	case crsWebMercator:
		g.out.Notes = append(g.out.Notes, fmt.Sprintf("coordinates converted from Web Mercator %s to WGS 84 longitude/latitude", c.label()))
	case crsOther:
		return c, geodata.Errorf(geodata.Invalid,
			"the GeoPackage table %q is in %s; reproject to WGS 84 (EPSG:4326) before uploading, e.g. ogr2ogr -t_srs EPSG:4326 out.gpkg in.gpkg", table, c.label())
	}
	return c, nil
}

// gpkgClassifyCRS tells the kind of a gpkg_spatial_ref_sys row: by its
// organization's code first, by its WKT definition otherwise.
func gpkgClassifyCRS(srsID int64, name, org string, orgID int64, definition string) crsInfo {
	c := crsInfo{kind: crsOther, name: strings.TrimSpace(name)}
	switch o := strings.ToUpper(strings.TrimSpace(org)); {
	case o == "EPSG" || o == "ESRI":
		c.code = fmt.Sprintf("%s:%d", o, orgID)
		c.kind = classifyEPSG(orgID)
		return c
	case o == "OGC" && (orgID == 84 || strings.Contains(strings.ToUpper(name), "CRS84")):
		c.kind, c.code = crsWGS84, "OGC:CRS84"
		return c
	case o == "NONE" && srsID == 0:
		c.kind = crsUndetermined
		return c
	}
	if d, err := classifyCRSText(strings.TrimSpace(definition)); err == nil {
		c.kind = d.kind
		if c.code == "" {
			c.code = d.code
		}
	}
	return c
}

// gpkgColumn is one column of the feature table.
type gpkgColumn struct {
	name     string
	geometry bool // the geometry column
	pk       bool // the integer primary key: the feature ID
	blob     bool // a declared BLOB: left out
	dateLike bool // declared DATE/DATETIME/TIMESTAMP: read as stored
}

// columns lists the table's columns and sets Decoded.Columns.
func (g *gpkgReader) columns(table, geometry string) ([]gpkgColumn, error) {
	rows, err := g.conn.QueryContext(g.ctx, "SELECT name, type, pk FROM pragma_table_info(?)", table)
	if err != nil {
		return nil, &geodata.Error{Code: geodata.Invalid, Message: fmt.Sprintf("the GeoPackage table %q cannot be read; export the layer again", table), Err: err}
	}
	defer rows.Close()
	var cols []gpkgColumn
	var blobs []string
	pks, props := 0, 0
	for rows.Next() {
		var name, typ string
		var pk int
		if err := rows.Scan(&name, &typ, &pk); err != nil {
			return nil, &geodata.Error{Code: geodata.Invalid, Message: fmt.Sprintf("the GeoPackage table %q cannot be read; export the layer again", table), Err: err}
		}
		typ = strings.ToUpper(strings.TrimSpace(typ))
		c := gpkgColumn{name: name, geometry: name == geometry, pk: pk > 0 && strings.Contains(typ, "INT"), blob: typ == "BLOB"}
		c.dateLike = strings.HasPrefix(typ, "DATE") || strings.HasPrefix(typ, "TIMESTAMP")
		if pk > 0 {
			pks++
		}
		switch {
		case c.geometry, c.pk:
		case c.blob:
			blobs = append(blobs, strconv.Quote(name))
		default:
			props++
			g.out.Columns = append(g.out.Columns, name)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, &geodata.Error{Code: geodata.Invalid, Message: fmt.Sprintf("the GeoPackage table %q cannot be read; export the layer again", table), Err: err}
	}
	if pks > 1 { // a composite key is no feature ID: keep its columns as properties
		for i := range cols {
			if cols[i].pk {
				cols[i].pk = false
				g.out.Columns = append(g.out.Columns, cols[i].name)
				props++
			}
		}
	}
	if !hasGeometryColumn(cols) {
		return nil, geodata.Errorf(geodata.Invalid, "the GeoPackage table %q has no column %q, which gpkg_geometry_columns names; export the layer again", table, geometry)
	}
	if props > g.lim.MaxProperties {
		return nil, geodata.Errorf(geodata.TooLarge, "the GeoPackage table %q has %d columns, more than %d (limit max_properties)", table, props, g.lim.MaxProperties)
	}
	if len(blobs) > 0 {
		g.out.Notes = append(g.out.Notes, fmt.Sprintf("binary (BLOB) columns left out: %s", strings.Join(blobs, ", ")))
	}
	return cols, nil
}

func hasGeometryColumn(cols []gpkgColumn) bool {
	for _, c := range cols {
		if c.geometry {
			return true
		}
	}
	return false
}

// features reads every row of the table.
func (g *gpkgReader) features(table string, cols []gpkgColumn, toWGS84 orb.Projection) error {
	var sel []string
	for _, c := range cols {
		switch {
		case c.blob:
			continue
		case c.dateLike: // an expression has no declared type, so the driver keeps the text as stored
			sel = append(sel, "+"+quoteIdent(c.name))
		default:
			sel = append(sel, quoteIdent(c.name))
		}
	}
	rows, err := g.conn.QueryContext(g.ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+quoteIdent(table))
	if err != nil {
		return &geodata.Error{Code: geodata.Invalid, Message: fmt.Sprintf("the GeoPackage table %q cannot be read; export the layer again", table), Err: err}
	}
	defer rows.Close()
	read := make([]gpkgColumn, 0, len(sel))
	for _, c := range cols {
		if !c.blob {
			read = append(read, c)
		}
	}
	values := make([]any, len(read))
	ptrs := make([]any, len(read))
	for i := range values {
		ptrs[i] = &values[i]
	}
	blobNoted := map[string]bool{}
	rep := &g.out.Report
	for rows.Next() {
		if rep.Read >= g.lim.MaxFeatures {
			return geodata.Errorf(geodata.TooLarge, "the file has more than %d features (limit max_features)", g.lim.MaxFeatures)
		}
		rep.Read++
		position := rep.Read
		if err := rows.Scan(ptrs...); err != nil {
			return &geodata.Error{Code: geodata.Invalid, Message: fmt.Sprintf("row %d of the GeoPackage table %q cannot be read; export the layer again", position, table), Err: err}
		}
		f := &geojson.Feature{Type: "Feature", Properties: geojson.Properties{}}
		var id string
		var blob any
		repaired := false
		for i, c := range read {
			v := values[i]
			switch {
			case c.geometry:
				blob = v
			case c.pk:
				if n, ok := v.(int64); ok {
					f.ID, id = float64(n), strconv.FormatInt(n, 10)
				}
			default:
				pv, keep, err := g.property(c.name, v, blobNoted)
				if err != nil {
					return err
				}
				if !keep {
					continue
				}
				if pv == nil && v != nil {
					repaired = true
					rep.Add(geodata.Issue{Feature: position, ID: id, Field: c.name, Code: "non_finite_number",
						Message: fmt.Sprintf("the column %q holds a number that is not finite (infinity); it was left empty", c.name), Action: geodata.Repaired})
				}
				f.Properties[c.name] = pv
			}
		}
		geom, n, prob := gpkgFeatureGeometry(blob)
		if prob != nil {
			rep.Rejected++
			rep.Add(geodata.Issue{Feature: position, ID: id, Field: "geometry", Code: prob.code, Message: prob.message, Action: geodata.Rejected})
			continue
		}
		g.vertices += n
		if g.vertices > g.lim.MaxVertices {
			return geodata.Errorf(geodata.TooLarge, "the file has more than %d vertices (limit max_vertices)", g.lim.MaxVertices)
		}
		if toWGS84 != nil {
			geom = projectGeometry(geom, toWGS84)
		}
		f.Geometry = geom
		if repaired {
			rep.Repaired++
		}
		rep.Accepted++
		g.out.Features = append(g.out.Features, f)
	}
	if err := rows.Err(); err != nil {
		return &geodata.Error{Code: geodata.Invalid, Message: fmt.Sprintf("the GeoPackage table %q cannot be read to the end; export the layer again", table), Err: err}
	}
	return nil
}

// property turns one value as the driver gives it into a property value;
// keep is false for values left out (BLOBs).
func (g *gpkgReader) property(column string, v any, blobNoted map[string]bool) (value any, keep bool, err error) {
	switch x := v.(type) {
	case nil:
		return nil, true, nil
	case int64:
		return float64(x), true, nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, true, nil
		}
		return x, true, nil
	case bool:
		return x, true, nil
	case string:
		if len(x) > g.lim.MaxValueLength {
			return nil, false, geodata.Errorf(geodata.TooLarge, "a value in column %q is %d bytes long, more than %d (limit max_value_length)", column, len(x), g.lim.MaxValueLength)
		}
		return x, true, nil
	case time.Time:
		return x.Format(time.RFC3339Nano), true, nil
	case []byte:
		if !blobNoted[column] {
			blobNoted[column] = true
			g.out.Notes = append(g.out.Notes, fmt.Sprintf("binary (BLOB) values in column %q were left out", column))
		}
		return nil, false, nil
	}
	return fmt.Sprint(v), true, nil
}

// gpkgFeatureGeometry reads the geometry column's value.
func gpkgFeatureGeometry(v any) (orb.Geometry, int, *geometryProblem) {
	switch b := v.(type) {
	case nil:
		return nil, 0, &geometryProblem{code: "missing_geometry", message: "the feature has no geometry; draw it in your GIS or delete the row"}
	case []byte:
		return parseGPKGGeometry(b)
	}
	return nil, 0, &geometryProblem{code: "corrupt_geometry",
		message: "the geometry column holds a number or text, not GeoPackage binary geometry; export the layer again"}
}

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
