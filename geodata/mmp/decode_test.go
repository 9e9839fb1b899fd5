package mmp

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/vocab"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func decodeFixture(t *testing.T) ([]*geojson.Feature, geodata.Report) {
	t.Helper()
	f, err := os.Open("testdata/quirks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	features, rep, err := DecodeAPIJSONPages(Page{Name: "quirks.json", R: f})
	if err != nil {
		t.Fatal(err)
	}
	return features, rep
}

// TestDecodeQuirks runs the hand-made fixture with one record per quirk.
func TestDecodeQuirks(t *testing.T) {
	features, rep := decodeFixture(t)
	if rep.Read != 19 || rep.Accepted != 14 || rep.Rejected != 5 || len(features) != 14 {
		t.Fatalf("read %d accepted %d rejected %d features %d, want 19 14 5 14", rep.Read, rep.Accepted, rep.Rejected, len(features))
	}
	byID := map[string]*geojson.Feature{}
	for _, f := range features {
		checkFeature(t, f.ID, f.Geometry, f.Properties)
		byID[fmt.Sprint(f.ID)] = f
	}
	var freeText string
	for id := range byID {
		if strings.HasPrefix(id, "unidentified-") {
			freeText = id
		}
	}

	tests := []struct {
		name  string
		id    string
		point orb.Point // zero: not checked
		props map[string]any
		flags string // the feature's flags property; "-" for none
		gone  []string
	}{
		{name: "plain record", id: "2020.MMP00001", point: orb.Point{12.08, 33.12},
			props: map[string]any{"date": "2020-03-01", "dead": 2, "missing": 3, "survivors": 40, "female": 1, "male": 4,
				"cause": "Presumed drowning", "cause_category": vocab.CauseDrowning, "route": "Central Mediterranean",
				"location": "Off the coast of Zuwara, Libya", "country": "Libya", "region": "Mediterranean",
				"unsd_grouping": "Uncategorized", "source": "IOM Libya", "source_url": "https://example.org/a, https://example.org/b",
				"source_quality": 4, "geo_precision": PrecisionExact, "mmp_id": "2020.MMP00001"},
			flags: "-", gone: []string{"children"}},
		{name: "repeated id with other content", id: "2020.MMP00001~2",
			props: map[string]any{"mmp_id": "2020.MMP00001", "cause_category": vocab.CauseVehicle}, flags: CodeDuplicateID},
		{name: "padding is kept: 0001 is not 00001", id: "2020.MMP0001",
			props: map[string]any{"mmp_id": "2020.MMP0001", "cause_category": vocab.CauseVehicle}, flags: "-", gone: []string{"route"}},
		{name: "whole-number coordinates", id: "2020.MMP0003", point: orb.Point{-111, 32},
			props: map[string]any{"geo_precision": PrecisionApproximate, "cause_category": vocab.CauseHarsh},
			flags: "latitude_truncated,longitude_truncated"},
		{name: "negative counts", id: "2020.MMP0004",
			props: map[string]any{"dead": 56, "missing": 0, "missing_reported": -13, "survivors_reported": -1},
			flags: "negative_missing,negative_survivors", gone: []string{"survivors", "total_reported"}},
		{name: "empty date", id: "2020.MMP0005",
			props: map[string]any{"cause_category": vocab.CauseMixedOrUnknown}, flags: CodeEmptyDate, gone: []string{"date"}},
		{name: "free-text web_id", id: freeText,
			props: map[string]any{"mmp_id": "it will be included", "cause_category": vocab.CauseHarsh}, flags: CodeFreeTextID},
		{name: "thousands separator in the total", id: "2020.MMP0006",
			props: map[string]any{"dead": 750, "missing": 272}, flags: CodeThousandsSeparator, gone: []string{"total_reported"}},
		{name: "latitude beyond 90 means lon, lat; bad number and quality dropped", id: "2020.MMP0007", point: orb.Point{-111.54, 31.48},
			props: map[string]any{"cause_category": vocab.CauseViolence},
			flags: "coordinates_swapped_order,invalid_number,invalid_source_quality", gone: []string{"dead", "source_quality"}},
		{name: "lon, lat order found by the country", id: "2019.MMP01832", point: orb.Point{-7.995856, 12.617282},
			props: map[string]any{"cause_category": vocab.CauseMixedOrUnknown},
			flags: "coordinates_swapped_order,missing_source_quality", gone: []string{"source_quality"}},
		{name: "HTML entities", id: "2023.MMP1235", point: orb.Point{43.242697, 17.24950466},
			props: map[string]any{"location": "Bani Ayash, Sa'dah governorate, Yemen", "cause": "Don't know",
				"cause_category": vocab.CauseMixedOrUnknown, "source_url": "https://example.org/?a=1&b=2"},
			flags: "coordinates_swapped_order,html_entity"},
		{name: "JSON numbers, month date, unknown keys, alias route", id: "2021.MMP0100",
			props: map[string]any{"date": "2021-07", "dead": 3, "missing": 0, "female": 2, "male": 5, "total_reported": 4,
				"route": "Western Mediterranean", "cause_category": vocab.CauseMixedOrUnknown, "extra_field": "kept", "mmp_date": "clash",
				"geo_precision": PrecisionExact, "source_quality": 2},
			flags: "breakdown_exceeds_total,missing_cause,month_only_date,route_alias,total_mismatch,unknown_field",
			gone:  []string{"cause", "survivors"}},
		{name: "time of day dropped, unknown route kept", id: "2021.MMP0101",
			props: map[string]any{"date": "2021-07-04", "route": "Moon route", "cause_category": vocab.CauseMixedOrUnknown},
			flags: "date_normalised,unknown_route"},
		{name: "array where text belongs, unreadable date", id: "2021.MMP0104",
			props: map[string]any{"date_reported": "next week", "cause_category": vocab.CauseHarsh},
			flags: "invalid_date,invalid_value", gone: []string{"date", "location"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := byID[tc.id]
			if f == nil {
				t.Fatalf("no feature %q", tc.id)
			}
			if tc.point != (orb.Point{}) && f.Geometry.(orb.Point) != tc.point {
				t.Errorf("point %v, want %v", f.Geometry, tc.point)
			}
			for k, want := range tc.props {
				if got := f.Properties[k]; got != want {
					t.Errorf("%s = %#v, want %#v", k, got, want)
				}
			}
			flags, _ := f.Properties["flags"].(string)
			if tc.flags == "-" {
				tc.flags = ""
			}
			if flags != tc.flags {
				t.Errorf("flags %q, want %q", flags, tc.flags)
			}
			for _, k := range tc.gone {
				if v, ok := f.Properties[k]; ok {
					t.Errorf("%s = %v, want absent", k, v)
				}
			}
		})
	}

	rejected := map[string]int{}
	for _, is := range rep.Issues {
		if is.Action == geodata.Rejected {
			rejected[is.Code]++
		}
	}
	want := map[string]int{CodeExactDuplicate: 1, CodeMissingCoordinates: 1, CodeZeroCoordinates: 1, CodeInvalidCoordinates: 1, CodeInvalidRecord: 1}
	for code, n := range want {
		if rejected[code] != n {
			t.Errorf("%d rejections %s, want %d", rejected[code], code, n)
		}
	}
	// Mass cosmetic repairs are counted, never listed.
	if rep.Counts[CodeTrailingWhitespace] == 0 || rep.Counts[CodeNumberAsString] == 0 {
		t.Errorf("cosmetic counts missing: %v", rep.Counts)
	}
	for _, is := range rep.Issues {
		if cosmetic(is.Code) {
			t.Errorf("cosmetic issue listed: %+v", is)
		}
		if is.Feature < 1 || is.Feature > rep.Read {
			t.Errorf("issue %+v points at no record", is)
		}
	}
}

// TestDecodeGolden compares the whole output for the fixture with
// testdata/quirks.golden.json; run with -update to rewrite it.
func TestDecodeGolden(t *testing.T) {
	features, rep := decodeFixture(t)
	fc := geojson.NewFeatureCollection()
	fc.Features = features
	got, err := json.MarshalIndent(struct {
		Features *geojson.FeatureCollection `json:"features"`
		Report   geodata.Report             `json:"report"`
	}{fc, rep}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const golden = "testdata/quirks.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s; run go test -run Golden -update and review the diff", golden)
	}
}

func TestDecodePageErrors(t *testing.T) {
	tests := []struct {
		name, input, wantMsg string
	}{
		{"empty file", "", "empty"},
		{"only whitespace", "  \n", "empty"},
		{"object wrapper", `{"data": []}`, "found a JSON object"},
		{"string", `"hello"`, "found a JSON string"},
		{"not JSON", `<html>`, "not valid JSON"},
		{"unclosed array", `[{"web_id": "2020.MMP1"}`, "not closed"},
		{"broken record", `[{"web_id": }]`, "record 1 is not valid JSON"},
		{"trailing data", `[] []`, "after the array"},
		{"not MMP records", `[{"name": "a"}, {"name": "b"}]`, "not an MMP API page"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder()
			err := d.DecodePage("page.json", strings.NewReader(tc.input))
			var ge *geodata.Error
			if !errors.As(err, &ge) || ge.Code != geodata.Invalid {
				t.Fatalf("err = %v, want a *geodata.Error with code invalid", err)
			}
			if !strings.Contains(ge.Message, tc.wantMsg) || !strings.HasPrefix(ge.Message, "page.json: ") {
				t.Errorf("message %q, want the file name and %q", ge.Message, tc.wantMsg)
			}
			if r := d.Report(); r.Read != 0 || len(d.Features()) != 0 {
				t.Errorf("a rejected page changed the decoder: %+v", r)
			}
		})
	}
}

func TestDecodeEmptyArray(t *testing.T) {
	features, rep, err := DecodeAPIJSON(strings.NewReader("[]"))
	if err != nil || len(features) != 0 || rep.Read != 0 {
		t.Errorf("got %d features, %+v, %v", len(features), rep, err)
	}
}

// TestDecodeAcrossPages: duplicates are found across pages, not only within one.
func TestDecodeAcrossPages(t *testing.T) {
	rec := `{"web_id": "2020.MMP0009", "reported_date": "2020-01-01", "number_dead": "1", "cause_death": "Drowning", "location_coodinates": "36.1, -5.4", "source_quality": "3"}`
	other := strings.Replace(rec, "2020-01-01", "2020-01-02", 1)
	features, rep, err := DecodeAPIJSONPages(
		Page{Name: "a.json", R: strings.NewReader("[" + rec + "]")},
		Page{Name: "b.json", R: strings.NewReader("[" + rec + "," + other + "]")},
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(features) != 2 || rep.Counts[CodeExactDuplicate] != 1 || rep.Counts[CodeDuplicateID] != 1 {
		t.Fatalf("%d features, counts %v", len(features), rep.Counts)
	}
	if features[0].ID != "2020.MMP0009" || features[1].ID != "2020.MMP0009~2" {
		t.Errorf("ids %v, %v", features[0].ID, features[1].ID)
	}
	for _, is := range rep.Issues {
		if is.Code == CodeExactDuplicate && (is.Feature != 2 || !strings.Contains(is.Message, "b.json record 1 repeats a.json record 1")) {
			t.Errorf("duplicate issue %+v", is)
		}
	}
}

func TestDecodePagesStopsAtBadPage(t *testing.T) {
	_, _, err := DecodeAPIJSONPages(
		Page{Name: "good.json", R: strings.NewReader("[]")},
		Page{Name: "bad.json", R: strings.NewReader("{}")},
	)
	if geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("err = %v", err)
	}
}

func TestIssueCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range 5 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"web_id": "2020.MMP%d", "reported_date": "", "location_coodinates": "10.5, 20"}`, i+1)
	}
	b.WriteString("]")
	for _, tc := range []struct {
		max, listed int
	}{{2, 2}, {0, 5}, {-1, 5}} {
		d := NewDecoder()
		d.MaxIssuesPerCode = tc.max
		if err := d.DecodePage("p", strings.NewReader(b.String())); err != nil {
			t.Fatal(err)
		}
		rep := d.Report()
		listed := 0
		for _, is := range rep.Issues {
			if is.Code == CodeEmptyDate {
				listed++
			}
		}
		if listed != tc.listed || rep.Counts[CodeEmptyDate] != 5 || rep.Counts[CodeLongitudeTruncated] != 5 {
			t.Errorf("max %d: listed %d, counts %v", tc.max, listed, rep.Counts)
		}
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in     value
		n      int
		ok     bool
		issue  string
		quoted bool
	}{
		{value{text: "12", quoted: true}, 12, true, "", true},
		{value{text: "12"}, 12, true, "", false},
		{value{text: " 7 ", quoted: true}, 7, true, "", true},
		{value{text: "", quoted: true}, 0, false, "", false},
		{value{text: "1,022", quoted: true}, 1022, true, CodeThousandsSeparator, true},
		{value{text: "-12,000", quoted: true}, -12000, true, CodeThousandsSeparator, true},
		{value{text: "2.0", quoted: true}, 2, true, CodeNumberNormalised, true},
		{value{text: "-13", quoted: true}, -13, true, "", true},
		{value{text: "2.5", quoted: true}, 0, false, CodeInvalidNumber, true},
		{value{text: "1,02", quoted: true}, 0, false, CodeInvalidNumber, true},
		{value{text: "NaN", quoted: true}, 0, false, CodeInvalidNumber, true},
		{value{text: "1e300"}, 0, false, CodeInvalidNumber, false},
		{value{text: "99999999999999999999"}, 0, false, CodeInvalidNumber, false},
		{value{text: "a few", quoted: true}, 0, false, CodeInvalidNumber, true},
	}
	for _, tc := range tests {
		got := parseCount(tc.in)
		if got.n != tc.n || got.ok != tc.ok || got.issue != tc.issue || got.wasString != tc.quoted {
			t.Errorf("parseCount(%+v) = %+v", tc.in, got)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, date, code string }{
		{"2014-01-01", "2014-01-01", ""},
		{"", "", CodeEmptyDate},
		{"2019-07", "2019-07", CodeMonthOnlyDate},
		{"2019-07-04T12:00:00Z", "2019-07-04", CodeDateNormalised},
		{"2019-07-04 12:00", "2019-07-04", CodeDateNormalised},
		{"2019-02-30", "", CodeInvalidDate},
		{"Thu, 01/01/2026 - 12:00", "", CodeInvalidDate},
		{"2019-13", "", CodeInvalidDate},
	}
	for _, tc := range tests {
		if date, code := parseDate(tc.in); date != tc.date || code != tc.code {
			t.Errorf("parseDate(%q) = %q, %q; want %q, %q", tc.in, date, code, tc.date, tc.code)
		}
	}
}

func TestParseCoordinates(t *testing.T) {
	tests := []struct {
		name, in, country string
		point             orb.Point
		rejected          string
		codes             string
		approximate       bool
	}{
		{"lat first", "14.60759586, 93.21449103", "Myanmar", orb.Point{93.21449103, 14.60759586}, "", "", false},
		{"no space", "32.2,-112.5", "", orb.Point{-112.5, 32.2}, "", "", false},
		{"space separated", "32.2 -112.5", "", orb.Point{-112.5, 32.2}, "", "", false},
		{"whole longitude", "32.5, 12", "", orb.Point{12, 32.5}, "", CodeLongitudeTruncated, true},
		{"whole both", "32, 12", "", orb.Point{12, 32}, "", CodeLongitudeTruncated + " " + CodeLatitudeTruncated, true},
		{"latitude out of range", "-112.59, 32.22", "", orb.Point{-112.59, 32.22}, "", CodeCoordinatesSwapped, false},
		{"swapped by country", "-8.0028892, 12.6392316", "Mali", orb.Point{-8.0028892, 12.6392316}, "", CodeCoordinatesSwapped, false},
		{"offshore is not swapped", "33.56125568, 24.81161633", "Egypt", orb.Point{24.81161633, 33.56125568}, "", "", false},
		{"unknown country", "-8.0028892, 12.6392316", "Atlantis", orb.Point{12.6392316, -8.0028892}, "", "", false},
		{"empty", " ", "", orb.Point{}, CodeMissingCoordinates, "", false},
		{"one number", "32.5", "", orb.Point{}, CodeInvalidCoordinates, "", false},
		{"three numbers", "1, 2, 3", "", orb.Point{}, CodeInvalidCoordinates, "", false},
		{"words", "north, south", "", orb.Point{}, CodeInvalidCoordinates, "", false},
		{"infinity", "Inf, 3", "", orb.Point{}, CodeInvalidCoordinates, "", false},
		{"nan", "3, NaN", "", orb.Point{}, CodeInvalidCoordinates, "", false},
		{"out of range both ways", "200, 300", "", orb.Point{}, CodeCoordinatesOutOfRange, "", false},
		{"zero", "0, 0", "", orb.Point{}, CodeZeroCoordinates, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := parseCoordinates(tc.in, tc.country)
			var codes []string
			for _, is := range c.issues {
				if is.action == geodata.Rejected {
					if is.code != tc.rejected {
						t.Errorf("rejected as %s, want %q", is.code, tc.rejected)
					}
					continue
				}
				codes = append(codes, is.code)
			}
			if c.rejected != (tc.rejected != "") {
				t.Fatalf("rejected = %v, want %q", c.rejected, tc.rejected)
			}
			if c.rejected {
				return
			}
			if c.point != tc.point || strings.Join(codes, " ") != tc.codes || c.approximate != tc.approximate {
				t.Errorf("got %v %q approximate=%v, want %v %q %v", c.point, codes, c.approximate, tc.point, tc.codes, tc.approximate)
			}
		})
	}
}

func TestCountryBound(t *testing.T) {
	for _, name := range []string{"Mali", "Iran (Islamic Republic of)", "Côte d&#039;Ivoire", "Türkiye", "  libya ", "United Kingdom of Great Britain and Northern Ireland", "Syrian Arab Republic"} {
		if _, ok := CountryBound(name); !ok {
			t.Errorf("CountryBound(%q) unknown", name)
		}
	}
	b, _ := CountryBound("Mali")
	if !b.Contains(orb.Point{-7.99, 12.64}) { // Bamako
		t.Errorf("Mali %v does not contain Bamako", b)
	}
	if _, ok := CountryBound("Atlantis"); ok {
		t.Error("Atlantis known")
	}
}
