package formats

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver

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
