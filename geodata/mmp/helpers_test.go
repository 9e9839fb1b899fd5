package mmp

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// checkFeature fails t for a feature the importer must never produce: a
// geometry that is not a finite point in range, a negative count, or a
// cause category outside the seven.
func checkFeature(t testing.TB, id any, g orb.Geometry, props map[string]any) {
	t.Helper()
	p, ok := g.(orb.Point)
	if !ok {
		t.Errorf("%v: geometry %T, want a point", id, g)
		return
	}
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) ||
		p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		t.Errorf("%v: point %v out of range", id, p)
	}
	for _, k := range []string{"dead", "missing", "survivors", "female", "male", "children"} {
		v, present := props[k]
		if !present {
			continue
		}
		n, ok := v.(int)
		if !ok || n < 0 {
			t.Errorf("%v: %s = %v, want a non-negative int", id, k, v)
		}
	}
	if q, present := props["source_quality"]; present {
		if n, ok := q.(int); !ok || n < 1 || n > 5 {
			t.Errorf("%v: source_quality = %v", id, q)
		}
	}
	cat, _ := props["cause_category"].(string)
	known := false
	for _, c := range vocab.CauseNames() {
		known = known || c == cat
	}
	if !known {
		t.Errorf("%v: cause_category %q is not an MMP category", id, cat)
	}
	if gp := props["geo_precision"]; gp != PrecisionExact && gp != PrecisionApproximate {
		t.Errorf("%v: geo_precision %v", id, gp)
	}
}
