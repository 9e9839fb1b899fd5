package ingest

import (
	"sort"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/mmp"
)

// mmpColumnKeys maps the column names of the MMP CSV exports (folded by
// foldKey) onto the API keys mmp.Decoder reads.
var mmpColumnKeys = map[string]string{
	"incident id": "web_id", "web id": "web_id",
	"region": "region", "region of incident": "region",
	"incident date": "reported_date", "reported date": "reported_date",
	"number dead":                         "number_dead",
	"minimum estimated number of missing": "number_missing",
	"number missing":                      "number_missing",
	"total dead and missing":              "total_dead_and_missing",
	"number of survivors":                 "number_of_survivors",
	"number of females":                   "number_of_female",
	"number of males":                     "number_of_male",
	"number of children":                  "number_of_children",
	"cause of death":                      "cause_death",
	"country of incident":                 "country_of_incident",
	"location of death":                   "location_description",
	"location description":                "location_description",
	"information source":                  "information_source",
	"migration route":                     "migration_route",
	"url":                                 "url",
	"unsd geographical grouping":          "unsd_geographic_grouping",
	"source quality":                      "source_quality",
	"region of origin":                    "region_origin",
	"country of origin":                   "country_origin",
	"coordinates":                         "location_coodinates",
	"location coordinates":                "location_coodinates",
}

// MMPRecords turns features read from a file in an MMP layout into the
// text records mmp.Decoder.AddRecords takes: columns renamed to API keys
// (for LayoutMMPAPIJSON they already are), other columns kept under their
// own names, reported_date converted to ISO (the CSV exports write dates
// month first: "Thu, 01/01/2026 - 12:00", "January 05, 2020"; a date
// that cannot be read is passed as found, for the decoder to report).
//
// The coordinates are rebuilt as "lat, lon" from each feature's point —
// the CSV reader has already parsed the coordinates column, and the
// point is the one truth every format shares. Numbers are written in
// their shortest exact form, so the MMP checks see the file's digits:
// a whole-number coordinate (MMP's truncated longitudes) stays whole
// and a swapped pair stays swapped. A coordinate written with zero
// decimals ("12.0") reads as whole, the one difference. A feature whose
// geometry is not a point keeps a coordinates property if it has one,
// else has none and is rejected by the decoder.
//
// It returns an Invalid error when layout is not an MMP layout.
func MMPRecords(layout string, features []*geojson.Feature) ([]map[string]string, error) {
	if !IsMMPLayout(layout) {
		return nil, geodata.Errorf(geodata.Invalid, "layout %q is not a Missing Migrants layout (%s, %s or %s)",
			geodata.Truncate(layout, 40), LayoutMMPCSV2026, LayoutMMPCSVLegacy, LayoutMMPAPIJSON)
	}
	keys := mmpKeys(layout, features)
	records := make([]map[string]string, len(features))
	for i, f := range features {
		rec := map[string]string{}
		if f != nil {
			for k, v := range f.Properties {
				text, ok := textValue(v)
				if !ok {
					continue
				}
				rec[keys[k]] = text
			}
			if p, ok := f.Geometry.(orb.Point); ok {
				delete(rec, "location_coordinates")
				rec["location_coodinates"] = strconv.FormatFloat(p[1], 'f', -1, 64) + ", " + strconv.FormatFloat(p[0], 'f', -1, 64)
			}
		}
		if d, ok := rec["reported_date"]; ok {
			if r := ParseDate(d, OrderMonthFirst); r.OK {
				rec["reported_date"] = r.Value
			}
		}
		records[i] = rec
	}
	return records, nil
}

// mmpKeys decides once for the whole file which API key each property
// name becomes. Main ID is the id only when there is no Incident ID or
// Web ID (split incidents share a Main ID).
func mmpKeys(layout string, features []*geojson.Feature) map[string]string {
	var names []string
	seen := map[string]bool{}
	for _, f := range features {
		if f == nil {
			continue
		}
		for k := range f.Properties {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
	}
	sort.Strings(names)
	keys := make(map[string]string, len(names))
	taken := map[string]bool{}
	if layout == LayoutMMPAPIJSON {
		for _, n := range names {
			key := uniqueKey(safeKey(n), func(c string) bool { return taken[c] })
			keys[n] = key
			taken[key] = true
		}
		return keys
	}
	hasID := false
	for _, n := range names {
		if mmpColumnKeys[foldKey(n)] == "web_id" {
			hasID = true
		}
	}
	var others []string
	for _, n := range names {
		api, ok := mmpColumnKeys[foldKey(n)]
		if !ok && foldKey(n) == "main id" && !hasID {
			api, ok = "web_id", true
		}
		if ok && !taken[api] {
			keys[n] = api
			taken[api] = true
			continue
		}
		others = append(others, n)
	}
	for _, n := range others {
		key := uniqueKey(safeKey(n), func(c string) bool { return taken[c] })
		keys[n] = key
		taken[key] = true
	}
	return keys
}

// MapIncidentsMMP maps features read from a file in an MMP layout (see
// DetectMapping) through the MMP importer, so that CSV exports get the
// same checks and repairs as the API data: exact duplicates rejected,
// repeated ids suffixed, swapped and truncated coordinates, negative
// counts, HTML entities, cause categories, route names (see package mmp).
// It returns new features with the incident properties of mmp's doc
// and a report whose Feature numbers are 1-based positions in features.
// An Invalid error says layout is not an MMP layout.
func MapIncidentsMMP(layout string, features []*geojson.Feature) ([]*geojson.Feature, geodata.Report, error) {
	records, err := MMPRecords(layout, features)
	if err != nil {
		return nil, geodata.Report{}, err
	}
	name := "MMP CSV"
	if layout == LayoutMMPAPIJSON {
		name = "MMP data"
	}
	d := mmp.NewDecoder()
	d.AddRecords(name, records)
	return d.Features(), d.Report(), nil
}
