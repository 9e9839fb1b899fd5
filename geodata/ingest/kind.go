package ingest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// casualtyFields are the incident fields no other kind has: a file with a
// column DetectMapping takes for one of them is an incident file.
var casualtyFields = []string{"dead", "missing", "survivors", "cause"}

// serviceFields are the service fields no other kind has.
var serviceFields = []string{"category", "organization", "phone", "hours", "languages", "referral_required", "eligibility"}

// DetectKind reads the layer kind of a file from its columns and its
// features' geometries, and says why in a sentence; kind is "" when the
// file does not tell:
//   - only lines (LineString, MultiLineString): route;
//   - only polygons: area;
//   - the columns of an ACLED event export (IsACLEDHeader: event_date,
//     event_type, latitude, longitude and fatalities), without lines or
//     polygons: event — checked first, since ACLED's events are not
//     migrant deaths and must never be read as incidents;
//   - the columns of a Missing Migrants export, without lines or
//     polygons: incident;
//   - only points: incident when a column reads as dead, missing,
//     survivors or cause, else service when a column reads as category, organization, phone,
//     hours, languages, referral_required or eligibility;
//   - no geometry at all (a table) with the columns of an IOM DTM
//     flow-monitoring table (IsDTMFlowHeader: t, fmp, route, n): exposure;
//   - no geometry at all (a table) with columns that read as route,
//     month and count, and no casualty columns: exposure;
//   - only points with such columns and no casualty or service columns:
//     exposure (the sites that counted, such as flow-monitoring points);
//   - anything else (mixed geometries, points with neither): "".
func DetectKind(columns []string, feats []*geojson.Feature) (kind geodata.Kind, why string) {
	var points, lines, polygons int
	for _, f := range feats {
		if f == nil || f.Geometry == nil {
			continue
		}
		switch f.Geometry.(type) {
		case orb.Point, orb.MultiPoint:
			points++
		case orb.LineString, orb.MultiLineString:
			lines++
		case orb.Polygon, orb.MultiPolygon:
			polygons++
		default:
			return "", ""
		}
	}
	only := func(n int) bool { return n > 0 && n == points+lines+polygons }
	incident, layout := DetectMapping(geodata.KindIncident, columns)
	switch {
	case only(lines):
		return geodata.KindRoute, "every feature is a line"
	case only(polygons):
		return geodata.KindArea, "every feature is a polygon"
	case IsACLEDHeader(columns) && lines+polygons == 0:
		return geodata.KindEvent, "the columns are an ACLED event export (" + strings.Join(namedColumns(columns, acledColumns), ", ") + "); its events are context, not migrant deaths"
	case IsMMPLayout(layout) && lines+polygons == 0:
		return geodata.KindIncident, "the columns are a Missing Migrants Project export"
	case points+lines+polygons == 0:
		if IsDTMFlowHeader(columns) {
			return geodata.KindExposure, "the rows have no geometry and the columns are an IOM DTM flow monitoring table (" + strings.Join(namedColumns(columns, dtmColumns), ", ") + ")"
		}
		if cols, ok := exposureColumns(columns); ok {
			return geodata.KindExposure, "the rows have no geometry and read as route, month and count (" + strings.Join(cols, ", ") + ")"
		}
		return "", ""
	case !only(points):
		return "", ""
	}
	if cols := mappedColumns(incident, casualtyFields); len(cols) > 0 {
		return geodata.KindIncident, "the points have casualty columns (" + strings.Join(cols, ", ") + ")"
	}
	service, _ := DetectMapping(geodata.KindService, columns)
	if cols := mappedColumns(service, serviceFields); len(cols) > 0 {
		return geodata.KindService, "the points have service columns (" + strings.Join(cols, ", ") + ") and no casualty columns"
	}
	if cols, ok := exposureColumns(columns); ok {
		return geodata.KindExposure, "the points have route, month and count columns (" + strings.Join(cols, ", ") + ") and no casualty or service columns"
	}
	return "", ""
}

// exposureFields are the columns an exposure table must have.
var exposureFields = []string{"route", "month", "count"}

// exposureColumns returns the columns read as route, month and count, and
// whether all three are there and no column reads as a casualty field
// (dead, missing, survivors, cause), which would make the file incidents.
func exposureColumns(columns []string) ([]string, bool) {
	m, _ := DetectMapping(geodata.KindExposure, columns)
	cols := mappedColumns(m, exposureFields)
	if len(cols) < len(exposureFields) {
		return nil, false
	}
	incident, _ := DetectMapping(geodata.KindIncident, columns)
	if len(mappedColumns(incident, casualtyFields)) > 0 {
		return nil, false
	}
	return cols, true
}

// namedColumns returns, in the order of want (names folded by foldKey),
// the columns that fold to them, as the file spells them.
func namedColumns(columns, want []string) []string {
	var out []string
	for _, w := range want {
		for _, c := range columns {
			if foldKey(c) == w {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// mappedColumns lists the columns m maps onto fields, in fields' order.
func mappedColumns(m Mapping, fields []string) []string {
	var out []string
	for _, f := range fields {
		if c, ok := m[f]; ok && c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// kindNote says which kind a file was read as and why, and what to do if
// that is wrong.
func kindNote(kind geodata.Kind, why string) string {
	a := "a"
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		a = "an"
	}
	if why == "" {
		return fmt.Sprintf("read as %s %s layer: the file does not say which kind it is; choose the kind if this is wrong", a, kind)
	}
	return fmt.Sprintf("read as %s %s layer: %s; choose another kind if this is wrong", a, kind, why)
}
