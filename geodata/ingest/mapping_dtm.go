package ingest

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/mmp"
)

// LayoutDTMFlows is the layout of an IOM DTM flow-monitoring table as IOM's
// gdidata package publishes it: one row per month (t), flow monitoring
// point (fmp), corridor (route) and whatever else it is broken down by
// (movement, previous, next and final country, nationality, …), with the
// number of movements observed (n).
const LayoutDTMFlows = "dtm-fmp-flows"

// dtmColumns are the columns, folded by foldKey, that make a header a DTM
// flow-monitoring table: the month, the point, the corridor and the count.
var dtmColumns = []string{"t", "fmp", "route", "n"}

// The columns of a DTM flow-monitoring table, as DetectMapping maps them.
const (
	dtmMonth    = "t"
	dtmPoint    = "fmp"
	dtmCorridor = "route"
	dtmCount    = "n"
)

// DTMUndefinedRoute is the route of the rows a DTM table puts on no
// corridor (its route is empty or "Undefined"): DTM's own word, kept.
const DTMUndefinedRoute = "Undefined"

// dtmCorridors maps the corridors of DTM's flow monitoring (folded by
// foldKey) onto the Missing Migrants route they are the flows of. The
// East and Horn of Africa corridors are MMP's routes out of the region;
// in West and Central Africa, the flows between Niger and Libya or
// Algeria are the Sahara crossing. Other corridors ("Domestic",
// "Burkina Faso/Mali", …) have no MMP route and keep their own names.
var dtmCorridors = map[string]string{
	"eastern corridor":        "Eastern Route to/from EHOA",
	"hoa corridor":            "Horn of Africa Route",
	"horn of africa corridor": "Horn of Africa Route",
	"nothern corridor":        "Northern Route from EHOA", // sic, as DTM spells it
	"northern corridor":       "Northern Route from EHOA",
	"southern corridor":       "Route to Southern Africa",
	"libya niger":             "Sahara Desert crossing",
	"niger libya":             "Sahara Desert crossing",
	"algeria niger":           "Sahara Desert crossing",
	"niger algeria":           "Sahara Desert crossing",
	"undefined":               DTMUndefinedRoute,
	"":                        DTMUndefinedRoute,
}

// IsDTMFlowHeader reports whether columns are those of an IOM DTM
// flow-monitoring table (LayoutDTMFlows): they include t, fmp, route and
// n, whatever their case and order. Such a file is read as an exposure
// layer: t the month, route the corridor (DTMRoute), fmp the key and n
// the count, summed over the other columns.
func IsDTMFlowHeader(columns []string) bool {
	keys := make([]string, len(columns))
	for i, c := range columns {
		keys[i] = foldKey(c)
	}
	return isDTMKeys(keys)
}

func isDTMKeys(keys []string) bool {
	for _, c := range dtmColumns {
		if !slices.Contains(keys, c) {
			return false
		}
	}
	return true
}

// DTMRoute returns the route a DTM corridor's counts are for: the MMP
// route of dtmCorridors, else the MMP route the name is (mmp.CanonicalRoute),
// else the corridor's own name, trimmed. mapped says whether the route is
// an MMP route.
func DTMRoute(corridor string) (route string, mapped bool) {
	if r, ok := dtmCorridors[foldKey(corridor)]; ok {
		return r, r != DTMUndefinedRoute
	}
	r, ok := mmp.CanonicalRoute(corridor)
	return r, ok
}

// dtmMapping is the mapping of a DTM flow-monitoring table onto the
// exposure fields, as the file spells its columns.
func dtmMapping(columns []string) Mapping {
	m := Mapping{}
	for field, want := range map[string]string{"month": dtmMonth, "key": dtmPoint, "route": dtmCorridor, "count": dtmCount} {
		for _, c := range columns {
			if foldKey(c) == want {
				m[field] = c
				break
			}
		}
	}
	return m
}

// dtmSeries is what mapDTMFlows makes of a table.
type dtmSeries struct {
	features  []*geojson.Feature
	rows      []int // how many rows of the file each feature sums
	positions []int // the file position of each feature's first row
	notes     []string
}

// mapDTMFlows sums the rows of a DTM flow-monitoring table (features read
// from a file in LayoutDTMFlows, without geometry; pos gives each one's
// 1-based row in the file) into exposure rows: one per route, month and
// flow monitoring point, with properties route (DTMRoute of the
// corridor), month (YYYY-MM), count (the sum of n) and key (the point;
// absent when the file names none). A row whose t is not a month or
// whose n is not a number ≥ 0 is rejected, with an issue naming its row
// and column, and is in no sum. The features come in the order their
// first row is in the file.
func mapDTMFlows(m Mapping, features []*geojson.Feature, pos func(int) int, rep *geodata.Report) dtmSeries {
	type group struct{ route, month, key string }
	index := map[group]int{}
	var out dtmSeries
	corridors := map[string]map[string]int{} // route → corridor as written → rows
	fromDates := 0
	reject := func(i int, field, code, msg string) {
		rep.Add(geodata.Issue{Feature: pos(i), Field: field, Code: code, Action: geodata.Rejected,
			Message: fmt.Sprintf("row %d: %s", pos(i), msg)})
	}
	for i, f := range features {
		if f == nil {
			continue
		}
		p := f.Properties
		month, fromDate, ok := exposureMonth(p[m["month"]])
		if !ok {
			reject(i, "month", CodeInvalidMonth, fmt.Sprintf("the month %s (column %q) is not a month; write it as YYYY-MM (2023-05)", quoteValue(p[m["month"]]), m["month"]))
			continue
		}
		count, problem := exposureCount(p[m["count"]])
		if problem != "" {
			reject(i, "count", CodeInvalidCount, fmt.Sprintf("the count %s (column %q) %s", quoteValue(p[m["count"]]), m["count"], problem))
			continue
		}
		if fromDate {
			fromDates++
		}
		corridor, _ := textValue(p[m["route"]])
		corridor = cleanText(corridor)
		route, _ := DTMRoute(corridor)
		key := ""
		if k, ok := textValue(p[m["key"]]); ok {
			key = geodata.Truncate(cleanText(k), 256)
		}
		if corridors[route] == nil {
			corridors[route] = map[string]int{}
		}
		corridors[route][corridor]++
		g := group{route, month, key}
		j, seen := index[g]
		if !seen {
			j = len(out.features)
			index[g] = j
			props := geojson.Properties{"route": route, "month": month, "count": 0.0}
			if key != "" {
				props["key"] = key
			}
			out.features = append(out.features, &geojson.Feature{Type: "Feature", Properties: props})
			out.rows = append(out.rows, 0)
			out.positions = append(out.positions, pos(i))
		}
		out.features[j].Properties["count"] = out.features[j].Properties["count"].(float64) + count
		out.rows[j]++
	}
	used := 0
	for _, n := range out.rows {
		used += n
	}
	out.notes = append(out.notes, fmt.Sprintf("read as IOM DTM flow monitoring: %d rows summed into %d rows of route, month and flow monitoring point (key), over the columns %s",
		used, len(out.features), strings.Join(otherColumns(features, m), ", ")))
	var mapped, own []string
	for _, route := range sortedKeys(corridors) {
		names := sortedKeys(corridors[route])
		for i, n := range names {
			if n == "" {
				names[i] = "(empty)"
			}
		}
		if _, isMMP := DTMRoute(route); isMMP {
			mapped = append(mapped, fmt.Sprintf("%s → %s", strings.Join(names, ", "), route))
		} else {
			own = append(own, fmt.Sprintf("%s → %s", strings.Join(names, ", "), route))
		}
	}
	if len(mapped) > 0 {
		out.notes = append(out.notes, "corridors read as Missing Migrants routes: "+strings.Join(mapped, "; "))
	}
	if len(own) > 0 {
		out.notes = append(out.notes, "corridors with no Missing Migrants route, kept under their own names: "+strings.Join(own, "; "))
	}
	if fromDates > 0 {
		out.notes = append(out.notes, fmt.Sprintf("%d months given as dates (YYYY-MM-DD) read as their month", fromDates))
	}
	return out
}

// otherColumns lists, sorted, the properties of features that m does not
// read: the breakdowns the sums are over.
func otherColumns(features []*geojson.Feature, m Mapping) []string {
	read := map[string]bool{}
	for _, c := range m {
		read[c] = true
	}
	seen := map[string]bool{}
	for i, f := range features {
		if i >= 1000 {
			break
		}
		if f == nil {
			continue
		}
		for k := range f.Properties {
			if !read[k] {
				seen[k] = true
			}
		}
	}
	if len(seen) == 0 {
		return []string{"(none)"}
	}
	return sortedKeys(seen)
}

// sortedKeys returns the keys of a map, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
