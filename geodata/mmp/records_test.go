package mmp

import (
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/vocab"
)

func TestAddRecords(t *testing.T) {
	d := NewDecoder()
	d.AddRecords("export.csv", []map[string]string{
		{"web_id": "2026.MMP0001", "reported_date": "2026-01-01", "location_coodinates": "37.34265178, 42.99259985",
			"number_dead": "1", "number_missing": "0", "cause_death": "Harsh environmental conditions / lack of adequate shelter, food, water",
			"migration_route": "Türkiye-Europe land route", "source_quality": "3", "location_description": "Near Ortasu ", "Year": "2026"},
		{"web_id": "2026.MMP0002", "reported_date": "2026-01", "location_coodinates": "35.68266281, -5.31212994",
			"number_dead": "1.0", "number_missing": "-2", "cause_death": "Drowning", "source_quality": "1", "url": "a &amp; b"},
		// The same row again: rejected as an exact duplicate.
		{"web_id": "2026.MMP0002", "reported_date": "2026-01", "location_coodinates": "35.68266281, -5.31212994",
			"number_dead": "1.0", "number_missing": "-2", "cause_death": "Drowning", "source_quality": "1", "url": "a &amp; b"},
		{"web_id": "2026.MMP0003", "reported_date": "", "location_coodinates": "", "number_dead": "1"},
	})
	feats, rep := d.Features(), d.Report()
	if rep.Read != 4 || rep.Accepted != 2 || rep.Rejected != 2 || len(feats) != 2 {
		t.Fatalf("report %+v", rep)
	}
	for _, f := range feats {
		checkFeature(t, f.ID, f.Geometry, f.Properties)
	}
	if rep.Counts[CodeNumberAsString] != 0 {
		t.Errorf("number_as_string counted %d times for text records", rep.Counts[CodeNumberAsString])
	}
	for code, n := range map[string]int{CodeExactDuplicate: 1, CodeMissingCoordinates: 1, CodeMonthOnlyDate: 1,
		CodeNegativeMissing: 1, CodeNumberNormalised: 1, CodeHTMLEntity: 1, CodeTrailingWhitespace: 1, CodeUnknownField: 1} {
		if rep.Counts[code] != n {
			t.Errorf("Counts[%s] = %d, want %d (%v)", code, rep.Counts[code], n, rep.Counts)
		}
	}
	p := feats[0].Properties
	if feats[0].ID != "2026.MMP0001" || p["date"] != "2026-01-01" || p["dead"] != 1 || p["missing"] != 0 ||
		p["cause_category"] != vocab.CauseHarsh || p["location"] != "Near Ortasu" || p["Year"] != "2026" {
		t.Errorf("first feature %v %v", feats[0].ID, p)
	}
	p = feats[1].Properties
	if p["date"] != "2026-01" || p["dead"] != 1 || p["missing"] != 0 || p["missing_reported"] != -2 || p["source_url"] != "a & b" {
		t.Errorf("second feature %v", p)
	}
	for _, is := range rep.Issues {
		if is.Code == CodeExactDuplicate && (is.Feature != 3 || !strings.Contains(is.Message, "export.csv record 3 repeats export.csv record 2")) {
			t.Errorf("duplicate issue %+v", is)
		}
	}
}

func TestAddRecordsLegacyWebID(t *testing.T) {
	d := NewDecoder()
	row := func(id, date, coords string) map[string]string {
		return map[string]string{"web_id": id, "reported_date": date, "location_coodinates": coords, "number_dead": "1",
			"cause_death": "Drowning", "source_quality": "4"}
	}
	d.AddRecords("legacy.csv", []map[string]string{
		row("52673", "2020-01-05", "31.65, -110.36"),
		row("52673", "2020-01-06", "31.70, -110.40"), // same Web ID, other content
		row("52673", "2020-01-06", "31.70, -110.40"), // exact duplicate of the row above
		row("it will be included", "2020-01-07", "31.75, -110.45"),
		row("52674", "2020-01-08", ""), // rejected: no coordinates
	})
	feats, rep := d.Features(), d.Report()
	if rep.Read != 5 || rep.Accepted != 3 || rep.Rejected != 2 {
		t.Fatalf("report %+v", rep)
	}
	if feats[0].ID != "52673" || feats[1].ID != "52673~2" || !strings.HasPrefix(feats[2].ID.(string), "unidentified-") {
		t.Errorf("ids %v %v %v", feats[0].ID, feats[1].ID, feats[2].ID)
	}
	if feats[0].Properties["mmp_id"] != "52673" {
		t.Errorf("mmp_id %v", feats[0].Properties["mmp_id"])
	}
	if _, ok := feats[0].Properties["flags"]; ok {
		t.Errorf("a clean legacy record has flags %v", feats[0].Properties["flags"])
	}
	if got := feats[1].Properties["flags"]; got != CodeDuplicateID {
		t.Errorf("flags %v, want %s", got, CodeDuplicateID)
	}
	if rep.Counts[CodeFreeTextID] != 1 || rep.Counts[CodeDuplicateID] != 1 || rep.Counts[CodeExactDuplicate] != 1 || rep.Counts[CodeMissingCoordinates] != 1 {
		t.Errorf("counts %v", rep.Counts)
	}
	for _, is := range rep.Issues {
		switch is.Code {
		case CodeDuplicateID:
			if is.Feature != 2 || is.ID != "52673~2" || is.Action != geodata.Flagged {
				t.Errorf("duplicate_id issue %+v", is)
			}
		case CodeFreeTextID:
			if is.Feature != 4 {
				t.Errorf("free_text_id on feature %d, want only the free-text id", is.Feature)
			}
		case CodeMissingCoordinates:
			if is.Feature != 5 || is.ID != "52674" {
				t.Errorf("missing_coordinates issue %+v", is)
			}
		}
	}
}

func TestRecordJSON(t *testing.T) {
	got := string(recordJSON(map[string]string{"b": "12", "a": "1.5", "c": "007", "d": "x\"y", "e": "", "f": "-3", "g": "1e5", "h": " 4"}))
	want := `{"a":1.5,"b":12,"c":"007","d":"x\"y","e":"","f":-3,"g":1e5,"h":" 4"}`
	if got != want {
		t.Errorf("recordJSON = %s, want %s", got, want)
	}
}

// FuzzAddRecords decodes text records made of fuzzed values and checks
// that every feature is one the importer may produce and the counts add up.
func FuzzAddRecords(f *testing.F) {
	f.Add("52673", "2020-01-05", "31.65, -110.36", "1", "-2", "Drowning", "4")
	f.Add("2026.MMP0001", "2026-01", "32, 12", "1.0", "", "Shot", "")
	f.Add("", "", "", "x", "1,022", "", "9")
	f.Fuzz(func(t *testing.T, id, date, coords, dead, missing, cause, quality string) {
		d := NewDecoder()
		rec := map[string]string{"web_id": id, "reported_date": date, "location_coodinates": coords, "number_dead": dead,
			"number_missing": missing, "cause_death": cause, "source_quality": quality, dead: missing}
		d.AddRecords("fuzz", []map[string]string{rec, rec, {"web_id": id, "location_coodinates": coords}})
		rep := d.Report()
		if rep.Read != 3 || rep.Read != rep.Accepted+rep.Rejected || rep.Accepted != len(d.Features()) {
			t.Fatalf("report %+v, %d features", rep, len(d.Features()))
		}
		for _, f := range d.Features() {
			checkFeature(t, f.ID, f.Geometry, f.Properties)
			if _, ok := f.ID.(string); !ok {
				t.Fatalf("id %#v", f.ID)
			}
		}
	})
}
