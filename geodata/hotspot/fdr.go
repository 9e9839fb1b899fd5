package hotspot

import (
	"cmp"
	"slices"
)

// adjustBH returns the Benjamini–Hochberg adjusted p-values of p, in p's
// order: with the m p-values sorted ascending, the one of rank r becomes
// min(1, min over ranks s ≥ r of m·p_(s)/s). A p-value that is NaN is
// treated as 1. Tied p-values get the same adjusted value.
func adjustBH(p []float64) []float64 {
	m := len(p)
	out := make([]float64, m)
	type ranked struct {
		p float64
		i int
	}
	order := make([]ranked, m)
	for i, v := range p {
		if !(v <= 1) { // NaN or above 1
			v = 1
		}
		order[i] = ranked{v, i}
	}
	slices.SortFunc(order, func(a, b ranked) int { return cmp.Compare(a.p, b.p) })
	running := 1.0
	for r := m - 1; r >= 0; r-- {
		running = min(running, float64(m)*order[r].p/float64(r+1))
		out[order[r].i] = running
	}
	return out
}
