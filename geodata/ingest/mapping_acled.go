package ingest

import (
	"slices"

	"github.com/routerisk/routerisk/geodata"
)

// acledColumns are the columns, folded by foldKey, that make a header an
// ACLED event export: the date, the event type, the point and the
// fatalities. Every ACLED export has them (with event_id_cnty, actor1,
// admin1, geo_precision, notes and the others), and no Missing Migrants,
// service or exposure file has all five.
var acledColumns = []string{"event date", "event type", "latitude", "longitude", "fatalities"}

// IsACLEDHeader reports whether columns are those of an ACLED event export
// (Armed Conflict Location & Event Data): they include event_date,
// event_type, latitude, longitude and fatalities, whatever their case,
// spacing, punctuation and order. Such a file is read as a layer of kind
// event, never as incidents: its events are conflict and unrest, not
// migrant deaths.
func IsACLEDHeader(columns []string) bool {
	keys := make([]string, len(columns))
	for i, c := range columns {
		keys[i] = foldKey(c)
	}
	return isACLEDKeys(keys)
}

func isACLEDKeys(keys []string) bool {
	for _, c := range acledColumns {
		if !slices.Contains(keys, c) {
			return false
		}
	}
	return true
}

// normaliseGeoCode reads a geo_precision that is either a word
// (normalisePrecision: exact, approximate, region) or one of ACLED's
// codes: 1 (the named town) is exact; 2 (near the town, or a part of a
// region) and 3 (a larger region's centre) are approximate.
func normaliseGeoCode(s string) (string, bool) {
	if p, ok := normalisePrecision(s); ok {
		return p, true
	}
	switch n, st := parseCount(s); {
	case st == countOK && n == 1:
		return "exact", true
	case st == countOK && (n == 2 || n == 3):
		return "approximate", true
	}
	return "", false
}

// checkNotACLED refuses an ACLED export read as incidents: an incident
// layer feeds the route risk, the priorities, the hotspots and the
// backtest, and ACLED's events are not migrant deaths.
func checkNotACLED(kind geodata.Kind, columns []string) error {
	if kind != geodata.KindIncident || !IsACLEDHeader(columns) {
		return nil
	}
	return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"parameter": "kind", "layout": LayoutACLED},
		Message: "the columns are an ACLED event export (event_date, event_type, latitude, longitude, fatalities): its events are conflict and unrest, not migrant deaths, and an incident layer feeds the route risk; upload it as a layer of kind " + string(geodata.KindEvent)}
}
