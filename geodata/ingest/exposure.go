package ingest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// Issue codes of the exposure checks (kind exposure: one row per route,
// month and count).
const (
	CodeEmptyRoute        = "empty_route"           // rejected: the row names no route
	CodeInvalidMonth      = "invalid_month"         // rejected: the month is missing or not YYYY-MM
	CodeInvalidCount      = "invalid_count"         // rejected: the count is missing, not a number or negative
	CodeDuplicateRowMonth = "duplicate_route_month" // rejected: the same route, month (and key) in two rows; both are rejected
)

// checkExposure checks the rows of an exposure layer after mapping: each
// needs a route, a month (YYYY-MM; a date YYYY-MM-DD is read as its month)
// and a count (a number ≥ 0), and no two rows may give the same route,
// month and key. Rows with different keys (for example one per
// flow-monitoring site) are added up by the analyses. It normalises month
// to YYYY-MM and count to a number in place, records an issue for every
// rejected row (pos gives a row's 1-based position in the file; noun is
// "row" or "feature") and returns which features, by index, are rejected,
// and the notes for the whole file.
func checkExposure(feats []*geojson.Feature, pos func(int) int, noun string, rep *geodata.Report) (rejected map[int]bool, notes []string) {
	rejected = map[int]bool{}
	type seen struct{ index, pos int }
	first := map[string]seen{}
	fromDates := 0
	reject := func(i int, f *geojson.Feature, field, code, msg string) {
		rejected[i] = true
		rep.Add(geodata.Issue{Feature: pos(i), ID: featureID(f.ID), Field: field, Code: code, Action: geodata.Rejected,
			Message: fmt.Sprintf("%s %d: %s", noun, pos(i), msg)})
	}
	for i, f := range feats {
		route, _ := f.Properties["route"].(string)
		if strings.TrimSpace(route) == "" {
			reject(i, f, "route", CodeEmptyRoute, "the route is empty; name the Missing Migrants route the counts are for (e.g. Central Mediterranean)")
			continue
		}
		month, fromDate, ok := exposureMonth(f.Properties["month"])
		if !ok {
			reject(i, f, "month", CodeInvalidMonth, fmt.Sprintf("the month %s is not a month; write it as YYYY-MM (2023-05)", quoteValue(f.Properties["month"])))
			continue
		}
		count, problem := exposureCount(f.Properties["count"])
		if problem != "" {
			reject(i, f, "count", CodeInvalidCount, fmt.Sprintf("the count %s %s", quoteValue(f.Properties["count"]), problem))
			continue
		}
		if fromDate {
			fromDates++
		}
		f.Properties["month"], f.Properties["count"] = month, count
		key, _ := f.Properties["key"].(string)
		id := route + "\x00" + month + "\x00" + key
		if s, dup := first[id]; dup {
			what := fmt.Sprintf("%q %s", geodata.Truncate(route, 80), month)
			if key != "" {
				what += fmt.Sprintf(" (key %q)", geodata.Truncate(key, 80))
			}
			reject(i, f, "month", CodeDuplicateRowMonth, fmt.Sprintf("%s is also given in %s %d; keep one row per route and month — both rows are left out", what, noun, s.pos))
			if !rejected[s.index] {
				reject(s.index, feats[s.index], "month", CodeDuplicateRowMonth, fmt.Sprintf("%s is given again in %s %d; keep one row per route and month — both rows are left out", what, noun, pos(i)))
			}
			continue
		}
		first[id] = seen{i, pos(i)}
	}
	if fromDates > 0 {
		notes = append(notes, fmt.Sprintf("%d months given as dates (YYYY-MM-DD) read as their month", fromDates))
	}
	return rejected, notes
}

// exposureMonth reads a month as YYYY-MM, or a date YYYY-MM-DD as its month
// (fromDate); ok is false for anything else.
func exposureMonth(v any) (month string, fromDate, ok bool) {
	s, isText := v.(string)
	if !isText {
		return "", false, false
	}
	s = strings.TrimSpace(s)
	switch len(s) {
	case 7:
		t, err := time.Parse("2006-01", s)
		return s, false, err == nil && t.Year() >= 1900 && t.Year() <= 2100
	case 10:
		t, err := time.Parse("2006-01-02", s)
		return s[:7], true, err == nil && t.Year() >= 1900 && t.Year() <= 2100
	}
	return "", false, false
}

// exposureCount reads a count: a finite number ≥ 0, written as digits with
// an optional decimal point. problem says what is wrong, or is "".
func exposureCount(v any) (float64, string) {
	var n float64
	switch x := v.(type) {
	case nil:
		return 0, "is missing; give the number counted that month (0 when none)"
	case float64:
		n = x
	case int:
		n = float64(x)
	case string:
		t := strings.TrimSpace(x)
		var err error
		n, err = strconv.ParseFloat(t, 64)
		if err != nil || strings.ContainsAny(t, "eExXpP_") || strings.HasPrefix(t, "+") {
			return 0, "is not a number; write the number alone (12345), without thousands separators or units"
		}
	default:
		return 0, "is not a number; write the number alone (12345)"
	}
	switch {
	case math.IsNaN(n) || math.IsInf(n, 0):
		return 0, "is not a number; write the number alone (12345)"
	case n < 0:
		return 0, "is negative; a count of crossings is 0 or more"
	}
	return n, ""
}

// quoteValue quotes a cell for a message, shortened.
func quoteValue(v any) string {
	if v == nil {
		return "(empty)"
	}
	s, _ := textValue(v)
	return strconv.Quote(geodata.Truncate(s, 40))
}
