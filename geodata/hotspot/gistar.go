package hotspot

import "math"

// giStar returns the Getis-Ord Gi* z-score of every cell of a study area
// with binary weights: x holds the value of each of the n cells, local
// the sum of the values in each cell's neighbourhood (Σ_j w_ij x_j, the
// cell itself included) and w the number of cells in it (W_i). See the
// package documentation for the formula; z is 0 where it is undefined.
func giStar(x, local []float64, w []int) []float64 {
	n := len(x)
	z := make([]float64, n)
	if n < 2 {
		return z
	}
	mean, sd := meanSD(x)
	if sd == 0 {
		return z
	}
	nf := float64(n)
	for i := range x {
		wi := float64(w[i])
		den := sd * math.Sqrt((nf*wi-wi*wi)/(nf-1))
		if !(den > 0) {
			continue
		}
		z[i] = (local[i] - mean*wi) / den
	}
	return z
}

// meanSD returns the mean of x and its population standard deviation
// (divided by n), computed in two passes for accuracy.
func meanSD(x []float64) (mean, sd float64) {
	if len(x) == 0 {
		return 0, 0
	}
	var sum float64
	for _, v := range x {
		sum += v
	}
	mean = sum / float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)))
}

// pValue returns the two-sided p-value of a standard normal z-score:
// 2 (1 − Φ(|z|)) = erfc(|z| / √2).
func pValue(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}
