package hotspot

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
)

func TestParseParams(t *testing.T) {
	harsh := "Harsh environmental conditions / lack of adequate shelter, food, water"
	tests := []struct {
		name  string
		query string
		want  string // Key of the result
	}{
		{"defaults", "", "k=1&resolution=3&weight=incidents"},
		{"resolution", "resolution=7", "k=1&resolution=7&weight=incidents"},
		{"resolution with spaces", "resolution=%205%20", "k=1&resolution=5&weight=incidents"},
		{"zoom", "zoom=8", "k=1&resolution=5&weight=incidents"},
		{"fractional zoom", "zoom=6.7", "k=1&resolution=4&weight=incidents"},
		{"deep zoom", "zoom=20", "k=1&resolution=7&weight=incidents"},
		{"k and weight", "k=2&weight=victims", "k=2&resolution=3&weight=victims"},
		{"date interval", "datetime=2023-01-01/2023-12-31", "datetime=2023-01-01T00%3A00%3A00Z%2F2023-12-31T23%3A59%3A59.999999999Z&k=1&resolution=3&weight=incidents"},
		{"open interval", "datetime=2020-01-01/..", "datetime=2020-01-01T00%3A00%3A00Z%2F..&k=1&resolution=3&weight=incidents"},
		{"one cause", "cause=Drowning", "cause=Drowning&k=1&resolution=3&weight=incidents"},
		{
			"causes with commas, repeated, any case, under both names",
			"causes=" + url.QueryEscape(harsh) + "&cause=drowning&cause=Drowning&causes=%20VIOLENCE",
			"cause=Drowning&cause=" + url.QueryEscape(harsh) + "&cause=Violence&k=1&resolution=3&weight=incidents",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			p, err := ParseParams(v)
			if err != nil {
				t.Fatalf("ParseParams(%q): %v", tc.query, err)
			}
			if got := p.Key(); got != tc.want {
				t.Errorf("Key() = %q\nwant     %q", got, tc.want)
			}
		})
	}
}

func TestParseParamsErrors(t *testing.T) {
	tests := []struct {
		name, query, param, allowed string // allowed: a part of the allowed text
	}{
		{"unknown", "bbox=1,2,3,4", "bbox", "resolution"},
		{"resolution too coarse", "resolution=1", "resolution", "from 2 to 7"},
		{"resolution too fine", "resolution=8", "resolution", "from 2 to 7"},
		{"resolution not whole", "resolution=3.5", "resolution", "whole number"},
		{"resolution twice", "resolution=3&resolution=4", "resolution", "once"},
		{"both", "resolution=3&zoom=5", "zoom", "not both"},
		{"zoom negative", "zoom=-1", "zoom", "0 to 24"},
		{"zoom too deep", "zoom=25", "zoom", "0 to 24"},
		{"zoom NaN", "zoom=NaN", "zoom", "0 to 24"},
		{"zoom text", "zoom=far", "zoom", "0 to 24"},
		{"k zero", "k=0", "k", "from 1 to 2"},
		{"k too large", "k=3", "k", "from 1 to 2"},
		{"weight", "weight=dead", "weight", "incidents or weight=victims"},
		{"weight empty", "weight=", "weight", "victims"},
		{"datetime", "datetime=yesterday", "datetime", "RFC 3339"},
		{"datetime backwards", "datetime=2020-01-01/2019-01-01", "datetime", "RFC 3339"},
		{"datetime before year 1 in UTC", "datetime=0000-01-01T00:00:00%2B01:00/..", "datetime", "RFC 3339"},
		{"cause unknown", "cause=Shipwreck", "cause", "Drowning"},
		{"cause empty", "causes=", "causes", "Mixed or unknown"},
		{"cause comma list", "cause=Drowning,Violence", "cause", "one per parameter"},
		{"too many causes", "cause=" + strings.Repeat("Drowning&cause=", 100) + "Drowning", "cause", "at most 100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseParams(v)
			var e *geodata.Error
			if !errors.As(err, &e) || e.Code != geodata.Invalid {
				t.Fatalf("ParseParams(%q) = %v, want a *geodata.Error with code Invalid", tc.query, err)
			}
			if e.Details["parameter"] != tc.param {
				t.Errorf("names parameter %v, want %q", e.Details["parameter"], tc.param)
			}
			allowed, _ := e.Details["allowed"].(string)
			if list, ok := e.Details["allowed"].([]string); ok {
				allowed = strings.Join(list, ", ")
			}
			if !strings.Contains(allowed, tc.allowed) {
				t.Errorf("allowed %q does not say %q", allowed, tc.allowed)
			}
		})
	}
}

func TestParamsKeyIgnoresOrderAndZoom(t *testing.T) {
	a, err := ParseParams(url.Values{"cause": {"Violence", "Drowning"}, "zoom": {"5"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseParams(url.Values{"causes": {"Drowning"}, "cause": {"violence"}, "resolution": {"3"}, "k": {"1"}, "weight": {"incidents"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Key() != b.Key() {
		t.Errorf("keys differ: %q, %q", a.Key(), b.Key())
	}
	if !slices.Equal(a.Causes, []string{"Drowning", "Violence"}) {
		t.Errorf("causes %q", a.Causes)
	}
}

func TestParamsKeyKeepsSubSeconds(t *testing.T) {
	a, _ := ParseParams(url.Values{"datetime": {"2020-01-01T00:00:00.5Z/.."}})
	b, _ := ParseParams(url.Values{"datetime": {"2020-01-01T00:00:00Z/.."}})
	if a.Key() == b.Key() {
		t.Errorf("intervals half a second apart share the key %q", a.Key())
	}
}
