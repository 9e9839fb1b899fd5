package privacy

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

func TestPublicCount(t *testing.T) {
	for _, tc := range []struct {
		n    float64
		want float64
		ok   bool
	}{
		{0, 0, true}, {1, 0, false}, {4, 0, false}, {4.9, 0, false}, {5, 5, true}, {7, 5, true},
		{7.5, 10, true}, {8, 10, true}, {12, 10, true}, {13, 15, true}, {657, 655, true}, {math.NaN(), 0, true},
	} {
		got, ok := PublicCount(tc.n)
		if got != tc.want || ok != tc.ok {
			t.Errorf("PublicCount(%v) = %v, %v; want %v, %v", tc.n, got, ok, tc.want, tc.ok)
		}
	}
	// Any two shown counts differ by a multiple of K.
	for a := 5.0; a < 40; a++ {
		for b := a; b < 40; b++ {
			x, _ := PublicCount(a)
			y, _ := PublicCount(b)
			if d := y - x; math.Mod(d, K) != 0 {
				t.Fatalf("%v and %v differ by %v", x, y, d)
			}
		}
	}
}

func TestSignificantFigures(t *testing.T) {
	for _, tc := range []struct {
		v           float64
		digits      int
		floor, near float64
	}{
		{47.3, 1, 40, 50}, {50.2, 1, 50, 50}, {9.97, 1, 9, 10}, {1.04, 1, 1, 1}, {0.37, 1, 0.3, 0.4},
		{621.69, 2, 620, 620}, {0.30000000000000004, 1, 0.3, 0.3}, {0, 1, 0, 0}, {-47, 1, -40, -50},
	} {
		if got := FloorSignificant(tc.v, tc.digits); got != tc.floor {
			t.Errorf("FloorSignificant(%v, %d) = %v, want %v", tc.v, tc.digits, got, tc.floor)
		}
		if got := RoundSignificant(tc.v, tc.digits); got != tc.near {
			t.Errorf("RoundSignificant(%v, %d) = %v, want %v", tc.v, tc.digits, got, tc.near)
		}
	}
	// Flooring to one digit never crosses a one-digit breakpoint.
	for _, from := range []float64{1, 10, 50} {
		if FloorSignificant(from, 1) < from || FloorSignificant(from*0.999, 1) >= from {
			t.Errorf("breakpoint %v crossed", from)
		}
	}
}

func TestMetadataBelowStaff(t *testing.T) {
	m := geodata.Meta{ID: "incidents", Sensitivity: geodata.Restricted, BBox: []float64{12.6131, 35.5, 12.6131, 35.5}}
	if got := MetaFor(m, Public).BBox; !slices.Equal(got, []float64{12, 35, 13, 36}) {
		t.Errorf("public bbox %v", got)
	}
	if got := MetaFor(m, Staff).BBox; !slices.Equal(got, m.BBox) {
		t.Errorf("staff bbox %v", got)
	}
	open := geodata.Meta{Sensitivity: geodata.Public, BBox: m.BBox}
	if got := MetaFor(open, Public).BBox; !slices.Equal(got, m.BBox) {
		t.Errorf("a public layer's bbox is as stored: %v", got)
	}
	iv := geodata.Interval{Start: time.Date(2024, 3, 17, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 9, 8, 0, 0, 0, 0, time.UTC)}
	got := IntervalFor(iv, m, Partner)
	if got.Start.Day() != 1 || got.End.Day() != 30 || got.End.Month() != 9 {
		t.Errorf("partner interval %v", got)
	}
}
