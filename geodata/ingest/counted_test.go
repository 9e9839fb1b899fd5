package ingest

import (
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/mmp"
)

// consistent reports whether every code r counts has a listed issue.
func consistent(r geodata.Report) (string, bool) {
	listed := map[string]bool{}
	for _, is := range r.Issues {
		listed[is.Code] = true
	}
	for code, n := range r.Counts {
		if n > 0 && !listed[code] {
			return code, false
		}
	}
	return "", true
}

func TestListCounted(t *testing.T) {
	tests := []struct {
		name   string
		report geodata.Report
		want   []string // codes of the issues after, in order
		says   string   // in the first issue's message
	}{
		{"counted only", geodata.Report{Counts: map[string]int{CodeMissingID: 3}}, []string{CodeMissingID}, "features without an id: 3"},
		{"cosmetic MMP codes first, sorted", geodata.Report{Counts: map[string]int{mmp.CodeTrailingWhitespace: 9, mmp.CodeNumberAsString: 9, CodeDuplicateID: 1},
			Issues: []geodata.Issue{{Feature: 4, Code: CodeDuplicateID, Action: geodata.Repaired}}},
			[]string{mmp.CodeNumberAsString, mmp.CodeTrailingWhitespace, CodeDuplicateID}, "numbers written as text: 9"},
		{"an unknown code", geodata.Report{Counts: map[string]int{"odd_thing": 2}}, []string{"odd_thing"}, "counted, not listed"},
		{"already listed", geodata.Report{Counts: map[string]int{CodeDuplicateID: 300}, Issues: []geodata.Issue{{Feature: 2, Code: CodeDuplicateID}}},
			[]string{CodeDuplicateID}, ""},
		{"a zero count", geodata.Report{Counts: map[string]int{CodeMissingID: 0}}, nil, ""},
		{"nothing", geodata.Report{}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.report
			ListCounted(&r)
			var codes []string
			for _, is := range r.Issues {
				codes = append(codes, is.Code)
			}
			if strings.Join(codes, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("issues %v, want %v", codes, tt.want)
			}
			if code, ok := consistent(r); !ok {
				t.Errorf("%s counted, not listed", code)
			}
			if tt.says != "" && (!strings.Contains(r.Issues[0].Message, tt.says) || r.Issues[0].Feature != 0) {
				t.Errorf("first issue %+v does not say %q for the whole file", r.Issues[0], tt.says)
			}
			again := r
			again.Issues = append([]geodata.Issue(nil), r.Issues...)
			ListCounted(&again)
			if len(again.Issues) != len(r.Issues) {
				t.Errorf("a second call added %d issues", len(again.Issues)-len(r.Issues))
			}
		})
	}
}

// TestRunReportNeverContradictsItself: every fixture's report lists an
// issue for every code it counts; three points without ids are the case
// that once said "missing_id 3" and "No issues." at once.
func TestRunReportNeverContradictsItself(t *testing.T) {
	noIDs := `{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[12.6,35.5]},"properties":{"name":"A","category":"health"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[13.2,32.9]},"properties":{"name":"B","category":"legal"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[10.2,36.8]},"properties":{"name":"C","category":"shelter"}}]}`
	src := formats.Source{Name: "x.geojson", Size: int64(len(noIDs)), R: strings.NewReader(noIDs)}
	res, err := Run(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Counts[CodeMissingID] != 3 || len(res.Report.Issues) != 1 || res.Report.Issues[0].Code != CodeMissingID || res.Report.Repaired != 0 {
		t.Errorf("report %+v", res.Report)
	}
	for _, file := range []string{"services.geojson", "services.csv", "routes.geojson", "lines.geojson", "incidents.geojson", "places.geojson", "mixed.geojson",
		"mmp_legacy.csv", "mmp_api_keys.csv"} {
		res, err := Run(openFixture(t, file), Options{OnError: SkipFeatures})
		if res == nil {
			t.Fatalf("%s: %v", file, err)
		}
		if code, ok := consistent(res.Report); !ok {
			t.Errorf("%s: %s counted %d times, never listed", file, code, res.Report.Counts[code])
		}
	}
}
