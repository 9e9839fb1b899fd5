package hotspot

import (
	"math"
	"testing"
)

func TestAdjustBH(t *testing.T) {
	tests := []struct {
		name    string
		p, want []float64
	}{
		{"empty", nil, []float64{}},
		{"one", []float64{0.03}, []float64{0.03}},
		{
			// m = 5; sorted 0.005 (rank 1), 0.01 (2), 0.03 (3), 0.04 (4), 0.20 (5)
			// m·p/rank: 0.025, 0.025, 0.05, 0.05, 0.20
			// running minimum from the largest rank down: 0.20, 0.05, 0.05, 0.025, 0.025
			name: "five",
			p:    []float64{0.01, 0.04, 0.03, 0.005, 0.20},
			want: []float64{0.025, 0.05, 0.05, 0.025, 0.20},
		},
		{
			// m = 4; m·p/rank: 0.04, 0.022, 0.016, 0.5 — the running minimum
			// carries 0.016 down to ranks 1 and 2.
			name: "monotone",
			p:    []float64{0.01, 0.011, 0.012, 0.5},
			want: []float64{0.016, 0.016, 0.016, 0.5},
		},
		{
			// m = 3; m·p/rank: 0.6·3 = 1.8 caps at 1; ties share a value.
			name: "capped and tied",
			p:    []float64{0.6, 0.6, 0.6},
			want: []float64{0.6, 0.6, 0.6},
		},
		{
			name: "above one and NaN count as 1",
			p:    []float64{math.NaN(), 0.01, 2},
			want: []float64{1, 0.03, 1},
		},
		{
			// The hand example of gistar_test.go: m = 19, the centre ranks
			// 1st, the six ring cells 2nd–7th, the corner cells 8th–13th, the
			// edge cells 14th–19th.
			//	centre  19·0.000193773/1 = 0.00368169
			//	ring    19·0.100122/7    = 0.271760 (ranks 2–6 take it too)
			//	corner  19·0.516657/13   = 0.755114
			//	edge    19·0.857058/19   = 0.857058
			name: "ring example",
			p: []float64{ringPCentre, ringPRing, ringPRing, ringPRing, ringPRing, ringPRing, ringPRing,
				ringPCorner, ringPCorner, ringPCorner, ringPCorner, ringPCorner, ringPCorner,
				ringPEdge, ringPEdge, ringPEdge, ringPEdge, ringPEdge, ringPEdge},
			want: []float64{0.00368169, 0.271760, 0.271760, 0.271760, 0.271760, 0.271760, 0.271760,
				0.755114, 0.755114, 0.755114, 0.755114, 0.755114, 0.755114,
				0.857058, 0.857058, 0.857058, 0.857058, 0.857058, 0.857058},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := adjustBH(tc.p)
			if len(got) != len(tc.want) {
				t.Fatalf("%d values, want %d", len(got), len(tc.want))
			}
			for i := range got {
				near(t, "p_fdr", got[i], tc.want[i], 1e-6)
			}
		})
	}
}

// TestAdjustBHProcedure checks that p_fdr ≤ α picks the same tests as the
// Benjamini–Hochberg step-up procedure at level α: reject the tests of
// the r smallest p-values, r the largest rank with p_(r) ≤ r·α/m.
func TestAdjustBHProcedure(t *testing.T) {
	p := []float64{0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269, 0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986}
	adj := adjustBH(p) // p is sorted, so rank = index + 1
	for _, alpha := range []float64{Alpha99, Alpha95, Alpha90, 0.25} {
		r := 0
		for i := range p {
			if p[i] <= float64(i+1)*alpha/float64(len(p)) {
				r = i + 1
			}
		}
		for i := range p {
			if rejected := adj[i] <= alpha; rejected != (i < r) {
				t.Errorf("α = %v, p = %v: p_fdr %v rejects %v, procedure rejects the %d smallest", alpha, p[i], adj[i], rejected, r)
			}
		}
	}
}
