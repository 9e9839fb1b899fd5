package mmp

import (
	"bytes"
	"os"
	"testing"
)

// FuzzDecodeAPIJSON feeds arbitrary bytes to the decoder: it must never
// panic, and every feature it returns must have a finite point in range,
// no negative count and a known cause category.
func FuzzDecodeAPIJSON(f *testing.F) {
	if b, err := os.ReadFile("testdata/quirks.json"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		``, `[]`, `{}`, `[42]`, `[null]`, `[{}]`, `[[]]`,
		`[{"web_id": "2020.MMP1", "location_coodinates": "1e400, 5"}]`,
		`[{"web_id": "2020.MMP1", "location_coodinates": "-0, -0", "number_missing": "-0"}]`,
		`[{"web_id": "2020.MMP1", "location_coodinates": "90, 180", "number_dead": "-1,000,000"}]`,
		`[{"web_id": "2020.MMP1", "location_coodinates": "12.5, 95", "country_of_incident": "Mali", "number_of_survivors": "-3"}]`,
		`[{"web_id": "x", "location_coodinates": ["a"], "number_dead": {"n": 1}, "cause_death": 5}]`,
		`[{"location_coordinates": " 10 , 20 ", "reported_date": "2019-07-04T00:00:00", "source_quality": "5.0"}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder()
		if err := d.DecodePage("fuzz", bytes.NewReader(data)); err != nil {
			return
		}
		rep := d.Report()
		features := d.Features()
		if rep.Read != rep.Accepted+rep.Rejected || len(features) != rep.Accepted || rep.Repaired > rep.Accepted {
			t.Fatalf("report does not add up: %+v with %d features", rep, len(features))
		}
		seen := map[any]bool{}
		for _, ft := range features {
			checkFeature(t, ft.ID, ft.Geometry, ft.Properties)
			if seen[ft.ID] {
				t.Fatalf("feature id %v repeats", ft.ID)
			}
			seen[ft.ID] = true
		}
	})
}
