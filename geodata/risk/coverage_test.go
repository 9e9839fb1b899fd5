package risk

import (
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/coverage"
)

// coverageFixture reads testdata/coverage: three routes on land (A and
// C 5° apart, B 4° east of A), layer L1 (a hospital 67 km and a pharmacy
// 11 km from A; coverage computed) and layer L2 (a clinic by B and a legal
// aid office 118 km from B; its coverage declared as l2-area.geojson,
// around B, when declared).
func coverageFixture(t *testing.T, declared bool) *Analyser {
	t.Helper()
	data, err := os.ReadFile("testdata/coverage/layers.geojson")
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string][]*geojson.Feature{}
	for _, f := range fc.Features {
		k := f.Properties.MustString("fixture")
		by[k] = append(by[k], f)
	}
	l2 := ServiceLayer{Features: by["L2"]}
	if declared {
		area, err := os.ReadFile("testdata/coverage/l2-area.geojson")
		if err != nil {
			t.Fatal(err)
		}
		c, err := coverage.Declare("", string(area), nil)
		if err != nil {
			t.Fatal(err)
		}
		if l2.Declared, err = coverage.FromDeclared(c, nil); err != nil {
			t.Fatal(err)
		}
	}
	return NewAnalyserLayers(by["route"], nil, []ServiceLayer{{Features: by["L1"]}, l2})
}

func TestCoverageAreas(t *testing.T) {
	for _, tc := range []struct {
		name     string
		declared bool   // L2 declares its area
		query    string // coverage_subtypes etc.
		route    string
		category string
		want     Status
		nearKm   float64 // about; 0: none reported
	}{
		{name: "computed: a hospital 67 km away is a gap", route: "Route A", category: "health", want: Gap, nearKm: 67},
		{name: "computed: 550 km from any health service is no data", route: "Route C", category: "health", want: NoData},
		{name: "the pharmacy does not count by default", route: "Route A", category: "health", want: Gap, nearKm: 67},
		{name: "coverage_subtypes=health:* counts it", query: "coverage_subtypes=health:*", route: "Route A", category: "health", want: Covered, nearKm: 11},
		{name: "only pharmacies count", query: "coverage_subtypes=health:pharmacy", route: "Route A", category: "health", want: Covered, nearKm: 11},
		{name: "only hospitals: L2's clinic does not count by B", query: "coverage_subtypes=health:hospital", route: "Route B", category: "health", want: NoData},
		{name: "a clinic 22 km from B covers it", route: "Route B", category: "health", want: Covered, nearKm: 22},
		{name: "computed legal coverage holds B (118 km)", route: "Route B", category: "legal", want: Gap, nearKm: 118},
		{name: "legal has no data by A", route: "Route A", category: "legal", want: NoData},
		{name: "declared: B lies in L2's area, a legal gap", declared: true, route: "Route B", category: "legal", want: Gap, nearKm: 118},
		{name: "declared: A lies outside L2's area", declared: true, route: "Route A", category: "legal", want: NoData},
		{name: "declared: L1 still computes its own health coverage", declared: true, route: "Route A", category: "health", want: Gap, nearKm: 67},
		{name: "only documentation counts for legal: the legal aid office does not, no data", query: "coverage_subtypes=legal:documentation", route: "Route B", category: "legal", want: NoData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := coverageFixture(t, tc.declared)
			v, _ := url.ParseQuery(tc.query)
			v.Set("reference_date", "2025-01-01")
			p, err := ParseParams(v)
			if err != nil {
				t.Fatal(err)
			}
			res, err := a.Analyse(p)
			if err != nil {
				t.Fatal(err)
			}
			c := slices.IndexFunc(res.Categories, func(s CategorySummary) bool { return s.Category == tc.category })
			found := false
			for _, s := range res.Segments {
				if s.Route != tc.route {
					continue
				}
				found = true
				cv := s.Coverage[c]
				if cv.Status != tc.want {
					t.Errorf("segment %s: %s %s, want %s", s.ID(), tc.category, cv.Status, tc.want)
				}
				if tc.nearKm == 0 && cv.HasNearest {
					t.Errorf("segment %s: nearest %.0f km, want none", s.ID(), cv.NearestKm)
				}
				if tc.nearKm > 0 && (!cv.HasNearest || cv.NearestKm < tc.nearKm-30 || cv.NearestKm > tc.nearKm+30) {
					t.Errorf("segment %s: nearest %+v, want about %g km", s.ID(), cv, tc.nearKm)
				}
			}
			if !found {
				t.Fatalf("no segment of %s", tc.route)
			}
		})
	}
}

func TestParseCoverageSubtypes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		vals  []string
		want  []string // Params.CoverageSubtypes
		echo  string   // SubtypeRules joined by " "
		error string   // part of the message
	}{
		{name: "default", vals: nil, want: nil, echo: "health:-alternative,-blood_donation,-dentist,-laboratory,-optometrist,-pharmacy"},
		{name: "only some", vals: []string{"health:hospital, Clinic,doctors"}, want: []string{"health:clinic,doctors,hospital"},
			echo: "health:clinic,doctors,hospital"},
		{name: "all", vals: []string{"health:*"}, want: []string{"health:*"}, echo: "health:*"},
		{name: "two categories", vals: []string{"legal:legal_aid", "health:-pharmacy"}, want: []string{"health:-pharmacy", "legal:legal_aid"},
			echo: "health:-pharmacy legal:legal_aid"},
		{name: "a semicolon does not separate", vals: []string{"legal:legal_aid;health:-pharmacy"}, error: `"legal_aid;health:-pharmacy", which is not a subtype of legal`},
		{name: "repeated", vals: []string{"shelter:shelter", "food:food_bank"}, want: []string{"food:food_bank", "shelter:shelter"},
			echo: "food:food_bank health:-alternative,-blood_donation,-dentist,-laboratory,-optometrist,-pharmacy shelter:shelter"},
		{name: "the default given is the default", vals: []string{"health:-pharmacy,-dentist,-optometrist,-laboratory,-blood_donation,-alternative"}, want: nil,
			echo: "health:-alternative,-blood_donation,-dentist,-laboratory,-optometrist,-pharmacy"},
		{name: "unknown category", vals: []string{"medical:hospital"}, error: `names the category "medical", which is not known`},
		{name: "unknown subtype", vals: []string{"health:hospital,spa"}, error: `names the subtype "spa", which is not a subtype of health`},
		{name: "no colon", vals: []string{"health"}, error: "names no subtypes"},
		{name: "nothing after the colon", vals: []string{"health:"}, error: "gives no subtypes"},
		{name: "mixed", vals: []string{"health:hospital,-pharmacy"}, error: "mixes subtypes"},
		{name: "twice", vals: []string{"health:hospital", "health:clinic"}, error: "twice"},
		{name: "empty", vals: []string{""}, error: "empty rule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{}
			if tc.vals != nil {
				v[SubtypesParam] = tc.vals
			}
			p, err := ParseParams(v)
			if tc.error != "" {
				if err == nil || !strings.Contains(err.Error(), tc.error) || geodata.ErrorCode(err) != geodata.Invalid {
					t.Fatalf("err %v, want Invalid with %q", err, tc.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.CoverageSubtypes, tc.want) {
				t.Errorf("rules %q, want %q", p.CoverageSubtypes, tc.want)
			}
			if got := strings.Join(p.SubtypeRules(), " "); got != tc.echo {
				t.Errorf("echo %q, want %q", got, tc.echo)
			}
			if err := p.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}
