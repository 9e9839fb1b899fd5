package risk

import (
	"errors"
	"net/url"
	"testing"

	"github.com/routerisk/routerisk/geodata"
)

// FuzzParseParams feeds arbitrary query strings to ParseParamsAt: it must
// never panic; a failure is an Invalid *geodata.Error naming a parameter;
// a success validates and reads back from its own Values to the same key.
func FuzzParseParams(f *testing.F) {
	for _, s := range []string{
		"", "radius_km=25", "segment_km=NaN", "radius_km=1e309", "reach_km=-0",
		"reference_date=2024-02-29&half_life_days=30", "datetime=2020-01-01/..&causes=Violence",
		"routes=A&routes=B&routes=A", "datetime=../2020-01-01T12:00:00.5%2B02:00",
		"stale_years=0x10", "nonfatal_weight=0.000001", "causes=Harsh+environmental+conditions+%2F+lack+of+adequate+shelter%2C+food%2C+water",
		"%zz=1", "radius_km=25&radius_km=25",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		p, err := ParseParamsAt(v, today)
		if err != nil {
			var e *geodata.Error
			if !errors.As(err, &e) || e.Code != geodata.Invalid {
				t.Fatalf("%q: error %v is not Invalid", query, err)
			}
			if _, named := e.Details["parameter"].(string); !named {
				t.Fatalf("%q: error %v names no parameter", query, err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("%q: parsed %+v does not validate: %v", query, p, err)
		}
		back, err := ParseParamsAt(p.Values(), today)
		if err != nil {
			t.Fatalf("%q: Values %v does not parse: %v", query, p.Values(), err)
		}
		if back.Key() != p.Key() {
			t.Fatalf("%q: key %s reads back as %s", query, p.Key(), back.Key())
		}
	})
}
