package formats

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/hxl"
)

// Issue codes of the CSV reader.
const (
	CodeCSVFieldCount         = "field_count"          // rejected: the row has more or fewer cells than the header
	CodeCSVMalformedRow       = "malformed_row"        // rejected: quotes do not follow RFC 4180
	CodeCSVValueTooLong       = "value_too_long"       // rejected: a cell over Limits.MaxValueLength
	CodeCSVMissingCoordinates = "missing_coordinates"  // rejected: coordinate cell empty, NA or N/A
	CodeCSVInvalidCoordinates = "invalid_coordinates"  // rejected: coordinate cell not a finite decimal number
	CodeCSVInvalidWKT         = "invalid_wkt"          // rejected: WKT cell that does not parse
	CodeCSVEmptyGeometry      = "empty_geometry"       // rejected: WKT EMPTY
	CodeCSVUnsupportedCRS     = "unsupported_crs"      // rejected: EWKT with an SRID other than 4326
	CodeCSVUnnamedColumn      = "unnamed_column"       // flagged (header): empty column name replaced by column_N
	CodeCSVDuplicateColumn    = "duplicate_column"     // flagged (header): repeated column name suffixed _2, _3, …
	csvIssueValueMax          = 80                     // runes of a cell quoted in a message
	csvHeaderListMax          = 40                     // column names listed in an error
	csvSniffRecords           = 50                     // records looked at to choose the delimiter
	csvEmptyCell              = "empty, NA, N/A, null" // what counts as no coordinate, for messages
)

// DecodeCSV reads a delimited text file with a header line into point
// features (or any geometry, from a WKT column).
//
// Text: UTF-8 (with or without byte order mark), UTF-16 with a byte order
// mark, or windows-1252/Latin-1 when the bytes are not UTF-8 (see
// decodeText); lines may end in LF, CRLF or, as in old Mac exports, CR.
// Quoting follows RFC 4180 strictly (what MMP, Excel, LibreOffice, R and
// pandas write): a row whose quotes are broken is rejected with its line
// number rather than guessed at. The delimiter is ',', ';' or tab, taken
// from opts.CSV.Delimiter or detected from the header and first rows.
//
// Header: names are trimmed. An empty name (the index column pandas and R
// write) becomes column_N and a repeated one gets _2, _3, …; both are
// flagged in the report as issues with Feature 0, and Decoded.Columns
// holds the names used. Making names unique, rather than refusing the
// file, keeps exports with an index column or two "Notes" columns
// loadable, and every value stays reachable under a name the report shows.
//
// Geometry, unless opts.CSV names the columns: (a) a latitude and a
// longitude column (lat, latitude, latitud, y, "Latitude (WGS84)", …; lon,
// lng, long, longitude, longitud, x, …; case, accents, spacing and unit
// words ignored), (b) one "lat, lon" column (coordinates, coords, Location
// Coordinates, location_coodinates, …), latitude first as in MMP exports,
// or (c) a WKT column (wkt, wkt_geom, geometry, geom, the_geom), POINT to
// GEOMETRYCOLLECTION with Z and M dropped, optionally as EWKT with
// SRID=4326. Coordinates are decimal degrees; a decimal comma ("12,5") is
// read, as are a trailing ° and a hemisphere letter (12.5 N, 3.2 W). No
// range check is made here. When no such columns exist the file is an
// Invalid error listing the header and the names recognised — unless
// opts.CSV.Table accepts its columns: then it is read as a table, every
// row a feature without geometry (an exposure series).
//
// Rows: each becomes a feature whose properties are every other column,
// as raw strings, except empty cells (left out); the coordinate columns
// are not properties. A row with the wrong number of cells, broken quotes,
// empty or unreadable coordinates, or a value over Limits.MaxValueLength is
// rejected with an issue naming the data row (its Feature number, 1-based,
// counting the data rows of the file) and the line it starts on. The
// length limit applies to property cells; a WKT cell is bounded by
// MaxVertices instead. Rows whose cells are all empty are skipped
// and counted in a note. Features have no ID.
//
// Limits: MaxFeatures and MaxVertices stop the read with a TooLarge
// error; more property columns than MaxProperties is an Invalid error.
// Decoded.Notes name the encoding, delimiter and coordinate columns.
func DecodeCSV(r io.Reader, opts Options) (*Decoded, error) {
	lim := opts.Limits.WithDefaults()
	text, err := decodeText(r)
	if err != nil {
		return nil, err
	}
	src, sample, atEOF, err := csvSample(text)
	if err != nil {
		return nil, err
	}
	out := &Decoded{Format: CSV}
	if csvOnlyCR(sample) {
		src = csvCRReader{src}
		sample = []byte(strings.ReplaceAll(string(sample), "\r", "\n"))
		out.Notes = append(out.Notes, "line endings: carriage returns only (classic Mac OS); read as line breaks")
	}
	delim := opts.CSV.Delimiter
	if delim == 0 {
		delim = detectCSVDelimiter(sample, atEOF)
		out.Notes = append(out.Notes, "delimiter: "+csvDelimiterName(delim)+" (detected)")
	} else {
		if !csvDelimiterAllowed(delim) {
			return nil, geodata.Errorf(geodata.Invalid, "the delimiter %q cannot be used; give ',', ';', tab or '|'", delim)
		}
		out.Notes = append(out.Notes, "delimiter: "+csvDelimiterName(delim)+" (given)")
	}

	cr := csv.NewReader(src)
	cr.Comma = delim
	cr.FieldsPerRecord = -1 // checked here, so that a short row is an issue, not a failed file
	cr.ReuseRecord = true
	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, geodata.Errorf(geodata.Invalid, "the file holds no header line; the first line must name the columns")
	case err != nil:
		return nil, csvReadError(err, "the header line")
	}
	if len(header)-2 > lim.MaxProperties { // checked before any work per column; exactly below
		return nil, geodata.Errorf(geodata.Invalid,
			"the header has %d columns, more than %d besides the coordinates (limit max_properties); remove the columns you do not need",
			len(header), lim.MaxProperties)
	}
	columns := csvUniqueColumns(header, &out.Report)
	out.Columns = columns
	// A HXL hashtag row under the header is read as the columns' tags,
	// not as data; the first record is otherwise the first data row.
	var pending *csvRecord
	first, firstErr := cr.Read()
	switch {
	case firstErr == nil && hxl.IsHashtagRow(first):
		out.HXL = csvHashtags(first, len(columns))
		out.Notes = append(out.Notes, "HXL hashtag row under the header: read as the columns' tags, not as data")
		opts.CSV = csvHXLGeometry(opts.CSV, columns, out.HXL)
	case !errors.Is(firstErr, io.EOF):
		pending = &csvRecord{rec: slices.Clone(first), err: firstErr}
	}
	geo, err := findCSVGeometry(columns, opts.CSV)
	if err != nil {
		return nil, err
	}
	if n := len(columns) - geo.columnCount(); n > lim.MaxProperties {
		return nil, geodata.Errorf(geodata.Invalid,
			"the header has %d columns besides the coordinates, more than %d (limit max_properties); remove the columns you do not need",
			n, lim.MaxProperties)
	}
	out.Notes = append(out.Notes, geo.note(columns))

	rd := csvRows{cr: cr, columns: columns, geo: geo, lim: lim, out: out, pending: pending}
	if err := rd.readAll(); err != nil {
		return nil, err
	}
	out.Notes = append(out.Notes, text.Note())
	if rd.blank > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("%d rows with every cell empty skipped", rd.blank))
	}
	if rd.lineBOMs > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("%d rows began with a byte order mark (files joined together?); removed", rd.lineBOMs))
	}
	if rd.decimalCommas > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("%d coordinates written with a decimal comma (12,5) read as decimals", rd.decimalCommas))
	}
	return out, nil
}

// csvHashtags returns the hashtag of each of n columns from a hashtag
// row, normalised (#affected+killed), "" for an untagged column.
func csvHashtags(row []string, n int) []string {
	specs, _ := hxl.ParseRow(row) // IsHashtagRow said every cell parses
	out := make([]string, n)
	for i := range min(n, len(specs)) {
		if specs[i].Tag != "" {
			out[i] = specs[i].String()
		}
	}
	return out
}

// csvHXLGeometry names the coordinate columns by their hashtags (#geo+lat
// and #geo+lon, or #geo+coord) when opts names none: a hashtag says what
// a column holds better than its name.
func csvHXLGeometry(opts CSVOptions, columns, tags []string) CSVOptions {
	if strings.TrimSpace(opts.WKT+opts.Coordinates+opts.Latitude+opts.Longitude) != "" {
		return opts
	}
	var lat, lon, coord string
	for i, t := range tags {
		s, err := hxl.Parse(t)
		if t == "" || err != nil || s.Tag != "geo" {
			continue
		}
		for _, a := range s.Attributes {
			switch {
			case a == "lat" && lat == "":
				lat = columns[i]
			case a == "lon" && lon == "":
				lon = columns[i]
			case a == "coord" && coord == "":
				coord = columns[i]
			}
		}
	}
	switch {
	case lat != "" && lon != "":
		opts.Latitude, opts.Longitude = lat, lon
	case coord != "":
		opts.Coordinates = coord
	}
	return opts
}

// csvRows reads the data rows of one file.
type csvRows struct {
	cr      *csv.Reader
	columns []string
	geo     csvGeometry
	lim     Limits
	out     *Decoded

	pending       *csvRecord // the record read ahead to look for a HXL row
	row           int        // data rows returned by the csv reader, blank ones included
	vertices      int
	blank         int
	lineBOMs      int
	decimalCommas int
}

// csvRecord is a record read ahead, with its read error.
type csvRecord struct {
	rec []string
	err error
}

// next returns the record read ahead, then the reader's.
func (rd *csvRows) next() ([]string, error) {
	if p := rd.pending; p != nil {
		rd.pending = nil
		return p.rec, p.err
	}
	return rd.cr.Read()
}

func (rd *csvRows) readAll() error {
	for {
		rec, err := rd.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		rd.row++
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return csvReadError(err, fmt.Sprintf("row %d", rd.row))
		}
		if err == nil && len(rec) > 0 && strings.HasPrefix(rec[0], "\ufeff") {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff") // files joined together keep each one's byte order mark
			rd.lineBOMs++
		}
		if err == nil && csvBlankRecord(rec) {
			rd.blank++
			continue
		}
		if rd.out.Report.Read >= rd.lim.MaxFeatures {
			return geodata.Errorf(geodata.TooLarge, "the file has more than %d features (limit max_features)", rd.lim.MaxFeatures)
		}
		rd.out.Report.Read++
		if pe != nil {
			rd.reject(pe.StartLine, "", CodeCSVMalformedRow, csvQuoteProblem(pe))
			continue
		}
		line, _ := rd.cr.FieldPos(0)
		if err := rd.addRecord(rec, line); err != nil {
			return err
		}
	}
}

// addRecord turns one well-formed record into a feature or a rejection.
func (rd *csvRows) addRecord(rec []string, line int) error {
	if len(rec) != len(rd.columns) {
		rd.reject(line, "", CodeCSVFieldCount, fmt.Sprintf(
			"has %d cells but the header has %d columns; a value holding the delimiter must be in double quotes, or a cell is missing",
			len(rec), len(rd.columns)))
		return nil
	}
	filled := 0
	for i, cell := range rec {
		if rd.geo.uses(i) || strings.TrimSpace(cell) == "" {
			continue
		}
		if len(cell) > rd.lim.MaxValueLength {
			rd.reject(line, rd.columns[i], CodeCSVValueTooLong, fmt.Sprintf(
				"the value of %q is %d bytes, more than %d (limit max_value_length); shorten it or leave the column out",
				rd.columns[i], len(cell), rd.lim.MaxValueLength))
			return nil
		}
		filled++
	}
	g, commas, p := rd.geo.build(rec)
	if p != nil {
		rd.reject(line, "geometry", p.code, p.message)
		return nil
	}
	rd.decimalCommas += commas
	rd.vertices += countVertices(g)
	if rd.vertices > rd.lim.MaxVertices {
		return geodata.Errorf(geodata.TooLarge, "the file has more than %d coordinates (limit max_vertices)", rd.lim.MaxVertices)
	}
	props := make(geojson.Properties, filled)
	for i, cell := range rec {
		if !rd.geo.uses(i) && strings.TrimSpace(cell) != "" {
			props[rd.columns[i]] = cell
		}
	}
	f := &geojson.Feature{Type: "Feature", Geometry: g, Properties: props}
	rd.out.Features = append(rd.out.Features, f)
	rd.out.Report.Accepted++
	return nil
}

func (rd *csvRows) reject(line int, field, code, msg string) {
	rd.out.Report.Rejected++
	rd.out.Report.Add(geodata.Issue{
		Feature: rd.row,
		Field:   field,
		Code:    code,
		Action:  geodata.Rejected,
		Message: fmt.Sprintf("row %d (line %d) %s", rd.row, line, msg),
	})
}

// csvReadError turns a read failure into the error the caller sees: a
// *geodata.Error from the source as it is, a CSV syntax error as Invalid,
// anything else as Internal.
func csvReadError(err error, where string) error {
	var ge *geodata.Error
	if errors.As(err, &ge) {
		return ge
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return geodata.Errorf(geodata.Invalid, "%s (line %d) cannot be read: %s", where, pe.StartLine, csvQuoteProblem(pe))
	}
	return &geodata.Error{Code: geodata.Internal, Message: where + " could not be read", Err: err}
}

// csvQuoteProblem explains a CSV syntax error in spreadsheet terms.
func csvQuoteProblem(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("has a double quote inside a value that is not quoted (line %d, column %d); put the whole value in double quotes and double the quote inside (\"12\"\" pipe\")", pe.Line, pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
		return fmt.Sprintf("opens a quoted value that is not closed properly; lines %d to %d were read into it — close the quote, and double any quote inside the value", pe.StartLine, pe.Line)
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Sprintf("has a quoted value followed by other text, or a quote that is not closed (column %d); double any quote inside a quoted value", pe.Column)
	}
	return "cannot be read: " + pe.Err.Error()
}

func csvBlankRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvClip shortens a value quoted in a message to csvIssueValueMax runes.
func csvClip(s string) string {
	if utf8.RuneCountInString(s) <= csvIssueValueMax {
		return s
	}
	r := []rune(s)
	return string(r[:csvIssueValueMax]) + "…"
}
