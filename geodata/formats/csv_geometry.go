package formats

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// csvGeometrySource says where a row's geometry comes from.
type csvGeometrySource int

const (
	csvLatLon csvGeometrySource = iota + 1 // a latitude and a longitude column
	csvPair                                // one "lat, lon" column
	csvWKT                                 // one WKT column
	csvTable                               // no geometry: rows of a table (CSVOptions.Table)
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
	switch g.source {
	case csvTable:
		return false
	case csvLatLon:
		return i == g.lat || i == g.lon
	}
	return i == g.col
}

func (g csvGeometry) columnCount() int {
	switch g.source {
	case csvTable:
		return 0
	case csvLatLon:
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
	case csvTable:
		return "geometry: none — no coordinate columns, so the rows are read as a table (features without geometry)"
	}
	return fmt.Sprintf("geometry: WKT from the column %q (longitude first, WGS84)", columns[g.col])
}

// build makes the geometry of one record and counts the coordinates that
// were written with a decimal comma.
func (g csvGeometry) build(rec []string) (orb.Geometry, int, *csvProblem) {
	switch g.source {
	case csvTable:
		return nil, 0, nil
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
