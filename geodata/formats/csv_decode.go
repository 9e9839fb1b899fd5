package formats

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkt"

	"github.com/routerisk/routerisk/geodata"
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
// Invalid error listing the header and the names recognised.
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

	rd := csvRows{cr: cr, columns: columns, geo: geo, lim: lim, out: out}
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

// csvRows reads the data rows of one file.
type csvRows struct {
	cr      *csv.Reader
	columns []string
	geo     csvGeometry
	lim     Limits
	out     *Decoded

	row           int // data rows returned by the csv reader, blank ones included
	vertices      int
	blank         int
	lineBOMs      int
	decimalCommas int
}

func (rd *csvRows) readAll() error {
	for {
		rec, err := rd.cr.Read()
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

// csvSample wraps the text in a buffered reader and returns its first
// bytes, for sniffing, and whether they are the whole file.
func csvSample(text io.Reader) (io.Reader, []byte, bool, error) {
	br := bufio.NewReaderSize(text, textSniffSize)
	sample, err := br.Peek(textSniffSize)
	atEOF := errors.Is(err, io.EOF)
	if err != nil && !atEOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, false, csvReadError(err, "the start of the file")
	}
	if strings.TrimSpace(string(sample)) == "" {
		return nil, nil, false, geodata.Errorf(geodata.Invalid, "the file holds no header line; the first line must name the columns")
	}
	return br, sample, atEOF, nil
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

// csvUniqueColumns trims the header names (of spaces and stray byte
// order marks) and makes them unique: an empty
// name becomes column_N (N its 1-based position), a repeated name gets
// _2, _3, …; each change is flagged in rep with Feature 0.
func csvUniqueColumns(header []string, rep *geodata.Report) []string {
	columns := make([]string, len(header))
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		columns[i] = strings.TrimFunc(h, func(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' })
		seen[columns[i]] = true
	}
	used := make(map[string]bool, len(header))
	next := map[string]int{}
	for i, name := range columns {
		switch {
		case name == "":
			name = csvFreeName(fmt.Sprintf("column_%d", i+1), seen, used, next)
			rep.Add(geodata.Issue{Field: name, Code: CodeCSVUnnamedColumn, Action: geodata.Flagged,
				Message: fmt.Sprintf("column %d has no name; its values are read as %q — name it in the header to choose another name", i+1, name)})
		case used[name]:
			orig := name
			name = csvFreeName(name, seen, used, next)
			rep.Add(geodata.Issue{Field: name, Code: CodeCSVDuplicateColumn, Action: geodata.Flagged,
				Message: fmt.Sprintf("column %d repeats the name %q; its values are read as %q — rename one of them in the header", i+1, csvClip(orig), csvClip(name))})
		}
		used[name] = true
		columns[i] = name
	}
	return columns
}

// csvFreeName returns base if unused, else base_2, base_3, … (names the
// header holds count as used, so a later column keeps its own name).
// next remembers where the search for each base stopped, so that a
// header repeating one name many times costs linear time.
func csvFreeName(base string, seen, used map[string]bool, next map[string]int) string {
	if !seen[base] && !used[base] {
		return base
	}
	for n := max(next[base], 2); ; n++ {
		name := fmt.Sprintf("%s_%d", base, n)
		if !seen[name] && !used[name] {
			next[base] = n + 1
			return name
		}
	}
}

// detectCSVDelimiter picks ',', ';' or tab: the one present in the header
// that splits the first rows into as many cells as the header, the one
// giving most columns on a tie; quotes are respected. A file whose header
// holds none of them has one column and reads as ','.
func detectCSVDelimiter(sample []byte, atEOF bool) rune {
	cands := [...]rune{',', ';', '\t'}
	var counts [][len(cands)]int
	var cur [len(cands)]int
	inQuote, content := false, false
	for _, b := range sample {
		switch {
		case b == '"':
			inQuote = !inQuote
			content = true
		case inQuote:
		case b == '\n':
			if content {
				counts = append(counts, cur)
			}
			cur, content = [len(cands)]int{}, false
		case b == '\r', b == ' ':
		default:
			content = true
			for k, c := range cands {
				if rune(b) == c {
					cur[k]++
				}
			}
		}
		if len(counts) >= csvSniffRecords {
			break
		}
	}
	if content && (atEOF || len(counts) == 0) {
		counts = append(counts, cur)
	}
	best, bestScore := ',', -1
	for k, c := range cands {
		if len(counts) == 0 || counts[0][k] == 0 {
			continue
		}
		score := counts[0][k] * 2
		consistent := true
		for _, rc := range counts[1:] {
			consistent = consistent && rc[k] == counts[0][k]
		}
		if consistent {
			score += 1 << 20
		}
		if score > bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

func csvDelimiterAllowed(d rune) bool {
	switch d {
	case ',', ';', '\t', '|':
		return true
	}
	return false
}

func csvDelimiterName(d rune) string {
	if d == '\t' {
		return "tab"
	}
	return fmt.Sprintf("%q", d)
}

// csvOnlyCR reports whether lines end in a bare carriage return.
func csvOnlyCR(sample []byte) bool {
	return strings.ContainsRune(string(sample), '\r') && !strings.ContainsRune(string(sample), '\n')
}

// csvCRReader turns every carriage return into a line feed.
type csvCRReader struct{ r io.Reader }

func (c csvCRReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// csvClip shortens a value quoted in a message to csvIssueValueMax runes.
func csvClip(s string) string {
	if utf8.RuneCountInString(s) <= csvIssueValueMax {
		return s
	}
	r := []rune(s)
	return string(r[:csvIssueValueMax]) + "…"
}

// csvGeometrySource says where a row's geometry comes from.
type csvGeometrySource int

const (
	csvLatLon csvGeometrySource = iota + 1 // a latitude and a longitude column
	csvPair                                // one "lat, lon" column
	csvWKT                                 // one WKT column
)

// csvGeometry is the choice of coordinate columns for one file.
type csvGeometry struct {
	source   csvGeometrySource
	lat, lon int // csvLatLon
	col      int // csvPair, csvWKT
	names    []string
}

// csvProblem is why a row has no geometry.
type csvProblem struct{ code, message string }

func (g csvGeometry) uses(i int) bool {
	if g.source == csvLatLon {
		return i == g.lat || i == g.lon
	}
	return i == g.col
}

func (g csvGeometry) columnCount() int {
	if g.source == csvLatLon {
		return 2
	}
	return 1
}

func (g csvGeometry) note(columns []string) string {
	switch g.source {
	case csvLatLon:
		return fmt.Sprintf("geometry: points from the columns %q (latitude) and %q (longitude)", columns[g.lat], columns[g.lon])
	case csvPair:
		return fmt.Sprintf("geometry: points from the column %q, read as \"latitude, longitude\"", columns[g.col])
	}
	return fmt.Sprintf("geometry: WKT from the column %q (longitude first, WGS84)", columns[g.col])
}

// build makes the geometry of one record and counts the coordinates that
// were written with a decimal comma.
func (g csvGeometry) build(rec []string) (orb.Geometry, int, *csvProblem) {
	switch g.source {
	case csvLatLon:
		latText, lonText := rec[g.lat], rec[g.lon]
		for _, c := range []int{g.lat, g.lon} {
			if csvNoValue(rec[c]) {
				return nil, 0, g.missing(c, rec[c])
			}
		}
		lat, c1, ok := csvParseDegrees(latText, true)
		if !ok {
			return nil, 0, &csvProblem{CodeCSVInvalidCoordinates, fmt.Sprintf(
				"has %q in %q, which is not a decimal latitude (like 12.5, -3,25 or 12.5 N); correct it or remove the row",
				csvClip(latText), g.names[g.lat])}
		}
		lon, c2, ok := csvParseDegrees(lonText, false)
		if !ok {
			return nil, 0, &csvProblem{CodeCSVInvalidCoordinates, fmt.Sprintf(
				"has %q in %q, which is not a decimal longitude (like 12.5, -3,25 or 3.2 W); correct it or remove the row",
				csvClip(lonText), g.names[g.lon])}
		}
		return orb.Point{lon, lat}, csvCountTrue(c1, c2), nil
	case csvPair:
		cell := rec[g.col]
		if csvNoValue(cell) {
			return nil, 0, g.missing(g.col, cell)
		}
		lat, lon, commas, ok := csvParsePair(cell)
		if !ok {
			return nil, 0, &csvProblem{CodeCSVInvalidCoordinates, fmt.Sprintf(
				"has %q in %q, which is not \"latitude, longitude\" in decimal degrees (like \"37.34, 42.99\"); correct it or remove the row",
				csvClip(cell), g.names[g.col])}
		}
		return orb.Point{lon, lat}, commas, nil
	}
	cell := rec[g.col]
	if csvNoValue(cell) {
		return nil, 0, g.missing(g.col, cell)
	}
	geom, p := csvParseWKT(cell, g.names[g.col])
	return geom, 0, p
}

func (g csvGeometry) missing(col int, cell string) *csvProblem {
	what := "empty"
	if strings.TrimSpace(cell) != "" {
		what = fmt.Sprintf("%q", csvClip(cell))
	}
	return &csvProblem{CodeCSVMissingCoordinates, fmt.Sprintf(
		"has no coordinates: %q is %s; fill in the coordinates or remove the row", g.names[col], what)}
}

// csvNoValue reports whether a cell says "no value": empty, NA, N/A,
// NaN, null, None or a dash, as R, pandas, Excel and databases write it.
func csvNoValue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "na", "n/a", "#n/a", "nan", "null", "none", "-", "--":
		return true
	}
	return false
}

// findCSVGeometry chooses the coordinate columns: those named in opts,
// else (a) a latitude and a longitude column, (b) a "lat, lon" column,
// (c) a WKT column.
func findCSVGeometry(columns []string, opts CSVOptions) (csvGeometry, error) {
	g := csvGeometry{names: columns}
	named := 0
	for _, s := range []string{opts.WKT, opts.Coordinates, opts.Latitude + opts.Longitude} {
		if strings.TrimSpace(s) != "" {
			named++
		}
	}
	if named > 1 {
		return g, geodata.Errorf(geodata.Invalid, "name either a latitude and a longitude column, or a coordinates column, or a WKT column — not several")
	}
	find := func(role, name string) (int, error) {
		i := csvFindColumn(columns, name)
		if i < 0 {
			return -1, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"columns": columns},
				Message: fmt.Sprintf("the column %q given for %s is not in the header; the header has: %s", csvClip(name), role, csvHeaderList(columns))}
		}
		return i, nil
	}
	var err error
	switch {
	case strings.TrimSpace(opts.WKT) != "":
		g.source = csvWKT
		g.col, err = find("WKT geometry", opts.WKT)
		return g, err
	case strings.TrimSpace(opts.Coordinates) != "":
		g.source = csvPair
		g.col, err = find("coordinates", opts.Coordinates)
		return g, err
	case strings.TrimSpace(opts.Latitude) != "" || strings.TrimSpace(opts.Longitude) != "":
		if strings.TrimSpace(opts.Latitude) == "" || strings.TrimSpace(opts.Longitude) == "" {
			return g, geodata.Errorf(geodata.Invalid, "name both the latitude and the longitude column")
		}
		g.source = csvLatLon
		if g.lat, err = find("latitudes", opts.Latitude); err != nil {
			return g, err
		}
		g.lon, err = find("longitudes", opts.Longitude)
		return g, err
	}
	if lat, lon := csvFindLatLon(columns); lat >= 0 && lon >= 0 {
		g.source, g.lat, g.lon = csvLatLon, lat, lon
		return g, nil
	}
	for i, c := range columns {
		if csvPairName(c) {
			g.source, g.col = csvPair, i
			return g, nil
		}
	}
	for i, c := range columns {
		if csvWKTName(c) {
			g.source, g.col = csvWKT, i
			return g, nil
		}
	}
	return g, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"columns": columns}, Message: fmt.Sprintf(
		"no coordinate columns found. The header has: %s. Recognised are a latitude and a longitude column "+
			"(lat, latitude, latitud, y and lon, lng, long, longitude, longitud, x; case, accents and units such as \"(WGS84)\" are ignored), "+
			"one \"latitude, longitude\" column (coordinates, coords, location coordinates) "+
			"or a WKT column (wkt, geometry, geom, the_geom). Or name the columns with the upload: lat=… and lon=…, coordinates=…, or wkt=…",
		csvHeaderList(columns))}
}

// csvFindColumn finds a column by its exact name, else by its name with
// case, accents and punctuation ignored; -1 when there is none.
func csvFindColumn(columns []string, name string) int {
	name = strings.TrimSpace(name)
	for i, c := range columns {
		if c == name {
			return i
		}
	}
	key := FoldName(name)
	for i, c := range columns {
		if key != "" && FoldName(c) == key {
			return i
		}
	}
	return -1
}

// csvFindLatLon finds the latitude and longitude columns, preferring
// explicit names (lat, longitude, …) to x and y.
func csvFindLatLon(columns []string) (lat, lon int) {
	lat, lon = -1, -1
	latRank, lonRank := 0, 0
	for i, c := range columns {
		axis, rank := csvAxis(c)
		switch {
		case axis == 'y' && rank > latRank:
			lat, latRank = i, rank
		case axis == 'x' && rank > lonRank:
			lon, lonRank = i, rank
		}
	}
	return lat, lon
}

// csvAxis says whether a column name means latitude ('y') or longitude
// ('x'), and how surely: 2 for a name such as "Latitude (WGS84)", 1 for
// a bare x or y.
func csvAxis(name string) (byte, int) {
	var kept []string
	for _, w := range strings.Fields(FoldName(name)) {
		switch w {
		case "wgs84", "wgs", "84", "dd", "deg", "degree", "degrees", "decimal", "dec", "gps", "epsg", "4326",
			"point", "coord", "coordinate", "n", "s", "e", "w":
			continue
		}
		kept = append(kept, w)
	}
	switch strings.Join(kept, "") {
	case "lat", "latitude", "latitud", "latitudine", "breitengrad", "decimallatitude", "ylat", "laty":
		return 'y', 2
	case "lon", "lng", "long", "longitude", "longitud", "longitudine", "langengrad", "decimallongitude", "xlon", "lonx", "xlong", "longx":
		return 'x', 2
	case "y":
		return 'y', 1
	case "x":
		return 'x', 1
	}
	return 0, 0
}

// csvPairName reports whether a column name means one "lat, lon" column.
func csvPairName(name string) bool {
	var kept []string
	for _, w := range strings.Fields(FoldName(name)) {
		switch w {
		case "wgs84", "wgs", "84", "dd", "decimal", "gps":
			continue
		}
		kept = append(kept, w)
	}
	switch strings.Join(kept, "") {
	case "coordinates", "coordinate", "coords", "coord", "latlon", "latlong", "latlng", "latitudelongitude",
		"locationcoordinates", "locationcoodinates", "geocoordinates", "coordonnees", "coordenadas":
		return true
	}
	return false
}

// csvWKTName reports whether a column name means WKT geometry.
func csvWKTName(name string) bool {
	switch strings.ReplaceAll(FoldName(name), " ", "") {
	case "wkt", "wktgeom", "wktgeometry", "geometry", "geom", "thegeom", "geometrywkt", "geomwkt":
		return true
	}
	return false
}

func csvHeaderList(columns []string) string {
	var quoted []string
	for i, c := range columns {
		if i == csvHeaderListMax {
			quoted = append(quoted, fmt.Sprintf("… (%d columns in all)", len(columns)))
			break
		}
		quoted = append(quoted, fmt.Sprintf("%q", csvClip(c)))
	}
	if len(quoted) == 0 {
		return "(no columns)"
	}
	return strings.Join(quoted, ", ")
}

var csvDecimalPattern = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)

// csvParseDegrees reads one coordinate in decimal degrees: "12.5",
// "-3,25" (decimal comma), "12.5°", "12.5 N" / "3.2 W" (a hemisphere
// letter, S and W negative). It reports whether a decimal comma was read.
// Non-finite values are refused.
func csvParseDegrees(s string, latitude bool) (float64, bool, bool) {
	t := strings.TrimSpace(strings.ReplaceAll(s, "\u2212", "-"))
	sign, hemisphere := 1.0, false
	if t != "" {
		last := t[len(t)-1] | 0x20 // lower case for ASCII letters
		first := t[0] | 0x20
		for _, h := range []struct {
			letter   byte
			lat, neg bool
		}{{'n', true, false}, {'s', true, true}, {'e', false, false}, {'w', false, true}} {
			if h.lat != latitude {
				continue
			}
			switch {
			case last == h.letter:
				t = t[:len(t)-1]
			case first == h.letter:
				t = t[1:]
			default:
				continue
			}
			hemisphere = true
			if h.neg {
				sign = -1
			}
			break
		}
	}
	t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(t), "°"))
	if hemisphere && (strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+")) {
		return 0, false, false
	}
	comma := false
	if !strings.Contains(t, ".") && strings.Count(t, ",") == 1 {
		t = strings.Replace(t, ",", ".", 1)
		comma = true
	}
	if !csvDecimalPattern.MatchString(t) {
		return 0, false, false
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, false
	}
	return sign * v, comma, true
}

// csvParsePair reads "lat, lon" (also "lat; lon", "lat lon", "(lat, lon)"
// and "12,5; 3,4" with decimal commas). It returns the number of decimal
// commas read.
func csvParsePair(s string) (lat, lon float64, commas int, ok bool) {
	t := strings.TrimSpace(s)
	if len(t) >= 2 && (t[0] == '(' && t[len(t)-1] == ')' || t[0] == '[' && t[len(t)-1] == ']') {
		t = strings.TrimSpace(t[1 : len(t)-1])
	}
	var parts []string
	switch {
	case strings.Count(t, ";") == 1:
		parts = strings.Split(t, ";")
	case strings.Count(t, ",") == 1:
		parts = strings.Split(t, ",")
	case strings.Count(t, ", ") == 1:
		parts = strings.Split(t, ", ")
	default:
		parts = strings.Fields(t)
	}
	if len(parts) != 2 {
		return 0, 0, 0, false
	}
	lat, c1, ok1 := csvParseDegrees(parts[0], true)
	lon, c2, ok2 := csvParseDegrees(parts[1], false)
	if !ok1 || !ok2 {
		return 0, 0, 0, false
	}
	return lat, lon, csvCountTrue(c1, c2), true
}

func csvCountTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

var csvSRIDPattern = regexp.MustCompile(`(?i)^\s*srid\s*=\s*(\d{1,9})\s*;`)

// csvParseWKT reads a WKT (or EWKT with SRID=4326) cell into an orb
// geometry, Z and M dropped.
func csvParseWKT(cell, column string) (orb.Geometry, *csvProblem) {
	text := cell
	if m := csvSRIDPattern.FindStringSubmatch(text); m != nil {
		if m[1] != "4326" {
			return nil, &csvProblem{CodeCSVUnsupportedCRS, fmt.Sprintf(
				"gives SRID=%s in %q; only WGS84 longitude/latitude (SRID=4326) is read — export the layer in EPSG:4326", m[1], column)}
		}
		text = text[len(m[0]):]
	}
	g, err := csvUnmarshalWKT(text)
	if err != nil {
		return nil, &csvProblem{CodeCSVInvalidWKT, fmt.Sprintf(
			"has %q in %q, which is not WKT geometry (like POINT (30.5 10.2), longitude first): %v; correct it or remove the row",
			csvClip(cell), column, err)}
	}
	out, err := csvOrbGeometry(g)
	if err != nil {
		return nil, &csvProblem{CodeCSVInvalidCoordinates, fmt.Sprintf("has WKT in %q with %v; correct it or remove the row", column, err)}
	}
	if out == nil {
		return nil, &csvProblem{CodeCSVEmptyGeometry, fmt.Sprintf(
			"has an empty geometry in %q (%s); give the feature a geometry or remove the row", column, csvClip(strings.TrimSpace(cell)))}
	}
	return out, nil
}

// csvUnmarshalWKT runs the go-geom WKT parser, turning a panic inside it
// into an error: the cell is untrusted input and the parser is generated
// code this package does not control.
func csvUnmarshalWKT(text string) (g geom.T, err error) {
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("unreadable WKT")
		}
	}()
	g, err = wkt.Unmarshal(text)
	if err == nil && g == nil {
		err = fmt.Errorf("no geometry")
	}
	return g, err
}

// csvOrbGeometry converts a go-geom geometry to orb, keeping x and y. It
// returns nil for an empty geometry (empty parts of a collection are left
// out) and an error for a coordinate that is not finite.
func csvOrbGeometry(g geom.T) (orb.Geometry, error) {
	switch x := g.(type) {
	case *geom.Point:
		if x.Empty() {
			return nil, nil
		}
		ps, err := csvOrbPoints(x.FlatCoords(), x.Stride())
		if err != nil {
			return nil, err
		}
		return ps[0], nil
	case *geom.LineString:
		ps, err := csvOrbPoints(x.FlatCoords(), x.Stride())
		if err != nil || len(ps) == 0 {
			return nil, err
		}
		return orb.LineString(ps), nil
	case *geom.Polygon:
		var p orb.Polygon
		for i := 0; i < x.NumLinearRings(); i++ {
			r := x.LinearRing(i)
			ps, err := csvOrbPoints(r.FlatCoords(), r.Stride())
			if err != nil {
				return nil, err
			}
			if len(ps) > 0 {
				p = append(p, orb.Ring(ps))
			}
		}
		if len(p) == 0 {
			return nil, nil
		}
		return p, nil
	case *geom.MultiPoint:
		var mp orb.MultiPoint
		for i := 0; i < x.NumPoints(); i++ {
			pt, err := csvOrbGeometry(x.Point(i))
			if err != nil {
				return nil, err
			}
			if pt != nil {
				mp = append(mp, pt.(orb.Point))
			}
		}
		if len(mp) == 0 {
			return nil, nil
		}
		return mp, nil
	case *geom.MultiLineString:
		var ml orb.MultiLineString
		for i := 0; i < x.NumLineStrings(); i++ {
			l, err := csvOrbGeometry(x.LineString(i))
			if err != nil {
				return nil, err
			}
			if l != nil {
				ml = append(ml, l.(orb.LineString))
			}
		}
		if len(ml) == 0 {
			return nil, nil
		}
		return ml, nil
	case *geom.MultiPolygon:
		var mp orb.MultiPolygon
		for i := 0; i < x.NumPolygons(); i++ {
			p, err := csvOrbGeometry(x.Polygon(i))
			if err != nil {
				return nil, err
			}
			if p != nil {
				mp = append(mp, p.(orb.Polygon))
			}
		}
		if len(mp) == 0 {
			return nil, nil
		}
		return mp, nil
	case *geom.GeometryCollection:
		var c orb.Collection
		for _, m := range x.Geoms() {
			og, err := csvOrbGeometry(m)
			if err != nil {
				return nil, err
			}
			if og != nil {
				c = append(c, og)
			}
		}
		if len(c) == 0 {
			return nil, nil
		}
		return c, nil
	}
	return nil, fmt.Errorf("a geometry type that is not read (%T)", g)
}

// csvOrbPoints takes x and y of each position of a flat coordinate list.
func csvOrbPoints(flat []float64, stride int) ([]orb.Point, error) {
	if stride < 2 {
		return nil, nil
	}
	ps := make([]orb.Point, 0, len(flat)/stride)
	for i := 0; i+stride <= len(flat); i += stride {
		x, y := flat[i], flat[i+1]
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			return nil, fmt.Errorf("a coordinate that is not a finite number")
		}
		ps = append(ps, orb.Point{x, y})
	}
	return ps, nil
}
