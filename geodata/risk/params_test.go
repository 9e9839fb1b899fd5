package risk

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

var today = time.Date(2026, 11, 27, 15, 4, 5, 0, time.UTC)

func TestParseParamsDefaults(t *testing.T) {
	p, err := ParseParamsAt(url.Values{}, today)
	if err != nil {
		t.Fatal(err)
	}
	want := Params{SegmentKm: 10, RadiusKm: 25, HalfLifeDays: 365, ReachKm: 50,
		ReferenceDate: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), NonFatalWeight: 0.5, StaleYears: 10,
		QualityFloor: 0.25, SeverityCap: 100, ApproxRadiusKm: 50}
	if p.Key() != want.Key() || !p.ReferenceDate.Equal(want.ReferenceDate) || p.Time != nil || p.Routes != nil || p.Causes != nil {
		t.Errorf("defaults %+v, want %+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
	if got := p.Key(); got != "risk/v3?approx_radius_km=50&half_life_days=365&nonfatal_weight=0.5&quality_floor=0.25&radius_km=25&reach_km=50&reference_date=2026-11-27&segment_km=10&severity_cap=100&stale_years=10" {
		t.Errorf("Key = %s", got)
	}
}

func TestParseParamsValues(t *testing.T) {
	v := url.Values{
		"segment_km": {"5"}, "radius_km": {" 12.5 "}, "half_life_days": {"730"}, "reach_km": {"100"},
		"reference_date": {"2024-12-31"}, "datetime": {"2020-01-01/2023-12-31"},
		"routes":          {"Western Balkans", "Central Mediterranean", "Western Balkans"},
		"causes":          {"Violence", "Harsh environmental conditions / lack of adequate shelter, food, water"},
		"nonfatal_weight": {"0"}, "stale_years": {"3"},
	}
	p, err := ParseParamsAt(v, today)
	if err != nil {
		t.Fatal(err)
	}
	if p.SegmentKm != 5 || p.RadiusKm != 12.5 || p.HalfLifeDays != 730 || p.ReachKm != 100 || p.NonFatalWeight != 0 || p.StaleYears != 3 {
		t.Errorf("numbers %+v", p)
	}
	if !p.ReferenceDate.Equal(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("reference date %v", p.ReferenceDate)
	}
	if p.Time == nil || !p.Time.Start.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) || !p.Time.End.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)) {
		t.Errorf("datetime %+v", p.Time)
	}
	if strings.Join(p.Routes, "|") != "Central Mediterranean|Western Balkans" {
		t.Errorf("routes %q: want sorted, without repeats", p.Routes)
	}
	if strings.Join(p.Causes, "|") != "Harsh environmental conditions / lack of adequate shelter, food, water|Violence" {
		t.Errorf("causes %q: want whole values, sorted", p.Causes)
	}
	back, err := ParseParamsAt(p.Values(), today)
	if err != nil || back.Key() != p.Key() {
		t.Errorf("Values does not read back: %v\n%s\n%s", err, back.Key(), p.Key())
	}
}

func TestParamsKeyIsCanonical(t *testing.T) {
	same := []url.Values{
		{},
		{"segment_km": {"10.0"}, "radius_km": {"25"}},
		{"reference_date": {"2026-11-27"}, "stale_years": {"10"}, "half_life_days": {"3.65e2"}},
	}
	want, _ := ParseParamsAt(url.Values{}, today)
	for _, v := range same {
		p, err := ParseParamsAt(v, today)
		if err != nil {
			t.Fatal(err)
		}
		if p.Key() != want.Key() {
			t.Errorf("%v: key %s, want %s", v, p.Key(), want.Key())
		}
	}
	a, _ := ParseParamsAt(url.Values{"routes": {"B", "A"}}, today)
	b, _ := ParseParamsAt(url.Values{"routes": {"A", "B", "A"}}, today)
	if a.Key() != b.Key() {
		t.Errorf("route order changes the key: %s vs %s", a.Key(), b.Key())
	}
	different := []url.Values{
		{"segment_km": {"11"}}, {"radius_km": {"24"}}, {"half_life_days": {"364"}}, {"reach_km": {"49"}},
		{"reference_date": {"2026-11-26"}}, {"datetime": {"2020-01-01/.."}}, {"routes": {"A"}},
		{"causes": {"Violence"}}, {"nonfatal_weight": {"1"}}, {"stale_years": {"9"}},
	}
	keys := map[string]string{want.Key(): "defaults"}
	for _, v := range different {
		p, err := ParseParamsAt(v, today)
		if err != nil {
			t.Fatal(err)
		}
		if other, dup := keys[p.Key()]; dup {
			t.Errorf("%v has the same key as %s", v, other)
		}
		keys[p.Key()] = v.Encode()
	}
	tomorrow, _ := ParseParamsAt(url.Values{}, today.Add(24*time.Hour))
	if tomorrow.Key() == want.Key() {
		t.Error("the default reference date is not in the key")
	}
}

func TestParseParamsErrors(t *testing.T) {
	tests := []struct {
		name, param string
		values      url.Values
		allowed     string // part of the allowed text
	}{
		{"not a number", "segment_km", url.Values{"segment_km": {"ten"}}, "from 1 to 100"},
		{"NaN", "radius_km", url.Values{"radius_km": {"NaN"}}, "from 1 to 200"},
		{"infinite", "radius_km", url.Values{"radius_km": {"+Inf"}}, "from 1 to 200"},
		{"below the range", "radius_km", url.Values{"radius_km": {"0.5"}}, "from 1 to 200"},
		{"above the range", "radius_km", url.Values{"radius_km": {"201"}}, "from 1 to 200"},
		{"empty", "reach_km", url.Values{"reach_km": {""}}, "from 1 to 200"},
		{"negative half-life", "half_life_days", url.Values{"half_life_days": {"-1"}}, "from 1 to 36500"},
		{"segment too long", "segment_km", url.Values{"segment_km": {"1000"}}, "from 1 to 100"},
		{"weight above one", "nonfatal_weight", url.Values{"nonfatal_weight": {"2"}}, "from 0 to 1"},
		{"fractional years", "stale_years", url.Values{"stale_years": {"2.5"}}, "whole number from 1 to 100"},
		{"years out of range", "stale_years", url.Values{"stale_years": {"0"}}, "whole number from 1 to 100"},
		{"bad date", "reference_date", url.Values{"reference_date": {"31/12/2024"}}, "YYYY-MM-DD"},
		{"impossible date", "reference_date", url.Values{"reference_date": {"2024-02-30"}}, "YYYY-MM-DD"},
		{"date out of range", "reference_date", url.Values{"reference_date": {"1850-01-01"}}, "from 1900-01-01 to 2100-12-31"},
		{"bad datetime", "datetime", url.Values{"datetime": {"last year"}}, "RFC 3339"},
		{"datetime ends before it starts", "datetime", url.Values{"datetime": {"2024-01-01/2023-01-01"}}, "RFC 3339"},
		{"unknown cause", "causes", url.Values{"causes": {"Drowned"}}, "Drowning"},
		{"empty route", "routes", url.Values{"routes": {" "}}, "routes=A&routes=B"},
		{"given twice", "radius_km", url.Values{"radius_km": {"10", "20"}}, "once"},
		{"unknown parameter", "radius", url.Values{"radius": {"10"}}, "radius_km"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseParamsAt(tt.values, today)
			var e *geodata.Error
			if !errors.As(err, &e) || e.Code != geodata.Invalid {
				t.Fatalf("error %v, want a *geodata.Error with code Invalid", err)
			}
			if e.Details["parameter"] != tt.param {
				t.Errorf("names parameter %v, want %q", e.Details["parameter"], tt.param)
			}
			if !strings.Contains(e.Message, tt.allowed) && !strings.Contains(strings.Join(ParamNames(), ","), tt.allowed) {
				t.Errorf("message %q does not say %q", e.Message, tt.allowed)
			}
			if !strings.Contains(e.Message, tt.param) {
				t.Errorf("message %q does not name %q", e.Message, tt.param)
			}
		})
	}
}

func TestParamsValidate(t *testing.T) {
	ok := DefaultParams(today)
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(p *Params){
		"radius_km":      func(p *Params) { p.RadiusKm = 0 },
		"segment_km":     func(p *Params) { p.SegmentKm = 500 },
		"reference_date": func(p *Params) { p.ReferenceDate = today },
		"datetime":       func(p *Params) { p.Time = &geodata.Interval{} },
		"stale_years":    func(p *Params) { p.StaleYears = 0 },
		"route":          func(p *Params) { p.Routes = []string{"B", "A"} },
	}
	for name, change := range bad {
		p := ok
		change(&p)
		var e *geodata.Error
		if err := p.Validate(); !errors.As(err, &e) || e.Code != geodata.Invalid || e.Details["parameter"] != name {
			t.Errorf("%s: Validate() = %v, want Invalid naming %s", name, err, name)
		}
	}
	if err := (Params{}).Validate(); err == nil {
		t.Error("the zero Params validate")
	}
}
