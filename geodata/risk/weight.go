package risk

import (
	"math"

	"github.com/routerisk/routerisk/geodata/vocab"
)

// DefaultNonFatalWeight is the severity of an incident that records no one
// dead and no one missing (see doc.go).
const DefaultNonFatalWeight = 0.5

// Severity is the weight of an incident by its toll: dead + missing, or
// nonFatal when both are zero (or absent). Negative counts count as zero.
func Severity(dead, missing, nonFatal float64) float64 {
	s := max(dead, 0) + max(missing, 0)
	if s > 0 {
		return s
	}
	return nonFatal
}

// Capped is Severity with at most cap dead and missing counted from one
// incident, so that a single record cannot dominate a ranking.
func Capped(dead, missing, nonFatal, cap float64) float64 {
	return min(Severity(dead, missing, nonFatal), cap)
}

// QualityWeight is the weight of an incident by its source quality q
// (1 lowest … 5 highest, MMP's scale): floor at 1 rising linearly to 1 at
// 5. A quality outside 1–5 (not given) weighs 1: layers that do not rate
// their sources are not penalised.
func QualityWeight(q int, floor float64) float64 {
	if q < 1 || q > 5 {
		return 1
	}
	return floor + (1-floor)*float64(q-1)/4
}

// Recency is the weight of an incident by its age: exp(−ln2 · age /
// halfLife), 1 on the reference date, ½ one half-life before it. Ages
// below zero (incidents after the reference date) are not weighed: the
// analysis leaves such incidents out.
func Recency(ageDays, halfLifeDays float64) float64 {
	return math.Exp(-math.Ln2 * ageDays / halfLifeDays)
}

// kernel is the weight of an incident by its distance d from the segment,
// given squared with the squared radius r (d2 = d², r2 = r², in any one
// unit): the quartic (biweight) kernel (1 − (d/r)²)², 1 on the line,
// falling smoothly to 0 at the radius, 0 beyond it. The analysis has its
// distances squared already (nearer), so it needs no square root.
func kernel(d2, r2 float64) float64 {
	if d2 >= r2 {
		return 0
	}
	v := 1 - d2/r2
	return v * v
}

// Class is a band of risk.
type Class string

// The classes of risk (package vocab holds them and their breakpoints).
const (
	Low      Class = vocab.RiskLow
	Medium   Class = vocab.RiskMedium
	High     Class = vocab.RiskHigh
	Critical Class = vocab.RiskCritical
)

// Breakpoints between the classes, in risk units (weighted dead and
// missing per 100 km of route; see doc.go): a risk below MediumFrom is
// Low, from MediumFrom Medium, from HighFrom High, from CriticalFrom
// Critical.
const (
	MediumFrom   = vocab.MediumFrom
	HighFrom     = vocab.HighFrom
	CriticalFrom = vocab.CriticalFrom
)

// ClassOf returns the class of a risk value.
func ClassOf(risk float64) Class { return Class(vocab.RiskClassOf(risk)) }
