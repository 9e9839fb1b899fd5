package ingest

import (
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
)

// TestRunReadsHXLTaggedCSV: a CSV whose second row holds HXL hashtags is
// mapped by them with no mapping given — over headers that name nothing,
// or the wrong field ("Location" holds countries) — the hashtag row is not
// data, and an unknown hashtag is noted.
func TestRunReadsHXLTaggedCSV(t *testing.T) {
	res, err := Run(openFixture(t, "hxl_incidents.csv"), Options{Kind: geodata.KindIncident})
	if err != nil {
		t.Fatal(err)
	}
	want := Mapping{"id": "Ref", "date": "Day", "dead": "Victims", "missing": "Still unaccounted", "cause": "What happened",
		"route": "Corridor", "country": "Location", "location": "Place"}
	for f, col := range want {
		if res.Mapping[f] != col {
			t.Errorf("mapping[%s] = %q, want %q (mapping %v)", f, res.Mapping[f], col, res.Mapping)
		}
	}
	if res.Report.Read != 3 || len(res.Features) != 3 {
		t.Fatalf("read %d, kept %d features; the hashtag row is not data: %+v", res.Report.Read, len(res.Features), res.Report)
	}
	f := res.Features[0]
	if f.ID != "E1" || f.Properties["date"] != "2023-04-03" || f.Properties["dead"] != 2 || f.Properties["country"] != "Italy" ||
		f.Properties["location"] != "Off Lampedusa" || f.Properties["route"] != "Central Mediterranean" {
		t.Errorf("first feature %v %v", f.ID, f.Properties)
	}
	if p := f.Geometry.Bound().Min; p[0] != 12.6 || p[1] != 35.5 {
		t.Errorf("first position %v, want the #geo+lon, #geo+lat columns", p)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, s := range []string{"HXL hashtag row", "#affected+killed+num → dead", `#sector ("Cluster")`} {
		if !strings.Contains(notes, s) {
			t.Errorf("notes lack %q:\n%s", s, notes)
		}
	}
	// A mapping given with the upload still wins over the hashtags.
	res, err = Run(openFixture(t, "hxl_incidents.csv"), Options{Kind: geodata.KindIncident, Mapping: Mapping{"location": "Location"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mapping["location"] != "Location" {
		t.Errorf("override lost: %v", res.Mapping)
	}
}

func TestApplyHXLWinsOverNames(t *testing.T) {
	columns := []string{"dead", "missing", "x"}
	m, _ := DetectMapping(geodata.KindIncident, columns)
	if m["dead"] != "dead" {
		t.Fatalf("name guess %v", m)
	}
	// The column named dead is tagged as missing, and x as dead.
	got, notes := ApplyHXL(geodata.KindIncident, m, columns, []string{"#affected+missing", "", "#affected+killed"})
	if got["missing"] != "dead" || got["dead"] != "x" {
		t.Errorf("mapping %v", got)
	}
	if _, still := got["missing"]; !still || len(notes) != 1 {
		t.Errorf("notes %q", notes)
	}
}
