package formats

import (
	"archive/zip"
	"fmt"
	"path"
	"strings"

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
