package privacy

import (
	"math"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

// The rules of statistical disclosure control below the staff tier (see
// docs/privacy.md): small counts are suppressed, the others rounded to a
// base, continuous figures kept to few significant digits, times to
// months and extents to whole degrees, so that no answer, and no
// difference of two answers, singles out an incident.

// PublicCount is a count as the public tier shows it: 0 stays 0, 1 to K−1
// are suppressed (ok is false), K or more are rounded to the nearest
// multiple of K. Two rounded answers differ by a multiple of K, so
// differencing them cannot reveal a count from 1 to K−1.
func PublicCount(n float64) (v float64, ok bool) {
	switch {
	case n <= 0 || math.IsNaN(n):
		return 0, true
	case n < K:
		return 0, false
	}
	return math.Round(n/K) * K, true
}

// FloorSignificant keeps digits significant figures of v, rounding toward
// zero: 47.3 → 40 at one digit. A class breakpoint of one significant
// figure (1, 10, 50) is never crossed, so a rounded risk keeps its class.
func FloorSignificant(v float64, digits int) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	scale := math.Pow(10, float64(digits)-math.Ceil(math.Log10(math.Abs(v))))
	out := math.Trunc(v*scale) / scale
	// Remove the noise of the division (0.30000000000000004).
	return roundTo(out, digits)
}

// RoundSignificant rounds v to digits significant figures.
func RoundSignificant(v float64, digits int) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	return roundTo(v, digits)
}

func roundTo(v float64, digits int) float64 {
	if v == 0 {
		return 0
	}
	scale := math.Pow(10, float64(digits)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*scale) / scale
}

// CoarseBBox rounds a bounding box outward to whole degrees.
func CoarseBBox(b []float64) []float64 {
	if len(b) != 4 {
		return b
	}
	return []float64{math.Floor(b[0]), math.Floor(b[1]), math.Ceil(b[2]), math.Ceil(b[3])}
}

// MetaFor is the metadata of a layer as tier t sees it: a restricted
// layer's extent rounded outward to whole degrees below the staff tier, so
// that a layer of one point does not give the point away.
func MetaFor(m geodata.Meta, t Tier) geodata.Meta {
	if m.Sensitivity != geodata.Restricted || t == Staff {
		return m
	}
	m.BBox = CoarseBBox(m.BBox)
	return m
}

// IntervalFor is the time extent of a layer as tier t sees it: whole
// months below the staff tier for a restricted layer.
func IntervalFor(iv geodata.Interval, m geodata.Meta, t Tier) geodata.Interval {
	if m.Sensitivity != geodata.Restricted || t == Staff {
		return iv
	}
	return MonthInterval(iv)
}

// MonthStart returns the first day of t's month (UTC).
func MonthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
