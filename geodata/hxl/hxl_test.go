package hxl

import (
	"os"
	"strings"
	"testing"
)

func readCore(t *testing.T) Core {
	t.Helper()
	f, err := os.Open("testdata/core-schema.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := ReadCore(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Hashtags) < 40 || len(c.Attributes) < 50 {
		t.Fatalf("core schema: %d hashtags, %d attributes", len(c.Hashtags), len(c.Attributes))
	}
	return c
}

// TestTableAgainstCoreSchema checks every hashtag of the table against the
// HXL 1.1 core schema, and that the custom attributes are honest: none is
// a core attribute, each is used and documented in docs/hxl.md.
func TestTableAgainstCoreSchema(t *testing.T) {
	core := readCore(t)
	doc, err := os.ReadFile("../../docs/hxl.md")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	seen := map[string]bool{}
	for _, e := range Entries {
		if seen[e.Scope+"/"+e.Column] {
			t.Errorf("%s/%s is in the table twice", e.Scope, e.Column)
		}
		seen[e.Scope+"/"+e.Column] = true
		if err := core.CheckRow([]string{e.Tag}); err != nil {
			t.Errorf("%s/%s: %v", e.Scope, e.Column, err)
		}
		s, _ := Parse(e.Tag)
		for _, a := range s.Attributes {
			used[a] = true
		}
		if !strings.Contains(string(doc), "`"+e.Tag+"`") {
			t.Errorf("docs/hxl.md does not list %s (%s/%s)", e.Tag, e.Scope, e.Column)
		}
	}
	for a := range CustomAttributes {
		if core.Attributes[a] {
			t.Errorf("custom attribute +%s is a core attribute", a)
		}
		if !used[a] {
			t.Errorf("custom attribute +%s is not used", a)
		}
		if !strings.Contains(string(doc), "`+"+a+"`") {
			t.Errorf("docs/hxl.md does not explain +%s", a)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"#affected+killed", "#affected+killed", true},
		{" #Affected +Killed ", "#affected+killed", true},
		{"#geo+lat", "#geo+lat", true},
		{"#description", "#description", true},
		{"#indicator+per_1000", "#indicator+per_1000", true},
		{"affected+killed", "", false},
		{"#", "", false},
		{"#1abc", "", false},
		{"#affected+", "", false},
		{"#affected++killed", "", false},
		{"#aff ected", "", false},
		{"#date/fr", "", false},
		{"#geo+lat-x", "", false},
		{"#" + strings.Repeat("a", 300), "", false},
	} {
		s, err := Parse(tc.in)
		if (err == nil) != tc.ok || (tc.ok && s.String() != tc.want) {
			t.Errorf("Parse(%q) = %v, %v; want %q ok=%v", tc.in, s, err, tc.want, tc.ok)
		}
	}
	if !Strict("#affected+killed") || Strict("#affected +killed") || Strict("#Affected+killed") {
		t.Error("Strict")
	}
}

func TestIsHashtagRow(t *testing.T) {
	for _, tc := range []struct {
		row  []string
		want bool
	}{
		{[]string{"#date+reported", "", "#geo+lat"}, true},
		{[]string{"#date", " ", "#geo +lat"}, true},
		{[]string{"", ""}, false},
		{[]string{"#date", "12"}, false},
		{[]string{"2024-01-01", "3"}, false},
		{[]string{"#1", "#geo"}, false},
	} {
		if got := IsHashtagRow(tc.row); got != tc.want {
			t.Errorf("IsHashtagRow(%q) = %v", tc.row, got)
		}
	}
}

func TestFieldIsTheReverseOfTheTable(t *testing.T) {
	for _, kind := range []string{"incident", "service", "route", "area"} {
		for _, e := range Entries {
			if e.Scope != kind {
				continue
			}
			s, _ := Parse(e.Tag)
			if f, ok := Field(kind, s); !ok || f != e.Column {
				t.Errorf("Field(%s, %s) = %q, %v; want %s", kind, e.Tag, f, ok, e.Column)
			}
		}
	}
	for _, tc := range []struct {
		kind, tag, want string
	}{
		{"incident", "#affected+killed+num", "dead"},
		{"incident", "#date", ""},
		{"incident", "#loc+name", "location"},
		{"incident", "#cause+type", "cause_category"},
		{"incident", "#cause+category", "cause_category"},
		{"incident", "#cause+category+type", "cause_category"},
		{"incident", "#cause+name", "cause"},
		{"incident", "#loc+name+route", "route"},
		{"incident", "#geo+lat", "latitude"},
		{"service", "#org+name", "organization"},
		{"service", "#sector", ""},
	} {
		s, err := Parse(tc.tag)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := Field(tc.kind, s)
		if f != tc.want {
			t.Errorf("Field(%s, %s) = %q, want %q", tc.kind, tc.tag, f, tc.want)
		}
	}
}

func TestRow(t *testing.T) {
	got := Row("incident", []string{"id", "longitude", "latitude", "dead", "whatever"})
	want := []string{"#meta+id", "#geo+lon", "#geo+lat", "#affected+killed", ""}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Row = %q", got)
	}
	if Tag(ScopePriorities, "longitude") != "" {
		t.Error("an analysis table does not take the layer columns")
	}
}
