package hotspot

import (
	"net/url"
	"slices"
	"testing"

	"github.com/routerisk/routerisk/geodata"
)

func FuzzParseParams(f *testing.F) {
	for _, s := range []string{
		"", "resolution=5", "zoom=7.5&k=2", "weight=victims&datetime=2020-01-01/..",
		"cause=Drowning&causes=violence", "cause=Harsh+environmental+conditions+%2F+lack+of+adequate+shelter%2C+food%2C+water",
		"zoom=1e1", "resolution=3&zoom=3", "datetime=2020-01-01T00:00:00.123456789%2B02:00/2021-01-01", "k=%00", "%zz",
		"datetime=0000-01-01T00:00:00%2B01:00/..",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := ParseParams(v)
		if err != nil {
			if geodata.ErrorCode(err) != geodata.Invalid {
				t.Fatalf("error without code Invalid: %v", err)
			}
			return
		}
		if p.Resolution < MinResolution || p.Resolution > MaxResolution || p.K < MinK || p.K > MaxK {
			t.Fatalf("out-of-bounds params accepted: %+v", p)
		}
		if p.Weight != WeightIncidents && p.Weight != WeightVictims {
			t.Fatalf("weight %q accepted", p.Weight)
		}
		if !slices.IsSorted(p.Causes) || len(slices.Compact(slices.Clone(p.Causes))) != len(p.Causes) || len(p.Causes) > 7 {
			t.Fatalf("causes not canonical: %q", p.Causes)
		}
		// The canonical form parses back to the same key.
		again, err := url.ParseQuery(p.Key())
		if err != nil {
			t.Fatal(err)
		}
		p2, err := ParseParams(again)
		if err != nil {
			t.Fatalf("canonical key %q does not parse: %v", p.Key(), err)
		}
		if p2.Key() != p.Key() {
			t.Fatalf("key not stable: %q → %q", p.Key(), p2.Key())
		}
	})
}
