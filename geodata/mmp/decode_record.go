package mmp

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// rowIssue is an issue found in one record before the record's fate is known.
type rowIssue struct {
	field, code, msg string
	action           geodata.Action
}

var webIDPattern = regexp.MustCompile(`(?i)^(\d{4})\s*\.\s*mmp\s*(\d+)$`)

// addRecord decodes the i-th record of page name.
func (d *Decoder) addRecord(name string, i int, raw json.RawMessage) {
	d.report.Read++
	pos := d.report.Read
	where := fmt.Sprintf("%s record %d", name, i+1)
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		d.report.Rejected++
		d.log.add(geodata.Issue{Feature: pos, Code: CodeInvalidRecord, Action: geodata.Rejected,
			Message: where + " is not a JSON object"})
		return
	}
	vals := make(map[string]value, len(obj))
	for k, v := range obj {
		vals[k] = readValue(v)
	}
	if _, ok := vals[fieldCoordinates]; !ok {
		if v, ok := vals[fieldCoordinatesFixed]; ok {
			vals[fieldCoordinates] = v
			delete(vals, fieldCoordinatesFixed)
		}
	}
	sum := contentHash(vals)
	rawID := strings.TrimSpace(vals[fieldID].text)
	if first, seen := d.rows[sum]; seen {
		d.report.Rejected++
		d.log.add(geodata.Issue{Feature: pos, ID: rawID, Code: CodeExactDuplicate, Action: geodata.Rejected,
			Message: fmt.Sprintf("%s repeats %s field for field", where, first)})
		return
	}
	d.rows[sum] = where

	var issues []rowIssue
	note := func(field, code string, action geodata.Action, format string, args ...any) {
		issues = append(issues, rowIssue{field: field, code: code, msg: fmt.Sprintf(format, args...), action: action})
	}
	props := geojson.Properties{}

	// Text: trim, decode HTML entities, drop objects and arrays.
	text := map[string]string{}
	trimmed := false
	var entities []string
	for _, k := range sortedKeys(vals) {
		v := vals[k]
		if v.invalid {
			note(k, CodeInvalidValue, geodata.Repaired, "%s holds an object or array where text belongs; dropped", k)
			continue
		}
		t := strings.TrimSpace(v.text)
		if t != v.text {
			trimmed = true
		}
		if strings.Contains(t, "&") {
			if u := html.UnescapeString(t); u != t {
				t = strings.TrimSpace(u)
				entities = append(entities, k)
			}
		}
		text[k] = t
	}
	if trimmed {
		note("", CodeTrailingWhitespace, geodata.Repaired, "leading or trailing whitespace trimmed")
	}
	if len(entities) > 0 {
		note(strings.Join(entities, ","), CodeHTMLEntity, geodata.Repaired, "HTML entities decoded in %s", strings.Join(entities, ", "))
	}

	// Identifier.
	baseID := ""
	if m := webIDPattern.FindStringSubmatch(text[fieldID]); m != nil {
		baseID = m[1] + ".MMP" + m[2]
	} else {
		baseID = "unidentified-" + hex.EncodeToString(sum[:4])
		if text[fieldID] == "" {
			note(fieldID, CodeMissingID, geodata.Flagged, "no web_id; id %s derived from the record's content", baseID)
		} else {
			note(fieldID, CodeFreeTextID, geodata.Flagged, "web_id %q is not of the form YYYY.MMPnnn; id %s derived from the record's content", geodata.Truncate(text[fieldID], 60), baseID)
		}
	}
	if text[fieldID] != "" {
		props["mmp_id"] = text[fieldID]
	}

	// Geometry.
	coords := parseCoordinates(text[fieldCoordinates], text["country_of_incident"])
	issues = append(issues, coords.issues...)
	if coords.approximate {
		props["geo_precision"] = PrecisionApproximate
	} else {
		props["geo_precision"] = PrecisionExact
	}

	// Date.
	switch date, code := parseDate(text[fieldDate]); code {
	case "":
		props["date"] = date
	case CodeEmptyDate:
		note(fieldDate, code, geodata.Flagged, "no reported_date; the incident has no date")
	case CodeMonthOnlyDate:
		props["date"] = date
		note(fieldDate, code, geodata.Flagged, "reported_date %q gives a month only", text[fieldDate])
	case CodeDateNormalised:
		props["date"] = date
		note(fieldDate, code, geodata.Repaired, "reported_date %q read as %s", geodata.Truncate(text[fieldDate], 60), date)
	default:
		props["date_reported"] = text[fieldDate]
		note(fieldDate, code, geodata.Repaired, "reported_date %q is not a date (YYYY-MM-DD); dropped, kept in date_reported", geodata.Truncate(text[fieldDate], 60))
	}

	// Counts.
	asString := false
	counts := map[string]countResult{}
	for _, f := range countFields() {
		c := parseCount(vals[f.api])
		counts[f.prop] = c
		asString = asString || c.wasString
		switch c.issue {
		case CodeInvalidNumber:
			note(f.api, c.issue, geodata.Repaired, "%s %q is not a whole number; dropped", f.api, geodata.Truncate(c.raw, 60))
			continue
		case CodeThousandsSeparator, CodeNumberNormalised:
			note(f.api, c.issue, geodata.Repaired, "%s %q read as %d", f.api, c.raw, c.n)
		}
		if !c.ok {
			continue
		}
		if c.n < 0 {
			props[f.prop+"_reported"] = c.n
			if f.prop == "dead" || f.prop == "missing" {
				props[f.prop] = 0
				note(f.api, f.negCode, geodata.Repaired, "%s is %d; stored as 0, reported value kept in %s_reported", f.api, c.n, f.prop)
			} else {
				note(f.api, f.negCode, geodata.Repaired, "%s is %d; dropped as unknown, reported value kept in %s_reported", f.api, c.n, f.prop)
			}
			continue
		}
		props[f.prop] = c.n
	}
	total := parseCount(vals[fieldTotal])
	asString = asString || total.wasString
	switch total.issue {
	case CodeInvalidNumber:
		note(fieldTotal, total.issue, geodata.Repaired, "%s %q is not a whole number; ignored", fieldTotal, geodata.Truncate(total.raw, 60))
	case CodeThousandsSeparator, CodeNumberNormalised:
		note(fieldTotal, total.issue, geodata.Repaired, "%s %q read as %d", fieldTotal, total.raw, total.n)
	}
	if total.ok {
		sum := counts["dead"].n + counts["missing"].n
		if total.n != sum {
			props["total_reported"] = total.n
			note(fieldTotal, CodeTotalMismatch, geodata.Flagged, "%s is %d but dead + missing is %d; kept in total_reported", fieldTotal, total.n, sum)
		}
	}
	if fm := intProp(props, "female") + intProp(props, "male"); fm > intProp(props, "dead")+intProp(props, "missing") {
		note("number_of_female,number_of_male", CodeBreakdownExceedsTotal, geodata.Flagged,
			"female + male is %d, more than dead + missing (%d)", fm, intProp(props, "dead")+intProp(props, "missing"))
	}
	q := parseCount(vals[fieldQuality])
	asString = asString || q.wasString
	switch {
	case q.raw == "":
		note(fieldQuality, CodeMissingSourceQuality, geodata.Flagged, "no source_quality")
	case !q.ok || q.n < 1 || q.n > 5:
		note(fieldQuality, CodeInvalidSourceQuality, geodata.Repaired, "source_quality %q is not 1–5; dropped", geodata.Truncate(q.raw, 60))
	default:
		props["source_quality"] = q.n
	}
	if asString {
		note("", CodeNumberAsString, geodata.Repaired, "numbers given as strings")
	}

	// Cause.
	if cause := text[fieldCause]; cause != "" {
		props["cause"] = cause
		props["cause_category"] = CauseCategory(cause)
	} else {
		props["cause_category"] = vocab.CauseMixedOrUnknown
		note(fieldCause, CodeMissingCause, geodata.Flagged, "no cause_death; category %s", vocab.CauseMixedOrUnknown)
	}

	// Route.
	if route := text[fieldRoute]; route != "" {
		canonical, ok := CanonicalRoute(route)
		switch {
		case !ok:
			props["route"] = route
			note(fieldRoute, CodeUnknownRoute, geodata.Flagged, "migration_route %q is not an MMP route name; kept as given", geodata.Truncate(route, 60))
		case canonical != route:
			props["route"] = canonical
			note(fieldRoute, CodeRouteAlias, geodata.Repaired, "migration_route %q read as %q", geodata.Truncate(route, 60), canonical)
		default:
			props["route"] = route
		}
	}

	// Other text.
	for _, f := range textFields() {
		if t := text[f.api]; t != "" {
			props[f.prop] = t
		}
	}
	for _, k := range sortedKeys(vals) {
		if knownField(k) || vals[k].invalid {
			continue
		}
		prop := k
		if outputProperty(k) {
			prop = "mmp_" + k
		}
		if t := text[k]; t != "" {
			props[prop] = t
		}
		if !d.unknown[k] {
			d.unknown[k] = true
			note(k, CodeUnknownField, geodata.Flagged, "%q is not an MMP API field; kept as property %q", geodata.Truncate(k, 60), prop)
		}
	}

	if coords.rejected {
		d.report.Rejected++
		for _, is := range issues {
			d.log.add(geodata.Issue{Feature: pos, ID: rawID, Field: is.field, Code: is.code, Message: where + ": " + is.msg, Action: is.action})
		}
		return
	}

	id := d.uniqueID(baseID)
	if id != baseID {
		note(fieldID, CodeDuplicateID, geodata.Flagged, "web_id %s was used by an earlier record with other content; this one is %s", baseID, id)
	}
	repaired := false
	var flags []string
	for _, is := range issues {
		d.log.add(geodata.Issue{Feature: pos, ID: id, Field: is.field, Code: is.code, Message: where + ": " + is.msg, Action: is.action})
		if cosmetic(is.code) {
			continue
		}
		flags = append(flags, is.code)
		if is.action == geodata.Repaired {
			repaired = true
		}
	}
	if len(flags) > 0 {
		props["flags"] = strings.Join(uniqueSorted(flags), ",")
	}
	d.report.Accepted++
	if repaired {
		d.report.Repaired++
	}
	f := geojson.NewFeature(coords.point)
	f.ID = id
	f.Properties = props
	d.features = append(d.features, f)
}

// uniqueID returns base the first time and base~2, base~3, … after.
func (d *Decoder) uniqueID(base string) string {
	for {
		d.ids[base]++
		id := base
		if n := d.ids[base]; n > 1 {
			id = base + "~" + strconv.Itoa(n)
		}
		if !d.used[id] {
			d.used[id] = true
			return id
		}
	}
}

// contentHash identifies a record by all its fields, in key order.
func contentHash(vals map[string]value) [32]byte {
	h := sha256.New()
	for _, k := range sortedKeys(vals) {
		v := vals[k]
		kind := byte('t')
		switch {
		case v.invalid:
			kind = 'x'
		case v.quoted:
			kind = 's'
		}
		h.Write([]byte(k))
		h.Write([]byte{0, kind})
		h.Write([]byte(v.text))
		h.Write([]byte{0})
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// parseDate reads an API date. It returns the ISO date (or YYYY-MM) and
// "" when the text is a plain date, or the issue code that applies.
func parseDate(s string) (string, string) {
	switch {
	case s == "":
		return "", CodeEmptyDate
	case isDate(s):
		return s, ""
	case len(s) > 10 && isDate(s[:10]) && (s[10] == 'T' || s[10] == ' '):
		return s[:10], CodeDateNormalised
	case len(s) == 7:
		if _, err := time.Parse("2006-01", s); err == nil {
			return s, CodeMonthOnlyDate
		}
	}
	return "", CodeInvalidDate
}

func isDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func intProp(p geojson.Properties, k string) int {
	n, _ := p[k].(int)
	return n
}

func sortedKeys(m map[string]value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func uniqueSorted(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
