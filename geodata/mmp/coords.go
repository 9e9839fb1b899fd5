package mmp

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/routerisk/routerisk/geodata"
)

// coordinates is the outcome of reading location_coodinates.
type coordinates struct {
	point       orb.Point // lon, lat
	approximate bool      // a whole-number coordinate
	issues      []rowIssue
	rejected    bool
}

// parseCoordinates reads MMP's "lat, lon" string (latitude first) into a
// GeoJSON point [lon, lat]. country is the country of incident, used to
// catch strings written in the wrong order (see doc.go).
func parseCoordinates(s, country string) coordinates {
	const field = "location_coodinates"
	var c coordinates
	reject := func(code, format string, args ...any) coordinates {
		c.rejected = true
		c.issues = append(c.issues, rowIssue{field: field, code: code, msg: fmt.Sprintf(format, args...), action: geodata.Rejected})
		return c
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return reject(CodeMissingCoordinates, "no coordinates; an incident without a place cannot be mapped")
	}
	parts := strings.Split(s, ",")
	if len(parts) != 2 {
		parts = strings.Fields(s)
	}
	if len(parts) != 2 {
		return reject(CodeInvalidCoordinates, "coordinates %q are not \"lat, lon\"", geodata.Truncate(s, 60))
	}
	latText, lonText := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	lat, err1 := strconv.ParseFloat(latText, 64)
	lon, err2 := strconv.ParseFloat(lonText, 64)
	if err1 != nil || err2 != nil || !finite(lat) || !finite(lon) {
		return reject(CodeInvalidCoordinates, "coordinates %q are not two numbers", geodata.Truncate(s, 60))
	}
	switch {
	case validLat(lat) && validLon(lon):
	case validLat(lon) && validLon(lat):
		lat, lon = lon, lat
		latText, lonText = lonText, latText
		c.issues = append(c.issues, rowIssue{field: field, code: CodeCoordinatesSwapped,
			msg: fmt.Sprintf("%q has a latitude beyond ±90; read as \"lon, lat\"", s), action: geodata.Repaired})
	default:
		return reject(CodeCoordinatesOutOfRange, "coordinates %q are outside latitude −90…90 and longitude −180…180", geodata.Truncate(s, 60))
	}
	if lat == 0 && lon == 0 {
		return reject(CodeZeroCoordinates, "coordinates 0, 0 are a placeholder, not a place")
	}
	p := orb.Point{lon, lat}
	if len(c.issues) == 0 && LonLatSwapped(p, country) {
		p = orb.Point{lat, lon}
		latText, lonText = lonText, latText
		c.issues = append(c.issues, rowIssue{field: field, code: CodeCoordinatesSwapped,
			msg: fmt.Sprintf("%q lies far outside %s and inside it when read as \"lon, lat\"; swapped", s, strings.TrimSpace(country)), action: geodata.Repaired})
	}
	if wholeNumber(lonText) {
		c.approximate = true
		c.issues = append(c.issues, rowIssue{field: field, code: CodeLongitudeTruncated,
			msg: fmt.Sprintf("longitude %s is a whole number (up to ~110 km off); geo_precision approximate", lonText), action: geodata.Flagged})
	}
	if wholeNumber(latText) {
		c.approximate = true
		c.issues = append(c.issues, rowIssue{field: field, code: CodeLatitudeTruncated,
			msg: fmt.Sprintf("latitude %s is a whole number (up to ~110 km off); geo_precision approximate", latText), action: geodata.Flagged})
	}
	c.point = p
	return c
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func validLat(f float64) bool { return f >= -90 && f <= 90 }

func validLon(f float64) bool { return f >= -180 && f <= 180 }

// wholeNumber reports whether a coordinate was written without decimals.
func wholeNumber(s string) bool {
	return !strings.ContainsAny(s, ".eE")
}
