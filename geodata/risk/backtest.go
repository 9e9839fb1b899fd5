package risk

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

// DefaultSplit is the split date of a backtest when none is given.
var DefaultSplit = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)

// Backtest says how well risk computed from the record before a date
// foretells the dead and missing recorded near each segment from that
// date on (see "Backtest" in doc.go for the definitions).
type Backtest struct {
	Split          string         `json:"split"`
	Train          Period         `json:"train"`
	Test           Period         `json:"test"`
	RadiusKm       float64        `json:"radius_km"`
	Segments       int            `json:"segments"`
	Spearman       float64        `json:"spearman"`
	TopDecileShare float64        `json:"top_decile_share"`
	Classes        []ClassOutcome `json:"classes"`
	Baselines      []Baseline     `json:"baselines"`
}

// Period is the span of the incidents on one side of the split.
type Period struct {
	From string `json:"from"` // YYYY-MM-DD, "" when open
	To   string `json:"to"`   // YYYY-MM-DD
}

// ClassOutcome is what followed in the segments of one risk class.
type ClassOutcome struct {
	Class    Class `json:"class"`
	Segments int   `json:"segments"`
	// WithLaterIncidents is the share of the class's segments with at
	// least one incident in the test period within radius_km.
	WithLaterIncidents float64 `json:"share_with_later_incidents"`
	// LaterDeadMissing is the class's share of all later dead and missing
	// (summed over segments, so an incident near two segments counts twice).
	LaterDeadMissing float64 `json:"share_of_later_dead_and_missing"`
}

// Baseline is a simpler score tested the same way.
type Baseline struct {
	Name           string  `json:"name"`
	Description    string  `json:"description"`
	Spearman       float64 `json:"spearman"`
	TopDecileShare float64 `json:"top_decile_share"`
}

// plain returns p with the classic weight: every source weighing 1, no
// cap on severity, approximate incidents counted like exact ones.
func plain(p Params) Params {
	p.QualityFloor, p.SeverityCap, p.ApproxRadiusKm = 1, MaxSeverityCap, p.RadiusKm
	return p
}

// Backtest runs the analysis p on the incidents dated before split, with
// reference_date the day before it, and compares each segment's risk with
// the dead and missing of incidents dated from split to until (the latest
// incident when until is zero) within radius_km. p's reference_date and
// datetime are replaced; its routes, causes and weights are kept. Errors
// are those of Analyse, and Invalid when no incident is dated on either
// side of split.
func (a *Analyser) Backtest(ctx context.Context, p Params, split, until time.Time) (Backtest, error) {
	end, ok := a.DataThrough()
	if !ok {
		return Backtest{}, geodata.Errorf(geodata.Invalid, "the incidents have no dates, so there is nothing to backtest")
	}
	if !until.IsZero() {
		end = until
	}
	split = dateOf(split)
	if !split.After(dayTime(a.inc.minDay)) || split.After(end) {
		return Backtest{}, geodata.InvalidParam("split", "is "+split.Format(time.DateOnly)+", which leaves no incident on one side",
			"use a date after "+dayTime(a.inc.minDay).Format(time.DateOnly)+" and on or before "+end.Format(time.DateOnly))
	}
	before := split.AddDate(0, 0, -1)
	p.validOn = before // every run cuts the same segments: the lines current the day before the split
	train := p
	train.ReferenceDate, train.Time = before, nil
	test := plain(p)
	test.ReferenceDate = dateOf(end)
	test.Time = &geodata.Interval{Start: split, End: dateOf(end)}

	model, err := a.AnalyseContext(ctx, train)
	if err != nil {
		return Backtest{}, err
	}
	counts, err := a.AnalyseContext(ctx, plain(train))
	if err != nil {
		return Backtest{}, err
	}
	old := plain(train)
	old.HalfLifeDays = DefaultHalfLifeDays
	previous, err := a.AnalyseContext(ctx, old)
	if err != nil {
		return Backtest{}, err
	}
	later, err := a.AnalyseContext(ctx, test)
	if err != nil {
		return Backtest{}, err
	}

	n := len(model.Segments)
	outcome := make([]float64, n)
	risk, count, toll, prev := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range model.Segments {
		outcome[i] = later.Segments[i].Dead + later.Segments[i].Missing
		risk[i] = model.Segments[i].Risk
		count[i] = float64(counts.Segments[i].Incidents)
		toll[i] = counts.Segments[i].Dead + counts.Segments[i].Missing
		prev[i] = previous.Segments[i].Risk
	}
	bt := Backtest{
		Split:          split.Format(time.DateOnly),
		Train:          Period{From: dayTime(a.inc.minDay).Format(time.DateOnly), To: before.Format(time.DateOnly)},
		Test:           Period{From: split.Format(time.DateOnly), To: dateOf(end).Format(time.DateOnly)},
		RadiusKm:       p.RadiusKm,
		Segments:       n,
		Spearman:       Spearman(risk, outcome),
		TopDecileShare: TopShare(risk, outcome, 0.1),
		Baselines: []Baseline{
			{Name: "incident_count", Description: "incidents recorded within radius_km before the split, unweighted",
				Spearman: Spearman(count, outcome), TopDecileShare: TopShare(count, outcome, 0.1)},
			{Name: "dead_and_missing", Description: "dead and missing recorded within radius_km before the split, without decay or weights",
				Spearman: Spearman(toll, outcome), TopDecileShare: TopShare(toll, outcome, 0.1)},
			{Name: "previous_model", Description: "the first method: severity × recency (half-life 365 days) × kernel, no source-quality weight, no cap, approximate incidents counted like exact ones",
				Spearman: Spearman(prev, outcome), TopDecileShare: TopShare(prev, outcome, 0.1)},
		},
	}
	var total float64
	for _, o := range outcome {
		total += o
	}
	for _, c := range []Class{Low, Medium, High, Critical} {
		co := ClassOutcome{Class: c}
		var with int
		var sum float64
		for i, s := range model.Segments {
			if s.Class != c {
				continue
			}
			co.Segments++
			if later.Segments[i].Incidents > 0 {
				with++
			}
			sum += outcome[i]
		}
		if co.Segments > 0 {
			co.WithLaterIncidents = float64(with) / float64(co.Segments)
		}
		if total > 0 {
			co.LaterDeadMissing = sum / total
		}
		bt.Classes = append(bt.Classes, co)
	}
	return bt, nil
}

// Spearman returns the rank correlation of x and y: Pearson's correlation
// of their ranks, tied values taking the average of their ranks. It is 0
// when either has fewer than two distinct values.
func Spearman(x, y []float64) float64 {
	rx, ry := Ranks(x), Ranks(y)
	n := float64(len(rx))
	if n < 2 {
		return 0
	}
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

// Ranks returns the 1-based ranks of v in ascending order, ties taking
// the average of the ranks they span.
func Ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(v[a], v[b]) })
	out := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			out[idx[k]] = avg
		}
		i = j + 1
	}
	return out
}

// TopShare returns the share of the total outcome held by the fraction
// top of items with the highest score: the first ⌈top × n⌉ items by score.
// Where tied scores straddle that cut, the tied group contributes in
// proportion to the places left, so the answer does not depend on the
// order of ties. It is 0 when the outcome sums to 0.
func TopShare(score, outcome []float64, top float64) float64 {
	n := len(score)
	k := int(math.Ceil(top * float64(n)))
	if n == 0 || k == 0 {
		return 0
	}
	idx := make([]int, n)
	var total float64
	for i := range idx {
		idx[i] = i
		total += outcome[i]
	}
	if total == 0 {
		return 0
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(score[b], score[a]) })
	var held float64
	for i := 0; i < n && i < k; {
		j := i
		var group float64
		for j < n && score[idx[j]] == score[idx[i]] {
			group += outcome[idx[j]]
			j++
		}
		if j <= k {
			held += group
		} else {
			held += group * float64(k-i) / float64(j-i)
		}
		i = j
	}
	return held / total
}
