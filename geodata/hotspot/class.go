package hotspot

import "math"

// Class says whether a cell is a hot or cold spot and at which confidence.
type Class string

// The classes, from the hottest to the coldest.
const (
	Hot99          Class = "hot_99"          // z > 0, p_fdr ≤ Alpha99
	Hot95          Class = "hot_95"          // z > 0, Alpha99 < p_fdr ≤ Alpha95
	Hot90          Class = "hot_90"          // z > 0, Alpha95 < p_fdr ≤ Alpha90
	NotSignificant Class = "not_significant" // p_fdr > Alpha90, or z = 0
	Cold90         Class = "cold_90"         // z < 0, Alpha95 < p_fdr ≤ Alpha90
	Cold95         Class = "cold_95"         // z < 0, Alpha99 < p_fdr ≤ Alpha95
	Cold99         Class = "cold_99"         // z < 0, p_fdr ≤ Alpha99
)

// Significance levels of the classes: one minus the confidence.
const (
	Alpha99 = 0.01 // 99 % confidence
	Alpha95 = 0.05 // 95 % confidence
	Alpha90 = 0.10 // 90 % confidence
)

// Classify returns the class of a cell with z-score z and
// FDR-adjusted p-value pFDR.
func Classify(z, pFDR float64) Class {
	if z == 0 || math.IsNaN(z) || !(pFDR <= Alpha90) {
		return NotSignificant
	}
	hot, cold := Hot90, Cold90
	switch {
	case pFDR <= Alpha99:
		hot, cold = Hot99, Cold99
	case pFDR <= Alpha95:
		hot, cold = Hot95, Cold95
	}
	if z > 0 {
		return hot
	}
	return cold
}

// Bin returns the class as ArcGIS's Gi_Bin number: 3, 2, 1 for hot spots
// at 99, 95 and 90 % confidence, 0 for not significant, −1, −2, −3 for
// cold spots.
func (c Class) Bin() int {
	switch c {
	case Hot99:
		return 3
	case Hot95:
		return 2
	case Hot90:
		return 1
	case Cold90:
		return -1
	case Cold95:
		return -2
	case Cold99:
		return -3
	}
	return 0
}
