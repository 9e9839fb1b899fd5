package formats

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

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
