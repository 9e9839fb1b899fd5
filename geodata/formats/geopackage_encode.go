package formats

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"html"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// GeoPackageLayer is what WriteGeoPackage writes: one feature table with
// its metadata.
type GeoPackageLayer struct {
	Table       string // table name, e.g. the layer id
	Title       string // gpkg_contents.identifier
	Description string // gpkg_contents.description
	Schema      []geodata.Field
	Features    []*geojson.Feature
	// Metadata are key/value pairs (title, sources, licences, caveats,
	// version, …) written to gpkg_metadata for the table, in the form GDAL
	// reads as layer metadata (ogrinfo lists them).
	Metadata [][2]string
}

// gpkgUserVersion is the GeoPackage version written: 1.3.0.
const gpkgUserVersion = 10300

// WriteGeoPackage writes layers as a new GeoPackage 1.3 file at path
// (which must not exist), each as a feature table with an INTEGER primary key fid, a
// geometry column geom in WGS 84 (EPSG:4326) stored as GeoPackage binary
// (header with envelope, then little-endian WKB), the feature ids in a
// text column id, and one typed column per schema field — INTEGER, REAL,
// BOOLEAN or DATE when every value fits the type, TEXT otherwise; lists
// and objects as JSON text. The table has an R-tree spatial index
// (gpkg_rtree_index extension: rtree_<table>_geom, filled, with the
// standard triggers) and its metadata in gpkg_metadata and
// gpkg_metadata_reference (gpkg_metadata extension). Table names must
// differ.
func WriteGeoPackage(ctx context.Context, path string, layers ...GeoPackageLayer) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("formats: %s exists", path)
	}
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: filepath.ToSlash(path)}).EscapedPath()+"?_journal_mode=OFF&_synchronous=OFF")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	w := gpkgWriter{ctx: ctx, tx: tx}
	if err := w.core(); err != nil {
		return err
	}
	for _, l := range layers {
		w.l = l
		if err := w.write(); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", gpkgAppID, gpkgUserVersion))
	return err
}

type gpkgWriter struct {
	ctx context.Context
	tx  *sql.Tx
	l   GeoPackageLayer // the layer being written
	// metadataRows counts the gpkg_metadata rows written so far.
	metadataRows int
}

func (w *gpkgWriter) exec(q string, args ...any) error {
	_, err := w.tx.ExecContext(w.ctx, q, args...)
	if err != nil {
		return fmt.Errorf("formats: geopackage: %w (%.80s)", err, q)
	}
	return nil
}

// gpkgOutColumn is one attribute column of the feature table.
type gpkgOutColumn struct {
	name, prop, sqlType string
}

var gpkgDatePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// columns chooses the attribute columns and their types from the schema
// and the values.
func (w *gpkgWriter) columns() []gpkgOutColumn {
	taken := map[string]bool{"fid": true, "geom": true}
	unique := func(name string) string {
		n := name
		for i := 2; taken[strings.ToLower(n)]; i++ {
			n = fmt.Sprintf("%s_%d", name, i)
		}
		taken[strings.ToLower(n)] = true
		return n
	}
	cols := []gpkgOutColumn{{name: unique("id"), sqlType: "TEXT"}}
	for _, f := range w.l.Schema {
		c := gpkgOutColumn{name: unique(f.Name), prop: f.Name, sqlType: "TEXT"}
		switch f.Type {
		case "integer":
			c.sqlType = "INTEGER"
		case "number":
			c.sqlType = "REAL"
		case "boolean":
			c.sqlType = "BOOLEAN"
		case "date":
			c.sqlType = "DATE"
		}
		for _, ft := range w.l.Features {
			v, ok := ft.Properties[f.Name]
			if !ok || v == nil {
				continue
			}
			if !gpkgFits(c.sqlType, v) {
				if c.sqlType == "INTEGER" && gpkgFits("REAL", v) {
					c.sqlType = "REAL"
					continue
				}
				c.sqlType = "TEXT"
				break
			}
		}
		cols = append(cols, c)
	}
	return cols
}

func gpkgFits(sqlType string, v any) bool {
	switch sqlType {
	case "INTEGER":
		n, ok := v.(float64)
		if i, isInt := v.(int); isInt {
			n, ok = float64(i), true
		}
		return ok && n == math.Trunc(n) && math.Abs(n) < 1<<53
	case "REAL":
		switch n := v.(type) {
		case float64:
			return !math.IsNaN(n) && !math.IsInf(n, 0)
		case int:
			return true
		}
		return false
	case "BOOLEAN":
		_, ok := v.(bool)
		return ok
	case "DATE":
		s, ok := v.(string)
		if !ok || !gpkgDatePattern.MatchString(s) {
			return false
		}
		_, err := time.Parse(time.DateOnly, s)
		return err == nil
	}
	return true
}

func gpkgValue(sqlType string, v any) any {
	if v == nil {
		return nil
	}
	switch sqlType {
	case "INTEGER":
		switch n := v.(type) {
		case float64:
			return int64(n)
		case int:
			return int64(n)
		}
	case "REAL":
		switch n := v.(type) {
		case float64:
			return n
		case int:
			return float64(n)
		}
	case "BOOLEAN":
		if b, ok := v.(bool); ok && b {
			return 1
		}
		return 0
	}
	return CellText(v)
}

// geometryType names the geometry column's type: the one type every
// feature has, GEOMETRY when they differ.
func (w *gpkgWriter) geometryType() string {
	name := ""
	for _, f := range w.l.Features {
		if f.Geometry == nil {
			continue
		}
		t := strings.ToUpper(f.Geometry.GeoJSONType())
		switch {
		case name == "":
			name = t
		case name != t:
			return "GEOMETRY"
		}
	}
	if name == "" || name == "GEOMETRYCOLLECTION" {
		return "GEOMETRY"
	}
	return name
}

// core writes the tables every GeoPackage has.
func (w *gpkgWriter) core() error {
	// The core tables (GeoPackage 1.3, clauses 1.1.2, 1.1.3, 2.1.5).
	for _, s := range []string{
		`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
			organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
		`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
			description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
			min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
			CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
		`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
			srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
			CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
			CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
			CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
		`CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
			scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))`,
		`CREATE TABLE gpkg_metadata (id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL, md_scope TEXT NOT NULL DEFAULT 'dataset',
			md_standard_uri TEXT NOT NULL, mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '')`,
		`CREATE TABLE gpkg_metadata_reference (reference_scope TEXT NOT NULL, table_name TEXT, column_name TEXT, row_id_value INTEGER,
			timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), md_file_id INTEGER NOT NULL, md_parent_id INTEGER,
			CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
			CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id))`,
	} {
		if err := w.exec(s); err != nil {
			return err
		}
	}
	if err := w.exec(`INSERT INTO gpkg_spatial_ref_sys VALUES
		('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
		('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
		('WGS 84 geodetic', 4326, 'EPSG', 4326, ?, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`, wgs84WKT); err != nil {
		return err
	}
	return nil
}

// write writes w.l as a feature table with its R-tree and metadata.
func (w *gpkgWriter) write() error {
	l := w.l
	table := l.Table
	q := quoteIdent
	cols := w.columns()
	defs := []string{"fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "geom " + w.geometryType()}
	for _, c := range cols {
		defs = append(defs, q(c.name)+" "+c.sqlType)
	}
	if err := w.exec("CREATE TABLE " + q(table) + " (" + strings.Join(defs, ", ") + ")"); err != nil {
		return err
	}
	var bound orb.Bound
	hasBound := false
	names := make([]string, len(cols))
	marks := make([]string, len(cols))
	for i, c := range cols {
		names[i], marks[i] = q(c.name), "?"
	}
	ins, err := w.tx.PrepareContext(w.ctx, "INSERT INTO "+q(table)+" (fid, geom, "+strings.Join(names, ", ")+") VALUES (?, ?, "+strings.Join(marks, ", ")+")")
	if err != nil {
		return err
	}
	defer ins.Close()
	rtree := "rtree_" + table + "_geom"
	if err := w.exec("CREATE VIRTUAL TABLE " + q(rtree) + " USING rtree(id, minx, maxx, miny, maxy)"); err != nil {
		return err
	}
	rins, err := w.tx.PrepareContext(w.ctx, "INSERT INTO "+q(rtree)+" VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer rins.Close()
	args := make([]any, len(cols)+2)
	for i, f := range l.Features {
		fid := int64(i + 1)
		args[0] = fid
		args[1] = nil
		if f.Geometry != nil {
			b, err := gpkgGeometry(f.Geometry)
			if err != nil {
				return fmt.Errorf("formats: feature %v: %w", f.ID, err)
			}
			args[1] = b
			fb := f.Geometry.Bound()
			if !hasBound {
				bound, hasBound = fb, true
			} else {
				bound = bound.Union(fb)
			}
			// The R-tree holds 32-bit floats; SQLite rounds outwards.
			if _, err := rins.ExecContext(w.ctx, fid, fb.Min[0], fb.Max[0], fb.Min[1], fb.Max[1]); err != nil {
				return err
			}
		}
		args[2] = nil
		if f.ID != nil {
			args[2] = fmt.Sprint(f.ID)
		}
		for j, c := range cols[1:] {
			args[j+3] = gpkgValue(c.sqlType, f.Properties[c.prop])
		}
		if _, err := ins.ExecContext(w.ctx, args...); err != nil {
			return err
		}
	}
	var bb []any
	if hasBound {
		bb = []any{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]}
	} else {
		bb = []any{nil, nil, nil, nil}
	}
	if err := w.exec(`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
		VALUES (?, 'features', ?, ?, ?, ?, ?, ?, 4326)`, append([]any{table, l.Title, l.Description}, bb...)...); err != nil {
		return err
	}
	if err := w.exec(`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)`, table, w.geometryType()); err != nil {
		return err
	}
	// The R-tree extension (GeoPackage 1.3, F.3): the triggers keep the
	// index in step when the file is edited (GDAL and QGIS provide the ST_
	// functions they call).
	if err := w.exec(`INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`, table); err != nil {
		return err
	}
	t, r := q(table), q(rtree)
	trig := func(suffix string) string { return q(rtree + "_" + suffix) }
	for _, s := range []string{
		`CREATE TRIGGER ` + trig("insert") + ` AFTER INSERT ON ` + t + ` WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
		BEGIN INSERT OR REPLACE INTO ` + r + ` VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END`,
		`CREATE TRIGGER ` + trig("update1") + ` AFTER UPDATE OF geom ON ` + t + ` WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
		BEGIN INSERT OR REPLACE INTO ` + r + ` VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END`,
		`CREATE TRIGGER ` + trig("update2") + ` AFTER UPDATE OF geom ON ` + t + ` WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
		BEGIN DELETE FROM ` + r + ` WHERE id = OLD.fid; END`,
		`CREATE TRIGGER ` + trig("update3") + ` AFTER UPDATE ON ` + t + ` WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
		BEGIN DELETE FROM ` + r + ` WHERE id = OLD.fid; INSERT OR REPLACE INTO ` + r + ` VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END`,
		`CREATE TRIGGER ` + trig("update4") + ` AFTER UPDATE ON ` + t + ` WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
		BEGIN DELETE FROM ` + r + ` WHERE id IN (OLD.fid, NEW.fid); END`,
		`CREATE TRIGGER ` + trig("delete") + ` AFTER DELETE ON ` + t + ` WHEN old.geom NOT NULL
		BEGIN DELETE FROM ` + r + ` WHERE id = OLD.fid; END`,
	} {
		if err := w.exec(s); err != nil {
			return err
		}
	}
	return w.metadata()
}

// metadata writes the layer's metadata for its table, as GDAL's
// multi-domain metadata XML (what ogrinfo shows as the layer's metadata).
func (w *gpkgWriter) metadata() error {
	if len(w.l.Metadata) == 0 {
		return nil
	}
	var b bytes.Buffer
	b.WriteString("<GDALMultiDomainMetadata>\n  <Metadata>\n")
	for _, kv := range w.l.Metadata {
		fmt.Fprintf(&b, "    <MDI key=\"%s\">%s</MDI>\n", html.EscapeString(kv[0]), html.EscapeString(kv[1]))
	}
	b.WriteString("  </Metadata>\n</GDALMultiDomainMetadata>\n")
	if w.metadataRows == 0 {
		for _, s := range []string{"gpkg_metadata", "gpkg_metadata_reference"} {
			if err := w.exec(`INSERT INTO gpkg_extensions VALUES (?, NULL, 'gpkg_metadata', 'http://www.geopackage.org/spec120/#extension_metadata', 'read-write')`, s); err != nil {
				return err
			}
		}
	}
	w.metadataRows++
	id := w.metadataRows
	if err := w.exec(`INSERT INTO gpkg_metadata (id, md_scope, md_standard_uri, mime_type, metadata) VALUES (?, 'dataset', 'http://gdal.org', 'text/xml', ?)`, id, b.String()); err != nil {
		return err
	}
	return w.exec(`INSERT INTO gpkg_metadata_reference (reference_scope, table_name, md_file_id) VALUES ('table', ?, ?)`, w.l.Table, id)
}

// gpkgGeometry encodes g as GeoPackage binary (GeoPackage 1.3, 2.1.3):
// "GP", version 0, flags (little-endian, an xy envelope except for
// points), srs_id 4326, the envelope, then the geometry as WKB.
func gpkgGeometry(g orb.Geometry) ([]byte, error) {
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, err
	}
	_, point := g.(orb.Point)
	var b bytes.Buffer
	flags := byte(0x01) // little-endian header
	if !point {
		flags |= 0x02 // envelope [minx, maxx, miny, maxy]
	}
	b.Write([]byte{'G', 'P', 0, flags})
	_ = binary.Write(&b, binary.LittleEndian, int32(4326))
	if !point {
		bd := g.Bound()
		_ = binary.Write(&b, binary.LittleEndian, [4]float64{bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1]})
	}
	b.Write(body)
	return b.Bytes(), nil
}

// wgs84WKT is the definition of EPSG:4326 written to gpkg_spatial_ref_sys.
const wgs84WKT = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`
