package formats

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

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
