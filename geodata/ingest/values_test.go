package ingest

import (
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata/vocab"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in    string
		order DateOrder
		want  string
		month bool // month only
		ambig bool
	}{
		// ISO and its variants.
		{"2020-01-05", OrderUnknown, "2020-01-05", false, false},
		{" 2020-1-5 ", OrderUnknown, "2020-01-05", false, false},
		{"2020/01/05", OrderUnknown, "2020-01-05", false, false},
		{"2020.01.05", OrderUnknown, "2020-01-05", false, false},
		{"2020-01-05T10:00:00Z", OrderUnknown, "2020-01-05", false, false},
		{"2020-01-05T10:00:00+02:00", OrderUnknown, "2020-01-05", false, false},
		{"2020-01-05 10:00", OrderUnknown, "2020-01-05", false, false},
		{"2020-02-29", OrderUnknown, "2020-02-29", false, false},
		{"2019-02-29", OrderUnknown, "", false, false},
		{"2020-13-01", OrderUnknown, "", false, false},
		// MMP's current export (Drupal): month first whatever the order.
		{"Thu, 01/01/2026 - 12:00", OrderUnknown, "2026-01-01", false, false},
		{"Fri, 01/02/2026 - 12:00", OrderDayFirst, "2026-01-02", false, false},
		{"Mon, 04/13/2026 - 12:00", OrderUnknown, "2026-04-13", false, false},
		{"Thursday, 01/01/2026 - 12:00", OrderUnknown, "2026-01-01", false, false},
		// Named months: English, French, Spanish.
		{"January 05, 2020", OrderUnknown, "2020-01-05", false, false},
		{"Jan 5, 2020", OrderUnknown, "2020-01-05", false, false},
		{"January 5 2020", OrderUnknown, "2020-01-05", false, false},
		{"5 January 2020", OrderUnknown, "2020-01-05", false, false},
		{"05 Jan 2020", OrderUnknown, "2020-01-05", false, false},
		{"5-Jan-2020", OrderUnknown, "2020-01-05", false, false},
		{"January 5th, 2020", OrderUnknown, "2020-01-05", false, false},
		{"Sunday, January 05, 2020", OrderUnknown, "2020-01-05", false, false},
		{"5 janvier 2020", OrderUnknown, "2020-01-05", false, false},
		{"1er février 2020", OrderUnknown, "2020-02-01", false, false},
		{"5 de enero de 2020", OrderUnknown, "2020-01-05", false, false},
		{"December 30, 2019 10:30 AM", OrderUnknown, "2019-12-30", false, false},
		{"February 30, 2020", OrderUnknown, "", false, false},
		// Numeric day/month.
		{"13/01/2020", OrderUnknown, "2020-01-13", false, false},
		{"01/13/2020", OrderUnknown, "2020-01-13", false, false},
		{"05/01/2020", OrderUnknown, "", false, true},
		{"05/01/2020", OrderMonthFirst, "2020-05-01", false, false},
		{"05/01/2020", OrderDayFirst, "2020-01-05", false, false},
		{"5.1.2020", OrderDayFirst, "2020-01-05", false, false},
		{"05-01-2020", OrderMonthFirst, "2020-05-01", false, false},
		{"07/07/2020", OrderUnknown, "2020-07-07", false, false},
		{"Sun, 05/01/2020", OrderUnknown, "2020-01-05", false, false}, // 2020-01-05 is a Sunday, 2020-05-01 a Friday
		{"Fri 05/01/2020", OrderUnknown, "2020-05-01", false, false},
		{"2/10/2020", OrderMonthFirst, "2020-02-10", false, false},
		{"13/13/2020", OrderUnknown, "", false, false},
		{"05/01/20", OrderMonthFirst, "", false, false},
		// Months alone.
		{"2020-01", OrderUnknown, "2020-01", true, false},
		{"2020/1", OrderUnknown, "2020-01", true, false},
		{"01/2020", OrderUnknown, "2020-01", true, false},
		{"January 2020", OrderUnknown, "2020-01", true, false},
		{"Feb 2020", OrderUnknown, "2020-02", true, false},
		{"enero de 2020", OrderUnknown, "2020-01", true, false},
		{"2020-00", OrderUnknown, "", false, false},
		// Not dates.
		{"", OrderUnknown, "", false, false},
		{"2020", OrderUnknown, "", false, false},
		{"yesterday", OrderUnknown, "", false, false},
		{"43831", OrderUnknown, "", false, false},
		{"January 5, 2020, January 6, 2020", OrderUnknown, "", false, false},
		{"0999-01-01", OrderUnknown, "", false, false},
		{strings.Repeat("1", 100), OrderUnknown, "", false, false},
	}
	for _, tt := range tests {
		r := ParseDate(tt.in, tt.order)
		if r.Value != tt.want || r.OK != (tt.want != "") || r.MonthOnly != tt.month || r.Ambiguous != tt.ambig {
			t.Errorf("ParseDate(%q, %d) = %+v, want %q month-only %v ambiguous %v", tt.in, tt.order, r, tt.want, tt.month, tt.ambig)
		}
	}
}

func TestInferDateOrder(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   DateOrder
	}{
		{"month first proven", []string{"05/01/2020", "01/13/2020"}, OrderMonthFirst},
		{"day first proven", []string{"05/01/2020", "13/01/2020"}, OrderDayFirst},
		{"MMP Drupal form", []string{"Thu, 01/01/2026 - 12:00"}, OrderMonthFirst},
		{"nothing decides", []string{"05/01/2020", "06/02/2020"}, OrderUnknown},
		{"both seen", []string{"13/01/2020", "01/13/2020"}, OrderUnknown},
		{"ISO only", []string{"2020-01-13"}, OrderUnknown},
		{"with times", []string{"13/01/2020 10:00"}, OrderDayFirst},
	}
	for _, tt := range tests {
		if got := InferDateOrder(tt.values); got != tt.want {
			t.Errorf("%s: InferDateOrder = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in     any
		want   int
		status countStatus
	}{
		{"12", 12, countOK},
		{" 12 ", 12, countOK},
		{"+12", 12, countOK},
		{"0", 0, countOK},
		{"-3", -3, countOK},
		{"1.0", 1, countOK},
		{"2.", 2, countOK},
		{"12.00", 12, countOK},
		{"1,022", 1022, countOK},
		{"1 022", 1022, countOK},
		{"1\u00a0022", 1022, countOK},
		{"12,000,000", 0, countInvalid},
		{12.0, 12, countOK},
		{-2.0, -2, countOK},
		{7, 7, countOK},
		{"", 0, countAbsent},
		{"NA", 0, countAbsent},
		{"N/A", 0, countAbsent},
		{"n/a", 0, countAbsent},
		{"null", 0, countAbsent},
		{"-", 0, countAbsent},
		{nil, 0, countAbsent},
		{"1.5", 0, countInvalid},
		{"1,5", 0, countInvalid},
		{"1.022", 0, countInvalid},
		{"abc", 0, countInvalid},
		{"unknown", 0, countInvalid},
		{">10", 0, countInvalid},
		{"10+", 0, countInvalid},
		{"1e3", 0, countInvalid},
		{"NaN", 0, countAbsent},
		{"99999999999999999999", 0, countInvalid},
		{"1000001", 0, countInvalid},
		{1.5, 0, countInvalid},
		{true, 0, countInvalid},
		{[]any{1}, 0, countInvalid},
	}
	for _, tt := range tests {
		n, st := parseCount(tt.in)
		if st != tt.status || n != tt.want {
			t.Errorf("parseCount(%#v) = %d, %d; want %d, %d", tt.in, n, st, tt.want, tt.status)
		}
	}
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		in                  any
		value, ok, isAbsent bool
	}{
		{"yes", true, true, false}, {"Yes", true, true, false}, {"oui", true, true, false}, {"sí", true, true, false},
		{"TRUE", true, true, false}, {"1", true, true, false}, {true, true, true, false}, {1.0, true, true, false},
		{"no", false, true, false}, {"non", false, true, false}, {"false", false, true, false}, {0.0, false, true, false},
		{"", false, false, true}, {"N/A", false, false, true}, {nil, false, false, true},
		{"sometimes", false, false, false}, {2.0, false, false, false},
	}
	for _, tt := range tests {
		v, ok, absent := parseBool(tt.in)
		if v != tt.value || ok != tt.ok || absent != tt.isAbsent {
			t.Errorf("parseBool(%#v) = %v, %v, %v", tt.in, v, ok, absent)
		}
	}
}

func TestNormaliseCategory(t *testing.T) {
	tests := map[string]string{
		// healthsites.io amenity values
		"hospital": vocab.CategoryHealth, "clinic": vocab.CategoryHealth, "pharmacy": vocab.CategoryHealth, "doctors": vocab.CategoryHealth, "dentist": vocab.CategoryHealth,
		// WHO/KEMRI facility types
		"Health Hut": vocab.CategoryHealth, "Community Health Centre": vocab.CategoryHealth, "Hôpital de District": vocab.CategoryHealth,
		"Centre Hospitalier Universitaire": vocab.CategoryHealth, "Polyclinic": vocab.CategoryHealth, "Type D Hospital": vocab.CategoryHealth,
		// Tijuana categories
		"housing": vocab.CategoryShelter, "feeding": vocab.CategoryFood, "justice": vocab.CategoryLegal, "humanRights": vocab.CategoryProtection,
		"women": vocab.CategoryProtection, "lgbti": vocab.CategoryProtection, "orientation": vocab.CategoryInformation, "consulate": vocab.CategoryLegal,
		// vocabulary and common wording
		"Health": vocab.CategoryHealth, "WASH": vocab.CategoryWASH, "Mental health and psychosocial support": vocab.CategoryPsychosocial,
		"MHPSS": vocab.CategoryPsychosocial, "Legal aid": vocab.CategoryLegal, "Child protection": vocab.CategoryProtection,
		"Albergue": vocab.CategoryShelter, "Comedor": vocab.CategoryFood, "Distribution de NFI": vocab.CategoryFood, "Water point": vocab.CategoryWASH,
		"Cash assistance": vocab.CategoryCash, "Hotline": vocab.CategoryInformation, "Search and rescue": vocab.CategoryRescue,
		"Santé": vocab.CategoryHealth, "Centro de salud": vocab.CategoryHealth, "shelter": vocab.CategoryShelter,
	}
	for in, want := range tests {
		if got, ok := normaliseCategory(in); !ok || got != want {
			t.Errorf("normaliseCategory(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"veterinary", "education", "transport", "public", "international", "", "!!"} {
		if got, ok := normaliseCategory(in); ok {
			t.Errorf("normaliseCategory(%q) = %q, want unknown", in, got)
		}
	}
}

func TestNormaliseModeAndPrecision(t *testing.T) {
	for in, want := range map[string]string{"Sea": "sea", "maritime": "sea", "overland": "land", "Desert": "desert", "jungle": "jungle", "land and sea": "mixed"} {
		if got, ok := normaliseMode(in); !ok || got != want {
			t.Errorf("normaliseMode(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := normaliseMode("air"); ok {
		t.Error("air is a mode")
	}
	for in, want := range map[string]string{"Exact": "exact", "approximate": "approximate", "Region": "region", "country": "region"} {
		if got, ok := normalisePrecision(in); !ok || got != want {
			t.Errorf("normalisePrecision(%q) = %q, %v", in, got, ok)
		}
	}
}

func TestFoldKeyAndSafeKey(t *testing.T) {
	for in, want := range map[string]string{
		"Number Dead": "number dead", " No. dead ": "no dead", "Latitude (WGS84)": "latitude wgs84", "Coordonnées": "coordonnees",
		"location_coodinates": "location coodinates", "Route_name": "route name", "Cause of death (reported)": "cause of death reported",
	} {
		if got := foldKey(in); got != want {
			t.Errorf("foldKey(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"  name ": "name", "": "unnamed", "a\x00b": "ab", "\ufeffMain ID": "Main ID",
		strings.Repeat("é", 40): strings.Repeat("é", 32), strings.Repeat("x", 70): strings.Repeat("x", 64),
	} {
		if got := safeKey(in); got != want {
			t.Errorf("safeKey(%q) = %q, want %q", in, got, want)
		}
	}
	taken := map[string]bool{"name": true, "name~2": true}
	if got := uniqueKey("name", func(s string) bool { return taken[s] }); got != "name~3" {
		t.Errorf("uniqueKey = %q", got)
	}
	long := strings.Repeat("x", 64)
	if got := uniqueKey(long, func(s string) bool { return s == long }); got != strings.Repeat("x", 62)+"~2" {
		t.Errorf("uniqueKey(long) = %q", got)
	}
}

func TestTextValue(t *testing.T) {
	for _, tt := range []struct {
		in   any
		want string
		ok   bool
	}{
		{"a", "a", true}, {12.5, "12.5", true}, {4680682697.0, "4680682697", true}, {true, "true", true},
		{[]any{"housing", " health "}, "housing, health", true}, {[]any{[]any{"x"}}, "", false},
		{map[string]any{"a": 1}, "", false},
	} {
		got, ok := textValue(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("textValue(%#v) = %q, %v", tt.in, got, ok)
		}
	}
}
