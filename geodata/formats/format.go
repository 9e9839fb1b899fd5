package formats

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/paulmach/orb/geojson"
	"golang.org/x/text/unicode/norm"

	"github.com/routerisk/routerisk/geodata"
)

// Format names a file format the importers read.
type Format string

// The formats an upload may be in.
const (
	GeoJSON    Format = "geojson"
	CSV        Format = "csv"
	KML        Format = "kml"
	KMZ        Format = "kmz"
	GPX        Format = "gpx"
	Shapefile  Format = "shapefile" // a zip holding .shp, .shx, .dbf (+ .prj, .cpg)
	GeoPackage Format = "geopackage"
	HSDS       Format = "hsds" // Open Referral HSDS: a zip of CSV tables (services, locations, …)
	OSM        Format = "osm"  // OpenStreetMap: Overpass JSON, OSM XML or .osm.pbf
)

// Formats lists every format Decode reads, in the order the dashboard shows them.
var Formats = []Format{GeoJSON, CSV, KML, KMZ, GPX, Shapefile, GeoPackage, HSDS, OSM}

// Limits bound what one file may make the server do. Zero means "use the
// default" (see DefaultLimits); every limit is named in the error it causes.
type Limits struct {
	MaxFeatures      int   // features in one file
	MaxVertices      int   // coordinates in one file, over all features
	MaxProperties    int   // properties on one feature
	MaxValueLength   int   // bytes in one property value
	MaxArchiveFiles  int   // entries in one zip (KMZ, zipped Shapefile)
	MaxInflatedBytes int64 // bytes inflated from one zip, all entries together
	MaxInflateRatio  int64 // inflated bytes per compressed byte, per entry
}

// DefaultLimits are the limits used where a Limits field is zero.
var DefaultLimits = Limits{
	MaxFeatures:      1_000_000,
	MaxVertices:      20_000_000,
	MaxProperties:    200,
	MaxValueLength:   64 * 1024,
	MaxArchiveFiles:  64,
	MaxInflatedBytes: 1 << 30,
	MaxInflateRatio:  200,
}

// WithDefaults returns l with every zero field set from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits
	if l.MaxFeatures <= 0 {
		l.MaxFeatures = d.MaxFeatures
	}
	if l.MaxVertices <= 0 {
		l.MaxVertices = d.MaxVertices
	}
	if l.MaxProperties <= 0 {
		l.MaxProperties = d.MaxProperties
	}
	if l.MaxValueLength <= 0 {
		l.MaxValueLength = d.MaxValueLength
	}
	if l.MaxArchiveFiles <= 0 {
		l.MaxArchiveFiles = d.MaxArchiveFiles
	}
	if l.MaxInflatedBytes <= 0 {
		l.MaxInflatedBytes = d.MaxInflatedBytes
	}
	if l.MaxInflateRatio <= 0 {
		l.MaxInflateRatio = d.MaxInflateRatio
	}
	return l
}

// Options tune a decoder. The zero value detects everything.
type Options struct {
	Limits Limits
	CSV    CSVOptions
	// NullGeometry keeps GeoJSON features whose geometry is null (the
	// rows of an exposure series) instead of rejecting them; the caller
	// decides whether its layer kind takes them.
	NullGeometry bool
}

// CSVOptions override what the CSV reader would detect. Empty fields mean "detect".
type CSVOptions struct {
	Delimiter   rune   // ',', ';' or '\t'
	Latitude    string // column holding latitudes
	Longitude   string // column holding longitudes
	Coordinates string // one column holding "lat, lon"
	WKT         string // one column holding WKT geometry
	// Table, when set, is asked about a file in which no coordinate
	// columns are found, with its column names: true reads the file as a
	// table whose rows become features without geometry (an exposure
	// series: route, month, count); false, or no Table, makes such a
	// file an Invalid error.
	Table func(columns []string) bool
}

// Decoded is what a decoder read from one file: the features it could make,
// with their properties as found in the file (mapping onto a kind's schema is
// geodata/ingest's job), and a report of what it left out or changed.
type Decoded struct {
	Format   Format
	Features []*geojson.Feature
	Report   geodata.Report
	// Columns lists the property names in the order the file declares them
	// (CSV header, DBF fields, GeoPackage columns, KML schema), when it has one.
	Columns []string
	// HXL holds, when a CSV has a HXL hashtag row under its header, each
	// column's hashtag (normalised, "" where untagged), in Columns order.
	HXL []string
	// Notes are whole-file facts worth showing (the CRS converted, the
	// delimiter and encoding detected, the table read).
	Notes []string
}

// Source is an uploaded file: readable from any offset (archives and
// GeoPackages need that), with its size and the name it was uploaded under.
// Path is set when the bytes are in a file on disk (GeoPackage needs one).
type Source struct {
	Name string
	Path string
	Size int64
	R    io.ReaderAt
}

// Reader returns a reader over the whole source.
func (s Source) Reader() io.Reader { return io.NewSectionReader(s.R, 0, s.Size) }

// Extensions are the file name endings an upload may have, by the format
// they stand for (.json may also be Missing Migrants API JSON, .txt and
// .tsv are CSV, .zip and .shp a zipped Shapefile or, holding HSDS
// tables, an Open Referral package; .osm and .pbf are OpenStreetMap).
var Extensions = []string{".geojson", ".json", ".csv", ".tsv", ".txt", ".kml", ".kmz", ".gpx", ".zip", ".shp", ".gpkg", ".osm", ".pbf"}

// CheckName refuses a file whose name ends in an extension no reader
// takes ("clinics.geojson.html"), even when its content would parse: the
// name is what people and programs go by. A name without an extension is
// left to the content.
func CheckName(name string) error {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, "\\", "/")))
	if ext == "" || slices.Contains(Extensions, ext) {
		return nil
	}
	return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "file", "extension": geodata.Truncate(ext, 20), "allowed": Extensions},
		Message: fmt.Sprintf("the file %q ends in %q, which is not a format RouteRisk reads; upload a file ending in one of %s (rename it if its content is one of them)",
			geodata.Truncate(name, 80), geodata.Truncate(ext, 20), strings.Join(Extensions, ", "))}
}

// Detect names the format of a file from its name and first bytes. It
// answers an Invalid error naming the formats it knows when it cannot tell,
// or when the name ends in an extension no reader takes (CheckName).
func Detect(name string, head []byte) (Format, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	switch {
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return GeoPackage, nil
	case isOSMPBF(head):
		return OSM, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		if strings.EqualFold(path.Ext(name), ".kmz") {
			return KMZ, nil
		}
		return Shapefile, nil
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".osm", ".pbf":
		return OSM, nil
	case ".json":
		if isOverpassJSON(head) {
			return OSM, nil
		}
		return GeoJSON, nil
	case ".geojson":
		return GeoJSON, nil
	case ".csv", ".tsv", ".txt":
		return CSV, nil
	case ".kml":
		return KML, nil
	case ".gpx":
		return GPX, nil
	case ".kmz":
		return KMZ, nil
	case ".zip", ".shp":
		return Shapefile, nil
	case ".gpkg":
		return GeoPackage, nil
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")) && isOverpassJSON(head):
		return OSM, nil
	case bytes.HasPrefix(trimmed, []byte("{")), bytes.HasPrefix(trimmed, []byte("[")):
		return GeoJSON, nil
	case bytes.HasPrefix(trimmed, []byte("<")):
		if bytes.Contains(head, []byte("<osm")) {
			return OSM, nil
		}
		if bytes.Contains(head, []byte("<gpx")) {
			return GPX, nil
		}
		if bytes.Contains(head, []byte("<kml")) {
			return KML, nil
		}
	}
	return "", geodata.Errorf(geodata.Invalid,
		"cannot tell the format of %q: upload GeoJSON (.geojson), CSV (.csv), KML (.kml), KMZ (.kmz), GPX (.gpx), a zipped Shapefile (.zip), a GeoPackage (.gpkg), an Open Referral HSDS package (.zip) or OpenStreetMap data (.osm, .osm.pbf, Overpass .json)", name)
}

// DetectSource is Detect with a look inside zips: a zip holding the
// Open Referral services and locations tables is HSDS, not a Shapefile.
func DetectSource(src Source, head []byte) (Format, error) {
	f, err := Detect(src.Name, head)
	if err == nil && f == Shapefile && src.R != nil && IsHSDSZip(src) {
		return HSDS, nil
	}
	return f, err
}

// ImpliedKind is the layer kind a format's content always is: HSDS and
// OpenStreetMap files are read as services. Other formats answer "".
func (f Format) ImpliedKind() geodata.Kind {
	switch f {
	case HSDS, OSM:
		return geodata.KindService
	}
	return ""
}

// ParseFormat reads a format name as a client may give it.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	switch f {
	case "json":
		return GeoJSON, nil
	case "shp", "zip":
		return Shapefile, nil
	case "gpkg":
		return GeoPackage, nil
	case "openreferral", "open referral":
		return HSDS, nil
	case "pbf", "osm.pbf", "osm-pbf", "overpass", "openstreetmap":
		return OSM, nil
	}
	for _, k := range Formats {
		if f == k {
			return f, nil
		}
	}
	return "", geodata.InvalidParam("format", fmt.Sprintf("is %q", s), "one of geojson, csv, kml, kmz, gpx, shapefile, geopackage, hsds, osm")
}

// FoldName reduces a column name to a key for matching: lower case, accents
// and punctuation removed, words separated by one space ("Latitude
// (WGS84)" → "latitude wgs84", "Coordonnées" → "coordonnees").
func FoldName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}
