package ingest

import (
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/mmp"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// applyField reads one mapped value into out.
func (mp *mapper) applyField(s fieldSpec, column string, v any, present bool, out geojson.Properties, notes *featureNotes) {
	name := s.name
	empty := func() {
		if (mp.kind == geodata.KindIncident || mp.kind == geodata.KindEvent) && name == "date" {
			notes.add(name, mmp.CodeEmptyDate, geodata.Flagged, "no date (column %q); the %s has no date — add it as YYYY-MM-DD", column, mp.kind)
		}
	}
	if !present || v == nil {
		empty()
		return
	}
	text, isText := textValue(v)
	if !isText {
		notes.add(name, mmp.CodeInvalidValue, geodata.Repaired, "%s (column %q) holds an object where a value belongs; dropped — give a plain value", name, column)
		return
	}
	clean := cleanText(text)
	if _, plain := v.(string); plain && clean != text {
		notes.trimmed = true
	}
	// "NA" is no value where a typed value belongs; as text it may be
	// meant (Namibia's code), so text fields keep it.
	if clean == "" || noValue(clean) && s.typ != typeText && s.typ != typeRoute && s.typ != typeCategory {
		empty()
		return
	}
	switch s.typ {
	case typeText:
		out[name] = clean
	case typeRaw:
		if _, isStr := v.(string); isStr {
			out[name] = clean
		} else {
			out[name] = v
		}
	case typeDate:
		mp.applyDate(name, column, clean, out, notes)
	case typeCount:
		applyCount(name, column, v, out, notes)
	case typeQuality:
		n, st := parseCount(v)
		if st != countOK || n < 1 || n > 5 {
			notes.add(name, mmp.CodeInvalidSourceQuality, geodata.Repaired,
				"%s (column %q) is %q, not 1–5; dropped — use 1 (lowest confidence) to 5 (highest)", name, column, geodata.Truncate(clean, 80))
			return
		}
		out[name] = n
	case typeBool:
		b, ok, absent := parseBool(v)
		switch {
		case absent:
		case !ok:
			notes.add(name, CodeInvalidBoolean, geodata.Repaired, "%s (column %q) is %q, not yes or no; dropped — write yes or no", name, column, geodata.Truncate(clean, 80))
		default:
			out[name] = b
		}
	case typeCategory:
		applyCategory(name, column, v, clean, out, notes)
	case typeMode:
		if mode, ok := normaliseMode(clean); ok {
			out[name] = mode
			return
		}
		out[name] = clean
		notes.add(name, CodeUnknownMode, geodata.Flagged, "%s %q is not sea, land, desert, jungle or mixed; kept as given — use one of those to filter by mode", name, geodata.Truncate(clean, 80))
	case typePrecision:
		if p, ok := normalisePrecision(clean); ok {
			out[name] = p
			return
		}
		out[name] = clean
		notes.add(name, CodeUnknownPrecision, geodata.Flagged, "%s %q is not exact, approximate or region; kept as given — use one of those", name, geodata.Truncate(clean, 80))
	case typeGeoCode:
		if p, ok := normaliseGeoCode(clean); ok {
			out[name] = p
			return
		}
		out[name] = clean
		notes.add(name, CodeUnknownPrecision, geodata.Flagged, "%s %q (column %q) is not exact, approximate or region, nor an ACLED code 1, 2 or 3; kept as given — use one of those", name, geodata.Truncate(clean, 80), column)
	case typeRoute:
		canonical, ok := mmp.CanonicalRoute(clean)
		switch {
		case !ok:
			out[name] = canonical
			notes.add(name, mmp.CodeUnknownRoute, geodata.Flagged, "route %q is not an MMP route name; kept as given — use the MMP name to compare with other data", geodata.Truncate(clean, 80))
		case canonical != clean:
			out[name] = canonical
			notes.add(name, mmp.CodeRouteAlias, geodata.Repaired, "route %q read as the MMP route %q", geodata.Truncate(clean, 80), canonical)
		default:
			out[name] = clean
		}
	}
}

func (mp *mapper) applyDate(name, column, text string, out geojson.Properties, notes *featureNotes) {
	r := ParseDate(text, mp.orders[name])
	switch {
	case r.OK && r.MonthOnly:
		out[name] = r.Value
		notes.add(name, mmp.CodeMonthOnlyDate, geodata.Flagged, "%s %q gives a month only; kept as %s — add the day if it is known", name, geodata.Truncate(text, 80), r.Value)
	case r.OK:
		out[name] = r.Value
	case r.Ambiguous:
		out[name+"_reported"] = text
		notes.add(name, CodeAmbiguousDate, geodata.Repaired,
			"%s %q can be read day first or month first, and no date in column %q tells which; dropped, kept in %s_reported — write dates as YYYY-MM-DD", name, geodata.Truncate(text, 80), column, name)
	default:
		out[name+"_reported"] = geodata.Truncate(text, 256)
		notes.add(name, mmp.CodeInvalidDate, geodata.Repaired,
			"%s %q (column %q) is not a date; dropped, kept in %s_reported — write it as YYYY-MM-DD", name, geodata.Truncate(text, 80), column, name)
	}
}

func applyCount(name, column string, v any, out geojson.Properties, notes *featureNotes) {
	n, st := parseCount(v)
	switch {
	case st == countAbsent:
		return
	case st == countInvalid:
		text, _ := textValue(v)
		notes.add(name, mmp.CodeInvalidNumber, geodata.Repaired,
			"%s (column %q) is %q, not a whole number; dropped — write the number alone (12), or leave the cell empty when unknown", name, column, geodata.Truncate(text, 80))
		return
	case n >= 0:
		out[name] = n
		return
	}
	out[name+"_reported"] = n
	code := "negative_" + name
	if name == "survivors" {
		notes.add(name, code, geodata.Repaired, "%s is %d; dropped as unknown, the reported value kept in %s_reported", name, n, name)
		return
	}
	out[name] = 0
	notes.add(name, code, geodata.Repaired, "%s is %d; stored as 0, the reported value kept in %s_reported — correct it in the source", name, n, name)
}

func applyCategory(name, column string, v any, clean string, out geojson.Properties, notes *featureNotes) {
	values := []string{clean}
	if list, ok := v.([]any); ok {
		values = values[:0]
		for _, e := range list {
			if s, ok := textValue(e); ok && cleanText(s) != "" {
				values = append(values, cleanText(s))
			}
		}
	}
	for _, val := range values {
		if c, ok := normaliseCategory(val); ok {
			out[name] = c
			if !strings.EqualFold(clean, c) {
				out[name+"_reported"] = clean
			}
			return
		}
	}
	out[name] = clean
	notes.add(name, CodeUnknownCategory, geodata.Flagged,
		"category %q (column %q) is not one of %s; kept as given — use one of those so the service shows under its category",
		geodata.Truncate(clean, 80), column, strings.Join(vocab.ServiceCategoryNames(), ", "))
}
