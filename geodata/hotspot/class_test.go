package hotspot

import (
	"math"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		z, pFDR float64
		want    Class
	}{
		{3, 0.0001, Hot99},
		{3, 0.01, Hot99}, // the thresholds are inclusive
		{2, 0.0100001, Hot95},
		{2, 0.05, Hot95},
		{1.7, 0.050001, Hot90},
		{1.7, 0.10, Hot90},
		{1.7, 0.100001, NotSignificant},
		{1, 0.9, NotSignificant},
		{0, 0, NotSignificant}, // z = 0: no direction
		{math.NaN(), 0, NotSignificant},
		{-1.7, 0.10, Cold90},
		{-2, 0.05, Cold95},
		{-3, 0.01, Cold99},
		{-3, 0.2, NotSignificant},
		{3, math.NaN(), NotSignificant},
	}
	for _, tc := range tests {
		if got := Classify(tc.z, tc.pFDR); got != tc.want {
			t.Errorf("Classify(%v, %v) = %s, want %s", tc.z, tc.pFDR, got, tc.want)
		}
	}
}

func TestClassBin(t *testing.T) {
	want := []int{3, 2, 1, 0, -1, -2, -3}
	for i, c := range []Class{Hot99, Hot95, Hot90, NotSignificant, Cold90, Cold95, Cold99} {
		if c.Bin() != want[i] {
			t.Errorf("%s.Bin() = %d, want %d", c, c.Bin(), want[i])
		}
	}
	if Class("other").Bin() != 0 {
		t.Error("an unknown class has a bin")
	}
}
