package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/internal/testenv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/mmp"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// The header of MissingMigrants-Global-2026-05-06--19_42_11.csv.
var mmp2026Columns = []string{"Main ID", "Incident ID", "Region", "Incident Date", "Year", "Reported Month", "Number Dead",
	"Minimum Estimated Number of Missing", "Number of Survivors", "Number of Females", "Number of Males", "Number of Children",
	"Region of Origin", "Cause of Death", "Country of Origin", "Location of death", "Information Source", "Coordinates",
	"Migration route", "URL", "UNSD Geographical Grouping", "Source Quality"}

func TestDetectMapping(t *testing.T) {
	tests := []struct {
		name    string
		kind    geodata.Kind
		columns []string
		layout  string
		want    Mapping // must be contained in the result
		absent  []string
	}{
		{"MMP export 2026", geodata.KindIncident, mmp2026Columns, LayoutMMPCSV2026, Mapping{
			"id": "Incident ID", "date": "Incident Date", "dead": "Number Dead", "missing": "Minimum Estimated Number of Missing",
			"survivors": "Number of Survivors", "cause": "Cause of Death", "route": "Migration route", "location": "Location of death",
			"source": "Information Source", "source_url": "URL", "source_quality": "Source Quality"}, []string{"country"}},
		{"MMP export before 2021", geodata.KindIncident, []string{"Web ID", "Region of Incident", "Reported Date", "Reported Year",
			"Reported Month", "Number Dead", "Minimum Estimated Number of Missing", "Total Dead and Missing", "Number of Survivors",
			"Number of Females", "Number of Males", "Number of Children", "Cause of Death", "Location Description", "Information Source",
			"Location Coordinates", "Migration Route", "URL", "UNSD Geographical Grouping", "Source Quality"}, LayoutMMPCSVLegacy, Mapping{
			"id": "Web ID", "date": "Reported Date", "dead": "Number Dead", "location": "Location Description", "route": "Migration Route"}, nil},
		{"MMP API keys", geodata.KindIncident, []string{"web_id", "region", "reported_date", "number_dead", "number_missing",
			"total_dead_and_missing", "cause_death", "country_of_incident", "location_description", "location_coodinates",
			"migration_route", "information_source", "url", "source_quality"}, LayoutMMPAPIJSON, Mapping{
			"id": "web_id", "date": "reported_date", "dead": "number_dead", "missing": "number_missing", "cause": "cause_death",
			"country": "country_of_incident", "location": "location_description", "route": "migration_route",
			"source": "information_source", "source_url": "url", "source_quality": "source_quality"}, nil},
		{"curated MMP subset", geodata.KindIncident, []string{"Main ID", "Incident ID", "Incident Type", "Region of Incident",
			"Incident date", "Incident year", "Incident month", "No. dead", "No. missing", "No. dead/missing", "No. survivors",
			"No. Female", "No. Male", "No. minors", "Country of Origin", "Region of Origin", "Cause of death (category)",
			"Cause of death (reported)", "Route", "Country of Incident", "Location of death", "UNSD region", "Source", "Link",
			"Source Quality", "Latitude", "Longitude", "incident_date_clean", "incident_date_raw", "incident_date_precision",
			"source_dataset"}, LayoutGeneric, Mapping{
			"id": "Incident ID", "date": "Incident date", "dead": "No. dead", "missing": "No. missing", "survivors": "No. survivors",
			"cause": "Cause of death (reported)", "route": "Route", "location": "Location of death", "country": "Country of Incident",
			"source": "Source", "source_url": "Link", "source_quality": "Source Quality"}, nil},
		{"French incidents", geodata.KindIncident, []string{"Date", "Morts", "Disparus", "Cause du décès", "Pays", "Lieu"}, LayoutGeneric,
			Mapping{"date": "Date", "dead": "Morts", "missing": "Disparus", "cause": "Cause du décès", "country": "Pays", "location": "Lieu"}, nil},
		{"WHO/KEMRI facilities", geodata.KindService, []string{"Country", "Admin1", "Facility name", "Facility type", "Ownership",
			"Lat", "Long", "LL source", "iso3c", "facility_type_9", "Tier", "Tier_name"}, LayoutGeneric, Mapping{
			"name": "Facility name", "category": "Facility type", "organization": "Ownership"}, []string{"id"}},
		{"healthsites.io", geodata.KindService, []string{"osm_id", "osm_type", "completeness", "amenity", "name", "operator",
			"opening_hours", "contact_number", "healthcare"}, LayoutGeneric, Mapping{
			"name": "name", "category": "amenity", "organization": "operator", "hours": "opening_hours", "phone": "contact_number"}, []string{"id"}},
		{"Tijuana services", geodata.KindService, []string{"key", "name", "categories", "city", "country"}, LayoutGeneric,
			Mapping{"name": "name", "category": "categories"}, nil},
		{"boxtribute bases", geodata.KindService, []string{"base_name", "organisation", "url"}, LayoutGeneric,
			Mapping{"name": "base_name", "organization": "organisation"}, nil},
		{"Spanish services", geodata.KindService, []string{"nombre", "tipo", "horario", "teléfono", "idiomas"}, LayoutGeneric,
			Mapping{"name": "nombre", "category": "tipo", "hours": "horario", "phone": "teléfono", "languages": "idiomas"}, nil},
		{"Frontex routes", geodata.KindRoute, []string{"Route_name", "id"}, LayoutGeneric, Mapping{"name": "Route_name"}, []string{"id"}},
		{"areas", geodata.KindArea, []string{"NAME", "ISO_A3"}, LayoutGeneric, Mapping{"name": "NAME"}, nil},
		{"nothing known", geodata.KindIncident, []string{"foo", "bar"}, LayoutGeneric, Mapping{}, []string{"date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, layout := DetectMapping(tt.kind, tt.columns)
			if m == nil {
				t.Fatal("nil mapping")
			}
			if layout != tt.layout {
				t.Errorf("layout %q, want %q", layout, tt.layout)
			}
			for f, c := range tt.want {
				if m[f] != c {
					t.Errorf("%s ← %q, want %q (mapping %v)", f, m[f], c, m)
				}
			}
			for _, f := range tt.absent {
				if c, ok := m[f]; ok {
					t.Errorf("%s mapped to %q", f, c)
				}
			}
			seen := map[string]string{}
			for f, c := range m {
				if other, dup := seen[c]; dup {
					t.Errorf("column %q mapped to %s and %s", c, other, f)
				}
				seen[c] = f
			}
		})
	}
}

func TestParseMapping(t *testing.T) {
	good := []struct {
		kind geodata.Kind
		in   string
		want Mapping
	}{
		{geodata.KindIncident, `{"date": "Incident Date", "Dead": " Deaths "}`, Mapping{"date": "Incident Date", "dead": "Deaths"}},
		{geodata.KindIncident, `{"cause": ""}`, Mapping{"cause": ""}},
		{geodata.KindService, `{"name": "Facility name", "id": "osm_id"}`, Mapping{"name": "Facility name", "id": "osm_id"}},
		{geodata.KindRoute, "  ", Mapping{}},
	}
	for _, tt := range good {
		m, err := ParseMapping(tt.kind, tt.in)
		if err != nil {
			t.Errorf("ParseMapping(%s, %s): %v", tt.kind, tt.in, err)
			continue
		}
		if fmt.Sprint(m) != fmt.Sprint(tt.want) {
			t.Errorf("ParseMapping(%s, %s) = %v, want %v", tt.kind, tt.in, m, tt.want)
		}
	}
	bad := []struct {
		name string
		kind geodata.Kind
		in   string
		msg  string
	}{
		{"unknown field", geodata.KindIncident, `{"deaths": "Deaths", "date": "d"}`,
			`mapping: "deaths" is not a field of incident layers; the fields of incident layers are id, date, dead, missing, survivors, cause, route, location, country, source, source_url, source_quality, geo_precision`},
		{"two unknown fields", geodata.KindService, `{"dead": "a", "date": "b"}`, `"date", "dead" are not fields of service layers`},
		{"field of another kind", geodata.KindRoute, `{"category": "type"}`, "the fields of route layers are id, name, mode, region, valid_from, valid_to"},
		{"not JSON", geodata.KindIncident, `date=Incident Date`, "not a JSON object"},
		{"array", geodata.KindIncident, `["date"]`, "not a JSON object"},
		{"null", geodata.KindIncident, `null`, "not a JSON object"},
		{"trailing text", geodata.KindIncident, `{"date": "d"} x`, "unexpected text"},
		{"number value", geodata.KindIncident, `{"date": 3}`, `the value for "date" must be a column name in quotes`},
		{"one column twice", geodata.KindIncident, `{"dead": "n", "missing": "n"}`, `the column "n" is given for both dead and missing`},
		{"field twice", geodata.KindIncident, `{"date": "a", "Date": "b"}`, `"date" is given twice`},
		{"too long", geodata.KindIncident, `{"date": "` + strings.Repeat("x", 20000) + `"}`, "more than 16384"},
		{"column name too long", geodata.KindIncident, `{"date": "` + strings.Repeat("x", 300) + `"}`, "longer than 256 bytes"},
		{"bad kind", geodata.Kind("segment"), `{}`, `parameter "kind"`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMapping(tt.kind, tt.in)
			if geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want Invalid containing %q", err, tt.msg)
			}
		})
	}
}

func TestMappingMergeAndCheckColumns(t *testing.T) {
	detected := Mapping{"date": "Incident Date", "cause": "Cause of Death", "dead": "Number Dead"}
	got := detected.Merge(Mapping{"cause": "", "dead": "Deaths", "route": "Route"})
	if fmt.Sprint(got) != fmt.Sprint(Mapping{"date": "Incident Date", "dead": "Deaths", "route": "Route"}) {
		t.Errorf("Merge = %v", got)
	}
	if detected["cause"] != "Cause of Death" {
		t.Error("Merge changed its receiver")
	}
	if err := got.CheckColumns([]string{"Incident Date", "Deaths", "Route"}); err != nil {
		t.Errorf("CheckColumns: %v", err)
	}
	err := got.CheckColumns([]string{"Incident Date", "Deaths"})
	if geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), `the column "Route" given for route is not in the file; its columns are "Incident Date", "Deaths"`) {
		t.Errorf("CheckColumns: %v", err)
	}
}

func TestApplyMappingIncident(t *testing.T) {
	m := Mapping{"id": "ID", "date": "When", "dead": "Dead", "missing": "Missing", "survivors": "Survivors", "cause": "Cause",
		"route": "Route", "source_quality": "Quality", "geo_precision": "Precision", "country": "Country"}
	feats := []*geojson.Feature{
		mappingPoint(geojson.Properties{"ID": " a-1 ", "When": "13/01/2020", "Dead": "1.0", "Missing": "NA", "Survivors": "3",
			"Cause": "Presumed drowning ", "Route": "Central Mediterranean Route", "Quality": "4", "Precision": "Exact",
			"Country": "NA", "Notes": " keep me ", "date": "a column named like a field", "flags": "x"}),
		mappingPoint(geojson.Properties{"ID": "a-2", "When": "05/01/2020", "Dead": "-2", "Missing": "abc", "Survivors": "-1",
			"Quality": "45", "Route": "Somewhere else", "Precision": "roughly"}),
		mappingPoint(geojson.Properties{"ID": "a-3", "When": "2020-01", "Dead": 4.0, "Missing": "1,022", "Cause": "Shot"}),
		mappingPoint(geojson.Properties{"When": "not a date", "Dead": map[string]any{"x": 1}}),
		mappingPoint(nil),
	}
	var rep geodata.Report
	out := ApplyMapping(geodata.KindIncident, m, feats, &rep)
	if len(out) != 5 {
		t.Fatalf("%d features, want all 5 kept", len(out))
	}
	mappingWantProps(t, out[0], geojson.Properties{"date": "2020-01-13", "dead": 1, "survivors": 3, "cause": "Presumed drowning",
		"cause_category": vocab.CauseDrowning, "route": "Central Mediterranean", "source_quality": 4, "geo_precision": "exact",
		"country": "NA", "Notes": "keep me", "orig_date": "a column named like a field", "orig_flags": "x", "flags": mmp.CodeRouteAlias})
	if out[0].ID != "a-1" {
		t.Errorf("id %v", out[0].ID)
	}
	for _, k := range []string{"missing", "ID", "When", "Dead"} {
		if _, ok := out[0].Properties[k]; ok {
			t.Errorf("feature 1 keeps %q", k)
		}
	}
	// Day first is proven by 13/01/2020 in the same column.
	mappingWantProps(t, out[1], geojson.Properties{"date": "2020-01-05", "dead": 0, "dead_reported": -2, "survivors_reported": -1,
		"route": "Somewhere else", "geo_precision": "roughly", "cause_category": vocab.CauseMixedOrUnknown})
	for _, k := range []string{"missing", "survivors", "source_quality"} {
		if v, ok := out[1].Properties[k]; ok {
			t.Errorf("feature 2: %s = %v, want dropped", k, v)
		}
	}
	mappingWantProps(t, out[2], geojson.Properties{"date": "2020-01", "dead": 4, "missing": 1022, "cause_category": vocab.CauseViolence})
	mappingWantProps(t, out[3], geojson.Properties{"date_reported": "not a date", "cause_category": vocab.CauseMixedOrUnknown})
	mappingWantProps(t, out[4], geojson.Properties{"cause_category": vocab.CauseMixedOrUnknown})

	wantCounts := map[string]int{mmp.CodeRouteAlias: 1, mmp.CodeNegativeDead: 1, mmp.CodeNegativeSurvivors: 1, mmp.CodeInvalidNumber: 1,
		mmp.CodeInvalidSourceQuality: 1, mmp.CodeUnknownRoute: 1, CodeUnknownPrecision: 1, mmp.CodeMonthOnlyDate: 1,
		mmp.CodeInvalidDate: 1, mmp.CodeInvalidValue: 1, mmp.CodeMissingCause: 3, mmp.CodeEmptyDate: 1, mmp.CodeTrailingWhitespace: 1}
	for code, n := range wantCounts {
		if rep.Counts[code] != n {
			t.Errorf("Counts[%s] = %d, want %d", code, rep.Counts[code], n)
		}
	}
	if len(rep.Counts) != len(wantCounts) {
		t.Errorf("Counts = %v", rep.Counts)
	}
	if rep.Repaired != 3 {
		t.Errorf("Repaired = %d, want 3 (features 1, 2 and 4)", rep.Repaired)
	}
	for _, is := range rep.Issues {
		if is.Code == mmp.CodeTrailingWhitespace {
			t.Errorf("trailing_whitespace listed: %+v", is)
		}
		if is.Feature < 1 || is.Field == "" || !strings.HasPrefix(is.Message, fmt.Sprintf("feature %d: ", is.Feature)) {
			t.Errorf("issue %+v lacks its feature, field or message", is)
		}
		if is.Code == mmp.CodeInvalidNumber && (is.ID != "a-2" || !strings.Contains(is.Message, `missing (column "Missing") is "abc", not a whole number; dropped`)) {
			t.Errorf("invalid_number issue %+v", is)
		}
	}
	if rep.Read != 0 || rep.Accepted != 0 || rep.Rejected != 0 {
		t.Errorf("ApplyMapping changed read/accepted/rejected: %+v", rep)
	}
}

func TestApplyMappingAmbiguousDates(t *testing.T) {
	feats := []*geojson.Feature{
		mappingPoint(geojson.Properties{"d": "05/01/2020"}),
		mappingPoint(geojson.Properties{"d": "06/02/2020"}),
	}
	var rep geodata.Report
	ApplyMapping(geodata.KindIncident, Mapping{"date": "d"}, feats, &rep)
	if rep.Counts[CodeAmbiguousDate] != 2 || feats[0].Properties["date_reported"] != "05/01/2020" {
		t.Fatalf("counts %v, props %v", rep.Counts, feats[0].Properties)
	}
	if _, ok := feats[0].Properties["date"]; ok {
		t.Error("an ambiguous date was kept")
	}
}

func TestApplyMappingService(t *testing.T) {
	m := Mapping{"name": "name", "category": "categories", "referral_required": "referral", "last_verified": "checked", "languages": "langs"}
	feats := []*geojson.Feature{
		mappingPoint(geojson.Properties{"name": "Casa del Migrante", "categories": []any{"housing", "health"}, "referral": "no",
			"checked": "March 3, 2024", "langs": []any{"es", "en"}}),
		mappingPoint(geojson.Properties{"name": "School", "categories": []any{"education"}, "referral": "maybe"}),
		mappingPoint(geojson.Properties{"name": "Clinic", "categories": "health", "referral": "Yes"}),
	}
	var rep geodata.Report
	ApplyMapping(geodata.KindService, m, feats, &rep)
	mappingWantProps(t, feats[0], geojson.Properties{"category": vocab.CategoryShelter, "category_reported": "housing, health",
		"referral_required": false, "last_verified": "2024-03-03", "languages": "es, en"})
	mappingWantProps(t, feats[1], geojson.Properties{"category": "education", "flags": CodeInvalidBoolean + "," + CodeUnknownCategory})
	mappingWantProps(t, feats[2], geojson.Properties{"category": vocab.CategoryHealth, "referral_required": true})
	if _, ok := feats[2].Properties["category_reported"]; ok {
		t.Error("category_reported kept although the category is already in the vocabulary")
	}
	if _, ok := feats[0].Properties["cause_category"]; ok {
		t.Error("a service got a cause_category")
	}
	if rep.Counts[CodeUnknownCategory] != 1 || rep.Counts[CodeInvalidBoolean] != 1 || rep.Repaired != 1 {
		t.Errorf("report %+v", rep)
	}
}

func TestApplyMappingRouteAndUnmappedKeys(t *testing.T) {
	long := strings.Repeat("k", 80)
	feats := []*geojson.Feature{
		mappingPoint(geojson.Properties{"Route_name": "Central Mediterranean Route", "Mode": "maritime", "From": "2015-08-01",
			long: "v1", long + "x": "v2", "  padded  ": "p", "": "empty name"}),
	}
	ApplyMapping(geodata.KindRoute, Mapping{"name": "Route_name", "mode": "Mode", "valid_from": "From"}, feats, nil)
	p := feats[0].Properties
	mappingWantProps(t, feats[0], geojson.Properties{"name": "Central Mediterranean Route", "mode": "sea", "valid_from": "2015-08-01",
		"padded": "p", "unnamed": "empty name"})
	if p[strings.Repeat("k", 64)] == nil || p[strings.Repeat("k", 62)+"~2"] == nil {
		t.Errorf("long keys not cut and made unique: %v", p)
	}
	for k := range p {
		if len(k) > 64 {
			t.Errorf("key %q over 64 bytes", k)
		}
	}
}

func TestApplyMappingCapsIssues(t *testing.T) {
	var feats []*geojson.Feature
	for i := 0; i < 250; i++ {
		feats = append(feats, mappingPoint(geojson.Properties{"Dead": "-1", "Place": " x "}))
	}
	rep := geodata.Report{Issues: []geodata.Issue{{Code: mmp.CodeNegativeDead}}}
	ApplyMapping(geodata.KindIncident, Mapping{"dead": "Dead"}, feats, &rep)
	listed := 0
	for _, is := range rep.Issues {
		if is.Code == mmp.CodeNegativeDead {
			listed++
		}
	}
	if listed != mmp.DefaultMaxIssuesPerCode || rep.Counts[mmp.CodeNegativeDead] != 250 || rep.Counts[mmp.CodeTrailingWhitespace] != 250 {
		t.Errorf("listed %d negative_dead, counts %v", listed, rep.Counts)
	}
	if rep.Repaired != 250 {
		t.Errorf("Repaired = %d", rep.Repaired)
	}
}

func TestMMPRecords(t *testing.T) {
	feats := []*geojson.Feature{
		mappingPoint(geojson.Properties{"Main ID": "2026.MMP0007", "Incident ID": "2026.MMP00078", "Incident Date": "Sat, 01/10/2026 - 12:00",
			"Number Dead": "2", "Migration route": "Central Mediterranean", "Year": "2026"}),
		{Type: "Feature", Geometry: orb.Point{13, 32.5}, Properties: geojson.Properties{"Incident ID": "x", "Incident Date": "someday"}},
	}
	feats[0].Geometry = orb.Point{-5.31212994, 35.68266281}
	recs, err := MMPRecords(LayoutMMPCSV2026, feats)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"web_id": "2026.MMP00078", "Main ID": "2026.MMP0007", "reported_date": "2026-01-10", "number_dead": "2",
		"migration_route": "Central Mediterranean", "Year": "2026", "location_coodinates": "35.68266281, -5.31212994"}
	if fmt.Sprint(recs[0]) != fmt.Sprint(want) {
		t.Errorf("record %v, want %v", recs[0], want)
	}
	if recs[1]["location_coodinates"] != "32.5, 13" || recs[1]["reported_date"] != "someday" {
		t.Errorf("record %v", recs[1])
	}
	noIncidentID := []*geojson.Feature{mappingPoint(geojson.Properties{"Main ID": "2026.MMP0001"})}
	if recs, _ := MMPRecords(LayoutMMPCSV2026, noIncidentID); recs[0]["web_id"] != "2026.MMP0001" {
		t.Errorf("Main ID not used as web_id without Incident ID: %v", recs[0])
	}
	if _, err := MMPRecords(LayoutGeneric, feats); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("generic layout: err = %v", err)
	}
	if _, _, err := MapIncidentsMMP("csv", feats); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("MapIncidentsMMP(csv): err = %v", err)
	}
}

// TestMapIncidentsMMP2026 maps the current MMP export with no manual input.
func TestMapIncidentsMMP2026(t *testing.T) {
	d := mappingDecodeCSV(t, mappingSharedData(t, "incidents", "MissingMigrants-Global-2026-05-06--19_42_11.csv"))
	m, layout := DetectMapping(geodata.KindIncident, d.Columns)
	if layout != LayoutMMPCSV2026 {
		t.Fatalf("layout %q", layout)
	}
	if m["date"] != "Incident Date" || m["dead"] != "Number Dead" {
		t.Errorf("mapping %v", m)
	}
	feats, rep, err := MapIncidentsMMP(layout, d.Features)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 238 || rep.Accepted != 238 || len(feats) != 238 {
		t.Fatalf("report read %d accepted %d rejected %d: %v", rep.Read, rep.Accepted, rep.Rejected, rep.Counts)
	}
	if rep.Counts[mmp.CodeNumberAsString] != 0 || rep.Counts[mmp.CodeInvalidDate] != 0 || rep.Counts[mmp.CodeEmptyDate] != 0 {
		t.Errorf("counts %v", rep.Counts)
	}
	f := feats[0]
	if f.ID != "2026.MMP0001" {
		t.Errorf("id %v", f.ID)
	}
	mappingWantProps(t, f, geojson.Properties{"date": "2026-01-01", "dead": 1, "missing": 0, "male": 1, "source_quality": 3,
		"cause_category": vocab.CauseHarsh, "route": "Türkiye-Europe land route", "region": "Western Asia", "country_origin": "Iraq",
		"source": "964media, Rudaw", "geo_precision": mmp.PrecisionExact, "Main ID": "2026.MMP0001"})
	ids := map[any]bool{}
	for _, f := range feats {
		date, _ := f.Properties["date"].(string)
		if len(date) != 10 || date < "2026-01-01" || date > "2026-12-31" {
			t.Errorf("%v: date %q", f.ID, date)
		}
		if _, ok := f.Properties["dead"].(int); !ok {
			if _, present := f.Properties["dead"]; present {
				t.Errorf("%v: dead %#v is not an int", f.ID, f.Properties["dead"])
			}
		}
		if c, _ := f.Properties["cause_category"].(string); c == "" {
			t.Errorf("%v: no cause_category", f.ID)
		}
		if ids[f.ID] {
			t.Errorf("id %v twice", f.ID)
		}
		ids[f.ID] = true
	}
	if feats[6].ID != "2026.MMP00078" || feats[6].Properties["Main ID"] != "2026.MMP0007" {
		t.Errorf("split incident: id %v, Main ID %v", feats[6].ID, feats[6].Properties["Main ID"])
	}
}

// TestMapIncidentsMMPLegacy maps testdata/mmp_legacy.csv, a file written
// for these tests in the layout of the MMP exports before 2021 (numeric
// Web ID, "January 05, 2020" dates, Location Coordinates, Total Dead and
// Missing), with the quirks of the record planted in it.
func TestMapIncidentsMMPLegacy(t *testing.T) {
	d := mappingDecodeCSV(t, filepath.Join("testdata", "mmp_legacy.csv"))
	if d.Report.Rejected != 1 { // 52681 has no coordinates
		t.Fatalf("decode report %+v", d.Report)
	}
	m, layout := DetectMapping(geodata.KindIncident, d.Columns)
	if layout != LayoutMMPCSVLegacy || m["id"] != "Web ID" || m["date"] != "Reported Date" {
		t.Fatalf("layout %q, mapping %v", layout, m)
	}
	feats, rep, err := MapIncidentsMMP(layout, d.Features)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 19 || rep.Accepted != 18 || rep.Rejected != 1 {
		t.Fatalf("report read %d accepted %d rejected %d: %v", rep.Read, rep.Accepted, rep.Rejected, rep.Counts)
	}
	byID := map[string]*geojson.Feature{}
	for _, f := range feats {
		byID[f.ID.(string)] = f
	}
	mappingWantProps(t, byID["52673"], geojson.Properties{"date": "2020-01-05", "dead": 1, "cause": "Presumed drowning",
		"cause_category": vocab.CauseDrowning, "route": "US-Mexico border crossing", "source_quality": 4, "mmp_id": "52673"})
	mappingWantProps(t, byID["52674"], geojson.Properties{"route": "Central Mediterranean", "dead": 2, "missing": 2, "survivors": 38})
	mappingWantProps(t, byID["52675"], geojson.Properties{"geo_precision": mmp.PrecisionApproximate, "cause_category": vocab.CauseHarsh})
	mappingWantProps(t, byID["52676"], geojson.Properties{"location": "Railway tracks near Thessaloniki, Greece", "cause_category": vocab.CauseVehicle})
	mappingWantProps(t, byID["52677"], geojson.Properties{"location": "Côte d'Ivoire - Mali border", "cause_category": vocab.CauseViolence})
	mappingWantProps(t, byID["52678"], geojson.Properties{"missing": 0, "missing_reported": -2})
	mappingWantProps(t, byID["52682"], geojson.Properties{"dead": 2, "date": "2020-01-24"})
	mappingWantProps(t, byID["52682~2"], geojson.Properties{"date": "2020-01-25", "cause_category": vocab.CauseSickness})
	mappingWantProps(t, byID["52684"], geojson.Properties{"date": "2020-01"})
	mappingWantProps(t, byID["52689"], geojson.Properties{"date": "2020-02"})
	mappingWantProps(t, byID["52690"], geojson.Properties{"date": "2020-02-10", "total_reported": 3})
	if p, _ := byID["52679"].Geometry.(orb.Point); p != (orb.Point{-111.51, 31.75}) {
		t.Errorf("swapped coordinates read as %v", byID["52679"].Geometry)
	}
	for code, n := range map[string]int{mmp.CodeExactDuplicate: 1, mmp.CodeDuplicateID: 1, mmp.CodeCoordinatesSwapped: 1,
		mmp.CodeLongitudeTruncated: 1, mmp.CodeNegativeMissing: 1, mmp.CodeMonthOnlyDate: 2, mmp.CodeHTMLEntity: 1,
		mmp.CodeRouteAlias: 1, mmp.CodeNumberNormalised: 1, mmp.CodeMissingSourceQuality: 1, mmp.CodeTotalMismatch: 1,
		mmp.CodeFreeTextID: 0, mmp.CodeInvalidDate: 0, mmp.CodeNumberAsString: 0} {
		if rep.Counts[code] != n {
			t.Errorf("Counts[%s] = %d, want %d", code, rep.Counts[code], n)
		}
	}
}

func TestMapIncidentsMMPAPIKeys(t *testing.T) {
	d := mappingDecodeCSV(t, filepath.Join("testdata", "mmp_api_keys.csv"))
	_, layout := DetectMapping(geodata.KindIncident, d.Columns)
	if layout != LayoutMMPAPIJSON {
		t.Fatalf("layout %q", layout)
	}
	feats, rep, err := MapIncidentsMMP(layout, d.Features)
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != 3 || feats[2].ID != "2019.MMP1235~2" || rep.Counts[mmp.CodeCoordinatesSwapped] != 1 {
		t.Fatalf("ids %v %v %v, counts %v", feats[0].ID, feats[1].ID, feats[2].ID, rep.Counts)
	}
	if p, _ := feats[1].Geometry.(orb.Point); p != (orb.Point{-0.04, 16.27}) {
		t.Errorf("Gao read as %v", feats[1].Geometry)
	}
}

// TestApplyMappingCurated maps the third-party curated MMP subset, which
// has no MMP layout (Latitude and Longitude columns, NA for no value).
func TestApplyMappingCurated(t *testing.T) {
	d := mappingDecodeCSV(t, mappingSharedData(t, "incidents", "giocopp_iom_europe_curated.csv"))
	m, layout := DetectMapping(geodata.KindIncident, d.Columns)
	if layout != LayoutGeneric {
		t.Fatalf("layout %q", layout)
	}
	rep := d.Report
	feats := ApplyMapping(geodata.KindIncident, m, d.Features, &rep)
	if len(feats) != 6802 {
		t.Fatalf("%d features", len(feats))
	}
	for code, n := range map[string]int{mmp.CodeNegativeMissing: 4, mmp.CodeNegativeSurvivors: 2, mmp.CodeInvalidSourceQuality: 38,
		mmp.CodeUnknownRoute: 1, mmp.CodeInvalidDate: 0, mmp.CodeEmptyDate: 0, mmp.CodeInvalidNumber: 0} {
		if rep.Counts[code] != n {
			t.Errorf("Counts[%s] = %d, want %d", code, rep.Counts[code], n)
		}
	}
	withDead := 0
	for _, f := range feats {
		p := f.Properties
		if date, _ := p["date"].(string); len(date) != 10 {
			t.Fatalf("%v: date %v", f.ID, p["date"])
		}
		if v, ok := p["dead"]; ok {
			if n, isInt := v.(int); !isInt || n < 0 {
				t.Fatalf("%v: dead %#v", f.ID, v)
			}
			withDead++
		}
		if _, ok := p["survivors"].(string); ok {
			t.Fatalf("%v: survivors kept as text", f.ID)
		}
		if c, _ := p["cause_category"].(string); c == "" {
			t.Fatalf("%v: no cause_category", f.ID)
		}
	}
	if withDead != 6802-638 {
		t.Errorf("%d features with dead, want %d (638 are NA)", withDead, 6802-638)
	}
	first := feats[0]
	if first.ID != "2014.MMP00007" {
		t.Errorf("id %v", first.ID)
	}
	mappingWantProps(t, first, geojson.Properties{"date": "2014-01-19", "dead": 12, "missing": 0, "cause": "Drowning",
		"cause_category": vocab.CauseDrowning, "route": "Eastern Mediterranean", "country": "Greece", "source_quality": 5,
		"No. Male": "NA", "Main ID": "2014.MMP00007"})
}

// TestApplyMappingWHOFacilities maps the WHO/KEMRI health facility list.
func TestApplyMappingWHOFacilities(t *testing.T) {
	d := mappingDecodeCSV(t, mappingSharedData(t, "services", "who_kemri_public_health_facilities_sahel.csv"))
	m, _ := DetectMapping(geodata.KindService, d.Columns)
	rep := d.Report
	feats := ApplyMapping(geodata.KindService, m, d.Features, &rep)
	if len(feats) != 6424 || rep.Counts[CodeUnknownCategory] != 0 {
		t.Fatalf("%d features, counts %v", len(feats), rep.Counts)
	}
	for _, f := range feats {
		if f.Properties["category"] != vocab.CategoryHealth {
			t.Fatalf("category %v for %v", f.Properties["category"], f.Properties)
		}
		if name, _ := f.Properties["name"].(string); name == "" {
			t.Fatalf("no name: %v", f.Properties)
		}
	}
	mappingWantProps(t, feats[0], geojson.Properties{"name": "Am-Silep Centre de Santé", "category_reported": "Health Centre",
		"organization": "MoH", "Country": "Chad", "Tier": "2.0"})
}

func mappingPoint(props geojson.Properties) *geojson.Feature {
	f := geojson.NewFeature(orb.Point{1, 2})
	if props != nil {
		f.Properties = props
	} else {
		f.Properties = nil
	}
	return f
}

func mappingWantProps(t *testing.T, f *geojson.Feature, want geojson.Properties) {
	t.Helper()
	if f == nil {
		t.Errorf("no feature; want %v", want)
		return
	}
	for k, v := range want {
		if fmt.Sprintf("%#v", f.Properties[k]) != fmt.Sprintf("%#v", v) {
			t.Errorf("%v: %s = %#v, want %#v (all: %v)", f.ID, k, f.Properties[k], v, f.Properties)
		}
	}
}

func mappingDecodeCSV(t *testing.T, path string) *formats.Decoded {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	d, err := formats.DecodeCSV(fh, formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mappingSharedData returns a path under ../shared/data, skipping the
// test when that folder is not there (failing in CI).
func mappingSharedData(t *testing.T, parts ...string) string {
	t.Helper()
	return testenv.SharedData(t, parts...)
}

// TestApplyMappingKeepsGivenCauseCategory: a file that carries the seven
// categories but no free-text cause (a layer exported from RouteRisk, the
// synthetic layers) keeps its categories; an unknown category is derived.
func TestApplyMappingKeepsGivenCauseCategory(t *testing.T) {
	mk := func(cc string) *geojson.Feature {
		f := geojson.NewFeature(orb.Point{1, 2})
		f.Properties = geojson.Properties{"date": "2020-01-02", "dead": 1.0, "cause_category": cc}
		return f
	}
	feats := []*geojson.Feature{mk(vocab.CauseDrowning), mk("not a category")}
	m, _ := DetectMapping(geodata.KindIncident, []string{"date", "dead", "cause_category"})
	out := ApplyMapping(geodata.KindIncident, m, feats, &geodata.Report{})
	if got := out[0].Properties["cause_category"]; got != vocab.CauseDrowning {
		t.Errorf("given category became %v", got)
	}
	if _, ok := out[0].Properties["orig_cause_category"]; ok {
		t.Error("a valid given category was also kept as orig_cause_category")
	}
	if got := out[1].Properties["cause_category"]; got != vocab.CauseMixedOrUnknown {
		t.Errorf("an unknown category became %v", got)
	}
	if got := out[1].Properties["orig_cause_category"]; got != "not a category" {
		t.Errorf("the file's unknown category was not kept: %v", got)
	}
}

func TestRememberedCauseCategoriesAreTheClassifiers(t *testing.T) {
	mp := newMapper(geodata.KindIncident, Mapping{}, nil, &geodata.Report{})
	texts := []string{
		"Drowning", "drowning ", "Sickness / lack of access to adequate healthcare",
		"Vehicle accident / death linked to hazardous transport", "Violence", "Drowning, Violence",
		"Harsh environmental conditions / lack of adequate shelter, food, water", "unknown", "",
	}
	for round := range 2 { // the second round answers from the memo
		for _, text := range texts {
			if got, want := mp.causeCategory(text), mmp.CauseCategory(text); got != want {
				t.Errorf("round %d, %q: %q, the classifier says %q", round, text, got, want)
			}
		}
	}
	if len(mp.causes) != len(texts) {
		t.Errorf("%d texts remembered, want %d", len(mp.causes), len(texts))
	}
	for i := range maxCauses + 10 {
		mp.causeCategory(fmt.Sprintf("unique text %d", i))
	}
	if len(mp.causes) > maxCauses {
		t.Errorf("%d texts remembered, more than the bound %d", len(mp.causes), maxCauses)
	}
}

// TestApplyMappingInRuns: mapped over several goroutines, each taking one
// run of the features, a file gives the very features and report one
// goroutine gives: the same properties and ids, counts, repaired
// features, and the same issues listed in the same order up to the limit
// per code (some codes fall in one run only, some in all).
func TestApplyMappingInRuns(t *testing.T) {
	m := Mapping{"id": "ID", "date": "When", "dead": "Dead", "missing": "Missing", "cause": "Cause",
		"route": "Route", "source_quality": "Quality", "geo_precision": "Precision"}
	rows := []geojson.Properties{
		{"When": "13/01/2020", "Dead": "1.0", "Cause": "Presumed drowning ", "Route": "Central Mediterranean Route", "Quality": "4", "Notes": " x "},
		{"When": "05/01/2020", "Dead": "-2", "Missing": "abc", "Quality": "45", "Route": "Somewhere else", "Precision": "roughly"},
		{"When": "2020-01", "Dead": 4.0, "Missing": "1,022", "Cause": "Shot"},
		{"When": "not a date", "Dead": map[string]any{"x": 1}},
		{"When": "2021-03-04", "Dead": 2.0, "Cause": "Sickness", "Precision": "Exact"},
		nil,
	}
	build := func() []*geojson.Feature {
		var feats []*geojson.Feature
		for i := range 3000 {
			p := geojson.Properties{}
			for k, v := range rows[i%len(rows)] {
				p[k] = v
			}
			p["ID"] = fmt.Sprintf(" f-%d ", i)
			if i > 2500 { // a code only the last run meets
				p["Route"] = "Nowhere at all"
			}
			feats = append(feats, mappingPoint(p))
		}
		feats[17] = nil
		return feats
	}
	want := build()
	wantRep := geodata.Report{Issues: []geodata.Issue{{Code: mmp.CodeNegativeDead}}}
	applyMapping(geodata.KindIncident, m, want, &wantRep, 1)
	if len(wantRep.Issues) < 2*mmp.DefaultMaxIssuesPerCode || wantRep.Repaired == 0 {
		t.Fatalf("the input meets too few issues to compare: %d listed, %d repaired", len(wantRep.Issues), wantRep.Repaired)
	}
	for _, n := range []int{2, 3, 7} {
		got := build()
		gotRep := geodata.Report{Issues: []geodata.Issue{{Code: mmp.CodeNegativeDead}}}
		applyMapping(geodata.KindIncident, m, got, &gotRep, n)
		if !reflect.DeepEqual(gotRep, wantRep) {
			t.Errorf("%d runs: report %d issues %v, repaired %d; one run: %d issues %v, repaired %d",
				n, len(gotRep.Issues), gotRep.Counts, gotRep.Repaired, len(wantRep.Issues), wantRep.Counts, wantRep.Repaired)
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("%d runs: feature %d is %+v, one run gives %+v", n, i+1, got[i], want[i])
			}
		}
	}
}
