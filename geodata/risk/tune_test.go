package risk

import (
	"context"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// tune prints the backtest of a grid of parameters on the bundled layers
// (go test -run TestTune -risk.tune ./geodata/risk/): the table from which
// the defaults were chosen (docs/risk-validation.md). Without it TestTune
// checks only the defaults against the baselines on the tuning split.
var tune = flag.Bool("risk.tune", false, "print the backtest of a grid of parameters")

// TestTune: on the split the defaults were chosen on (2014–2020 →
// 2021), the default model holds more of the later dead and missing in
// its top decile than the previous model and both naive baselines.
func TestTune(t *testing.T) {
	l := sampleLayers(t)
	a := NewAnalyser(l.routes, l.incidents, l.services)
	type row struct {
		radius, half, floor, cap, approx float64
	}
	var rows []row
	rows = append(rows,
		row{DefaultRadiusKm, DefaultHalfLifeDays, DefaultQualityFloor, DefaultSeverityCap, DefaultApproxRadiusKm}, // the defaults
		row{DefaultRadiusKm, DefaultHalfLifeDays, 1, MaxSeverityCap, DefaultRadiusKm},                             // the previous model
	)
	for _, half := range []float64{180, 365, 730} {
		if !*tune {
			break
		}
		for _, floor := range []float64{0, 0.25, 1} {
			for _, cap := range []float64{10, 100, MaxSeverityCap} {
				for _, approx := range []float64{25, 50} {
					rows = append(rows, row{DefaultRadiusKm, half, floor, cap, approx})
				}
			}
		}
	}
	if !*tune {
		rows = rows[:1] // the defaults; the previous model is one of its baselines
	}
	splits := [][2]time.Time{
		{time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	if *tune {
		splits = append(splits, [2]time.Time{DefaultSplit, {}}) // the held-out split, to report
	}
	for _, sp := range splits {
		split, until := sp[0], sp[1]
		t.Logf("split %s until %s", split.Format(time.DateOnly), until.Format(time.DateOnly))
		for i, r := range rows {
			p := DefaultParams(sampleDate)
			p.RadiusKm, p.HalfLifeDays, p.QualityFloor, p.SeverityCap, p.ApproxRadiusKm = r.radius, r.half, r.floor, r.cap, r.approx
			bt, err := a.Backtest(context.Background(), p, split, until)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("radius %3g half %5g floor %4g cap %6g approx %3g  spearman %.3f top10 %.3f | count %.3f %.3f | toll %.3f %.3f | prev %.3f %.3f",
				r.radius, r.half, r.floor, r.cap, r.approx, bt.Spearman, bt.TopDecileShare,
				bt.Baselines[0].Spearman, bt.Baselines[0].TopDecileShare, bt.Baselines[1].Spearman, bt.Baselines[1].TopDecileShare,
				bt.Baselines[2].Spearman, bt.Baselines[2].TopDecileShare)
			if i == 0 && *tune {
				tuneContext(t, l, p, split, until)
			}
			if i == 0 {
				for _, b := range bt.Baselines {
					if bt.TopDecileShare < b.TopDecileShare {
						t.Errorf("defaults hold %.3f of later dead and missing in their top decile, %s %.3f", bt.TopDecileShare, b.Name, b.TopDecileShare)
					}
				}
			}
		}
	}
}

// tuneContext prints what bounds the top-decile share on a split: the
// share a perfect ranking (the outcome itself) would hold, and the
// defaults on the traced route lines alone, without the schematic
// corridors drawn through named waypoints (docs/risk-validation.md).
func tuneContext(t *testing.T, l layers, p Params, split, until time.Time) {
	t.Helper()
	a := NewAnalyser(l.routes, l.incidents, l.services)
	end, _ := a.DataThrough()
	if !until.IsZero() {
		end = until
	}
	p.validOn = split.AddDate(0, 0, -1)
	test := plain(p)
	test.ReferenceDate, test.Time = end, &geodata.Interval{Start: split, End: end}
	later, err := a.AnalyseContext(context.Background(), test)
	if err != nil {
		t.Fatal(err)
	}
	outcome := make([]float64, len(later.Segments))
	for i, s := range later.Segments {
		outcome[i] = s.Dead + s.Missing
	}
	t.Logf("  a perfect ranking would hold %.3f", TopShare(outcome, outcome, 0.1))
	var traced []*geojson.Feature
	for _, f := range l.routes {
		if !strings.Contains(f.Properties.MustString("source", ""), "schematic") {
			traced = append(traced, f)
		}
	}
	bt, err := NewAnalyser(traced, l.incidents, l.services).Backtest(context.Background(), p, split, until)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("  traced lines only (%d segments): spearman %.3f top10 %.3f | count %.3f | previous %.3f",
		bt.Segments, bt.Spearman, bt.TopDecileShare, bt.Baselines[0].TopDecileShare, bt.Baselines[2].TopDecileShare)
}
