package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/mmp"
)

// TestRunExposure reads exposure series, given as that kind or detected,
// and checks each kind of bad row is rejected with a message naming the
// row and the field.
func TestRunExposure(t *testing.T) {
	type issue struct {
		row   int
		field string
		code  string
		text  string // in the message
	}
	tests := []struct {
		name     string
		file     string
		kind     geodata.Kind // "" detects it
		accepted int
		rejected int
		issues   []issue
		note     string // in the notes
	}{
		{name: "good, given", file: "exposure/good.csv", kind: geodata.KindExposure, accepted: 5,
			issues: []issue{{5, "route", mmp.CodeUnknownRoute, `route "Eastern Corridor" is not an MMP route name`}},
			note:   "1 months given as dates (YYYY-MM-DD) read as their month"},
		{name: "good, detected", file: "exposure/good.csv", accepted: 5,
			note: "read as an exposure layer: the rows have no geometry and read as route, month and count (route, month, count)"},
		{name: "empty route", file: "exposure/empty_route.csv", kind: geodata.KindExposure, accepted: 1, rejected: 1,
			issues: []issue{{2, "route", CodeEmptyRoute, "row 2: the route is empty"}}},
		{name: "month not YYYY-MM", file: "exposure/bad_month.csv", kind: geodata.KindExposure, accepted: 1, rejected: 1,
			issues: []issue{{2, "month", CodeInvalidMonth, `row 2: the month "01/2023" is not a month; write it as YYYY-MM`}}},
		{name: "negative count", file: "exposure/negative_count.csv", kind: geodata.KindExposure, accepted: 1, rejected: 1,
			issues: []issue{{2, "count", CodeInvalidCount, `row 2: the count "-5" is negative`}}},
		{name: "count not a number", file: "exposure/text_count.csv", kind: geodata.KindExposure, accepted: 1, rejected: 1,
			issues: []issue{{2, "count", CodeInvalidCount, `row 2: the count "3,000 people" is not a number`}}},
		{name: "same route and month twice", file: "exposure/duplicate.csv", kind: geodata.KindExposure, accepted: 1, rejected: 2,
			issues: []issue{
				{3, "month", CodeDuplicateRowMonth, `row 3: "Central Mediterranean" 2023-01 is also given in row 1`},
				{1, "month", CodeDuplicateRowMonth, `row 1: "Central Mediterranean" 2023-01 is given again in row 3`},
			}},
		{name: "hostile strings", file: "exposure/hostile.csv", kind: geodata.KindExposure, accepted: 2, rejected: 2,
			issues: []issue{
				{3, "month", CodeInvalidMonth, `row 3: the month "2023-13" is not a month`},
				{4, "count", CodeInvalidCount, `row 4: the count "1e9" is not a number`},
				{2, "route", mmp.CodeUnknownRoute, `is not an MMP route name`},
			}},
		{name: "geojson with null geometries, detected", file: "exposure/nulls.geojson", accepted: 3,
			note: "read as an exposure layer"},
		{name: "geojson with null geometries, given", file: "exposure/nulls.geojson", kind: geodata.KindExposure, accepted: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(openFixture(t, tt.file), Options{Kind: tt.kind, OnError: SkipFeatures})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if res.Kind != geodata.KindExposure {
				t.Fatalf("kind %q, want exposure (notes %q)", res.Kind, res.Notes)
			}
			if res.Report.Accepted != tt.accepted || res.Report.Rejected != tt.rejected {
				t.Errorf("accepted %d rejected %d, want %d and %d; issues %+v", res.Report.Accepted, res.Report.Rejected, tt.accepted, tt.rejected, res.Report.Issues)
			}
			for _, want := range tt.issues {
				found := false
				for _, is := range res.Report.Issues {
					if is.Feature == want.row && is.Field == want.field && is.Code == want.code && strings.Contains(is.Message, want.text) {
						found = true
					}
				}
				if !found {
					t.Errorf("no issue %+v in %+v", want, res.Report.Issues)
				}
			}
			if tt.note != "" && !strings.Contains(strings.Join(res.Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", res.Notes, tt.note)
			}
			for _, f := range res.Features {
				m, _ := f.Properties["month"].(string)
				if len(m) != 7 {
					t.Errorf("feature %v month %q, want YYYY-MM", f.ID, m)
				}
				if n, ok := f.Properties["count"].(float64); !ok || n < 0 {
					t.Errorf("feature %v count %#v, want a number ≥ 0", f.ID, f.Properties["count"])
				}
			}
		})
	}
}

// TestRunExposureNormalises checks the values a good file is stored with.
func TestRunExposureNormalises(t *testing.T) {
	res, err := Run(openFixture(t, "exposure/good.csv"), Options{Kind: geodata.KindExposure})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Features[2]
	if f.Geometry != nil || f.Properties["month"] != "2023-03" || f.Properties["count"] != 5000.0 || f.Properties["route"] != "Central Mediterranean" {
		t.Errorf("row 3 is %v %v, want no geometry, month 2023-03, count 5000", f.Geometry, f.Properties)
	}
	if got := res.Features[3].Properties["route"]; got != "Central Mediterranean" {
		t.Errorf("route %q, want the Frontex name read as the MMP route", got)
	}
}

// TestRunNoGeometryOtherKinds keeps the rule for every other kind: a row
// without coordinates is not a feature.
func TestRunNoGeometryOtherKinds(t *testing.T) {
	if _, err := Run(openFixture(t, "exposure/no_coordinates_incidents.csv"), Options{}); geodata.ErrorCode(err) != geodata.Invalid ||
		!strings.Contains(err.Error(), "no coordinate columns") {
		t.Errorf("incidents without coordinates: %v, want Invalid naming the coordinate columns", err)
	}
	if _, err := Run(openFixture(t, "exposure/good.csv"), Options{Kind: geodata.KindIncident}); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("an exposure table uploaded as incidents: %v, want Invalid", err)
	}
	res, err := Run(openFixture(t, "exposure/nulls_incidents.geojson"), Options{OnError: SkipFeatures})
	if err != nil {
		t.Fatal(err)
	}
	rejected := ""
	for _, is := range res.Report.Issues {
		if is.Action == geodata.Rejected {
			rejected = is.Code
		}
	}
	if res.Kind != geodata.KindIncident || res.Report.Accepted != 1 || res.Report.Rejected != 1 || rejected != "missing_geometry" {
		t.Errorf("kind %s accepted %d rejected %d issues %+v; want the null-geometry incident rejected", res.Kind, res.Report.Accepted, res.Report.Rejected, res.Report.Issues)
	}
}

// TestRunExposureRejectsFile: by default one bad row stores nothing, and
// the error says so.
func TestRunExposureRejectsFile(t *testing.T) {
	res, err := Run(openFixture(t, "exposure/duplicate.csv"), Options{Kind: geodata.KindExposure})
	if geodata.ErrorCode(err) != geodata.Unprocessable || res == nil || res.Report.Rejected != 2 {
		t.Fatalf("err %v, want Unprocessable with two rejected rows", err)
	}
}

// TestExposureExampleDocumented reads the example of docs/importers.md as
// an upload: it must be a good exposure file.
func TestExposureExampleDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "importers.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "```csv\nroute,month,count")
	if start < 0 {
		t.Fatal("docs/importers.md has no exposure example")
	}
	example := doc[start+len("```csv\n"):]
	example = example[:strings.Index(example, "```")]
	src := formats.Source{Name: "crossings-2024.csv", Size: int64(len(example)), R: strings.NewReader(example)}
	res, err := Run(src, Options{})
	if err != nil {
		t.Fatalf("the documented example: %v", err)
	}
	if res.Kind != geodata.KindExposure || res.Report.Accepted != 4 || res.Report.Rejected != 0 {
		t.Errorf("the documented example reads as %s, %d accepted, %d rejected", res.Kind, res.Report.Accepted, res.Report.Rejected)
	}
}
