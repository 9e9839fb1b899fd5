package hotspot

import (
	"math"
	"testing"
)

// ringExample is a study area of n = 19 cells: a centre cell with 5, the
// six cells around it (its 7-cell ring with k = 1) with 2 each, and the 12
// cells of the next ring with 0. Those outer cells are of two kinds: 6
// "corner" cells touch one cell of the first ring and 2 of the outer
// ring, 6 "edge" cells touch two and 2.
//
//	n   = 19
//	Σx  = 5 + 6·2 = 17            x̄ = 17/19 = 0.894737
//	Σx² = 25 + 6·4 = 49           Σx²/n = 49/19 = 2.578947
//	S²  = 49/19 − (17/19)² = (931 − 289)/361 = 642/361
//	S   = √642 / 19 = 1.333564
//
// centre: W = 7 (itself and its ring), Σ w x = 5 + 6·2 = 17
//
//	numerator   = 17 − x̄·7 = 17 − 119/19 = 204/19 = 10.736842
//	denominator = S·√((19·7 − 7²)/18) = S·√(84/18) = 1.333564·2.160247 = 2.880827
//	z           = 10.736842 / 2.880827 = 204/√2996 = 3.726999
//
// ring cell: W = 7 (itself, the centre, two ring cells, three outer
// cells), Σ w x = 2 + 5 + 2 + 2 = 11
//
//	numerator = 11 − 119/19 = 90/19 = 4.736842;  z = 90/√2996 = 1.644264
//
// corner cell: W = 4 (itself, one ring cell, two outer cells), Σ w x = 2
//
//	numerator   = 2 − 4·17/19 = −30/19 = −1.578947
//	denominator = S·√((19·4 − 4²)/18) = S·√(60/18) = 1.333564·1.825742 = 2.434745
//	z           = −0.648507
//
// edge cell: W = 5 (itself, two ring cells, two outer cells), Σ w x = 4
//
//	numerator   = 4 − 5·17/19 = −9/19 = −0.473684
//	denominator = S·√((19·5 − 5²)/18) = S·√(70/18) = 1.333564·1.972027 = 2.629824
//	z           = −0.180120
//
// Two-sided p = erfc(|z|/√2): centre 0.000193773, ring 0.100122,
// corner 0.516657, edge 0.857058.
const (
	ringZCentre = 3.726999
	ringZRing   = 1.644264
	ringZCorner = -0.648507
	ringZEdge   = -0.180120
	ringPCentre = 0.000193773
	ringPRing   = 0.100122
	ringPCorner = 0.516657
	ringPEdge   = 0.857058
)

func TestGiStarHandExample(t *testing.T) {
	// Order: centre, 6 ring cells, 6 corner cells, 6 edge cells.
	x := []float64{5, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	local := []float64{17, 11, 11, 11, 11, 11, 11, 2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4}
	w := []int{7, 7, 7, 7, 7, 7, 7, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5}
	mean, sd := meanSD(x)
	near(t, "mean", mean, 17.0/19, 1e-12)
	near(t, "S", sd, math.Sqrt(642)/19, 1e-12)
	z := giStar(x, local, w)
	want := []float64{ringZCentre}
	for range 6 {
		want = append(want, ringZRing)
	}
	for range 6 {
		want = append(want, ringZCorner)
	}
	for range 6 {
		want = append(want, ringZEdge)
	}
	for i := range z {
		near(t, "z", z[i], want[i], 1e-6)
	}
	near(t, "z centre exact", z[0], 204/math.Sqrt(2996), 1e-12)
}

// TestGiStarPySAL reproduces the example in the documentation of PySAL's
// esda.G_Local with binary weights and star=True: six points, neighbours
// within a distance of 15 (inclusive), y = 2, 3, 3.2, 5, 8, 7.
func TestGiStarPySAL(t *testing.T) {
	pts := [][2]float64{{10, 10}, {20, 10}, {40, 10}, {15, 20}, {30, 20}, {30, 30}}
	y := []float64{2, 3, 3.2, 5, 8, 7}
	local := make([]float64, len(y))
	w := make([]int, len(y))
	for i, a := range pts {
		for j, b := range pts {
			if math.Hypot(a[0]-b[0], a[1]-b[1]) <= 15 {
				local[i] += y[j]
				w[i]++
			}
		}
	}
	z := giStar(y, local, w)
	want := []float64{-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331}
	for i := range z {
		near(t, "z", z[i], want[i], 1e-7)
	}
}

func TestGiStarDegenerate(t *testing.T) {
	tests := []struct {
		name     string
		x, local []float64
		w        []int
	}{
		{"empty", nil, nil, nil},
		{"one cell", []float64{3}, []float64{3}, []int{1}},
		{"all alike", []float64{2, 2, 2}, []float64{4, 6, 4}, []int{2, 3, 2}},
		{"neighbourhood is everything", []float64{1, 0}, []float64{1, 1}, []int{2, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i, z := range giStar(tc.x, tc.local, tc.w) {
				if z != 0 {
					t.Errorf("z[%d] = %v, want 0", i, z)
				}
			}
		})
	}
}

func TestPValue(t *testing.T) {
	tests := []struct{ z, p float64 }{
		{0, 1},
		{1.6448536269514722, 0.10}, // the 95th percentile of N(0, 1)
		{-1.959963984540054, 0.05}, // the 97.5th
		{2.5758293035489004, 0.01}, // the 99.5th
		{3.2905267314918945, 0.001},
		{ringZCentre, ringPCentre},
		{ringZRing, ringPRing},
		{ringZCorner, ringPCorner},
		{ringZEdge, ringPEdge},
		{math.Inf(1), 0},
	}
	for _, tc := range tests {
		near(t, "p", pValue(tc.z), tc.p, 1e-5*max(tc.p, 1e-4))
	}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.9g, want %.9g (±%g)", what, got, want, tol)
	}
}
