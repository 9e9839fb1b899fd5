package geodata

import (
	"math"
	"net/url"
	"testing"
)

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"bbox=1,2,3,4", "datetime=2020-01-01/..", "cause=Drowning&limit=10", "bbox=NaN,1,2,3", "properties=dead,route&precision=3", "%zz", "datetime=../..", "datetime=0000-01-01T00:00:00+01:00/..", "datetime=2020-01-01T00:00:00.5Z/.."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseQuery(v, incidentMeta)
		if err != nil {
			if ErrorCode(err) != Invalid {
				t.Fatalf("error without code Invalid: %v", err)
			}
			return
		}
		if q.Limit < 1 || q.Limit > MaxLimit || q.Offset < 0 || q.Precision > MaxPrecision {
			t.Fatalf("out-of-bounds query accepted: %+v", q)
		}
		if q.BBox != nil {
			for _, c := range []float64{q.BBox.Min[0], q.BBox.Min[1], q.BBox.Max[0], q.BBox.Max[1]} {
				if math.IsNaN(c) || math.IsInf(c, 0) {
					t.Fatalf("non-finite bbox accepted: %v", q.BBox)
				}
			}
		}
		// The canonical form parses back to the same key.
		again, err := url.ParseQuery(q.Key())
		if err != nil {
			t.Fatal(err)
		}
		q2, err := ParseQuery(again, incidentMeta)
		if err != nil {
			t.Fatalf("canonical key %q does not parse: %v", q.Key(), err)
		}
		if q2.Key() != q.Key() {
			t.Fatalf("key not stable: %q → %q", q.Key(), q2.Key())
		}
	})
}
